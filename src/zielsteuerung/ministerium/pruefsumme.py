"""The checksum of a ministry copy: SHA-256 over a canonical serialisation of every value, so
that the consolidation detects an edit after the export. It does not stop a deliberate forger.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from typing import Any

from openpyxl import Workbook

from ..mappe.vertrag import EXPORTIERT_AM, NAMEN
from ..mappe.zellen import (
    zelle_des_namens,
)

PRUEFSUMME = "Pruefsumme"


#: Version tag of the canonical serialisation; part of the hashed text.
VERFAHREN = "zielsteuerung-pruefsumme-1"


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
