"""Opening and saving a workbook safely: refuse what openpyxl would lose, respect Excel's and
LibreOffice's lock files, and save through a temporary file moved into place in one step.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path

from openpyxl import Workbook, load_workbook

from ..fehler import EingabeFehler

_NICHT_TRAGBAR = (
    ("xl/vbaProject.bin", "Makros (VBA)"),
    ("xl/pivotTables/", "Pivot-Tabellen"),
    ("xl/pivotCache/", "Pivot-Tabellen"),
    ("xl/slicers/", "Datenschnitte"),
    ("xl/slicerCaches/", "Datenschnitte"),
    ("xl/timelines/", "Zeitachsen"),
    ("xl/threadedComments/", "Kommentare mit Unterhaltung (neue Kommentare)"),
    ("xl/ctrlProps/", "Formularsteuerelemente"),
    ("xl/activeX/", "ActiveX-Steuerelemente"),
    ("xl/embeddings/", "eingebettete Objekte"),
    ("xl/media/", "Bilder"),
    ("xl/chartsheets/", "Diagrammblätter"),
    ("customXml/", "benutzerdefinierte XML-Daten (z. B. Vertraulichkeitsbezeichnungen)"),
)


_WARNUNGEN = {
    "Data Validation extension": "erweiterte Datenüberprüfung (Listen aus anderen Blättern)",
    "Conditional Formatting extension": "erweiterte bedingte Formatierung (z. B. Datenbalken)",
    "Slicer List extension": "Datenschnitte",
    "Sparkline Group extension": "Sparklines",
}


def nicht_tragbare_inhalte(pfad: Path) -> list[str]:
    """What a refresh through openpyxl would drop from this workbook (German descriptions)."""
    gefunden: list[str] = []
    with zipfile.ZipFile(pfad) as archiv:
        namen = archiv.namelist()
        for praefix, text in _NICHT_TRAGBAR:
            if any(n.startswith(praefix) for n in namen) and text not in gefunden:
                gefunden.append(text)
        for n in namen:
            if n.startswith("xl/drawings/drawing") and n.endswith(".xml"):
                xml = archiv.read(n)
                if b"<xdr:sp>" in xml or b"<xdr:sp " in xml or b"<xdr:grpSp" in xml:
                    gefunden.append("Formen oder Textfelder")
            if n.startswith("xl/worksheets/sheet") and b"sparklineGroup" in archiv.read(n):
                gefunden.append("Sparklines")
    return list(dict.fromkeys(gefunden))


def _sperrdateien(pfad: Path) -> Iterator[Path]:
    name = pfad.name
    yield pfad.with_name("~$" + name)
    yield pfad.with_name("~$" + name[2:])  # Excel shortens long names this way
    yield pfad.with_name(f".~lock.{name}#")  # LibreOffice


def pruefe_schreibbar(pfad: Path) -> None:
    for sperre in _sperrdateien(pfad):
        if sperre.exists():
            raise EingabeFehler(
                f"Die Arbeitsmappe {pfad.name} ist gerade geöffnet (Sperrdatei {sperre.name}). "
                "Bitte in Excel schließen und erneut versuchen; die Datei wurde nicht verändert."
            )


def laden(pfad: Path) -> Workbook:
    """Open an existing controlling workbook, refusing what would lose the user's work."""
    if pfad.suffix.lower() != ".xlsx":
        raise EingabeFehler(
            f"{pfad.name}: Controlling-Arbeitsmappen sind .xlsx-Dateien (ohne Makros)."
        )
    try:
        verloren = nicht_tragbare_inhalte(pfad)
        with warnings.catch_warnings(record=True) as gewarnt:
            warnings.simplefilter("always")
            wb = load_workbook(pfad, keep_links=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise EingabeFehler(
            f"{pfad.name} ist keine gültige Excel-Arbeitsmappe (.xlsx) oder ist beschädigt "
            f"({type(exc).__name__}); die Datei wurde nicht verändert."
        ) from None
    for w in gewarnt:
        for schluessel, text in _WARNUNGEN.items():
            if schluessel in str(w.message) and text not in verloren:
                verloren.append(text)
    if not any("tbl_Ziele" in ws.tables for ws in wb.worksheets):
        raise EingabeFehler(
            f"{pfad.name} ist keine Controlling-Arbeitsmappe von zielsteuerung (die Tabelle "
            "tbl_Ziele fehlt); die Datei wurde nicht verändert. Für eine neue Arbeitsmappe bitte "
            "einen anderen Dateinamen wählen."
        )
    if verloren:
        raise EingabeFehler(
            f"{pfad.name} enthält Inhalte, die beim Aktualisieren verloren gingen: "
            + ", ".join(verloren)
            + ". Die Datei wurde nicht verändert. Bitte diese Inhalte in eine eigene Datei "
            "verschieben (oder die Mappe unter neuem Namen ohne sie speichern) und erneut "
            "aktualisieren."
        )
    return wb


def speichern(wb: Workbook, pfad: Path) -> None:
    """Write to a temporary file beside the target, then move it into place in one step."""
    pfad.parent.mkdir(parents=True, exist_ok=True)
    praefix = f".~zs-{pfad.stem}-"
    for rest in pfad.parent.glob(f"{praefix}*.xlsx"):  # left by a crash, more than an hour ago
        if rest.stat().st_mtime < dt.datetime.now().timestamp() - 3600:
            rest.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(dir=pfad.parent, prefix=praefix, suffix=".xlsx")
    try:
        with os.fdopen(fd, "wb") as datei:
            wb.save(datei)
            datei.flush()
            os.fsync(datei.fileno())
        os.replace(tmp, pfad)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
