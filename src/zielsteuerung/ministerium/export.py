"""The values-only copy of a controlling workbook for the ministry (fachkonzept 6).

Every formula is replaced by its value, so the copy opens anywhere without Python or the
add-in. Values come, in this order, from
1. the value the file itself stores for the formula (Excel computed it, ``ZIEL_`` functions
   of the add-in included; openpyxl, which writes our refreshes, never stores one);
2. the two formulas of the template on the sheet "Übersicht", computed here;
3. for a ``ZIEL_`` formula, the caller's ``ziel_rechner`` (the command line and the ribbon pass
   ``excel.mappenformeln.berechnen``: the worksheet function itself, against the store, with
   the workbook's settings; this room cannot import the add-in's code);
4. LibreOffice, which recalculates a copy in which the values of 1 to 3 are already fixed,
   for any other formula of the user (only then is LibreOffice needed).
A ``ZIEL_`` formula none of these can compute makes the export refuse and say which cells.
No VBA, no external links, no defined names that are formulas or point to other workbooks;
a checksum over all values (``Pruefsumme`` on the sheet "Info").
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import warnings
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ERROR_CODES, Cell
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from openpyxl.worksheet.worksheet import Worksheet

from ..daten.einstellungen import pfadtext
from ..daten.sammler import aufzaehlung
from ..fehler import EingabeFehler
from ..mappe.datei import nicht_ueberschreiben, pruefe_schreibbar, speichern
from ..mappe.stil import FETT
from ..mappe.vertrag import EXPORTIERT_AM
from ..mappe.zellen import anmerkung, name_lesen, setze, zelle_des_namens
from .pruefsumme import PRUEFSUMME, pruefsumme_berechnen

#: Local paths of the Träger's PC: not needed by the ministry, not passed on.
_LOKALE_PFADE = ("Datenordner", "Datenbestand", "Ministeriumskopie")


#: The template's own formulas (arbeitsmappe.neue_mappe), computed here without LibreOffice.
TITELFORMEL = '="Zielvereinbarung "&Jahr&" – "&Traeger_Name&" ("&Traeger_ID&")"'


HINWEISFORMEL = '=IF(Hinweis="","",Hinweis)'

#: Computes one ZIEL_ formula of the workbook: (workbook, sheet, formula) -> (known, value).
ZielRechner = Callable[[Workbook, Worksheet, str], tuple[bool, Any]]


@dataclass
class Export:
    """What an export did: the file, its checksum and what it left out (German texts)."""

    pfad: Path
    pruefsumme: str
    entfernt: list[str] = field(default_factory=list)
    neu_berechnet: int = 0  # formulas LibreOffice computed
    ziel_berechnet: int = 0  # ZIEL_ formulas computed by the worksheet functions


def mappe_laden(pfad: Path, **optionen: Any) -> Workbook:
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


def als_excel_text(wert: Any) -> str:
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
            f"Zielvereinbarung {als_excel_text(name('Jahr'))} – "
            f"{als_excel_text(name('Traeger_Name'))} ({als_excel_text(name('Traeger_ID'))})"
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


def _formeln_ersetzen(
    wb: Workbook, quelle: Path, ziel_rechner: ZielRechner | None
) -> tuple[int, int]:
    """Replace every formula by its value; returns how many LibreOffice and how many the
    worksheet functions computed."""
    gespeichert = mappe_laden(quelle, data_only=True)
    offen: list[tuple[Worksheet, Cell]] = []
    ohne_wert: list[str] = []
    ziel_berechnet = 0
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
                if not bekannt and ziel_rechner is not None and _erwaehnt_ziel(formel):
                    bekannt, wert = ziel_rechner(wb, ws, formel)
                    ziel_berechnet += bekannt
                    if isinstance(wert, float):  # Excel's 15 digits: the file keeps the value
                        wert = float(f"{wert:.15g}")  # the checksum sees (openpyxl writes 16)
                if bekannt:
                    _wert_setzen(zelle, wert)
                elif _erwaehnt_ziel(formel):
                    ohne_wert.append(f"{ws.title}!{zelle.coordinate} ({formel})")
                else:
                    offen.append((ws, zelle))
    if ohne_wert:
        raise EingabeFehler(
            f"{quelle.name}: {len(ohne_wert)} Zelle(n) mit ZIEL_-Formeln haben keinen "
            f"gespeicherten Wert: {aufzaehlung(ohne_wert, 5)}. "
            "Berechnen kann der Export selbst nur Formeln, die genau eine Funktion ZIEL_… "
            "mit Zahlen, Texten, Namen oder Zellbezügen als Argumenten aufrufen. Bitte die Mappe "
            "in Excel mit geladenem Add-in öffnen, neu berechnen (F9), speichern und erneut "
            "exportieren. Es wurde keine Kopie geschrieben."
        )
    if offen:
        _mit_libreoffice_berechnen(wb, offen, quelle)
    return len(offen), ziel_berechnet


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
            berechnet = mappe_laden(umwandeln(kopie, "xlsx", Path(tmp) / "lo"), data_only=True)
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
            f"Wert nicht berechnen: {aufzaehlung(unbekannt, 5)}. "
            "Bitte die Mappe in Excel öffnen, speichern (Excel speichert die Werte mit) und "
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
    anmerkung(
        ws,
        zeile + 2,
        "Wertekopie ohne Formeln und Makros, erzeugt mit „zielsteuerung export-ministerium“. "
        "Jede spätere Änderung eines Wertes macht die Prüfsumme ungültig; die Zusammenführung "
        "im Ministerium lehnt die Datei dann ab.",
        max(ws.max_column, 2),
    )
    ws.print_area = f"A1:{get_column_letter(max(ws.max_column, 2))}{zeile + 2}"
    return ws.cell(zeile, 2), ws.cell(zeile + 1, 2)


def export_erstellen(quelle: Path, ziel: Path, ziel_rechner: ZielRechner | None = None) -> Export:
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
    nicht_ueberschreiben(ziel, "Kopie für das Ministerium", lambda namen, _: EXPORTIERT_AM in namen)
    try:
        wb = mappe_laden(quelle)
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
    neu_berechnet, ziel_berechnet = _formeln_ersetzen(wb, quelle, ziel_rechner)
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
    return Export(ziel, pruefsumme, entfernt, neu_berechnet, ziel_berechnet)


def exportieren(quelle: Path, ziel: Path, ziel_rechner: ZielRechner | None = None) -> Path:
    """Write the values-only copy of the controlling workbook ``quelle`` for the ministry
    to ``ziel`` (atomically) and return its path. Also called by the ribbon button."""
    return export_erstellen(quelle, ziel, ziel_rechner).pfad


def zielpfad_aus_mappe(quelle: Path) -> Path | None:
    """The path set in the workbook file (Einstellungen > Pfad der Kopie für das Ministerium),
    as ``zielpfad``."""
    try:
        wb = mappe_laden(quelle, read_only=False)
    except Exception:  # reported by the export itself
        return None
    return zielpfad(name_lesen(wb, "Ministeriumskopie"), quelle)


def zielpfad(eintrag: Any, quelle: Path) -> Path | None:
    """The copy's path from the setting "Pfad der Kopie für das Ministerium" of the workbook
    ``quelle``: relative to its folder; a folder gets ``<name>-ministerium.xlsx``; empty: None."""
    text = pfadtext(eintrag)
    if not text:
        return None
    pfad = Path(text).expanduser()
    if not pfad.is_absolute():
        pfad = quelle.parent / pfad
    if pfad.is_dir() or text.endswith(("/", "\\")):
        pfad = pfad / f"{quelle.stem}-ministerium.xlsx"
    return pfad
