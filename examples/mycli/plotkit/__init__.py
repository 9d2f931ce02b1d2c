"""A matplotlib-like stand-in: about 20 ms of its own import time (time.sleep);
importing plotkit.pyplot adds about 40 ms more, about 60 ms in all.
"""
import time

import importlog

time.sleep(0.020)
importlog.LOADED.append(__name__)

__version__ = "2.1.0"
