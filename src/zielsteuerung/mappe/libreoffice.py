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


def als_bilder(mappe: Path, blaetter: list[str], ordner: Path, aufloesung: int = 80) -> list[Path]:
    """Render the named sheets (their print areas) to PNG pages, one file per page."""
    if not shutil.which("pdftoppm"):
        raise LibreOfficeFehlt(
            "pdftoppm wurde nicht gefunden (Debian: apt-get install poppler-utils)."
        )
    ordner.mkdir(parents=True, exist_ok=True)
    bilder: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="zs-bilder-") as tmp:
        # recalculated once, so that a sheet printed alone shows the values of its formulas
        berechnet = umwandeln(mappe, "xlsx", Path(tmp) / "berechnet")
        for blatt in blaetter:
            wb = load_workbook(berechnet, data_only=True)
            if blatt not in wb.sheetnames:
                raise ZielsteuerungFehler(f"Blatt „{blatt}“ fehlt in {mappe.name}.")
            for ws in list(wb.worksheets):
                if ws.title != blatt:
                    wb.remove(ws)
            kopie = Path(tmp) / f"{_dateiname(blatt)}.xlsx"
            wb.save(kopie)
            pdf = umwandeln(kopie, "pdf", Path(tmp))
            praefix = ordner / _dateiname(blatt)
            subprocess.run(
                ["pdftoppm", "-png", "-r", str(aufloesung), str(pdf), str(praefix)],
                check=True, capture_output=True, timeout=300,
            )  # fmt: skip
            bilder += sorted(ordner.glob(f"{praefix.name}-*.png"))
    return bilder


def _dateiname(blatt: str) -> str:
    return blatt.replace("Ü", "Ue").replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
