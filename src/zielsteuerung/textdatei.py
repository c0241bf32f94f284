"""Files: reading the small text files people write (agreements and column mappings, TOML),
and writing ours whole (workbooks, results, settings)."""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

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


def _rechte(pfad: Path) -> int | None:
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


@contextmanager
def ersetzen(pfad: Path, modus: str = "wb", **optionen: Any) -> Iterator[IO[Any]]:
    """A file written whole: into a temporary file beside ``pfad`` (opened with ``modus`` and
    ``optionen``), flushed to disk and moved into place with the permissions of the file it
    replaces. A reader never finds half a file; where writing fails, the old file stays and
    the temporary one goes. Left-overs of a crash, more than an hour old, are removed first."""
    praefix = f".~zs-{pfad.stem}-"
    try:
        pfad.parent.mkdir(parents=True, exist_ok=True)
        for rest in pfad.parent.glob(f"{praefix}*{pfad.suffix}"):
            with contextlib.suppress(OSError):  # one that cannot be removed is harmless
                if rest.stat().st_mtime < time.time() - 3600:
                    rest.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=pfad.parent, prefix=praefix, suffix=pfad.suffix)
    except PermissionError:
        raise EingabeFehler(
            f"{pfad}: Im Ordner {pfad.parent} darf nicht geschrieben werden. Bitte einen "
            "anderen Ordner angeben."
        ) from None
    try:
        with os.fdopen(fd, modus, **optionen) as datei:
            yield datei
            datei.flush()
            os.fsync(datei.fileno())
        if (zugriff := _rechte(pfad)) is not None:
            os.chmod(tmp, zugriff)
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
