"""Text files: reading the small ones people write (agreements and column mappings, TOML),
and writing ours whole."""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import tomllib
from pathlib import Path

from .fehler import EingabeFehler


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


def rechte(pfad: Path) -> int | None:
    """The permissions of a file written to ``pfad`` (and moved into place): those of the
    file it replaces, else those the user's umask gives a new file (not mkstemp's 0600,
    readable by its writer only). None on Windows: there the folder's access rules apply, and
    a read-only flag copied to the temporary file would only keep it from being removed."""
    if os.name != "posix":
        return None
    try:
        return stat.S_IMODE(pfad.stat().st_mode)
    except FileNotFoundError:
        maske = os.umask(0)
        os.umask(maske)
        return 0o666 & ~maske


def text_ersetzen(pfad: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``pfad`` whole: into a temporary file beside it, then moved
    into place, so that a reader never finds half a file and a failed write leaves the old."""
    try:
        pfad.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=pfad.parent, prefix=f".~zs-{pfad.stem}-", suffix=pfad.suffix)
    except PermissionError:
        raise EingabeFehler(
            f"{pfad}: Im Ordner {pfad.parent} darf nicht geschrieben werden. Bitte einen "
            "anderen Ordner angeben."
        ) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as datei:
            datei.write(text)
        if (modus := rechte(pfad)) is not None:
            os.chmod(tmp, modus)
        try:
            os.replace(tmp, pfad)
        except PermissionError:
            raise EingabeFehler(
                f"{pfad} lässt sich nicht ersetzen, wohl weil die Datei gerade geöffnet ist "
                "(etwa in Excel) oder schreibgeschützt ist. Bitte dort schließen und den "
                "Befehl wiederholen."
            ) from None
        except IsADirectoryError:
            raise EingabeFehler(
                f"{pfad} ist ein Ordner. Bitte einen Dateinamen angeben, z. B. "
                f"{pfad / ('ergebnis' + pfad.suffix)}."
            ) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
