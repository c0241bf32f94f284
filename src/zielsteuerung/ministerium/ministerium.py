"""The ministry's side: a values-only export of the controlling workbook, and the checked
consolidation of the exports of many Träger into one overview workbook.

Export (``exportieren``): every formula is replaced by its value, so the copy opens anywhere
without Python or the add-in (fachkonzept 6). Values come, in this order, from
1. the value the file itself stores for the formula (Excel computed it, ``ZIEL_`` functions
   of the add-in included; openpyxl, which writes our refreshes, never stores one);
2. the two formulas of the template on the sheet "Übersicht", computed here;
3. LibreOffice, which recalculates a copy in which the values of 1 and 2 are already fixed,
   for any other formula of the user (only then is LibreOffice needed).
A ``ZIEL_`` formula without a stored value cannot be computed here: the export refuses and
says which cells. No VBA, no external links, no defined names that are formulas or point to
other workbooks. A SHA-256 checksum over all values (``Pruefsumme`` on the sheet "Info")
lets the consolidation detect an edit after the export; it does not stop a deliberate forger.

Consolidation (``konsolidieren``): the files come from other organisations and are untrusted.
Each is checked as a zip first (size, entries, compression ratio), then every XML part is
parsed with defusedxml (no DTD, no entities), parts that carry code or links are refused, and
only then openpyxl reads the values (``data_only``; nothing is ever executed, the overview
is written from values with text kept as text). A rejected file is listed with its reason and
never stops the run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
import tempfile
import warnings
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ERROR_CODES, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from openpyxl.worksheet.worksheet import Worksheet

from ..fehler import EingabeFehler, ZielsteuerungFehler
from ..kern.auswertung import HINWEIS_BEISPIELDATEN
from ..kern.kennzahlen import JAHRESWERTE
from ..mappe.datei import pruefe_schreibbar, speichern
from ..mappe.stil import (
    FETT,
    FORMATE,
    GRUEN,
    HINWEIS,
    ROT,
    ampel,
    ampel_regeln,
    seite_einrichten,
    wertformat,
)
from ..mappe.vertrag import NAMEN, VORLAGENVERSION, Tabelle
from ..mappe.zellen import (
    setze,
    tabelle_anlegen,
    tabelle_lesen,
    tabelle_schreiben,
    titel_setzen,
    zelle_des_namens,
)
from ..version import __version__

PRUEFSUMME = "Pruefsumme"
EXPORTIERT_AM = "Exportiert_am"
#: Version tag of the canonical serialisation; part of the hashed text.
VERFAHREN = "zielsteuerung-pruefsumme-1"
#: Local paths of the Träger's PC: not needed by the ministry, not passed on.
_LOKALE_PFADE = ("Datenordner", "Datenbestand", "Ministeriumskopie")
#: The template's own formulas (arbeitsmappe.neue_mappe), computed here without LibreOffice.
TITELFORMEL = '="Zielvereinbarung "&Jahr&" – "&Traeger_Name&" ("&Traeger_ID&")"'
HINWEISFORMEL = '=IF(Hinweis="","",Hinweis)'


# --- checksum --------------------------------------------------------------------------------


def _kanonisch(wert: Any) -> str | None:
    """One cell value as stable text; None for an empty cell.

    Numbers keep 15 significant digits (Excel's precision), booleans count as numbers, times
    are rounded to the second. This is not a tolerance: LibreOffice 7.4, saving a file again,
    rounds the 15th digit differently, and the checksum no longer matches.
    """
    if wert is None or wert == "":
        return None
    if isinstance(wert, bool):
        return f"n:{int(wert)}"
    if isinstance(wert, int | float):
        zahl = float(wert)
        if math.isnan(zahl) or math.isinf(zahl):
            return f"x:{zahl}"
        return "n:0" if zahl == 0 else f"n:{zahl:.15g}"
    if isinstance(wert, dt.datetime):
        gerundet = (wert + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
        return f"d:{gerundet.replace(tzinfo=None).isoformat(sep=' ')}"
    if isinstance(wert, dt.date):
        return f"d:{dt.datetime(wert.year, wert.month, wert.day).isoformat(sep=' ')}"
    if isinstance(wert, dt.time):
        return f"t:{wert.replace(microsecond=0).isoformat()}"
    if isinstance(wert, dt.timedelta):
        return f"z:{round(wert.total_seconds())}"
    if isinstance(wert, str):
        return "s:" + wert.replace("\r\n", "\n")
    return f"x:{wert}"


def _ort_des_namens(wb: Workbook, name: str) -> tuple[str, str] | None:
    zelle = zelle_des_namens(wb, name)
    return None if zelle is None else (zelle.parent.title, zelle.coordinate)


def pruefsumme_berechnen(wb: Workbook) -> str:
    """SHA-256 over a canonical text of every cell value of every sheet, the places of the
    contract's tables and named cells; the cell of ``Pruefsumme`` itself is left out."""
    ausgenommen = _ort_des_namens(wb, PRUEFSUMME)
    h = hashlib.sha256(f"{VERFAHREN}\n".encode())

    def zeile(*teile: object) -> None:
        h.update(json.dumps(teile, ensure_ascii=False).encode("utf-8") + b"\n")

    for ws in sorted(wb.worksheets, key=lambda w: w.title):
        for reihe in ws.iter_rows():
            for zelle in reihe:
                text = _kanonisch(zelle.value)
                if text is not None and (ws.title, zelle.coordinate) != ausgenommen:
                    zeile("Z", ws.title, zelle.coordinate, text)
        for name in sorted(ws.tables):
            zeile("T", name, ws.title, ws.tables[name].ref)
    for name in sorted({*NAMEN, EXPORTIERT_AM}):
        ort = _ort_des_namens(wb, name)
        if ort is not None:
            zeile("N", name, *ort)
    return h.hexdigest()


def pruefsumme_gespeichert(wb: Workbook) -> str | None:
    zelle = zelle_des_namens(wb, PRUEFSUMME)
    wert = None if zelle is None else zelle.value
    return wert.strip().lower() if isinstance(wert, str) and wert.strip() else None


# --- export ----------------------------------------------------------------------------------


@dataclass
class Export:
    """What an export did: the file, its checksum and what it left out (German texts)."""

    pfad: Path
    pruefsumme: str
    entfernt: list[str] = field(default_factory=list)
    neu_berechnet: int = 0  # formulas LibreOffice computed


def _laden(pfad: Path, **optionen: Any) -> Workbook:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # unsupported extensions: reported elsewhere
        return load_workbook(pfad, keep_links=False, **optionen)


def _ist_formel(zelle: Cell) -> bool:
    return zelle.data_type == "f" or isinstance(zelle.value, ArrayFormula | DataTableFormula)


def _formeltext(zelle: Cell) -> str:
    wert = zelle.value
    if isinstance(wert, ArrayFormula):
        return str(wert.text or "")
    if isinstance(wert, DataTableFormula):
        return "=TABLE()"
    return str(wert)


def _erwaehnt_ziel(text: str) -> bool:
    return "ZIEL_" in text.upper()


def _als_text(wert: Any) -> str:
    """A value as Excel's & operator turns it into text (the cases our titles need)."""
    if wert is None:
        return ""
    if isinstance(wert, bool):
        return "WAHR" if wert else "FALSCH"
    if isinstance(wert, float) and wert.is_integer():
        return str(int(wert))
    return str(wert)


def _vorlagenformel(wb: Workbook, formel: str) -> tuple[bool, Any]:
    """(known, value) of the template's own formulas, computed from the named cells."""

    def name(n: str) -> Any:
        zelle = zelle_des_namens(wb, n)
        return None if zelle is None else zelle.value

    if formel == TITELFORMEL:
        return True, (
            f"Zielvereinbarung {_als_text(name('Jahr'))} – {_als_text(name('Traeger_Name'))} "
            f"({_als_text(name('Traeger_ID'))})"
        )
    if formel == HINWEISFORMEL:
        hinweis = name("Hinweis")
        return True, "" if hinweis in (None, "") else hinweis
    return False, None


def _wert_setzen(zelle: Cell, wert: Any) -> None:
    if isinstance(wert, str) and wert in ERROR_CODES:
        zelle.value = wert
        zelle.data_type = "e"
    elif wert == "":
        zelle.value = None
    else:
        setze(zelle, wert)


def _formeln_ersetzen(wb: Workbook, quelle: Path) -> int:
    """Replace every formula by its value; returns how many LibreOffice had to compute."""
    gespeichert = _laden(quelle, data_only=True)
    offen: list[tuple[Worksheet, Cell]] = []
    ohne_wert: list[str] = []
    for ws in wb.worksheets:
        for reihe in ws.iter_rows():
            for zelle in reihe:
                if not _ist_formel(zelle):
                    continue
                formel = _formeltext(zelle)
                wert = gespeichert[ws.title][zelle.coordinate].value
                fehlerwert = isinstance(wert, str) and wert in ERROR_CODES
                if wert is not None and not (fehlerwert and _erwaehnt_ziel(formel)):
                    _wert_setzen(zelle, wert)
                    continue
                bekannt, wert = _vorlagenformel(wb, formel)
                if bekannt:
                    _wert_setzen(zelle, wert)
                elif _erwaehnt_ziel(formel):
                    ohne_wert.append(f"{ws.title}!{zelle.coordinate} ({formel})")
                else:
                    offen.append((ws, zelle))
    if ohne_wert:
        raise EingabeFehler(
            f"{quelle.name}: {len(ohne_wert)} Zelle(n) mit ZIEL_-Formeln haben keinen "
            f"gespeicherten Wert: {', '.join(ohne_wert[:5])}"
            + (" …" if len(ohne_wert) > 5 else "")
            + ". Bitte die Mappe in Excel mit geladenem Add-in öffnen, neu berechnen (F9), "
            "speichern und erneut exportieren. Es wurde keine Kopie geschrieben."
        )
    if offen:
        _mit_libreoffice_berechnen(wb, offen, quelle)
    return len(offen)


def _mit_libreoffice_berechnen(
    wb: Workbook, offen: list[tuple[Worksheet, Cell]], quelle: Path
) -> None:
    """The user's own formulas: LibreOffice recalculates a copy in which everything else
    is already a value."""
    from ..mappe.libreoffice import LibreOfficeFehlt, umwandeln

    with tempfile.TemporaryDirectory(prefix="zs-export-") as tmp:
        kopie = Path(tmp) / "mappe.xlsx"
        wb.save(kopie)
        try:
            berechnet = _laden(umwandeln(kopie, "xlsx", Path(tmp) / "lo"), data_only=True)
        except LibreOfficeFehlt:
            beispiele = ", ".join(f"{ws.title}!{z.coordinate}" for ws, z in offen[:5])
            raise EingabeFehler(
                f"{quelle.name} enthält eigene Formeln ohne gespeicherten Wert (z. B. "
                f"{beispiele}). Bitte die Mappe in Excel öffnen, speichern und erneut "
                "exportieren (Excel speichert die Werte mit), oder LibreOffice installieren. "
                "Es wurde keine Kopie geschrieben."
            ) from None
    unbekannt = []
    for ws, zelle in offen:
        wert = berechnet[ws.title][zelle.coordinate].value
        if wert == "#NAME?":  # a function LibreOffice lacks: the value Excel shows is unknown
            unbekannt.append(f"{ws.title}!{zelle.coordinate} ({_formeltext(zelle)})")
        _wert_setzen(zelle, wert)
    if unbekannt:
        raise EingabeFehler(
            f"{quelle.name}: LibreOffice kann {len(unbekannt)} Formel(n) ohne gespeicherten "
            f"Wert nicht berechnen: {', '.join(unbekannt[:5])}"
            + (" …" if len(unbekannt) > 5 else "")
            + ". Bitte die Mappe in Excel öffnen, speichern (Excel speichert die Werte mit) und "
            "erneut exportieren. Es wurde keine Kopie geschrieben."
        )


_BEZUG = re.compile(
    r"^(?:(?:'(?:[^']|'')+'|[^\s!'\[\]()+\-*/&=<>,;\"]+)!)?\$?[A-Z]{1,3}\$?\d+"
    r"(?::\$?[A-Z]{1,3}\$?\d+)?$"
)


def _name_ist_wertbezug(definiert: DefinedName) -> bool:
    """A plain reference into this workbook (or a constant), not a formula, not external."""
    text = (definiert.attr_text or "").strip()
    if "[" in text or _erwaehnt_ziel(text):
        return False
    if re.fullmatch(r"-?\d+(?:\.\d+)?|\"[^\"]*\"", text):
        return True
    return all(_BEZUG.match(teil.strip()) for teil in text.split(","))


def _namen_bereinigen(wb: Workbook) -> list[str]:
    entfernt = []
    for name, definiert in list(wb.defined_names.items()):
        if not _name_ist_wertbezug(definiert):
            del wb.defined_names[name]
            entfernt.append(f"Name „{name}“ ({definiert.attr_text})")
    for ws in wb.worksheets:
        for name, definiert in list(ws.defined_names.items()):
            if not _name_ist_wertbezug(definiert):
                del ws.defined_names[name]
                entfernt.append(f"Name „{name}“ auf „{ws.title}“ ({definiert.attr_text})")
    return entfernt


def _verdaechtig(formeln: Iterable[Any]) -> bool:
    return any(f is not None and ("[" in str(f) or _erwaehnt_ziel(str(f))) for f in formeln)


def _regeln_bereinigen(wb: Workbook) -> list[str]:
    """Conditional formats and data validations that mention ZIEL_ or another workbook."""
    entfernt = []
    for ws in wb.worksheets:
        for cf in list(ws.conditional_formatting):
            behalten = [r for r in cf.rules if not _verdaechtig(r.formula or [])]
            if len(behalten) != len(cf.rules):
                entfernt.append(f"bedingte Formatierung {ws.title}!{cf.sqref}")
                if behalten:
                    cf.rules = behalten
                else:
                    del ws.conditional_formatting._cf_rules[cf]
        for dv in list(ws.data_validations.dataValidation):
            if _verdaechtig([dv.formula1, dv.formula2]):
                ws.data_validations.dataValidation.remove(dv)
                entfernt.append(f"Datenüberprüfung {ws.title}!{dv.sqref}")
    return entfernt


def _vermerk(wb: Workbook) -> tuple[Cell, Cell]:
    """The cells of Exportiert_am and Pruefsumme (on the sheet "Info", below everything)."""
    zellen = [zelle_des_namens(wb, n) for n in (EXPORTIERT_AM, PRUEFSUMME)]
    if zellen[0] is not None and zellen[1] is not None:
        return zellen[0], zellen[1]
    version = zelle_des_namens(wb, "Vorlagenversion")
    if version is not None:
        ws = version.parent
    else:
        ws = wb["Info"] if "Info" in wb.sheetnames else wb.create_sheet("Info")
    zeile = ws.max_row + 2
    for i, (name, beschriftung) in enumerate(
        (
            (EXPORTIERT_AM, "Exportiert für das Ministerium am"),
            (PRUEFSUMME, "Prüfsumme (SHA-256 über alle Werte)"),
        )
    ):
        setze(ws.cell(zeile + i, 1), beschriftung)
        ws.cell(zeile + i, 1).font = FETT
        ws.cell(zeile + i, 2).alignment = Alignment(horizontal="left")
        wb.defined_names[name] = DefinedName(
            name, attr_text=f"{quote_sheetname(ws.title)}!$B${zeile + i}"
        )
    setze(
        ws.cell(zeile + 2, 1),
        "Wertekopie ohne Formeln und Makros, erzeugt mit „zielsteuerung export-ministerium“. "
        "Jede spätere Änderung eines Wertes macht die Prüfsumme ungültig; die Zusammenführung "
        "im Ministerium lehnt die Datei dann ab.",
    )
    ws.cell(zeile + 2, 1).font = Font(italic=True, color="595959")
    ws.print_area = f"A1:{get_column_letter(max(ws.max_column, 2))}{zeile + 2}"
    return ws.cell(zeile, 2), ws.cell(zeile + 1, 2)


def export_erstellen(quelle: Path, ziel: Path) -> Export:
    """The values-only copy for the ministry, with details for the command line."""
    quelle, ziel = Path(quelle), Path(ziel)
    if not quelle.is_file():
        raise EingabeFehler(f"Die Arbeitsmappe {quelle} wurde nicht gefunden.")
    if quelle.suffix.lower() != ".xlsx":
        raise EingabeFehler(
            f"{quelle.name}: Controlling-Arbeitsmappen sind .xlsx-Dateien (ohne Makros)."
        )
    if ziel.suffix.lower() != ".xlsx":
        raise EingabeFehler(
            f"{ziel.name}: Die Kopie für das Ministerium muss eine .xlsx-Datei sein."
        )
    if ziel.resolve() == quelle.resolve():
        raise EingabeFehler(
            "Die Kopie für das Ministerium darf nicht die Controlling-Arbeitsmappe selbst "
            "sein; bitte einen anderen Dateinamen angeben."
        )
    pruefe_schreibbar(ziel)
    try:
        wb = _laden(quelle)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        raise EingabeFehler(
            f"{quelle.name} ist keine gültige Excel-Arbeitsmappe (.xlsx) oder ist beschädigt "
            f"({type(exc).__name__})."
        ) from None
    if not any("tbl_Ziele" in ws.tables for ws in wb.worksheets):
        raise EingabeFehler(
            f"{quelle.name} ist keine Controlling-Arbeitsmappe von zielsteuerung (die Tabelle "
            "tbl_Ziele fehlt)."
        )
    neu_berechnet = _formeln_ersetzen(wb, quelle)
    entfernt = _namen_bereinigen(wb) + _regeln_bereinigen(wb)
    wb._external_links = []
    for name in _LOKALE_PFADE:
        zelle = zelle_des_namens(wb, name)
        if zelle is not None:
            zelle.value = None
    wb.calculation.fullCalcOnLoad = False  # nothing left to calculate
    exportiert, summe = _vermerk(wb)
    setze(exportiert, dt.datetime.now().replace(microsecond=0), "DD.MM.YYYY HH:MM")
    summe.value = None
    pruefsumme = pruefsumme_berechnen(wb)
    setze(summe, pruefsumme)
    speichern(wb, ziel)
    return Export(ziel, pruefsumme, entfernt, neu_berechnet)


def exportieren(quelle: Path, ziel: Path) -> Path:
    """Write the values-only copy of the controlling workbook ``quelle`` for the ministry
    to ``ziel`` (atomically) and return its path. Also called by the ribbon button."""
    return export_erstellen(quelle, ziel).pfad


def zielpfad_aus_mappe(quelle: Path) -> Path | None:
    """The path set in the workbook (Einstellungen > Pfad der Kopie für das Ministerium);
    relative to the workbook's folder; a folder gets ``<name>-ministerium.xlsx``."""
    try:
        wb = _laden(quelle, read_only=False)
    except Exception:  # reported by the export itself
        return None
    zelle = zelle_des_namens(wb, "Ministeriumskopie")
    text = str(zelle.value).strip() if zelle is not None and zelle.value else ""
    if not text:
        return None
    pfad = Path(text).expanduser()
    if not pfad.is_absolute():
        pfad = quelle.parent / pfad
    if pfad.is_dir() or text.endswith(("/", "\\")):
        pfad = pfad / f"{quelle.stem}-ministerium.xlsx"
    return pfad


# --- checking one file from outside ----------------------------------------------------------


@dataclass(frozen=True)
class Grenzen:
    """Limits for files from outside; the defaults leave a wide margin over real exports
    (about 0.1 MB, about 1 MB unpacked, compression below 20:1)."""

    max_bytes: int = 20 * 1024 * 1024
    max_entpackt: int = 200 * 1024 * 1024
    max_verhaeltnis: float = 100.0
    max_eintraege: int = 2000


class Abgelehnt(Exception):
    """A file the consolidation does not take; the message is the German reason."""

    traeger = ""  # "Name (id)" where the file could be read that far


@dataclass
class Kopie:
    """The content of one accepted export."""

    datei: Path
    traeger_id: str
    traeger_name: str
    jahr: int | None
    wartezeit: str
    bis_monat: int | None
    zeitraum: str
    datenstand: str
    vorlagenversion: str
    programmversion: str
    exportiert_am: str
    hinweis: str
    pruefsumme: str
    ziele: list[dict[str, Any]]
    erlaeuterungen: dict[str, str]
    vereinbarung: dict[str, dict[str, Any]]


def _deutsch(zahl: float, stellen: int) -> str:
    return f"{zahl:,.{stellen}f}".replace(",", "X").replace(".", ",").replace("X", ".")


def _mb(anzahl: float) -> str:
    """A size in German: 50,0 MB; below one MB in KB."""
    if anzahl < 1024 * 1024:
        return f"{_deutsch(anzahl / 1024, 0)} KB"
    return f"{_deutsch(anzahl / 1024 / 1024, 1)} MB"


_VERBOTEN = (
    ("vbaproject.bin", "enthält Makros (VBA-Projekt)"),
    ("xl/macrosheets/", "enthält Excel-4.0-Makros (Makroblätter)"),
    ("xl/dialogsheets/", "enthält Dialogblätter (Makros)"),
    ("xl/externallinks/", "enthält externe Verknüpfungen zu anderen Arbeitsmappen"),
    ("xl/connections.xml", "enthält externe Datenverbindungen"),
    ("xl/querytables/", "enthält externe Datenabfragen"),
    ("xl/activex/", "enthält ActiveX-Steuerelemente"),
    ("xl/embeddings/", "enthält eingebettete Objekte"),
    ("customui/", "enthält eine Menüband-Anpassung (gehört zu Makro-Dateien)"),
)
_MAKROTYPEN = ("macroenabled", "vbaproject", "ms-excel.addin", "ms-excel.sheet.binary")
_HYPERLINK = "/relationships/hyperlink"


def _zip_pruefen(pfad: Path, grenzen: Grenzen) -> zipfile.ZipFile:
    groesse = pfad.stat().st_size
    if groesse > grenzen.max_bytes:
        raise Abgelehnt(
            f"Datei ist zu groß ({_mb(groesse)}; angenommen werden höchstens "
            f"{_mb(grenzen.max_bytes)})."
        )
    with pfad.open("rb") as f:
        anfang = f.read(8)
    if anfang.startswith(b"\xd0\xcf\x11\xe0"):
        raise Abgelehnt(
            "keine .xlsx-Datei: altes Excel-Format (.xls) oder mit Kennwort verschlüsselt. "
            "Bitte unverschlüsselt als .xlsx exportieren."
        )
    try:
        archiv = zipfile.ZipFile(pfad)
    except (zipfile.BadZipFile, OSError):
        raise Abgelehnt(
            "keine Excel-Arbeitsmappe (.xlsx): die Datei ist kein ZIP-Archiv."
        ) from None
    try:
        _zip_grenzen(archiv, grenzen)
    except BaseException:
        archiv.close()
        raise
    return archiv


def _zip_grenzen(archiv: zipfile.ZipFile, grenzen: Grenzen) -> None:
    """Zip bombs: declared sizes bound what Python's zipfile ever unpacks, so checking them
    before anything is read is enough."""
    infos = archiv.infolist()
    if len(infos) > grenzen.max_eintraege:
        raise Abgelehnt(
            f"ZIP-Archiv mit {len(infos)} Einträgen (höchstens {grenzen.max_eintraege}); "
            "vermutlich keine Ministeriumskopie."
        )
    for info in infos:
        verhaeltnis = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and verhaeltnis > grenzen.max_verhaeltnis:
            raise Abgelehnt(
                f"ZIP-Bombe vermutet: {info.filename} entpackt {_mb(info.file_size)} aus "
                f"{_mb(info.compress_size)} (Verhältnis {_deutsch(verhaeltnis, 0)}:1, erlaubt "
                f"{_deutsch(grenzen.max_verhaeltnis, 0)}:1)."
            )
        if info.flag_bits & 0x1:
            raise Abgelehnt(f"enthält verschlüsselte Teile ({info.filename}).")
    gesamt = sum(info.file_size for info in infos)
    if gesamt > grenzen.max_entpackt:
        raise Abgelehnt(
            f"ZIP-Bombe vermutet: entpackt insgesamt {_mb(gesamt)} (erlaubt "
            f"{_mb(grenzen.max_entpackt)})."
        )


def _teile_pruefen(archiv: zipfile.ZipFile) -> None:
    """Forbidden parts, macro content types, external relationships, XML bombs, formulas."""
    namen = archiv.namelist()
    klein = [n.lower() for n in namen]
    if "xl/workbook.xml" not in klein or "[content_types].xml" not in klein:
        raise Abgelehnt("keine Excel-Arbeitsmappe (.xlsx): xl/workbook.xml fehlt.")
    gefunden = []
    for muster, grund in _VERBOTEN:
        treffer = [n for n, k in zip(namen, klein, strict=True) if muster in k]
        if treffer:
            gefunden.append(f"{grund} ({treffer[0]})")
    if gefunden:
        raise Abgelehnt("; ".join(dict.fromkeys(gefunden)) + ".")
    formeln: list[str] = []
    for name in namen:
        if name.lower().endswith(".vml"):  # legacy drawings are not well-formed XML
            with archiv.open(name) as teil:
                if re.search(rb"<!(?:DOCTYPE|ENTITY)", teil.read(), re.IGNORECASE):
                    raise Abgelehnt(f"XML-Bombe oder unzulässige DTD/Entitäten in {name}.")
            continue
        if not name.lower().endswith((".xml", ".rels")):
            continue
        try:
            with archiv.open(name) as teil:
                for _, element in iterparse(teil, forbid_dtd=True):
                    tag = element.tag.rsplit("}", 1)[-1]
                    if name == "[Content_Types].xml":
                        typ = str(element.get("ContentType", ""))
                        if any(m in typ.lower() for m in _MAKROTYPEN):
                            raise Abgelehnt(
                                f"enthält Makros oder ist eine Makro-Datei (Inhaltstyp {typ})."
                            )
                    elif tag == "Relationship" and element.get("TargetMode") == "External":
                        art = str(element.get("Type", ""))
                        if not art.endswith(_HYPERLINK):
                            raise Abgelehnt(
                                f"enthält externe Verknüpfungen ({name}: "
                                f"{art.rsplit('/', 1)[-1]} → {element.get('Target')})."
                            )
                    elif tag == "f" and name.lower().startswith("xl/worksheets/"):
                        formeln.append(name)
                    element.clear()
        except DefusedXmlException:
            raise Abgelehnt(
                f"XML-Bombe oder unzulässige DTD/Entitäten in {name}; Excel-Dateien enthalten "
                "so etwas nie."
            ) from None
        except Abgelehnt:
            raise
        except Exception as exc:
            raise Abgelehnt(f"beschädigt: {name} ist kein gültiges XML ({exc}).") from None
    if formeln:
        raise Abgelehnt(
            f"enthält Formeln ({formeln[0]}): keine Wertekopie aus „zielsteuerung "
            "export-ministerium“."
        )


def _name(wb: Workbook, name: str) -> Any:
    zelle = zelle_des_namens(wb, name)
    wert = None if zelle is None else zelle.value
    return wert.strip() if isinstance(wert, str) else wert


def _ganzzahl(wert: Any) -> int | None:
    try:
        return int(float(wert))
    except (TypeError, ValueError):
        return None


def _text(wert: Any) -> str:
    if wert is None:
        return ""
    if isinstance(wert, dt.datetime):
        return wert.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(wert, dt.date):
        return wert.isoformat()
    return _als_text(wert).strip()


def datei_pruefen(pfad: Path, grenzen: Grenzen | None = None) -> Kopie:
    """Check one file from outside and read it; raises ``Abgelehnt`` with the reason."""
    grenzen = grenzen or Grenzen()
    endung = pfad.suffix.lower()
    if endung in (".xlsm", ".xlam", ".xltm", ".xlsb"):
        raise Abgelehnt(
            f"Dateityp {endung} (Arbeitsmappe mit Makros) wird nicht angenommen; bitte die "
            "Ministeriumskopie (.xlsx) senden."
        )
    if endung != ".xlsx":
        raise Abgelehnt(f"keine Excel-Arbeitsmappe (.xlsx), sondern „{endung or 'ohne Endung'}“.")
    with _zip_pruefen(pfad, grenzen) as archiv:
        _teile_pruefen(archiv)
    try:
        wb = _laden(pfad, data_only=True)
    except Exception as exc:
        raise Abgelehnt(f"konnte nicht gelesen werden ({type(exc).__name__}).") from None
    try:
        return _inhalt_pruefen(pfad, wb)
    except Abgelehnt as exc:
        try:  # for the list of rejected files, where the file tells
            name, traeger_id = _text(_name(wb, "Traeger_Name")), _text(_name(wb, "Traeger_ID"))
        except Exception:
            name = traeger_id = ""
        exc.traeger = f"{name} ({traeger_id})" if name and traeger_id else name or traeger_id
        raise


def _inhalt_pruefen(pfad: Path, wb: Workbook) -> Kopie:
    """The contract of an export: tables, template version, checksum, Datenstand."""
    if not any("tbl_Ziele" in ws.tables for ws in wb.worksheets):
        raise Abgelehnt("keine Ministeriumskopie von zielsteuerung (Tabelle tbl_Ziele fehlt).")
    version = _text(_name(wb, "Vorlagenversion"))
    if version != VORLAGENVERSION:
        raise Abgelehnt(
            f"Vorlagenversion „{version or 'fehlt'}“ passt nicht (erwartet {VORLAGENVERSION}). "
            "Bitte die Controlling-Arbeitsmappe mit dem aktuellen Programm aktualisieren und "
            "erneut exportieren."
        )
    gespeichert = pruefsumme_gespeichert(wb)
    if gespeichert is None:
        raise Abgelehnt(
            "Prüfsumme fehlt: keine mit „zielsteuerung export-ministerium“ erzeugte Kopie."
        )
    berechnet = pruefsumme_berechnen(wb)
    if berechnet != gespeichert:
        raise Abgelehnt(
            "Prüfsumme stimmt nicht: die Datei wurde nach dem Export verändert. Bitte beim "
            "Träger eine neue Ministeriumskopie anfordern."
        )
    datenstand = _text(_name(wb, "Datenstand"))
    if not datenstand:
        raise Abgelehnt("Datenstand fehlt (Info > Datenstand).")
    traeger_id = _text(_name(wb, "Traeger_ID"))
    if not re.fullmatch(r"\d{5}", traeger_id):
        raise Abgelehnt(f"Träger „{traeger_id}“ ist kein Regionalschlüssel.")
    try:
        ziele = tabelle_lesen(wb, "tbl_Ziele")
        erlaeuterungen = {
            str(z.get("Ziel_ID")): _text(z.get("Erläuterung"))
            for z in tabelle_lesen(wb, "tbl_Erlaeuterungen")
        }
        vereinbarung = {str(z.get("Ziel_ID")): z for z in tabelle_lesen(wb, "tbl_Vereinbarung")}
    except ZielsteuerungFehler as exc:
        raise Abgelehnt(str(exc)) from None
    if not ziele:
        raise Abgelehnt("die Tabelle tbl_Ziele ist leer.")
    return Kopie(
        datei=pfad,
        traeger_id=traeger_id,
        traeger_name=_text(_name(wb, "Traeger_Name")),
        jahr=_ganzzahl(_name(wb, "Jahr")),
        wartezeit=_text(_name(wb, "Wartezeit_ausgewertet") or _name(wb, "Wartezeit")),
        bis_monat=_ganzzahl(_name(wb, "Bis_Monat")),
        zeitraum=_text(_name(wb, "Zeitraum")),
        datenstand=datenstand,
        vorlagenversion=version,
        programmversion=_text(_name(wb, "Programmversion")),
        exportiert_am=_text(_name(wb, EXPORTIERT_AM)),
        hinweis=_text(_name(wb, "Hinweis")),
        pruefsumme=gespeichert,
        ziele=ziele,
        erlaeuterungen=erlaeuterungen,
        vereinbarung=vereinbarung,
    )


# --- consolidation ---------------------------------------------------------------------------


@dataclass
class Ablehnung:
    datei: Path
    grund: str
    traeger: str = ""


@dataclass
class Konsolidierung:
    pfad: Path
    jahr: int | None
    wartezeit: str | None
    kopien: list[Kopie]
    abgelehnt: list[Ablehnung]


_ENDUNGEN = (".xlsx", ".xlsm", ".xlam")


def dateien_sammeln(eingaben: list[Path], ausgabe: Path | None = None) -> list[Path]:
    """Files as given, and the .xlsx/.xlsm/.xlam files of given folders (not recursive);
    lock files, our temporary files and the output itself are skipped."""
    dateien: list[Path] = []
    for eingabe in eingaben:
        if eingabe.is_dir():
            for pfad in sorted(eingabe.iterdir()):
                if (
                    pfad.is_file()
                    and pfad.suffix.lower() in _ENDUNGEN
                    and not pfad.name.startswith(("~$", ".~"))
                ):
                    dateien.append(pfad)
        elif eingabe.is_file():
            dateien.append(eingabe)
        else:
            raise EingabeFehler(f"{eingabe} wurde nicht gefunden (weder Datei noch Ordner).")
    ziel = ausgabe.resolve() if ausgabe is not None else None
    return list(dict.fromkeys(p for p in dateien if p.resolve() != ziel))


def konsolidieren(
    eingaben: list[Path],
    ziel: Path,
    jahr: int | None = None,
    wartezeit: str | None = None,
    grenzen: Grenzen | None = None,
) -> Konsolidierung:
    """Check every export and write the overview workbook ``ziel``; bad files are listed."""
    if ziel.suffix.lower() != ".xlsx":
        raise EingabeFehler(f"{ziel.name}: Die Übersicht wird als .xlsx-Datei geschrieben.")
    dateien = dateien_sammeln(eingaben, ziel)
    if not dateien:
        raise EingabeFehler(
            "Keine Dateien gefunden (erwartet .xlsx-Dateien oder Ordner mit solchen Dateien)."
        )
    pruefe_schreibbar(ziel)
    kopien: list[Kopie] = []
    abgelehnt: list[Ablehnung] = []
    for datei in dateien:
        try:
            kopien.append(datei_pruefen(datei, grenzen))
        except Abgelehnt as exc:
            abgelehnt.append(Ablehnung(datei, str(exc), exc.traeger))
        except Exception as exc:  # a hostile file must never stop the run
            abgelehnt.append(
                Ablehnung(datei, f"konnte nicht geprüft werden ({type(exc).__name__}).")
            )

    if jahr is None and kopien:
        jahr = Counter(k.jahr for k in kopien).most_common(1)[0][0]
    if wartezeit is None and kopien:
        wartezeit = Counter(k.wartezeit for k in kopien).most_common(1)[0][0]
    gueltig: dict[str, Kopie] = {}
    for k in kopien:
        traeger = f"{k.traeger_name} ({k.traeger_id})"
        if k.jahr != jahr:
            abgelehnt.append(
                Ablehnung(
                    k.datei, f"Jahr {k.jahr} weicht ab (zusammengeführt wird {jahr}).", traeger
                )
            )
        elif k.wartezeit != wartezeit:
            abgelehnt.append(
                Ablehnung(
                    k.datei,
                    f"Wartezeit {k.wartezeit} weicht ab (zusammengeführt wird {wartezeit}).",
                    traeger,
                )
            )
        elif k.traeger_id in gueltig:
            alt = gueltig[k.traeger_id]
            neuer, aelter = (k, alt) if k.exportiert_am > alt.exportiert_am else (alt, k)
            gueltig[k.traeger_id] = neuer
            abgelehnt.append(
                Ablehnung(
                    aelter.datei,
                    f"Träger doppelt; übernommen wird die neuere Kopie {neuer.datei.name} "
                    f"(exportiert {neuer.exportiert_am}).",
                    traeger,
                )
            )
        else:
            gueltig[k.traeger_id] = k
    angenommen = [gueltig[t] for t in sorted(gueltig)]
    abgelehnt.sort(key=lambda a: a.datei.name)
    ergebnis = Konsolidierung(ziel, jahr, wartezeit, angenommen, abgelehnt)
    speichern(uebersicht_erstellen(ergebnis), ziel)
    return ergebnis


# --- the overview workbook -------------------------------------------------------------------

_BLAETTER = ("Übersicht", "Ergebnisse", "Abgelehnt", "Info")
_BREITE_STATUS = 17


def _kurzname(ziel_id: str) -> str:
    """A column header from a target id: k2_abstand -> K2 Abstand, integrationen_lzb ->
    Integrationen LZB."""
    return " ".join(
        t.upper() if len(t) <= 3 else t[:1].upper() + t[1:] for t in ziel_id.split("_") if t
    )


def _matrix_ampel(ws: Worksheet, bereich: str, erste: str) -> None:
    """Traffic lights on status texts (also "erreicht (knapp)") in every cell of a block."""
    ampel_regeln(ws, bereich, lambda t: f'LEFT({erste},{len(t)})="{t}"')


def _schwelle_text(vergleich: Any, schwelle: Any, einheit: str) -> str:
    if not isinstance(schwelle, int | float) or isinstance(schwelle, bool):
        return ""
    zeichen = "≥" if vergleich == ">=" else "≤"
    if einheit == "abs":
        zahl = f"{schwelle:+,.0f}".replace(",", ".")
    else:
        zahl = f"{schwelle:+.1f}".replace(".", ",")
    return f"{zeichen} {zahl} {'' if einheit == 'abs' else einheit}".strip()


def _ziele_der_kopien(kopien: list[Kopie]) -> dict[str, str]:
    """All target ids in order of first appearance, with their label."""
    ziele: dict[str, str] = {}
    for k in kopien:
        for z in k.ziele:
            ziele.setdefault(str(z.get("Ziel_ID")), str(z.get("Ziel") or ""))
    return ziele


def uebersicht_erstellen(k: Konsolidierung) -> Workbook:
    """The overview workbook: matrix with summary, long table, rejected files, info."""
    wb = Workbook()
    wb.remove(wb.active)
    for name in _BLAETTER:
        ws = wb.create_sheet(name)
        seite_einrichten(ws)
        ws.row_dimensions[1].height = 24  # the 16 pt title
    wb["Übersicht"].sheet_properties.tabColor = "1F3864"
    ziele = _ziele_der_kopien(k.kopien)
    beispiel = any(kopie.hinweis == HINWEIS_BEISPIELDATEN for kopie in k.kopien)
    _matrix_schreiben(wb["Übersicht"], k, ziele, beispiel)
    _ergebnisse_schreiben(wb, k)
    _abgelehnt_schreiben(wb, k)
    _info_schreiben(wb["Info"], k)
    return wb


def _untertitel(k: Konsolidierung) -> str:
    stand = max((kopie.datenstand for kopie in k.kopien), default="–")
    return (
        f"Wartezeit {k.wartezeit or '–'} · {len(k.kopien)} Träger · neuester Datenstand "
        f"{stand} · {len(k.abgelehnt)} Datei(en) abgelehnt (Blatt „Abgelehnt“) · "
        f"zusammengeführt am {dt.datetime.now():%d.%m.%Y %H:%M}"
    )


def _matrix_schreiben(
    ws: Worksheet, k: Konsolidierung, ziele: dict[str, str], beispiel: bool
) -> None:
    titel_setzen(
        ws, f"Zielvereinbarungen {k.jahr or ''} – Übersicht aller Träger".replace("  ", " ")
    )
    setze(ws["A2"], _untertitel(k))
    ws["A2"].font = Font(size=11, italic=True, color="595959")
    if beispiel:
        setze(ws["A3"], HINWEIS_BEISPIELDATEN)
        ws["A3"].font = HINWEIS
    kurz = {i: _kurzname(i) for i in ziele}
    if len(set(kurz.values())) < len(kurz):  # headers of a table must be unique
        kurz = {i: i for i in ziele}
    spalten = ("Regionalschlüssel", "Träger", "Zeitraum", "Datenstand", *kurz.values(), "Erreicht")
    kopf = 5
    tabelle_anlegen(ws, Tabelle("tbl_Matrix", ws.title, kopf, spalten))
    zeilen = []
    for kopie in k.kopien:
        status = {str(z.get("Ziel_ID")): z for z in kopie.ziele}
        zeile: dict[str, Any] = {
            "Regionalschlüssel": kopie.traeger_id,
            "Träger": kopie.traeger_name,
            "Zeitraum": kopie.zeitraum,
            "Datenstand": kopie.datenstand,
        }
        erreicht = 0
        for i, titel in kurz.items():
            z = status.get(i)
            text = str(z.get("Status") or "") if z else "–"
            if z and z.get("Knapp") is True:
                text += " (knapp)"
            erreicht += text.startswith(("erreicht", "auf Kurs"))
            zeile[titel] = text
        zeile["Erreicht"] = f"{erreicht} von {sum(i in status for i in kurz)}"
        zeilen.append(zeile)
    _, kopf, erste, letzte = tabelle_schreiben(
        wb=ws.parent,
        name="tbl_Matrix",
        zeilen=zeilen,
        format_=lambda _z, s: "@" if s == "Regionalschlüssel" else None,
    )
    ende = kopf + max(len(zeilen), 1)
    if kurz:
        von, bis = get_column_letter(erste + 4), get_column_letter(erste + 3 + len(kurz))
        _matrix_ampel(ws, f"{von}{kopf + 1}:{bis}{ende}", f"{von}{kopf + 1}")
    for c in range(erste, letzte + 1):
        ws.cell(kopf, c).alignment = Alignment(wrap_text=True, vertical="center")
        for r in range(kopf + 1, ende + 1):
            ws.cell(r, c).alignment = Alignment(vertical="center")

    ws.freeze_panes = ws.cell(kopf + 1, 1)
    zletzte, legende = _zusammenfassung_schreiben(ws, k, ziele, kurz, ende + 3)
    # both tables share the columns: widths for both at once
    for c in range(1, max(letzte, zletzte) + 1):
        breite = {1: 21, 2: 36, 3: 25, 4: 14}.get(c, _BREITE_STATUS)
        ws.column_dimensions[get_column_letter(c)].width = 10 if c == letzte else breite
    if len(k.kopien) <= 40:  # one page for the Steuerungsdialog of a Land
        ws.page_setup.fitToHeight = 1
    ws.print_area = f"A1:{get_column_letter(max(letzte, zletzte))}{legende}"


def _zusammenfassung_schreiben(
    ws: Worksheet, k: Konsolidierung, ziele: dict[str, str], kurz: dict[str, str], oben: int
) -> tuple[int, int]:
    """How many Träger reach each target, below the matrix; returns (last column, last row)."""
    setze(ws.cell(oben - 1, 1), "Zusammenfassung je Ziel")
    ws.cell(oben - 1, 1).font = Font(size=12, bold=True, color="1F3864")
    spalten = (
        "Ziel", "Bezeichnung", "Schwelle", "Erreicht / auf Kurs", "Nicht erreicht / gefährdet",
        "Nicht berechenbar", "Anteil erreicht",
    )  # fmt: skip
    tabelle_anlegen(ws, Tabelle("tbl_Zusammenfassung", ws.title, oben, spalten))
    zeilen: list[dict[str, Any]] = []
    for i, bezeichnung in ziele.items():
        paare = [(kopie, z) for kopie in k.kopien for z in kopie.ziele if z.get("Ziel_ID") == i]
        status = [str(z.get("Status") or "") for _, z in paare]
        gut = sum(s in ("erreicht", "auf Kurs") for s in status)
        schlecht = sum(s in ("nicht erreicht", "gefährdet") for s in status)
        schwellen = {
            _schwelle_text(
                (kopie.vereinbarung.get(i) or {}).get("Vergleich"),
                z.get("Schwelle"),
                str(z.get("Einheit") or ""),
            )
            for kopie, z in paare
        }
        zeilen.append(
            {
                "Ziel": kurz[i],
                "Bezeichnung": bezeichnung,
                "Schwelle": schwellen.pop() if len(schwellen) == 1 else "unterschiedlich",
                "Erreicht / auf Kurs": gut,
                "Nicht erreicht / gefährdet": schlecht,
                "Nicht berechenbar": sum(s == "nicht berechenbar" for s in status),
                "Anteil erreicht": gut / len(status) if status else None,
            }
        )

    def format_(_z: dict[str, Any], s: str) -> str | None:
        if s == "Anteil erreicht":
            return "0%"
        return "0" if s in spalten[3:6] else None

    _, kopf, erste, letzte = tabelle_schreiben(ws.parent, "tbl_Zusammenfassung", zeilen, format_)
    ws.row_dimensions[kopf].height = 45
    for r, zeile in enumerate(zeilen, start=kopf + 1):
        ws.row_dimensions[r].height = 15 * max(2, math.ceil(len(zeile["Bezeichnung"]) / 38))
        for c in range(erste, letzte + 1):
            ws.cell(r, c).alignment = Alignment(vertical="center", wrap_text=c == erste + 1)
        for c, fuellung, farbe in ((erste + 3, GRUEN, "006100"), (erste + 4, ROT, "9C0006")):
            ws.cell(r, c).fill = fuellung
            ws.cell(r, c).font = Font(bold=True, color=farbe)
    for c in range(erste, letzte + 1):
        ws.cell(kopf, c).alignment = Alignment(wrap_text=True, vertical="center")
    legende = kopf + len(zeilen) + 2
    for nr, text in enumerate(
        (
            "Ampel: grün = erreicht / auf Kurs, rot = nicht erreicht / gefährdet, grau = nicht "
            "berechenbar; „knapp“: die gerundete Anzeige läge auf der anderen Seite der Schwelle.",
            "Zahlen je Träger und Ziel mit den Erläuterungen der Träger: Blatt „Ergebnisse“; "
            "geprüfte Dateien mit Prüfsummen: Blatt „Info“.",
        )
    ):
        setze(ws.cell(legende + nr, 1), text)
        ws.cell(legende + nr, 1).font = Font(italic=True, color="595959")
    return letzte, legende + 1


def _ergebnisse_schreiben(wb: Workbook, k: Konsolidierung) -> None:
    ws = wb["Ergebnisse"]
    titel_setzen(
        ws,
        "Ergebnisse je Träger und Ziel",
        "Jahreswerte (Januar bis zum ausgewerteten Monat), Veränderung gegenüber dem Vorjahr, "
        "vereinbarte Schwelle, Status und die Erläuterung des Trägers.",
    )
    spalten = (
        "Traeger_ID", "Träger", "Ziel_ID", "Ziel", "Vorjahr", "Aktuell", "Veraenderung",
        "Einheit", "Schwelle", "Status", "Knapp", "Erläuterung",
    )  # fmt: skip
    tabelle_anlegen(ws, Tabelle("tbl_Ergebnisse", ws.title, 4, spalten))
    zeilen = []
    for kopie in k.kopien:
        for z in kopie.ziele:
            ziel_id = str(z.get("Ziel_ID"))
            vereinbart = kopie.vereinbarung.get(ziel_id) or {}
            zeilen.append(
                {
                    "Traeger_ID": kopie.traeger_id,
                    "Träger": kopie.traeger_name,
                    "Ziel_ID": ziel_id,
                    "Ziel": z.get("Ziel"),
                    "Vorjahr": z.get("Vorjahr"),
                    "Aktuell": z.get("Aktuell"),
                    "Veraenderung": z.get("Veraenderung"),
                    "Einheit": z.get("Einheit"),
                    "Schwelle": z.get("Schwelle"),
                    "Status": z.get("Status"),
                    "Knapp": z.get("Knapp"),
                    "Erläuterung": kopie.erlaeuterungen.get(ziel_id) or None,
                    "_kennzahl": vereinbart.get("Kennzahl"),
                    "_art": vereinbart.get("Art"),
                }
            )

    def format_(z: dict[str, Any], s: str) -> str | None:
        if s in ("Vorjahr", "Aktuell") and z["_kennzahl"] in JAHRESWERTE:
            return wertformat(str(z["_kennzahl"]), str(z["_art"] or ""))
        if s in ("Veraenderung", "Schwelle") and z["Einheit"] in FORMATE:
            return FORMATE[str(z["Einheit"])]
        return {"Knapp": FORMATE["janein"], "Traeger_ID": "@"}.get(s)

    _, kopf, erste, letzte = tabelle_schreiben(wb, "tbl_Ergebnisse", zeilen, format_)
    spalte = {ws.cell(kopf, c).value: c for c in range(erste, letzte + 1)}
    ampel(ws, kopf, kopf + len(zeilen), spalte["Status"], [spalte["Status"]])
    for titel, breite in (("Träger", 26), ("Ziel", 50), ("Erläuterung", 60)):
        ws.column_dimensions[get_column_letter(spalte[titel])].width = breite
    for r, zeile in enumerate(zeilen, start=kopf + 1):
        for titel in ("Ziel", "Erläuterung"):
            ws.cell(r, spalte[titel]).alignment = Alignment(wrap_text=True, vertical="top")
        laenge = max(len(str(zeile["Ziel"] or "")) / 52, len(str(zeile["Erläuterung"] or "")) / 62)
        ws.row_dimensions[r].height = 15 * max(1, math.ceil(laenge))
    ws.print_area = f"A1:{get_column_letter(letzte)}{kopf + max(len(zeilen), 1)}"
    ws.print_title_rows = f"{kopf}:{kopf}"


def _abgelehnt_schreiben(wb: Workbook, k: Konsolidierung) -> None:
    ws = wb["Abgelehnt"]
    titel_setzen(
        ws,
        "Abgelehnte Dateien",
        "Diese Dateien wurden nicht übernommen. Bitte beim Träger eine neue Ministeriumskopie "
        "(zielsteuerung export-ministerium) anfordern.",
    )
    tabelle_anlegen(ws, Tabelle("tbl_Abgelehnt", ws.title, 4, ("Datei", "Träger", "Grund")))
    zeilen = [
        {"Datei": a.datei.name, "Träger": a.traeger or None, "Grund": a.grund} for a in k.abgelehnt
    ]
    if not zeilen:
        zeilen = [{"Datei": None, "Träger": None, "Grund": "keine – alle Dateien übernommen"}]
    _, kopf, erste, letzte = tabelle_schreiben(wb, "tbl_Abgelehnt", zeilen)
    for c, breite in zip(range(erste, letzte + 1), (40, 30, 100), strict=True):
        ws.column_dimensions[get_column_letter(c)].width = breite
        for r in range(kopf + 1, kopf + len(zeilen) + 1):
            ws.cell(r, c).alignment = Alignment(wrap_text=True, vertical="top")
    for r, zeile in enumerate(zeilen, start=kopf + 1):
        ws.row_dimensions[r].height = 15 * max(1, math.ceil(len(str(zeile["Grund"])) / 95))
    ws.print_area = f"A1:{get_column_letter(letzte)}{kopf + len(zeilen)}"


def _info_schreiben(ws: Worksheet, k: Konsolidierung) -> None:
    titel_setzen(ws, "Info", "Grundlage dieser Übersicht.")
    angaben = (
        ("Jahr", k.jahr),
        ("Wartezeit", k.wartezeit),
        ("Übernommene Träger", len(k.kopien)),
        ("Abgelehnte Dateien", len(k.abgelehnt)),
        ("Erwartete Vorlagenversion", VORLAGENVERSION),
        ("Programmversion", __version__),
        ("Zusammengeführt am", dt.datetime.now().replace(microsecond=0)),
    )
    for i, (beschriftung, wert) in enumerate(angaben, start=4):
        setze(ws.cell(i, 1), beschriftung)
        ws.cell(i, 1).font = FETT
        setze(ws.cell(i, 2), wert, "DD.MM.YYYY HH:MM" if isinstance(wert, dt.datetime) else None)
        ws.cell(i, 2).alignment = Alignment(horizontal="left")
    spalten = (
        "Datei", "Traeger_ID", "Träger", "Zeitraum", "Datenstand", "Exportiert_am",
        "Programmversion", "Pruefsumme",
    )  # fmt: skip
    kopf = 5 + len(angaben)
    tabelle_anlegen(ws, Tabelle("tbl_Dateien", ws.title, kopf, spalten))
    zeilen = [
        {
            "Datei": kopie.datei.name,
            "Traeger_ID": kopie.traeger_id,
            "Träger": kopie.traeger_name,
            "Zeitraum": kopie.zeitraum,
            "Datenstand": kopie.datenstand,
            "Exportiert_am": kopie.exportiert_am,
            "Programmversion": kopie.programmversion,
            "Pruefsumme": kopie.pruefsumme,
        }
        for kopie in k.kopien
    ]
    _, kopf, _, letzte = tabelle_schreiben(
        ws.parent, "tbl_Dateien", zeilen, lambda _z, s: "@" if s == "Traeger_ID" else None
    )
    for spalte, breite in zip("ABCDEFGH", (40, 14, 30, 26, 13, 18, 17, 68), strict=True):
        ws.column_dimensions[spalte].width = breite
    ws.print_area = f"A1:{get_column_letter(letzte)}{kopf + max(len(zeilen), 1)}"
