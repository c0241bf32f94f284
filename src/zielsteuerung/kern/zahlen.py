"""Numbers as people write and read them: German notation, rounding as Excel displays."""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeGuard

#: a value this many times larger or smaller than its neighbour or its predecessor is a misread
#: or a typo (a thousands dot read as a decimal mark, a fraction for a percentage), never a change
SPRUNGFAKTOR = 20.0


def ist_zahl(wert: object) -> TypeGuard[int | float]:
    """A number as a cell holds one (True and False are not)."""
    return isinstance(wert, int | float) and not isinstance(wert, bool)


def runden(wert: float, stellen: int) -> float:
    """Round half away from zero, as Excel displays a number."""
    quantum = Decimal(1).scaleb(-stellen)
    return float(Decimal(repr(float(wert))).quantize(quantum, rounding=ROUND_HALF_UP))


def zahl(wert: float | None, stellen: int = 0, vorzeichen: bool = False) -> str:
    """German number: 1.234; 23,5; with vorzeichen +2,7. None -> '–'."""
    if wert is None or (isinstance(wert, float) and math.isnan(wert)):
        return "–"
    gerundet = runden(wert, stellen)
    if gerundet == 0:
        gerundet = 0.0  # no "-0,0"
    text = f"{abs(gerundet):,.{stellen}f}".replace(",", "X").replace(".", ",").replace("X", ".")
    zeichen = "-" if gerundet < 0 else ("+" if vorzeichen and gerundet > 0 else "")
    return zeichen + text


def wert_mit_einheit(wert: float | None, einheit: str, vorzeichen: bool = False) -> str:
    """A change or threshold with its unit ("%", "pp", "abs"): +2,7 %; -0,4 pp; -45."""
    if einheit in ("%", "pp"):
        return f"{zahl(wert, 1, vorzeichen)} {einheit}" if wert is not None else "–"
    return zahl(wert, 0, vorzeichen)


#: the blanks that group thousands: blank, no-break space (some exports), narrow no-break space
LEERZEICHEN = "[ \u00a0\u202f]"
#: a number whose thousands are grouped by blanks ("1 234 567", "1 234,5"): groups of exactly
#: three digits, at most a decimal mark after the last; a blank anywhere else ("12 34",
#: "1.200 000") leaves a text that is no number
TAUSENDER_LEERZEICHEN = rf"[-+]?\d{{1,3}}(?:{LEERZEICHEN}\d{{3}})+(?:[.,]\d+)?"


def ohne_tausenderleerzeichen(text: str) -> str:
    """The text without blanks that group thousands ("1 234" -> "1234"; "12 34" stays)."""
    if re.fullmatch(TAUSENDER_LEERZEICHEN, text):
        return re.sub(LEERZEICHEN, "", text)
    return text


class Schreibweise(ValueError):
    """Text that is a number in another notation than German (its message, in German, says
    which and how to write it)."""


def zahl_lesen(wert: Any) -> float | None:
    """A number from a cell: numbers as they are, text in German notation (1.234,5; 1.200.000)
    or with a decimal point (2.5).
    None for an empty cell; ValueError for text that is no number, ``Schreibweise`` for one in
    English notation with thousands commas (1,234.5; 1,200,000), which would otherwise be
    read a thousand times too small or not at all."""
    if wert is None or (isinstance(wert, str) and not wert.strip()):
        return None
    if isinstance(wert, bool):
        raise ValueError(wert)
    if isinstance(wert, (int, float)):
        if math.isnan(wert) or math.isinf(wert):
            raise ValueError(wert)
        return float(wert)
    text = ohne_tausenderleerzeichen(str(wert).strip())
    if re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?", text) and (
        "." in text or text.count(",") > 1
    ):
        deutsch = text.replace(",", "X").replace(".", ",").replace("X", ".")
        raise Schreibweise(
            f"„{text}“ ist in englischer Schreibweise (Komma zwischen den Tausendern); bitte "
            f"deutsch schreiben: {deutsch}."
        )
    if "," in text and "." in text[text.index(",") :]:  # a point after the decimal comma
        raise ValueError(wert)
    if "," in text or re.fullmatch(r"[-+]?\d{1,3}(\.\d{3})+", text):  # 1.234,5 or 1.200.000
        text = text.replace(".", "").replace(",", ".")
    zahl_ = float(text)
    if math.isnan(zahl_) or math.isinf(zahl_):
        raise ValueError(wert)
    return zahl_


def wert_oder_none(wert: Any) -> float | None:
    """A float, or None where the value is missing (None or NaN)."""
    try:
        zahl_ = float(wert)
    except TypeError:  # None, pandas' NA
        return None
    return None if math.isnan(zahl_) else zahl_
