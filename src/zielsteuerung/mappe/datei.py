"""Opening and saving a workbook safely: refuse what openpyxl would lose, respect Excel's and
LibreOffice's lock files, and save through a temporary file moved into place in one step.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import get_column_letter, range_boundaries

from ..fehler import EingabeFehler
from ..textdatei import ersetzen
from .vertrag import EXPORTIERT_AM, TABELLEN
from .zeilen import Mappenschreiber

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


_NAME = re.compile(rb'<definedName\b[^>]*\sname="([^"]*)"')


def namen_und_tabellen(pfad: Path) -> tuple[set[str], set[str]] | None:
    """The defined names and the tables of an .xlsx, read from its parts without loading it
    (None where the file is no workbook): enough to tell what the file is."""
    try:
        with zipfile.ZipFile(pfad) as archiv:
            namen = set(_NAME.findall(archiv.read("xl/workbook.xml")))
            tabellen = {
                name
                for teil in archiv.namelist()
                if teil.startswith("xl/tables/") and teil.endswith(".xml")
                for name, _ in _TABELLENTEIL.findall(archiv.read(teil))
            }
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    return {n.decode() for n in namen}, {t.decode() for t in tabellen}


def _art(gelesen: tuple[set[str], set[str]] | None) -> str:
    if gelesen is None:
        return "keine Excel-Arbeitsmappe"
    namen, tabellen = gelesen
    if EXPORTIERT_AM in namen:
        return "eine Kopie für das Ministerium"
    return "eine Controlling-Arbeitsmappe" if "tbl_Ziele" in tabellen else "eine andere Datei"


def nicht_ueberschreiben(
    pfad: Path, was: str, ist_eigene: Callable[[set[str], set[str]], bool]
) -> None:
    """Before a ``was`` ("Übersicht …") is written to ``pfad``: a file there is replaced only
    where ``ist_eigene`` knows it, by its names and tables, as one of that kind (written there
    before); any other stays, a controlling workbook above all."""
    if not pfad.exists():
        return
    gelesen = namen_und_tabellen(pfad)
    if gelesen is not None and ist_eigene(*gelesen):
        return
    raise EingabeFehler(
        f"{pfad.name} gibt es schon; die Datei ist {_art(gelesen)}, keine {was}, und wird nicht "
        "überschrieben. Bitte einen anderen Dateinamen angeben (oder die Datei zuerst selbst "
        "umbenennen oder löschen)."
    )


_ANHANG = TABELLEN["tbl_Daten"]
_ZEILE = re.compile(rb"<row\b([^>]*?)(?:/>|>(.*?)</row>)", re.S)
_NUMMER = re.compile(rb'\sr="(\d+)"')
_ZELLE = re.compile(rb"<c\b")
_SPALTE = re.compile(rb'<c\b[^>]*?\sr="([A-Z]{1,3})\d+"')
_TABELLENTEIL = re.compile(rb'<table\b[^>]*\sdisplayName="([^"]*)"[^>]*\sref="([^"]*)"')


def rumpf_weglassen(xml: bytes, ref: str) -> bytes:
    """A worksheet's XML without the cells of the table at ``ref`` below its first row of
    values; a row holding anything else keeps everything, and every row keeps its height and
    other attributes. A sheet with shared formulas is left whole (a formula shared from a row
    left out would be lost to the cells sharing it)."""
    if b't="shared"' in xml:
        return xml
    erste, kopf, letzte, unten = range_boundaries(ref)
    spalten = {get_column_letter(c).encode() for c in range(erste, letzte + 1)}

    def zeile(treffer: re.Match[bytes]) -> bytes:
        nummer = _NUMMER.search(treffer[1])
        if not treffer[2] or nummer is None or not kopf + 2 <= int(nummer[1]) <= unten:
            return treffer[0]
        gefunden = _SPALTE.findall(treffer[2])
        if len(gefunden) != len(_ZELLE.findall(treffer[2])) or not spalten.issuperset(gefunden):
            return treffer[0]  # a cell outside the table (or one without its reference)
        return b"<row" + treffer[1] + b"></row>"

    return _ZEILE.sub(zeile, xml)


class _Archiv(zipfile.ZipFile):
    """The workbook's archive as openpyxl reads it for a refresh: the sheet of the appendix
    (tbl_Daten, four fifths of the cells of a national workbook) without the rows of values the
    refresh writes anew, but the first (whose formats the new rows take). Where the user has
    added a column to the table, the sheet is read whole."""

    def __init__(self, pfad: Path) -> None:
        super().__init__(pfad)
        self.anhang: tuple[str, str] | None = None  # (sheet part, table range)
        namen = self.namelist()
        for teil in (n for n in namen if n.startswith("xl/tables/") and n.endswith(".xml")):
            xml = self.read(teil)
            kopf = _TABELLENTEIL.search(xml)
            if kopf is None or kopf[1] != _ANHANG.name.encode():
                continue
            spalten = re.findall(rb'<tableColumn\b[^>]*\sname="([^"]*)"', xml)
            if tuple(s.decode() for s in spalten) != _ANHANG.namen:
                return
            ziel = b"tables/" + teil.rsplit("/", 1)[1].encode() + b'"'
            for rels in (n for n in namen if n.startswith("xl/worksheets/_rels/")):
                if ziel in self.read(rels):
                    blatt = "xl/worksheets/" + rels.rsplit("/", 1)[1].removesuffix(".rels")
                    self.anhang = (blatt, kopf[2].decode())
                    break
            return

    def open(self, name: Any, *args: Any, **kwargs: Any) -> IO[bytes]:
        if self.anhang is None or getattr(name, "filename", name) != self.anhang[0]:
            return super().open(name, *args, **kwargs)
        with super().open(name, *args, **kwargs) as teil:
            return io.BytesIO(rumpf_weglassen(teil.read(), self.anhang[1]))


def laden(pfad: Path) -> Workbook:
    """Open an existing controlling workbook for a refresh, refusing what would lose the
    user's work. The appendix's rows of values are not read (``_Archiv``): the refresh writes
    them anew."""
    if pfad.suffix.lower() != ".xlsx":
        raise EingabeFehler(
            f"{pfad.name}: Controlling-Arbeitsmappen sind .xlsx-Dateien (ohne Makros)."
        )
    try:
        verloren = nicht_tragbare_inhalte(pfad)
        with warnings.catch_warnings(record=True) as gewarnt:
            warnings.simplefilter("always")
            leser = ExcelReader(pfad, keep_links=True)  # as load_workbook, but from _Archiv
            leser.archive.close()
            leser.archive = _Archiv(pfad)
            try:
                leser.read()
            finally:
                leser.archive.close()
            wb = leser.wb
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
    if EXPORTIERT_AM in wb.defined_names:
        raise EingabeFehler(
            f"{pfad.name} ist eine Kopie für das Ministerium (nur Werte) und wird nicht "
            "aktualisiert; die Datei wurde nicht verändert. Bitte die Controlling-Arbeitsmappe "
            "aktualisieren und die Kopie neu schreiben (zielsteuerung export-ministerium)."
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


_INLINE = re.compile(
    rb'<c ([^>]*?)t="inlineStr"([^>]*)><is><t( xml:space="preserve")?>([^<]*)</t></is></c>'
)


class _GemeinsameTexte(zipfile.ZipFile):
    """The archive openpyxl writes a workbook into, with the text of its cells in one table
    of shared strings (as Excel writes them) instead of inline in every cell: openpyxl then
    reads each distinct text once, not once per cell, and loads the national controlling
    workbook a quarter faster. Only the XML openpyxl wrote is changed, at byte level."""

    def __init__(self, datei: IO[bytes]) -> None:
        super().__init__(datei, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self.texte: dict[tuple[bytes, bytes], int] = {}
        self.verweise = 0

    def _gemeinsam(self, treffer: re.Match[bytes]) -> bytes:
        text = (treffer[3] or b"", treffer[4])
        nummer = self.texte.setdefault(text, len(self.texte))
        self.verweise += 1
        return b'<c %st="s"%s><v>%d</v></c>' % (treffer[1], treffer[2], nummer)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        if str(arcname).startswith("xl/worksheets/sheet"):  # written through a temporary file
            self.writestr(str(arcname), Path(filename).read_bytes())
        else:
            super().write(filename, arcname, *args, **kwargs)

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        name = getattr(zinfo_or_arcname, "filename", zinfo_or_arcname)
        inhalt = data.encode("utf-8") if isinstance(data, str) else data
        if name.startswith("xl/worksheets/sheet"):
            inhalt = _INLINE.sub(self._gemeinsam, inhalt)
        elif name == "xl/_rels/workbook.xml.rels" and self.texte:  # after every worksheet
            inhalt = inhalt.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdGemeinsameTexte" Type="http://schemas.openxmlformats.org/'
                b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                b"</Relationships>",
            )
        elif name == "[Content_Types].xml" and self.texte:  # the last part openpyxl writes
            inhalt = inhalt.replace(
                b"</Types>",
                b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
            )
            super().writestr(
                "xl/sharedStrings.xml",
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="'
                b'http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" '
                b'uniqueCount="%d">'
                % (self.verweise, len(self.texte))
                + b"".join(b"<si><t%s>%s</t></si>" % text for text in self.texte)
                + b"</sst>",
            )
        super().writestr(zinfo_or_arcname, inhalt, *args, **kwargs)


def speichern(wb: Workbook, pfad: Path) -> None:
    """Write to a temporary file beside the target, then move it into place in one step. The
    name must end in .xlsx: Excel refuses to open a workbook whose extension says otherwise."""
    if pfad.suffix.lower() != ".xlsx":
        raise EingabeFehler(
            f"{pfad.name}: zielsteuerung schreibt Arbeitsmappen als .xlsx-Dateien (ohne Makros); "
            f"bitte einen Namen mit der Endung .xlsx angeben, z. B. {pfad.stem}.xlsx."
        )
    with ersetzen(pfad) as datei:
        wb.properties.modified = dt.datetime.now(tz=dt.UTC).replace(tzinfo=None)
        Mappenschreiber(wb, _GemeinsameTexte(datei)).save()  # as wb.save, shared strings
