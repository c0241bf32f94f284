"""The agreement on the sheet "Zielvereinbarung" (table tbl_Vereinbarung): written from an
agreement, and read back and checked like a file.
"""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook

from ..kern.vereinbarung import Ziel, Zielvereinbarung, aus_tabelle
from .zellen import eingabe_lesen, name_lesen, tabelle_schreiben


def vereinbarung_schreiben(wb: Workbook, v: Zielvereinbarung) -> None:
    def zeile(bereich: str, z: Ziel) -> dict[str, Any]:
        return {
            "Bereich": bereich,
            "Ziel_ID": z.id,
            "Ziel": z.bezeichnung,
            "Kennzahl": z.kennzahl,
            "Art": z.art,
            "Vergleich": z.vergleich,
            "Schwelle": z.schwelle,
            "Geschlecht": z.geschlecht,
            "Hinweis": z.hinweis or None,
        }

    zeilen = [zeile("Ziel", z) for z in v.ziele] + [zeile("Monitoring", z) for z in v.monitoring]
    tabelle_schreiben(
        wb, "tbl_Vereinbarung", zeilen, lambda _z, s: "0.0##" if s == "Schwelle" else None
    )


def vereinbarung_aus_mappe(
    wb: Workbook, traeger_id: str, jahr: Any, wartezeit: str
) -> Zielvereinbarung:
    """The agreement as the sheet "Zielvereinbarung" states it, checked like a file."""
    name = str(name_lesen(wb, "Traeger_Name") or "")
    return aus_tabelle(eingabe_lesen(wb, "tbl_Vereinbarung"), traeger_id, jahr, wartezeit, name)
