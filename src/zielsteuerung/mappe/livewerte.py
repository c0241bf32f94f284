"""The sheet "Live-Werte": the add-in's functions ZIEL_… beside the values of the last refresh.

Each row of ``tbl_Live`` is one target of the agreement: its change and status as the last
refresh wrote them, and the same two computed by the worksheet functions with the settings
cells as arguments (``Jahr``, ``Bis_Monat_Vorgabe``, ``Traeger_ID``, ``Wartezeit``), so a
change on the sheet "Einstellungen" recalculates them at once. The file stores the formulas in
Excel's English syntax (commas); Excel shows them with semicolons.
"""

from __future__ import annotations

from typing import Any

from ..kern.auswertung import Auswertung
from ..kern.vereinbarung import Zielvereinbarung
from .formate import FORMATE, Formel

TABELLE = "tbl_Live"

#: The add-in's function for the change of each standard target (excel/udfs.py).
FUNKTIONEN = {
    "integrationen": "ZIEL_INTEGRATIONEN",
    "k2": "ZIEL_K2",
    "k2_abstand": "ZIEL_ABSTAND",
    "k3": "ZIEL_K3",
    "integrationen_lzb": "ZIEL_INTEGRATIONEN_LZB",
}
ARGUMENTE = "Jahr,Bis_Monat_Vorgabe,Traeger_ID,Wartezeit"


def _text(wert: str) -> str:
    return '"' + wert.replace('"', '""') + '"'


def zeilen(v: Zielvereinbarung, a: Auswertung | None = None) -> list[dict[str, Any]]:
    """The rows of tbl_Live: one per target; the refreshed values from ``a`` where given."""
    ergebnisse = {z["id"]: z for z in a.ziele} if a is not None else {}
    return [
        {
            "Ziel_ID": z.id,
            "Ziel": z.bezeichnung,
            "Einheit": z.einheit,
            "Veränderung": ergebnisse.get(z.id, {}).get("veraenderung"),
            "Veränderung live": (
                Formel(f"={FUNKTIONEN[z.id]}({ARGUMENTE})") if z.id in FUNKTIONEN else None
            ),
            "Status": ergebnisse.get(z.id, {}).get("status"),
            "Status live": Formel(f"=ZIEL_STATUS({_text(z.id)},{ARGUMENTE})"),
        }
        for z in v.ziele
    ]


def format_(zeile: dict[str, Any], spalte: str) -> str | None:
    return FORMATE[zeile["Einheit"]] if spalte.startswith("Veränderung") else None
