"""Months as integers (year * 12 + month - 1) and the many ways files write them."""

from __future__ import annotations

import datetime as dt
import re

MONATSNAMEN = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
]
MONATE = tuple(MONATSNAMEN)
_KURZ = {n.lower()[:3]: m for m, n in enumerate(MONATSNAMEN, start=1)}  # "jan" .. "dez"
_NAMEN = {**_KURZ, "mae": 3, "mrz": 3, "mar": 3, "may": 5, "oct": 10, "dec": 12}
#: a month named on its own, written out or shortened (settings and worksheet functions)
_NAMEN_GANZ = {**{n.lower(): m for m, n in enumerate(MONATSNAMEN, start=1)}, **_KURZ,
               "mrz": 3, "sept": 9}  # fmt: skip

_MUSTER = (
    (re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?:[ T]00:00(?::00)?)?$"), "jmt"),
    (re.compile(r"^(\d{4})(\d{2})$"), "jm"),
    (re.compile(r"^(\d{1,2})[./](\d{4})$"), "mj"),
    (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?: 00:00(?::00)?)?$"), "tmj"),
    (re.compile(r"^(\d{4})/(\d{1,2})$"), "jm"),
    (re.compile(r"^(\d{1,2})/(\d{2})$"), "mj"),  # MM/JJ, the century is the 2000s
)


def monat(jahr: int, m: int) -> int:
    return jahr * 12 + m - 1


def jahr_und_monat(index: int) -> tuple[int, int]:
    return index // 12, index % 12 + 1


def als_text(index: int) -> str:
    j, m = jahr_und_monat(index)
    return f"{j:04d}-{m:02d}"


def als_name(index: int) -> str:
    """A month as a reader writes it: "Juni 2023"."""
    j, m = jahr_und_monat(index)
    return f"{MONATSNAMEN[m - 1]} {j}"


def als_yyyymm(index: int) -> int:
    j, m = jahr_und_monat(index)
    return j * 100 + m


def aus_yyyymm(wert: int) -> int:
    return monat(wert // 100, wert % 100)


def yyyymm_text(yyyymm: int) -> str:
    """A month stored as YYYYMM written as in the files: 202307 -> "2023-07"."""
    return als_text(aus_yyyymm(yyyymm))


def monatsname(m: int) -> str:
    return MONATSNAMEN[m - 1]


def _jahrhundert(j: int) -> int:
    """A year written with two digits is of the 2000s (MM/JJ, TT.MM.JJ, „Jul 23“)."""
    return j + 2000 if j < 100 else j


def parse_monat(wert: object) -> int | None:
    """Parse a reporting month, or None. A day is dropped: a Stichtag names its month."""
    if isinstance(wert, dt.datetime | dt.date):
        return monat(wert.year, wert.month)
    text = str(wert).strip()
    for muster, ordnung in _MUSTER:
        treffer = muster.match(text)
        if treffer:
            teile = [int(g) for g in treffer.groups() if g is not None]
            if ordnung in ("jmt", "jm"):
                j, m = teile[0], teile[1]
            elif ordnung == "mj":
                m, j = teile
            else:  # TT.MM.JJJJ, or TT.MM.JJ as German Excel writes a short date
                m, j = teile[1], teile[2]
            j = _jahrhundert(j)
            if 1900 <= j <= 2200 and 1 <= m <= 12:
                return monat(j, m)
            return None
    treffer = re.match(r"^([A-Za-zÄÖÜäöü]+)\.?[\s\-/]*(\d{2}|\d{4})$", text)
    if treffer:
        name = treffer.group(1).lower().replace("ä", "ae")[:3]
        m_nr = _NAMEN.get(name) or _NAMEN.get(treffer.group(1).lower()[:3])
        j = _jahrhundert(int(treffer.group(2)))
        if m_nr:
            return monat(j, m_nr)
    return None


def monat_aus_namen(text: str) -> int | None:
    """The month of a German month name, written out or shortened ("Juni", "Jun.", "März",
    "Maerz", "Mär", "Mrz", "Sept"), or None."""
    return _NAMEN_GANZ.get(text.strip().removesuffix(".").lower().replace("ae", "ä"))


#: a Datenstand as files write it: ISO, German (also as Excel saves a date and time to CSV,
#: "20.11.2023 08:00", or a short date, "20.11.23"), and JJJJMMTT
_DATUMSFORMATE = (
    "%Y-%m-%d",
    "%d.%m.%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%y",
    "%Y%m%d",
)


def parse_datum(wert: object) -> str | None:
    """Parse a Datenstand to ISO 'YYYY-MM-DD'; None if it is not a date."""
    if isinstance(wert, dt.datetime | dt.date):
        return f"{wert.year:04d}-{wert.month:02d}-{wert.day:02d}"
    text = str(wert).strip()
    if re.fullmatch(r"\d+", text) and len(text) != 8:  # only JJJJMMTT is a date of digits
        return None
    for fmt in _DATUMSFORMATE:
        try:
            d = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"
    return None


def zeitraum(jahr: int, bis_monat: int) -> str:
    """The months of a year-to-date value: "Januar bis Juni 2023", "Januar 2023"."""
    return f"Januar bis {monatsname(bis_monat)} {jahr}" if bis_monat > 1 else f"Januar {jahr}"


def als_datum(text: object) -> dt.date | str | None:
    """An ISO date (a time after it ignored) as a date, for a cell that shows TT.MM.JJJJ;
    text that is no date stays text, empty is None."""
    if text is None or text == "":
        return None
    try:
        return dt.date.fromisoformat(str(text)[:10])
    except ValueError:
        return str(text)


def als_zeitpunkt(text: str) -> dt.datetime | str:
    """An ISO timestamp as a time for a cell (whole seconds, no time zone: a spreadsheet has
    none); text that is no timestamp stays text."""
    try:
        return dt.datetime.fromisoformat(text).replace(microsecond=0, tzinfo=None)
    except ValueError:
        return text


def datum_text(wert: object) -> str:
    """A date as TT.MM.JJJJ (ISO text or a date; an ISO time of day kept as HH:MM); anything
    else as it is, empty as –."""
    if isinstance(wert, dt.date):
        return f"{wert:%d.%m.%Y}"
    text = str(wert or "")
    try:
        datum = f"{dt.date.fromisoformat(text[:10]):%d.%m.%Y}" if text else "–"
    except ValueError:
        return text
    zeit = text[11:16] if len(text) >= 16 and text[10] in "T " else ""
    return f"{datum} {zeit}" if zeit else datum
