"""Number formats and the rule for text that looks like a formula:
what the openpyxl writer and the ribbon button (which writes through Excel) share. Nothing here
imports openpyxl, so the button's fresh process does not pay for it."""

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
    "euro_abs": '+#,##0" €";-#,##0" €";0" €"',
    "prozentwert": "0.0",
    "monat": "@",
    "janein": '"ja";"ja";"nein"',
    "datum": "DD.MM.YYYY",
    "zeitpunkt": "DD.MM.YYYY HH:MM",
    "kennung": ";;;",  # a machine key: in the cell, not on screen or paper
}

FORMELZEICHEN = ("=", "+", "-", "@")  # text a spreadsheet would read as a formula


class Formel(str):
    """A formula the program writes from its own text (never from data): stays a formula."""


def wertformat(kennzahl: str, art: str = "") -> str:
    """The format of a value of ``kennzahl`` (a count, an amount, a quota, a gender gap)."""
    if art == "geschlechterabstand":
        return FORMATE["pp_wert"]
    jahresart, zaehler, _ = JAHRESWERTE[kennzahl]
    if jahresart in ("jfw", "anteil"):
        return FORMATE["quote"]
    return FORMATE["euro"] if MERKMALE[zaehler][1] == "EUR" else FORMATE["anzahl"]


def abstandsformat(kennzahl: str, art: str = "") -> str:
    """The format of a difference of two values of ``kennzahl``: percentage points for
    quotas and gaps, signed counts or amounts otherwise."""
    wert = wertformat(kennzahl, art)
    if wert in (FORMATE["quote"], FORMATE["pp_wert"]):
        return FORMATE["pp"]
    return FORMATE["euro_abs"] if wert == FORMATE["euro"] else FORMATE["abs"]
