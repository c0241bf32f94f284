"""Limits against hostile or broken files. Each can be changed by an environment variable
(docs/sicherheit.md); a file over a limit is refused with a German message, never half read.
"""

from __future__ import annotations

import os
import re
import zipfile

from ..fehler import EingabeFehler
from ..kern.zahlen import zahl


def _grenze(name: str, standard: int) -> int:
    text = os.environ.get(name)
    if text is None:
        return standard
    try:
        wert = int(text)
    except ValueError:
        raise EingabeFehler(f"Die Umgebungsvariable {name} muss eine ganze Zahl sein.") from None
    if wert <= 0:
        raise EingabeFehler(f"Die Umgebungsvariable {name} muss größer als 0 sein.")
    return wert


def max_datei_mb() -> int:
    """Largest file read at all (the national history of all Jobcenters is about 150 MB)."""
    return _grenze("ZIELSTEUERUNG_MAX_DATEI_MB", 1024)


def max_entpackt_mb() -> int:
    """Largest total size of an Excel file's unpacked parts."""
    return _grenze("ZIELSTEUERUNG_MAX_ENTPACKT_MB", 2048)


def max_kompression() -> int:
    """Largest packing ratio of one part; real workbooks stay far below (zip bombs far above)."""
    return _grenze("ZIELSTEUERUNG_MAX_KOMPRESSION", 200)


def max_zeilen() -> int:
    """Largest number of rows of an Excel sheet (larger tables belong in a CSV file)."""
    return _grenze("ZIELSTEUERUNG_MAX_ZEILEN", 500_000)


def max_zeilenlaenge_kb() -> int:
    """Longest line of a CSV file."""
    return _grenze("ZIELSTEUERUNG_MAX_ZEILENLAENGE_KB", 1024)


def zip_pruefen(archiv: zipfile.ZipFile) -> list[str]:
    """What makes a zip (xlsx) unsafe to unpack: strange names, bombs, too many parts."""
    probleme: list[str] = []
    teile = archiv.infolist()
    if len(teile) > 10_000:
        probleme.append(f"Die Datei besteht aus {zahl(len(teile))} Teilen (zu viele).")
    for teil in teile:
        name = teil.filename
        if (
            name.startswith(("/", "\\"))
            or ".." in re.split(r"[/\\]", name)
            or re.match(r"^[A-Za-z]:", name)
        ):
            probleme.append(f"Ungültiger Teilname „{name[:80]}“ (Pfad außerhalb der Datei).")
            break
    gesamt = sum(t.file_size for t in teile)
    if gesamt > max_entpackt_mb() * 1024 * 1024:
        probleme.append(
            f"Entpackt wäre die Datei {zahl(gesamt / 1024 / 1024)} MB groß (Grenze "
            f"{zahl(max_entpackt_mb())} MB, ZIELSTEUERUNG_MAX_ENTPACKT_MB)."
        )
    for teil in teile:
        faktor = teil.file_size / max(teil.compress_size, 1)
        if teil.file_size > 1024 * 1024 and faktor > max_kompression():
            probleme.append(
                f"Der Teil „{teil.filename[:80]}“ ist {zahl(faktor)}-fach gepackt (Grenze "
                f"{max_kompression()}, ZIELSTEUERUNG_MAX_KOMPRESSION): vermutlich eine ZIP-Bombe."
            )
            break
    return probleme
