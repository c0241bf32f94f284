"""Numbers written as text, read without guessing: the decimal mark comes from the mapping or
from the file itself, and a value that the file leaves open ("3.731": 3731 or 3,731) is
reported, never read one way silently.

A text shows the decimal comma ("komma": ``12,5``, ``1.234,5``, ``1.234.567``), the decimal
point ("punkt": ``12.5``, ``1,234.5``, ``1,234,567``), or is readable both ways: one mark
followed by exactly three digits (``3.731``, ``1,234``). Such a value is read as a grouped
whole number only where the file shows the *other* mark as its decimal mark, or, for
``3.731``, where a ';'-separated file (German Excel) writes no value with a decimal point and
none with a single comma. A value is never read as a number with three decimals by inference:
base figures are counts and euro amounts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..kern.merkmale import FEHLKENNZEICHEN
from ..kern.zahlen import LEERZEICHEN, TAUSENDER_LEERZEICHEN, ohne_tausenderleerzeichen

_MEHRDEUTIG_PUNKT = r"[-+]?[1-9]\d{0,2}\.\d{3}"
_MEHRDEUTIG_KOMMA = r"[-+]?[1-9]\d{0,2},\d{3}"
_GUELTIG = {
    ",": (r"[-+]?\d+(?:,\d+)?", r"[-+]?[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?"),
    ".": (r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?", r"[-+]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?"),
}


@dataclass
class Zahlen:
    """Per value: the number, the missing-value marker (a categorical in ``zahlen_lesen``),
    whether it is no number, whether it is readable both ways, and which decimal mark its text
    shows ("komma", "punkt" or "")."""

    zahlen: pd.Series
    kennzeichen: pd.Series
    unlesbar: pd.Series
    mehrdeutig: pd.Series
    art: pd.Series
    widerspruch: bool  # decimal comma and decimal point in one file, no mapping to decide


def _art(t: pd.Series) -> pd.Series:
    """ "komma", "punkt", "D" (``3.731``), "C" (``1,234``) or "" for each cleaned text."""
    punkt, komma = t.str.contains(".", regex=False), t.str.contains(",", regex=False)
    art = pd.Series("", index=t.index, dtype=object)
    beide = punkt & komma
    art[beide] = (t[beide].str.rfind(",") > t[beide].str.rfind(".")).map(
        {True: "komma", False: "punkt"}
    )
    nur_punkt = punkt & ~komma
    art[nur_punkt] = "punkt"
    art[nur_punkt & (t.str.count(r"\.") >= 2)] = "komma"  # 1.234.567: dots group thousands
    art[nur_punkt & t.str.fullmatch(_MEHRDEUTIG_PUNKT)] = "D"
    nur_komma = komma & ~punkt
    art[nur_komma] = "komma"
    art[nur_komma & (t.str.count(",") >= 2)] = "punkt"
    art[nur_komma & t.str.fullmatch(_MEHRDEUTIG_KOMMA)] = "C"
    return art


def _lesen(t: pd.Series, dezimal: str) -> pd.Series:
    """Numbers of texts written with this decimal mark; NaN where the text does not fit it."""
    einfach, gruppiert = _GUELTIG[dezimal]
    passt = t.str.fullmatch(einfach) | t.str.fullmatch(gruppiert)
    tausender = "." if dezimal == "," else ","
    normal = t.str.replace(tausender, "", regex=False).str.replace(dezimal, ".", regex=False)
    return pd.to_numeric(normal.where(passt, "?"), errors="coerce").astype(float)


def _eindeutig(werte: pd.Series, dezimal: str | None, tausenderpunkt: bool) -> Zahlen:
    ist_text = pd.Series([isinstance(v, str) for v in werte.tolist()], index=werte.index)
    text = werte.where(ist_text, "").astype(str).str.strip()
    kennzeichen = text.where(ist_text & text.isin(FEHLKENNZEICHEN))
    zahlen = pd.to_numeric(werte.where(~ist_text), errors="coerce").astype(float)
    zu_parsen = ist_text & kennzeichen.isna()
    t = text[zu_parsen].str.replace("€", "", regex=False).str.strip()
    gruppiert = t.str.fullmatch(TAUSENDER_LEERZEICHEN)  # "1 234"; "12 34" is no number
    t = t.where(~gruppiert, t.str.replace(LEERZEICHEN, "", regex=True))
    # plain whole numbers (most values of most files) show no mark: read as they are
    ganz = pd.Series([z.isascii() and z.isdigit() for z in t.tolist()], index=t.index, dtype=bool)
    zahlen.loc[t.index[ganz]] = t[ganz].astype(float)
    t = t[~ganz]
    art = pd.Series("", index=werte.index, dtype=object)
    art[t.index] = _art(t)
    mehrdeutig = pd.Series(False, index=werte.index)
    widerspruch = False
    if dezimal is None:
        komma, punkt = (art == "komma").any(), (art == "punkt").any()
        widerspruch = bool(komma and punkt)
        gruppen_punkt = (komma and not punkt) or (
            tausenderpunkt and not punkt and not (art == "C").any()
        )
        gruppen_komma = punkt and not komma
        dezimal = "," if komma or gruppen_punkt else "."
        if not widerspruch:
            mehrdeutig = ((art == "D") & (not gruppen_punkt)) | ((art == "C") & (not gruppen_komma))
    zahlen.loc[t.index] = _lesen(t, dezimal)
    if widerspruch:  # reported as such; each value read as its own text shows
        punkt_text = art[t.index] == "punkt"
        zahlen.loc[punkt_text[punkt_text].index] = _lesen(t[punkt_text], ".")
    zahlen[mehrdeutig] = float("nan")
    unlesbar = zu_parsen & zahlen.isna() & ~mehrdeutig
    andere = werte[~ist_text]  # native values (Excel): None is an empty cell
    gefuellt = np.array([v is not None and v != "" for v in andere.tolist()], dtype=bool)
    unlesbar[andere.index] |= gefuellt & zahlen[andere.index].isna().to_numpy()
    kennzeichen = kennzeichen.where(kennzeichen.isna(), kennzeichen.replace({"": "leer"}))
    art = art.where(~art.isin(["D", "C"]), "")
    return Zahlen(zahlen, kennzeichen, unlesbar, mehrdeutig, art, widerspruch)


def zahlen_lesen(werte: pd.Series, dezimal: str | None, tausenderpunkt: bool) -> Zahlen:
    """Read a column of values (text or native numbers), each distinct value once.
    ``tausenderpunkt``: the file is ';'-separated (German Excel)."""
    if werte.dtype.kind in "iu":  # whole numbers read as such: nothing to tell apart
        nein = pd.Series(False, index=werte.index)
        keines = pd.Series(
            pd.Categorical.from_codes(np.full(len(werte), -1, np.int8), pd.Index([], dtype=object)),
            index=werte.index,
        )
        return Zahlen(werte.astype(float), keines, nein, nein, keines, False)
    # the values that occur (a categorical may know texts of rows left out, e.g. footnotes)
    if isinstance(werte.dtype, pd.CategoricalDtype):
        codes = werte.cat.codes.to_numpy()
        da = np.flatnonzero(np.bincount(codes[codes >= 0], minlength=len(werte.cat.categories)))
        neu = np.full(len(werte.cat.categories) + 1, -1, dtype=np.int64)
        neu[da] = np.arange(len(da))
        codes, eindeutig = neu[codes], werte.cat.categories[da]
    else:
        codes, eindeutig = pd.factorize(werte, use_na_sentinel=True)
    ergebnis = _eindeutig(pd.Series([*eindeutig, None], dtype=object), dezimal, tausenderpunkt)

    def je_wert(spalte: pd.Series, dtype: object) -> pd.Series:
        return pd.Series(spalte.to_numpy()[codes], index=werte.index, dtype=dtype)

    kennzeichen, texte = pd.factorize(ergebnis.kennzeichen, use_na_sentinel=True)
    return Zahlen(
        je_wert(ergebnis.zahlen, float),
        pd.Series(
            pd.Categorical.from_codes(kennzeichen[codes], pd.Index(texte, dtype=object)),
            index=werte.index,
        ),
        je_wert(ergebnis.unlesbar, bool),
        je_wert(ergebnis.mehrdeutig, bool),
        je_wert(ergebnis.art, object),
        ergebnis.widerspruch,
    )


def lesarten(text: str) -> tuple[str, str]:
    """The two readings of a value readable both ways, as a German reader writes them:
    ("3731", "3,731") for "3.731" and for "3,731"."""
    t = ohne_tausenderleerzeichen(text.strip())
    return t.replace(".", "").replace(",", ""), t.replace(".", ",")
