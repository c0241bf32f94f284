"""Column widths: a column is widened so that every number, date and text of it fits, as the
estimate of one cell says (``_anzeigebreite``), though not every cell is measured."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from openpyxl import Workbook
from openpyxl.styles import Alignment

from zielsteuerung.mappe.druck import _anzeigebreite, platz_schaffen


def _breite_je_zelle(ws, spalte: int, oben: int, unten: int) -> float:
    """The width the widest cell of the column asks for, every cell measured."""
    zellen = [ws.cell(r, spalte) for r in range(oben, unten + 1)]
    noetig = max(_anzeigebreite(z, {}) for z in zellen)
    return math.ceil(noetig * 2) / 2


@pytest.mark.parametrize(
    ("werte", "format_"),
    [
        # the longest text is the negative number, though its amount is smaller
        ([99.9, -99.8, 5.0], "#,##0.0"),
        # signed format: "+" before the positive ones
        ([12345.0, -1234.0, 7.0], '+#,##0.0" pp";-#,##0.0" pp"'),
        # rounding makes 9.96 one digit longer than 9.94
        ([9.94, 9.96, 1.0], "0.0"),
        ([1234567, 1, -2], "#,##0"),
        ([dt.date(2024, 1, 31), dt.datetime(2024, 1, 31, 9, 30)], "DD.MM.YYYY HH:MM"),
    ],
)
def test_a_column_is_as_wide_as_its_widest_value(werte, format_):
    ws = Workbook().active
    ws.cell(1, 1, "K")
    ws.cell(1, 2, "Nachbar")
    for r, wert in enumerate(werte, start=2):
        ws.cell(r, 1, wert).number_format = format_
        ws.cell(r, 2, "x")
    ws.column_dimensions["A"].width = 2
    platz_schaffen(ws, 1, 1, 1, 1 + len(werte))
    assert ws.column_dimensions["A"].width == _breite_je_zelle(ws, 1, 1, 1 + len(werte)) > 2


def test_a_text_is_measured_where_its_neighbour_holds_something():
    """The same text flows into an empty neighbour (no room needed) and is cut off beside a
    filled one (room needed): the later cell widens the column."""
    ws = Workbook().active
    ws.cell(1, 1, "K")
    lang = "Jobcenter Kreis Kleve"
    for r in range(2, 6):
        ws.cell(r, 1, lang)
    ws.cell(5, 2, "Wert")  # only the last row's neighbour is filled
    ws.cell(6, 1, "Kürzer und umbrochen, ein Wort: Integrationsquote").alignment = Alignment(
        wrap_text=True
    )
    ws.column_dimensions["A"].width = 2
    platz_schaffen(ws, 1, 1, 1, 6)
    assert ws.column_dimensions["A"].width == _breite_je_zelle(ws, 1, 1, 6) > 15
