"""Small text files written by people: agreements and column mappings (TOML)."""

from __future__ import annotations

import re
import tomllib


def text_lesen(rohdaten: bytes) -> str:
    """A small text file as editors on Windows save it: UTF-8 (with or without BOM), UTF-16
    with BOM (PowerShell's redirection), or Windows-1252."""
    if rohdaten.startswith((b"\xff\xfe", b"\xfe\xff")):
        return rohdaten.decode("utf-16")
    try:
        return rohdaten.decode("utf-8-sig")
    except UnicodeDecodeError:
        return rohdaten.decode("cp1252", errors="replace")


def toml_fehler(exc: tomllib.TOMLDecodeError) -> str:
    """German location of a TOML syntax error: 'Zeile 2, Spalte 14: Invalid value'."""
    text = str(exc)
    ort = re.search(r"\(at line (\d+), column (\d+)\)", text)
    art = re.sub(r"\s*\(at .*\)$", "", text)
    if ort:
        return f"Zeile {ort.group(1)}, Spalte {ort.group(2)}: {art}"
    return f"am Dateiende: {art}" if "end of document" in text else text
