"""Number formats and the rule for text that looks like a formula: what the openpyxl writer and
the ribbon button (which writes through Excel) share. Nothing here imports openpyxl, so the
button's fresh process does not pay for it."""

from __future__ import annotations

from ..kern.kennzahlen import JAHRESWERTE
from ..kern.merkmale import MERKMALE

FORMATE = {
    "anzahl": "#,##0",
    "quote": '0.0" %"',
    "pp_wert": '0.0" pp"',
    "euro": '#,##0" €"',
    "%": '+0.0" %";-0.0" %";0.0" %"',
    "pp": '+0.0" pp";-0.0" pp";0.0" pp"',
    "abs": "+#,##0;-#,##0;0",
    "prozentwert": "0.0",
    "monat": "@",
    "janein": '"ja";"ja";"nein"',
}

FORMELZEICHEN = ("=", "+", "-", "@")  # text a spreadsheet would read as a formula


def wertformat(kennzahl: str, art: str = "") -> str:
    if art == "geschlechterabstand":
        return FORMATE["pp_wert"]
    jahresart, zaehler, _ = JAHRESWERTE[kennzahl]
    if jahresart in ("jfw", "anteil"):
        return FORMATE["quote"]
    return FORMATE["euro"] if MERKMALE[zaehler][1] == "EUR" else FORMATE["anzahl"]
