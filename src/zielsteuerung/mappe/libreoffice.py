"""LibreOffice, headless: recalculate what we write, and render sheets to PDF and PNG.

Used by the command ``zielsteuerung bilder`` and by the tests, which open every workbook we
write in a real spreadsheet program. One profile directory per call, German locale, formulas
always recalculated on load.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from openpyxl import load_workbook

from ..daten.zuordnung import liste
from ..fehler import ZielsteuerungFehler

_PROFIL = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
  xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">
<value>de-DE</value></prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooLocale" oor:op="fuse">
<value>de-DE</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode"
  oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


class LibreOfficeFehlt(ZielsteuerungFehler):
    """LibreOffice (soffice) is not installed."""


def programm() -> str:
    pfad = shutil.which("soffice") or shutil.which("libreoffice")
    if not pfad:
        raise LibreOfficeFehlt(
            "LibreOffice wurde nicht gefunden (Befehl soffice). Unter Debian/Ubuntu: "
            "apt-get install libreoffice-calc-nogui poppler-utils"
        )
    return pfad


def umwandeln(quelle: Path, ziel_format: str, ordner: Path) -> Path:
    """Open ``quelle`` in LibreOffice, recalculate, save as ``ziel_format`` (xlsx, pdf)."""
    ordner.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profil-") as profil:
        benutzer = Path(profil) / "user"
        benutzer.mkdir()
        (benutzer / "registrymodifications.xcu").write_text(_PROFIL, encoding="utf-8")
        lauf = subprocess.run(
            [programm(), f"-env:UserInstallation={Path(profil).as_uri()}", "--headless",
             "--norestore", "--convert-to", ziel_format, "--outdir", str(ordner), str(quelle)],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    ergebnis = ordner / f"{quelle.stem}.{ziel_format.split(':')[0]}"
    if lauf.returncode != 0 or not ergebnis.exists():  # soffice exits 0 even when it failed
        raise ZielsteuerungFehler(
            f"LibreOffice konnte {quelle.name} nicht umwandeln: {lauf.stderr.strip()[-300:]}"
        )
    return ergebnis


#: the sheets rendered where none are named (those of them the workbook has)
STANDARDBLAETTER = ("Übersicht", "Gender", "Verlauf")


def als_bilder(
    mappe: Path, blaetter: list[str] | None, ordner: Path, aufloesung: int = 80
) -> list[Path]:
    """Render the named sheets (their print areas; ``None``: the workbook's
    ``STANDARDBLAETTER``) to PNG pages, one file per page. Every sheet is looked up before
    any is rendered; earlier pages of a rendered sheet in ``ordner`` are removed, so that the
    folder holds no page a sheet no longer has."""
    if not shutil.which("pdftoppm"):
        raise LibreOfficeFehlt(
            "pdftoppm wurde nicht gefunden (Debian: apt-get install poppler-utils)."
        )
    bilder: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="zs-bilder-") as tmp:
        # recalculated once, so that a sheet printed alone shows the values of its formulas
        berechnet = umwandeln(mappe, "xlsx", Path(tmp) / "berechnet")
        gelesen = load_workbook(berechnet, read_only=True)
        namen = gelesen.sheetnames
        gelesen.close()
        gewaehlt = blaetter or [b for b in STANDARDBLAETTER if b in namen]
        fehlt = next((b for b in blaetter or [] if b not in namen), None)
        if fehlt or not gewaehlt:
            raise ZielsteuerungFehler(
                (f"Blatt „{fehlt}“ fehlt in {mappe.name}." if fehlt else
                 f"{mappe.name} hat keines der Blätter {liste(STANDARDBLAETTER)}.")
                + f" Blätter der Mappe: {liste(namen)}; mit --blatt NAME wählen (mehrfach "
                "möglich)."
            )  # fmt: skip
        ordner.mkdir(parents=True, exist_ok=True)
        for blatt in gewaehlt:
            wb = load_workbook(berechnet, data_only=True)
            for ws in list(wb.worksheets):
                if ws.title != blatt:
                    wb.remove(ws)
            kopie = Path(tmp) / f"{_dateiname(blatt)}.xlsx"
            wb.save(kopie)
            pdf = umwandeln(kopie, "pdf", Path(tmp))
            for frueher in _seiten(ordner, blatt):
                frueher.unlink()
            subprocess.run(
                ["pdftoppm", "-png", "-r", str(aufloesung), str(pdf),
                 str(ordner / _dateiname(blatt))],
                check=True, capture_output=True, timeout=300,
            )  # fmt: skip
            bilder += _seiten(ordner, blatt)
    return bilder


def _seiten(ordner: Path, blatt: str) -> list[Path]:
    """The pages of ``blatt`` in ``ordner`` (``<Blatt>-<Seite>.png``; pdftoppm writes the
    page numbers with as many digits as the last one has), in page order."""
    praefix = f"{_dateiname(blatt)}-"
    seiten = [p for p in ordner.glob(f"{praefix}*.png") if p.stem.removeprefix(praefix).isdigit()]
    return sorted(seiten, key=lambda p: int(p.stem.removeprefix(praefix)))


def _dateiname(blatt: str) -> str:
    return blatt.replace("Ü", "Ue").replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
