"""Folders of files: the Datenordner the ribbon imports, a folder of ministry copies.

Only the folder's own files count (not its subfolders), and not the lock files an open
workbook leaves beside it: Excel's ``~$name.xlsx``, LibreOffice's ``.~lock.name#``.
"""

from __future__ import annotations

from pathlib import Path

from .zuordnung import Spaltenzuordnung, lade

#: the mapping of a whole Datenordner (a file's own lies beside it: ``NAME.toml``)
ORDNER_ZUORDNUNG = "spaltenzuordnung.toml"

_SPERRDATEIEN = ("~$", ".~")

#: the files of a Datenordner the import takes: .csv and .xlsx, and the spreadsheet formats it
#: refuses with the way to convert them (left aside, a month saved as .xls would be missing
#: from the evaluation without a word)
DATENDATEIEN = (".csv", ".xlsx", ".xls", ".xlsm", ".xlsb", ".ods")


def dateien_im_ordner(ordner: Path, endungen: tuple[str, ...]) -> list[Path]:
    """The folder's files with one of the endings (lower case, with the dot), by name."""
    return sorted(
        p
        for p in ordner.iterdir()
        if p.suffix.lower() in endungen and not p.name.startswith(_SPERRDATEIEN) and p.is_file()
    )


def eigene_zuordnung(datei: Path) -> Path:
    """Where a file's own mapping lies: beside it, ``NAME.toml``. With it, a file imported
    before with another mapping is read again, replacing that import (the user put it there
    for this file); a changed ``spaltenzuordnung.toml`` reads no file again."""
    return datei.with_suffix(".toml")


def zuordnungen_im_ordner(pfade: list[Path]) -> dict[Path, Spaltenzuordnung]:
    """The mapping for each file of a Datenordner: the file's own beside it (``juli.xlsx``:
    ``juli.toml``), else the folder's ``spaltenzuordnung.toml``; files with neither are read
    with the built-in one."""
    gefunden: dict[Path, Spaltenzuordnung] = {}
    geladen: dict[Path, Spaltenzuordnung] = {}
    for datei in pfade:
        for kandidat in (eigene_zuordnung(datei), datei.parent / ORDNER_ZUORDNUNG):
            if kandidat.is_file():
                if kandidat not in geladen:
                    geladen[kandidat] = lade(kandidat)
                gefunden[datei] = geladen[kandidat]
                break
    return gefunden
