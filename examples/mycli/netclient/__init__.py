"""A requests-like stand-in: about 40 ms of its own import time (time.sleep).

fetch() never touches the network; it answers every URL with a canned response.
"""
import time
from urllib.parse import urlsplit

import importlog

time.sleep(0.040)
importlog.LOADED.append(__name__)


def fetch(url):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an http(s) URL: {url!r}")
    return {
        "url": url,
        "status": 200,
        "headers": {"content-type": "application/json", "server": parts.netloc},
        "body": {"path": parts.path or "/", "ok": True},
    }
