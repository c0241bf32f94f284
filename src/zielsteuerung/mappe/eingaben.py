"""Numbers users type into the workbook's own tables (Zielvereinbarung, Planung, Mittel),
checked by one rule wherever they are read: the refresh of the file, the ribbon button and the
ZIEL_ cells in Excel, the ministry export. No openpyxl here: the worksheet functions import
this module.

A cell formatted as percent holds a hundredth of what it shows: typed "2,7" or "2,7 %" there,
Excel keeps 0.027 and shows "2,7 %". The sheets take percent values as plain numbers (2.7), so
such a number would be read as a hundredth of what the user meant: it is refused, naming the
cell and the fix.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..kern.zahlen import ist_zahl


def prozentformat(format_: str | None) -> bool:
    """A number format that shows a value times 100 with a percent sign ("0.0%"); a percent
    sign in quotes or after a backslash (the workbook's '0.0" %"') only adds the sign."""
    return "%" in re.sub(r'"[^"]*"|\\.', "", format_ or "")


def _spaltenbuchstabe(spalte: int) -> str:
    """1 -> A, 27 -> AA."""
    text = ""
    while spalte:
        spalte, rest = divmod(spalte - 1, 26)
        text = chr(65 + rest) + text
    return text


def prozent_fehler(
    blatt: str,
    zeilen: list[list[Any]],
    oben: int,
    links: int,
    format_von: Callable[[int, int], str | None],
) -> str | None:
    """The message for the first number of a table's body (``zeilen``: header first, its top
    left cell at row ``oben``, column ``links``) in a cell formatted as percent; None where
    there is none. ``format_von(row, column)`` gives a cell's number format."""
    for i, zeile in enumerate(zeilen[1:], start=1):
        for j, wert in enumerate(zeile):
            if ist_zahl(wert) and prozentformat(format_von(oben + i, links + j)):
                gemeint = f"{wert * 100:.10g}".replace(".", ",")
                return (
                    f"Blatt „{blatt}“, Zelle {_spaltenbuchstabe(links + j)}{oben + i}: als "
                    f"Prozent formatiert, Excel hält „{gemeint} %“ dort als "
                    f"{f'{wert:.10g}'.replace('.', ',')}. Bitte die Zelle als Zahl formatieren "
                    f"und {gemeint} ohne %-Zeichen eintragen."
                )
    return None
