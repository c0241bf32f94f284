"""A file's columns mapped to the canonical long format (fachkonzept 2.1): one row per Träger,
month, merkmal, geschlecht, Wartezeit and Datenstand.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from ..kern import monate
from ..kern.merkmale import FEHLKENNZEICHEN, normalisiere
from .sammler import Sammler, anzahl
from .zuordnung import DIMENSIONEN, Spaltenzuordnung, Wertspalte, liste

#: a header naming a legal circle (SGB II, SGB III): BA's "insgesamt" beside it means both
_RECHTSKREIS = re.compile(r"(^|_)sgb_?(ii|iii|2|3)($|_)")
#: a field that reads as a number in some notation (footnotes hold none)
ZAHLARTIG = re.compile(r"[-+]?[\d.,\s€]*\d[\d.,\s€]*")


def _codes(werte: pd.Series | pd.Categorical) -> tuple[np.ndarray, Any]:
    """Per row the index of its distinct value, and the distinct values (-1: missing)."""
    if isinstance(werte.dtype, pd.CategoricalDtype):
        kategorisch = werte.array if isinstance(werte, pd.Series) else werte
        return kategorisch.codes, kategorisch.categories
    return pd.factorize(werte, use_na_sentinel=True)


def abbilden(werte: pd.Series, funktion: Callable[[Any], object]) -> pd.Series:
    """Apply a parser to each distinct value once (files repeat few distinct texts); a missing
    value is parsed as ''."""
    codes, eindeutig = _codes(werte)
    ergebnisse = np.empty(len(eindeutig) + 1, dtype=object)
    ergebnisse[:-1] = [funktion(u) for u in eindeutig]
    ergebnisse[-1] = funktion("")
    return pd.Series(ergebnisse[codes], index=werte.index)


def je_wert(werte: pd.Series, funktion: Callable[[Any], bool]) -> np.ndarray:
    """``abbilden`` for a test: a boolean per row."""
    codes, eindeutig = _codes(werte)
    ergebnisse = np.array([*(bool(funktion(u)) for u in eindeutig), bool(funktion(""))])
    return ergebnisse[codes]


def kategorisch(werte: pd.Series, funktion: Callable[[Any], object]) -> pd.Series:
    """``abbilden`` to a categorical of the results (sorted; NaN where the result is None):
    the codes of two columns read this way order rows as their values do."""
    codes, eindeutig = _codes(werte)
    ergebnisse = [*(funktion(u) for u in eindeutig), funktion("")]
    neu: list[Any] = sorted({e for e in ergebnisse if e is not None})
    nummer = {e: i for i, e in enumerate(neu)}
    umkodiert = np.array([-1 if e is None else nummer[e] for e in ergebnisse], dtype=np.int32)
    return pd.Series(
        pd.Categorical.from_codes(umkodiert[codes], categories=pd.Index(neu), validate=False),
        index=werte.index,
    )


def gefuellt(werte: pd.Series) -> np.ndarray:
    """Per row: does the cell hold anything (numbers always do)?"""
    if werte.dtype.kind in "iuf":
        return np.asarray(werte.notna())
    codes, eindeutig = _codes(werte)
    texte = pd.Series(np.asarray(eindeutig, dtype=object), dtype=object).astype(str)
    return np.append(texte.str.strip().ne("").to_numpy(bool), False)[codes]


def schluessel(kategorien: Iterable[pd.Categorical]) -> np.ndarray:
    """One int64 per row for the combination of its codes in the categoricals (a missing
    value counts as a code of its own): rows share a number exactly where they share all."""
    zahl: np.ndarray | None = None
    for k in kategorien:
        codes = k.codes.astype(np.int64) + 1
        zahl = codes if zahl is None else zahl * (len(k.categories) + 1) + codes
    assert zahl is not None, "no categoricals"
    return zahl


def als_kategorie(spalte: pd.Series) -> pd.Categorical:
    """A column as a categorical of its texts (categories stay categories: no copy)."""
    if isinstance(spalte.dtype, pd.CategoricalDtype):
        return spalte.array
    codes, texte = pd.factorize(np.asarray(spalte.astype(str), dtype=object))
    return pd.Categorical.from_codes(codes, categories=pd.Index(texte, dtype=object))


@dataclass
class Lang:
    """A file melted to one row per value, before validation."""

    daten: pd.DataFrame
    kopf: dict[str, str]  # dimension -> header it came from
    beispieldaten: bool
    kopfzeile: int = 1
    ignoriert: list[str] = field(default_factory=list)  # headers of columns not read
    monatsspalten: set[str] = field(default_factory=set)  # value columns of one month each


def _verbinden(stuecke: list[Any]) -> Any:
    """The parts of one column, one after the other (categoricals stay categoricals, whole
    numbers read as numbers stay numbers)."""
    if len(stuecke) == 1:
        return stuecke[0]
    if all(isinstance(t, pd.Categorical) for t in stuecke):
        return union_categoricals(stuecke)
    if all(t.dtype.kind in "iu" for t in stuecke):
        return pd.Series(np.concatenate([np.asarray(t) for t in stuecke]))
    return pd.concat([pd.Series(t, dtype=object) for t in stuecke], ignore_index=True)


def _zahlartig(wert: object) -> bool:
    """A cell that holds a figure: a number, a number as text or a missing-value marker."""
    if not isinstance(wert, str):
        return wert is not None and not pd.isna(wert)
    text = wert.strip()
    return bool(text) and (text in FEHLKENNZEICHEN or bool(ZAHLARTIG.fullmatch(text)))


def in_langformat(
    kopf: list[str], roh: pd.DataFrame, erste_zeile: int, s: Sammler, z: Spaltenzuordnung
) -> Lang:
    """Melt any supported layout to rows of raw dimension texts plus raw value."""
    dimensionen: dict[str, int] = {}
    wertspalten: list[tuple[int, Wertspalte]] = []
    hinweise: list[int] = []
    ignoriert: list[str] = []
    rechtskreise = [k for k in kopf if _RECHTSKREIS.search(normalisiere(k))]
    for i, name in enumerate(kopf):
        if not name.strip() or name.startswith("Unnamed:"):
            if roh.shape[0] and gefuellt(roh[i]).any():
                s.fehler("Spalte ohne Überschrift enthält Werte.", erste_zeile, f"Nr. {i + 1}")
            continue
        rolle = z.rolle(name)
        if rolle is None:
            ignoriert.append(name)
            if z.unbekannte_spalten == "fehler":
                s.fehler(
                    "Unbekannte Spalte. Eine Spaltenzuordnung (--mapping) ordnet sie zu oder "
                    "setzt sie auf „ignorieren“.",
                    erste_zeile,
                    name,
                )
            elif aehnlich := z.aehnelt(name):
                s.warnung(
                    f"Die Spalte wird ignoriert (unbekannte_spalten), ähnelt aber {aehnlich}. "
                    "Ist sie gemeint, ordnet der Abschnitt [spalten] sie zu; sonst dort "
                    "„ignorieren“ eintragen.",
                    erste_zeile,
                    name,
                )
        elif rolle == "ignorieren":
            ignoriert.append(name)
        elif (
            rechtskreise
            and isinstance(rolle, Wertspalte)
            and rolle.geschlecht == "gesamt"
            and not z.zugeordnet(name)
        ):
            s.fehler(
                f"„{name}“ steht neben {liste(rechtskreise)}: gemeint ist dann meist die Summe "
                "der Rechtskreise (SGB II und SGB III), nicht Geschlecht = gesamt. Bitte im "
                f'Abschnitt [spalten] zuordnen, z. B. "{name}" = "ignorieren" und '
                f'"{rechtskreise[0]}" = "wert".',
                erste_zeile,
                name,
            )
        elif isinstance(rolle, Wertspalte):
            wertspalten.append((i, rolle))
        elif rolle == "wert":
            wertspalten.append((i, Wertspalte()))
        elif rolle == "hinweis":
            hinweise.append(i)
        else:
            if rolle in dimensionen:
                s.fehler(
                    f"Zwei Spalten für „{rolle}“: „{kopf[dimensionen[rolle]]}“ und „{name}“.",
                    erste_zeile,
                    name,
                )
            dimensionen[rolle] = i
    if not wertspalten:
        s.fehler(
            "Keine Spalte mit Werten gefunden (erwartet z. B. „wert“, „Anzahl“, „Frauen“/"
            "„Männer“, eine Spalte je Merkmal oder je Monat). Spalten der Datei: "
            + ", ".join(f"„{k}“" for k in kopf if k.strip()),
            erste_zeile,
        )
    if any(w == Wertspalte() for _, w in wertspalten) and len(wertspalten) > 1:
        s.fehler(
            "Neben der Spalte „wert“ gibt es weitere Wertspalten; bitte zuordnen.", erste_zeile
        )
    for dim in ("traeger_id", "berichtsmonat", "merkmal"):
        feld = {"traeger_id": None, "berichtsmonat": "berichtsmonat", "merkmal": "merkmal"}[dim]
        hat = dim in dimensionen or dim in z.feste_werte
        if not hat and not (feld and all(getattr(w, feld) is not None for _, w in wertspalten)):
            beispiele = {
                "traeger_id": "„traeger_id“, „Regionalschlüssel“, „Jobcenter“",
                "berichtsmonat": "„berichtsmonat“, „Monat“, „Stichtag“",
                "merkmal": "„merkmal“, „Kennzahl“ oder eine Spalte je Merkmal",
            }[dim]
            s.fehler(
                f"Keine Angabe für {dim} gefunden (erwartet z. B. {beispiele}). "
                "Eine Spaltenzuordnung (--mapping) kann Spalten zuordnen oder feste Werte setzen.",
                erste_zeile,
            )
    s.abbrechen_falls_noetig()

    voll = pd.Series(
        sum((gefuellt(roh[c]).astype(int) for c in roh.columns), np.zeros(len(roh), dtype=int)),
        index=roh.index,
    )
    if not voll.all():
        roh = roh.loc[voll > 0]
    # "Quelle: Statistik der BA, …" and similar lines under the table, however many fields a
    # comma made of them: one entry; or no figure in any value column and no month where the
    # month column is (without one: at most half of the columns filled)
    halb = max(1, sum(1 for k in kopf if k.strip()) // 2)
    monatsspalte = dimensionen.get("berichtsmonat")

    def fussnote(index: Any) -> bool:
        if voll[index] == 1:
            return True
        if any(_zahlartig(roh.at[index, spalte]) for spalte, _ in wertspalten):
            return False
        if monatsspalte is not None:
            return monate.parse_monat(roh.at[index, monatsspalte]) is None
        return bool(voll[index] <= halb)

    fussnoten = 0
    while fussnoten < len(roh) and fussnote(roh.index[len(roh) - 1 - fussnoten]):
        fussnoten += 1
    if 0 < fussnoten < len(roh):
        s.warnung(
            f"{anzahl(fussnoten, 'Zeile', 'Zeilen')} unter der Tabelle ohne Werte (Fußnoten, "
            "Quellenangaben) übersprungen.",
            int(roh.index[len(roh) - fussnoten]) + erste_zeile + 1,
        )
        roh = roh.iloc[: len(roh) - fussnoten]
    zeilennummern = roh.index.to_numpy() + erste_zeile + 1
    n = len(roh)

    def fest(wert: object) -> pd.Categorical:  # the same value in every row of a part
        return pd.Categorical.from_codes(
            np.full(n, -1 if wert is None else 0, dtype=np.int8),
            categories=pd.Index([] if wert is None else [wert], dtype=object),
            validate=False,
        )

    teile: dict[str, list[Any]] = {s: [] for s in ("quelle_spalte", *DIMENSIONEN, "rolle")}
    werte = []
    for spalte, wertspalte in wertspalten:
        teile["quelle_spalte"].append(fest(kopf[spalte]))
        for dim in DIMENSIONEN:
            wert = getattr(wertspalte, dim, None)
            if dim in dimensionen:
                teile[dim].append(als_kategorie(roh[dimensionen[dim]]))
            elif wert is not None:
                teile[dim].append(fest(monate.als_text(wert) if dim == "berichtsmonat" else wert))
            else:
                teile[dim].append(fest(z.feste_werte.get(dim)))
        teile["rolle"].append(fest(wertspalte.rolle))
        werte.append(roh[spalte].array)
    daten = pd.DataFrame(
        {
            "zeile_nr": np.tile(zeilennummern, len(wertspalten)),
            **{name: _verbinden(stuecke) for name, stuecke in teile.items()},
            "wert": _verbinden(werte),
        }
    )
    beispieldaten = bool(hinweise) and any(
        "Beispieldaten" in str(t) for t in pd.unique(roh[hinweise[0]])
    )
    return Lang(
        daten,
        {d: kopf[i] for d, i in dimensionen.items()},
        beispieldaten,
        erste_zeile,
        ignoriert,
        {kopf[i] for i, w in wertspalten if w.berichtsmonat is not None},
    )
