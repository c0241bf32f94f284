"""ZIEL_ formulas of a workbook file, computed with the worksheet functions themselves.

A workbook refreshed on the command line (openpyxl) stores no values for its formulas, and the
ministry export needs them. For a formula that is one call of a ZIEL_ function whose arguments
are empty, numbers, texts, defined names or references to single cells, this gives what the
add-in shows in Excel: the same function, its arguments as Excel passes them (numbers as
floats, dates as datetimes, empty cells as None) and the settings of the workbook read from
the file (``zielfunktionen.Mappenwerte``). Any other formula, and any argument or setting that
is itself a formula, stays unknown: the export then refuses, as it does without this module.
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.utils import range_boundaries
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from openpyxl.worksheet.worksheet import Worksheet

from ..fehler import EingabeFehler, ZielFehler
from ..mappe.eingaben import prozent_fehler
from ..mappe.einstellungen import EINSTELLUNGEN, KENNZEICHEN, VEREINBARUNG
from ..mappe.zellen import tabelle_finden, zelle_des_namens
from . import udfs
from . import zielfunktionen as zf

_AUFRUF = re.compile(r"=\s*(ZIEL_[A-Z0-9_]+)\s*\((.*)\)", re.IGNORECASE | re.DOTALL)
_ZELLE = re.compile(
    r"(?:(?:'((?:[^']|'')+)'|([^\s!'\[\]()+\-*/&=<>,;\"]+))!)?\$?([A-Z]{1,3})\$?(\d+)",
    re.IGNORECASE,
)
_ZAHL = re.compile(r"-?\d+(?:\.\d+)?(?:E[+-]?\d+)?", re.IGNORECASE)
#: The functions that return one value (ZIEL_TABELLE fills a range: not computed here).
EINZELWERTE = (
    "ZIEL_INTEGRATIONEN", "ZIEL_K2", "ZIEL_ABSTAND", "ZIEL_K3", "ZIEL_INTEGRATIONEN_LZB",
    "ZIEL_STATUS", "ZIEL_ZIELWERT", "ZIEL_WERT", "ZIEL_KENNZAHL",
)  # fmt: skip


class _Unbekannt(Exception):
    """What Excel would compute here cannot be known from the file."""


def _wert(zelle: Cell) -> Any:
    """A cell's value as xlwings passes it to a function."""
    wert = zelle.value
    if zelle.data_type == "f" or isinstance(wert, ArrayFormula | DataTableFormula):
        raise _Unbekannt
    if isinstance(wert, bool) or wert is None:
        return wert
    if isinstance(wert, int | float):
        return float(wert)
    if isinstance(wert, dt.datetime):
        return wert
    if isinstance(wert, dt.date):
        return dt.datetime(wert.year, wert.month, wert.day)
    if isinstance(wert, str):
        return wert if wert else None
    raise _Unbekannt  # a time of day or anything else: not what the functions take


def _argumente(text: str) -> list[str]:
    """The arguments of one call, split at commas outside quotes; a nested call is unknown."""
    teile, aktuell, in_text = [], "", False
    for zeichen in text:
        if zeichen == '"':
            in_text = not in_text
        elif not in_text and zeichen in "()":
            raise _Unbekannt
        elif not in_text and zeichen == ",":
            teile.append(aktuell)
            aktuell = ""
            continue
        aktuell += zeichen
    if in_text:
        raise _Unbekannt
    return [*teile, aktuell] if teile or aktuell.strip() else []


def _argument(wb: Workbook, ws: Worksheet, text: str) -> Any:
    text = text.strip()
    if not text:
        return None
    if len(text) >= 2 and text[0] == text[-1] == '"' and '"' not in text[1:-1].replace('""', ""):
        return text[1:-1].replace('""', '"')
    if _ZAHL.fullmatch(text):
        return float(text)
    definiert = wb.defined_names.get(text)
    if definiert is not None:
        zelle = zelle_des_namens(wb, text)
        if zelle is None or ":" in (definiert.attr_text or ""):
            raise _Unbekannt
        return _wert(zelle)
    if treffer := _ZELLE.fullmatch(text):
        blatt = (treffer.group(1) or "").replace("''", "'") or treffer.group(2) or ws.title
        if blatt not in wb.sheetnames:
            raise _Unbekannt
        return _wert(wb[blatt][f"{treffer.group(3).upper()}{treffer.group(4)}"])
    raise _Unbekannt


def mappenwerte(wb: Workbook) -> zf.Mappenwerte | None:
    """The settings of the workbook, read from the file as the functions read them in Excel."""
    werte = {}
    for name in (*KENNZEICHEN, *EINSTELLUNGEN):
        zelle = zelle_des_namens(wb, name)
        if zelle is not None:
            werte[name] = _wert(zelle)
    try:
        ws, tabelle = tabelle_finden(wb, VEREINBARUNG)
    except EingabeFehler:
        zeilen, prozent = None, None
    else:
        c1, r1, c2, r2 = range_boundaries(tabelle.ref)
        zeilen = [[_wert(ws.cell(r, c)) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]
        # as in Excel (eingabe_in_excel): a number in a cell formatted as percent is refused
        prozent = prozent_fehler(ws.title, zeilen, r1, c1, lambda r, c: ws.cell(r, c).number_format)

    def tabelle_lesen(name: str) -> list[list[Any]]:
        if zeilen is None:
            raise KeyError(name)
        if prozent:
            raise ZielFehler(prozent)
        return zeilen

    return zf.mappenwerte_lesen(lambda name: werte[name], tabelle_lesen)


def berechnen(wb: Workbook, ws: Worksheet, formel: str) -> tuple[bool, Any]:
    """(known, value) of one formula on ``ws``: what the cell shows in Excel with the add-in."""
    treffer = _AUFRUF.fullmatch(formel.strip())
    if treffer is None or treffer.group(1).upper() not in EINZELWERTE:
        return False, None
    funktion = getattr(udfs, treffer.group(1).upper())
    try:
        argumente = [_argument(wb, ws, a) for a in _argumente(treffer.group(2))]
        if len(argumente) > len(inspect.signature(funktion).parameters) - 1:  # caller
            return False, None
        try:
            caller = mappenwerte(wb)
        except ZielFehler as exc:  # in Excel, every ZIEL_ cell of the workbook says so
            return True, zf.fehlertext(exc)
    except _Unbekannt:
        return False, None
    return True, funktion(*argumente, caller=caller)
