#!/usr/bin/env python3
"""Writes data/python-codecs.json: how CPython names and decodes the encodings a source file may declare.

pylazy reads a file in the encoding its PEP 263 cookie names (src/parse/source.ts). UTF-8 and
Latin-1 it decodes with node's own decoders; every other ASCII-compatible single-byte codec of
CPython's `encodings` package (a charmap codec, or ASCII) it decodes and encodes back with the table written here, taken from
the Python that runs this script:

- "aliases": each name `encodings.aliases` knows and `codecs.lookup` finds, normalized as
  `encodings.normalize_encoding` leaves it, with the codec it stands for (only the codecs below,
  `utf_8`, `utf_8_sig` and `latin_1`);
- "others": every other name `codecs.lookup` finds there (`shift_jis`, `utf_16`, `cp037`…),
  normalized the same way, so that a file naming one is told apart from one naming no codec at all;
- "tables": for each such codec, the characters bytes 0x80 to 0xFF decode to, 128 of them, with
  U+FFFE where the codec has none (CPython's own mark for it). Bytes below 0x80 are ASCII in
  every one of them (codecs where they are not, such as EBCDIC, are left out).

Run it again with a newer Python to pick up its codecs: `python3 scripts/python-codecs.py`.
test/source.test.ts checks the file against the python3 it finds.
"""

import codecs
import encodings
import encodings.aliases
import importlib
import json
import pathlib
import pkgutil
import sys

UNDEFINED = "\ufffe"


def upper_half(name):
    """The 128 characters of bytes 0x80-0xFF, or None when the codec is not one this file holds."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True):
        return None
    characters = []
    for byte in range(256):
        try:
            decoded = bytes([byte]).decode(info.name)
        except UnicodeError:
            decoded = UNDEFINED
        if len(decoded) != 1:
            return None
        characters.append(decoded)
    # ASCII text reads as itself (not so in IDNA, which reads `xn--` names).
    ascii_text = bytes(range(128)) + b"\nxn--bcher-kva.Example # -*- coding: x -*-\n"
    try:
        if ascii_text.decode(info.name) != ascii_text.decode("ascii"):
            return None
    except UnicodeError:
        return None
    # Single-byte: every pair of bytes decodes to the two characters of its bytes.
    for first in range(128, 256):
        for second in (0x41, 0x80, 0xA1, 0xFF):
            try:
                pair = bytes([first, second]).decode(info.name)
            except UnicodeError:
                if characters[first] != UNDEFINED and characters[second] != UNDEFINED:
                    return None
                continue
            if pair != characters[first] + characters[second]:
                return None
    # No two bytes read as one character, so that a file written back is the file read, byte for
    # byte (not so in cp1006, nor in mac_arabic and mac_farsi, which repeat ASCII's punctuation).
    defined = [character for character in characters if character != UNDEFINED]
    if len(set(defined)) != len(defined):
        return None
    # One UTF-16 unit each, as src/parse/source.ts reads them.
    if any(ord(character) > 0xFFFF for character in characters):
        return None
    return "".join(characters[128:])


def main():
    modules = sorted(module.name for module in pkgutil.iter_modules(encodings.__path__))
    tables = {}
    for module in modules:
        if module in ("aliases", "utf_8", "utf_8_sig", "latin_1", "charmap", "raw_unicode_escape", "unicode_escape"):
            continue
        try:
            loaded = importlib.import_module(f"encodings.{module}")
        except ImportError:
            continue
        # A charmap codec (a byte is a character, no state), or ASCII.
        if module != "ascii" and not hasattr(loaded, "decoding_table") and not hasattr(loaded, "decoding_map"):
            continue
        half = upper_half(module)
        if half is not None:
            tables[module] = half
    known = set(tables) | {"utf_8", "utf_8_sig", "latin_1"}
    aliases = {codec: codec for codec in known}
    for alias, codec in encodings.aliases.aliases.items():
        # Only the names codecs.lookup finds (it lowers the case first: `csHPRoman8` it does not).
        if codec in known and alias == alias.lower() and codecs.lookup(alias).name == codecs.lookup(codec).name:
            aliases[encodings.normalize_encoding(alias)] = codec
    # Those no name reaches (`iso8859_1`: its names all stand for `latin_1`, the same table).
    tables = {codec: table for codec, table in tables.items() if codec in aliases.values()}
    others = set()
    for name in modules + list(encodings.aliases.aliases):
        normal = encodings.normalize_encoding(name.lower())
        if normal in aliases:
            continue
        try:
            codecs.lookup(normal)
        except LookupError:
            continue
        others.add(normal)
    data = {
        "python": sys.version.split()[0],
        "aliases": dict(sorted(aliases.items())),
        "others": sorted(others),
        "tables": dict(sorted(tables.items())),
    }
    out = pathlib.Path(__file__).resolve().parent.parent / "data" / "python-codecs.json"
    out.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{out}: {len(tables)} codecs, {len(aliases)} names, {len(others)} other names (Python {data['python']})")


main()
