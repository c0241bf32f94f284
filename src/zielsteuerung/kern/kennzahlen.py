"""Indicators: the official monthly § 48a values (fachkonzept 3.1) and the year-to-date values
target agreements use (3.2), for every Träger at once.

A value that lacks an input is NaN in the numbers and carries a German reason beside it
("nicht berechenbar"), never a silent 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import numpy as np
import pandas as pd

from . import monate
from .merkmale import GESCHLECHTER, MERKMALE, ist_bestand

Jahresart = Literal["summe", "jdw", "jfw", "anteil"]
T = TypeVar("T")
Rahmen = TypeVar("Rahmen", pd.DataFrame, pd.Series)  # one Träger's months, or all Träger's

#: Year-to-date values (3.2): code -> (kind, numerator or figure, denominator)
JAHRESWERTE: dict[str, tuple[Jahresart, str, str | None]] = {
    code: ("jdw" if ist_bestand(code) else "summe", code, None) for code in MERKMALE
}
JAHRESWERTE.update(
    {
        "K2": ("jfw", "INT", "ELB"),
        "K2E1": ("jfw", "EIN_GB", "ELB"),
        "K2E2": ("jfw", "EIN_OGB", "ELB"),
        "K2E4": ("jfw", "INT_AE", "ELB_AE"),
        "K3E1": ("jfw", "INT_LZB", "LZB"),
        "K2E3": ("anteil", "KONT_BESCH", "INT"),
        "ANTEIL_BD": ("anteil", "INT_BD", "INT"),
    }
)

#: Monthly § 48a indicators (3.1): code -> (formula kind, numerator, denominator)
KENNZAHLEN: dict[str, tuple[str, str, str]] = {
    "K1": ("vorjahr", "LLU", "LLU"),
    "K1E1": ("vorjahr", "LUH", "LUH"),
    "K1E2": ("vorjahr", "ELB", "ELB"),
    "K1E3": ("zugangsrate", "ZUG_ELB", "ELB"),
    "K1E4": ("abgangsrate", "ABG_ELB", "ELB"),
    "K2": ("quote", "INT", "ELB"),
    "K2E1": ("quote", "EIN_GB", "ELB"),
    "K2E2": ("quote", "EIN_OGB", "ELB"),
    "K2E3": ("summenanteil", "KONT_BESCH", "INT"),
    "K2E4": ("quote", "INT_AE", "ELB_AE"),
    "K3": ("vorjahr", "LZB", "LZB"),
    "K3E1": ("quote", "INT_LZB", "LZB"),
    "K3E2": ("anteil", "LZB_MASSN", "LZB"),
    "K3E3": ("zugangsrate", "ZUG_LZB", "LZB"),
    "K3E4": ("abgangsrate", "ABG_LZB", "LZB"),
}

#: For each formula kind the input windows, as month offsets (from, to) relative to m.
_FENSTER: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    "vorjahr": ((0, 0), (-12, -12)),
    "zugangsrate": ((-11, 0), (-11, 0)),
    "abgangsrate": ((-11, 0), (-12, -1)),
    "quote": ((-11, 0), (-12, -1)),
    "summenanteil": ((-11, 0), (-11, 0)),
    "anteil": ((0, 0), (0, 0)),
}


class Panel:
    """The newest vintage of one Wartezeit: per (merkmal, geschlecht) a frame months x Träger.

    ``werte`` holds one row per (Träger, merkmal, geschlecht, month), as
    ``Datenbestand.neueste_werte`` returns them. Months are integers (year * 12 + month - 1)
    on a contiguous index. Where one of gesamt, frauen and maenner is missing and the other
    two are given, it is derived from them (gesamt = frauen + maenner).
    """

    def __init__(
        self, werte: pd.DataFrame, wartezeit: str, traeger: list[str] | None = None
    ) -> None:
        self.wartezeit = wartezeit
        monat = werte["monat"].to_numpy(dtype=np.int64)
        monat = (monat // 100) * 12 + monat % 100 - 1
        self.traeger: list[str] = traeger or sorted(werte["traeger_id"].unique().tolist())
        self.spalte = {t: i for i, t in enumerate(self.traeger)}
        if len(werte):
            self.erster, self.letzter = int(monat.min()), int(monat.max())
        else:
            self.erster, self.letzter = 0, -1
        index = pd.RangeIndex(self.erster, self.letzter + 1)
        self._leer = pd.DataFrame(np.nan, index=index, columns=pd.Index(self.traeger))
        self.tabellen: dict[tuple[str, str], pd.DataFrame] = {}
        self._gemerkt: dict[tuple[Any, ...], Any] = {}
        spalte = _stelle(werte["traeger_id"], self.traeger)
        geschlecht = _stelle(werte["geschlecht"], list(GESCHLECHTER))
        bekannt = (spalte >= 0) & (geschlecht >= 0)  # Träger outside ``traeger`` are left out
        merkmal, merkmale = pd.factorize(werte["merkmal"][bekannt])
        wert = werte["wert"].to_numpy(dtype=float, na_value=np.nan)
        feld = np.full((len(merkmale), len(GESCHLECHTER), len(index), len(self.traeger)), np.nan)
        feld[merkmal, geschlecht[bekannt], monat[bekannt] - self.erster, spalte[bekannt]] = wert[
            bekannt
        ]
        for i, code in enumerate(merkmale):
            g, f, m = feld[i]
            g, f, m = (
                np.where(np.isnan(g), f + m, g),
                np.where(np.isnan(f), g - m, f),
                np.where(np.isnan(m), g - f, m),
            )
            for geschlecht_, tabelle in zip(GESCHLECHTER, (g, f, m), strict=True):
                self.tabellen[(str(code), geschlecht_)] = pd.DataFrame(
                    tabelle, index=index, columns=self._leer.columns
                )

    def reihe(self, merkmal: str, geschlecht: str) -> pd.DataFrame:
        return self.tabellen.get((merkmal, geschlecht), self._leer)

    def fenster(self, merkmal: str, geschlecht: str, von: int, bis: int) -> pd.DataFrame:
        """Months von..bis (inclusive) of one figure; months outside the data are NaN."""
        return self.reihe(merkmal, geschlecht).reindex(pd.RangeIndex(von, bis + 1))

    def feld(self, merkmal: str, geschlecht: str, von: int, bis: int) -> np.ndarray:
        """Months von..bis of one figure as an array Träger x months (NaN outside the data)."""
        return np.ascontiguousarray(self.fenster(merkmal, geschlecht, von, bis).to_numpy().T)

    def letzte_monate(self, merkmale: list[str], jahr: int) -> dict[str, int]:
        """Per Träger the last month of the year (1..12) in which all given figures (gesamt)
        exist; Träger without such a month are left out."""
        von, bis = monate.monat(jahr, 1), monate.monat(jahr, 12)
        vorhanden = np.ones((len(self.traeger), 12), dtype=bool)
        for merkmal in merkmale:
            vorhanden &= ~np.isnan(self.feld(merkmal, "gesamt", von, bis))
        letzte = 12 - np.argmax(vorhanden[:, ::-1], axis=1)
        return {t: int(letzte[i]) for i, t in enumerate(self.traeger) if vorhanden[i].any()}

    def merken(self, schluessel: tuple[Any, ...], berechnen: Callable[[], T]) -> T:
        """What is computed from the panel, computed once (the panel does not change)."""
        if schluessel not in self._gemerkt:
            self._gemerkt[schluessel] = berechnen()
        return self._gemerkt[schluessel]

    def jahresverlauf(self, code: str, geschlecht: str, jahr: int) -> Jahresverlauf:
        """V(Y, t) of one year-to-date value for t = 1..12, computed once per panel."""
        return self.merken(
            ("jahresverlauf", code, geschlecht, jahr),
            lambda: Jahresverlauf(self, code, geschlecht, jahr),
        )


def _stelle(spalte: pd.Series, liste: list[str]) -> np.ndarray:
    """Per row the position of its value in ``liste`` (-1: not in it); a categorical column
    is looked up by its categories."""
    if isinstance(spalte.dtype, pd.CategoricalDtype):
        stellen = np.append(pd.Index(liste).get_indexer(spalte.cat.categories), -1)
        return stellen[spalte.cat.codes.to_numpy()]
    return pd.Index(liste).get_indexer(spalte)


@dataclass
class Ergebnis:
    """Values per Träger (NaN = nicht berechenbar) and the reason where NaN."""

    wert: pd.Series
    grund: pd.Series


def _spannen(monate_: np.ndarray) -> str:
    """Months (ascending indices) as runs: "2023-03, 2023-05 bis 2023-07"; after four runs
    the number of months left."""
    laeufe = np.split(monate_, np.flatnonzero(np.diff(monate_) != 1) + 1)
    teile = [
        monate.als_text(int(lauf[0]))
        + ("" if len(lauf) == 1 else f" bis {monate.als_text(int(lauf[-1]))}")
        for lauf in laeufe[:4]
    ]
    rest = sum(len(lauf) for lauf in laeufe[4:])
    mehr = {0: "", 1: " und 1 weiterer Monat"}.get(rest, f" und {rest} weitere Monate")
    return ", ".join(teile) + mehr


def _fehlend(panel: Panel, merkmal: str, geschlecht: str, von: int, bis: int) -> pd.Series:
    """Per Träger: text naming the missing months of a figure in von..bis, or None."""
    tabelle = np.isnan(panel.feld(merkmal, geschlecht, von, bis))
    texte = {}
    for traeger, luecken in zip(panel.traeger, tabelle, strict=True):
        if luecken.any():
            texte[traeger] = (
                f"{merkmal} ({geschlecht}) fehlt für {_spannen(np.flatnonzero(luecken) + von)}"
            )
    return pd.Series(texte, index=panel.traeger, dtype=object)


def _begruenden(panel: Panel, wert: pd.Series, teile: list[tuple[str, str, int, int]]) -> Ergebnis:
    wert = wert.reindex(panel.traeger).astype(float).replace([np.inf, -np.inf], np.nan)
    grund = pd.Series(None, index=panel.traeger, dtype=object)
    offen = wert.isna()
    if offen.any():
        for merkmal, geschlecht, von, bis in teile:
            texte = _fehlend(panel, merkmal, geschlecht, von, bis)
            grund = grund.where(grund.notna() | ~offen, texte)
        grund = grund.where(grund.notna() | ~offen, "Nenner ist 0")
        grund = grund.where(offen, None)
    return Ergebnis(wert, grund)


class Jahresverlauf:
    """V(Y, t) of fachkonzept 3.2 for t = 1..12 and every Träger of a panel, in one pass.

    Each month's value is the reduction of its own prefix of one array (Träger x months), so
    it is the same number, to the last bit, as evaluating that month alone.
    """

    def __init__(self, panel: Panel, code: str, geschlecht: str, jahr: int) -> None:
        self.panel, self.code, self.geschlecht, self.jahr = panel, code, geschlecht, jahr
        art, zaehler, nenner = JAHRESWERTE[code]
        jan = monate.monat(jahr, 1)
        n = panel.feld(zaehler, geschlecht, jan, jan + 11)
        summen = np.stack([n[:, :t].sum(axis=1) for t in range(1, 13)])
        if nenner is not None:
            verschoben = 1 if art == "jfw" else 0
            d = panel.feld(nenner, geschlecht, jan - verschoben, jan + 11 - verschoben)
            nenner_summen = np.stack([d[:, :t].sum(axis=1) for t in range(1, 13)])
        teiler = np.arange(1, 13, dtype=float)[:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            if art == "summe":
                wert = summen
            elif art == "jdw":
                wert = summen / teiler
            elif art == "jfw":
                wert = 100 * summen / (nenner_summen / teiler)
            else:
                wert = 100 * summen / nenner_summen
        #: values, months (row t - 1) x Träger; NaN where nicht berechenbar
        self.wert = np.where(np.isinf(wert), np.nan, wert)
        self._gruende: dict[int, pd.Series] = {}

    def teile(self, t: int) -> list[tuple[str, str, int, int]]:
        """The input windows of V(Y, t): (merkmal, geschlecht, from, to)."""
        art, zaehler, nenner = JAHRESWERTE[self.code]
        jan, bis = monate.monat(self.jahr, 1), monate.monat(self.jahr, t)
        teile = [(zaehler, self.geschlecht, jan, bis)]
        if nenner is not None:
            verschoben = 1 if art == "jfw" else 0
            teile.append((nenner, self.geschlecht, jan - verschoben, bis - verschoben))
        return teile

    def grund(self, t: int) -> pd.Series:
        """Per Träger the reason where V(Y, t) is nicht berechenbar, else None."""
        if t not in self._gruende:
            wert = pd.Series(self.wert[t - 1], index=self.panel.traeger)
            self._gruende[t] = (
                _begruenden(self.panel, wert, self.teile(t)).grund
                if wert.isna().any()
                else pd.Series(None, index=self.panel.traeger, dtype=object)
            )
        return self._gruende[t]

    def ergebnis(self, t: int) -> Ergebnis:
        return Ergebnis(pd.Series(self.wert[t - 1], index=self.panel.traeger), self.grund(t))


def jahreswert(panel: Panel, code: str, geschlecht: str, jahr: int, bis_monat: int) -> Ergebnis:
    """V(Y, t) of fachkonzept 3.2 for every Träger of the panel."""
    return panel.jahresverlauf(code, geschlecht, jahr).ergebnis(bis_monat)


def _fehlt_im_fenster(tabelle: pd.DataFrame, von: int, bis: int) -> pd.DataFrame:
    """Per month m: is any of months m+von..m+bis missing (or outside the data)?"""
    breite = bis - von + 1
    fehlt = tabelle.isna().astype(float).rolling(breite, min_periods=breite).max()
    return fehlt.shift(-bis).fillna(1.0).astype(bool)


def monatswerte(panel: Panel, code: str, geschlecht: str, traeger_id: str) -> pd.Series:
    """One § 48a indicator of one Träger of the panel for all its months, in %; NaN where
    nicht berechenbar. The same numbers as the Träger's column of ``monatskennzahl``."""
    art, zaehler, nenner = KENNZAHLEN[code]
    n, d = panel.reihe(zaehler, geschlecht), panel.reihe(nenner, geschlecht)
    return _formel(art, n[traeger_id], d[traeger_id])


def _formel(art: str, n: Rahmen, d: Rahmen) -> Rahmen:
    """An indicator's formula on its monthly numerator and denominator figures (months as
    rows; one Träger's Series or a frame of all)."""
    if art == "vorjahr":
        wert = (n / d.shift(12) - 1) * 100
    elif art == "zugangsrate":
        wert = (n / d).rolling(12, min_periods=12).mean() * 100
    elif art == "abgangsrate":
        wert = (n / d.shift(1)).rolling(12, min_periods=12).mean() * 100
    elif art == "quote":
        summe = n.rolling(12, min_periods=12).sum()
        wert = 100 * summe / d.shift(1).rolling(12, min_periods=12).mean()
    elif art == "summenanteil":
        wert = 100 * n.rolling(12, min_periods=12).sum() / d.rolling(12, min_periods=12).sum()
    else:
        wert = 100 * n / d
    return wert.replace([np.inf, -np.inf], np.nan)


def monatskennzahl(panel: Panel, code: str, geschlecht: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(values, reasons) of one § 48a indicator for all months x Träger of the panel, in %."""
    art, zaehler, nenner = KENNZAHLEN[code]
    n, d = panel.reihe(zaehler, geschlecht), panel.reihe(nenner, geschlecht)
    wert = _formel(art, n, d)
    (zv, zb), (nv, nb) = _FENSTER[art]
    fehlt_z = _fehlt_im_fenster(n, zv, zb)
    fehlt_n = _fehlt_im_fenster(d, nv, nb)
    offen = wert.isna().to_numpy()
    texte_z = np.array([_zeitraum(zaehler, geschlecht, m + zv, m + zb) for m in wert.index])
    texte_n = np.array([_zeitraum(nenner, geschlecht, m + nv, m + nb) for m in wert.index])
    grund_werte = np.where(
        offen & fehlt_z.to_numpy(),
        texte_z.astype(object)[:, None],
        np.where(offen & fehlt_n.to_numpy(), texte_n.astype(object)[:, None], "Nenner ist 0"),
    )
    grund = pd.DataFrame(
        np.where(offen, grund_werte, np.array(None, dtype=object)),
        index=wert.index,
        columns=wert.columns,
        dtype=object,
    )
    return wert, grund


def _zeitraum(merkmal: str, geschlecht: str, von: int, bis: int) -> str:
    if von == bis:
        return f"{merkmal} ({geschlecht}) fehlt für {monate.als_text(von)}"
    return (
        f"{merkmal} ({geschlecht}) fehlt im Zeitraum {monate.als_text(von)} bis "
        f"{monate.als_text(bis)}"
    )


def monatskennzahlen(
    panel: Panel,
    traeger_id: str,
    von: int,
    bis: int,
    codes: list[str] | None = None,
    geschlechter: tuple[str, ...] = GESCHLECHTER,
) -> pd.DataFrame:
    """Long table (monat, code, geschlecht, wert, grund) of one Träger for months von..bis."""
    zeilen = []
    index = pd.RangeIndex(von, bis + 1)
    for code in codes or list(KENNZAHLEN):
        for geschlecht in geschlechter:
            wert, grund = monatskennzahl(panel, code, geschlecht)
            if traeger_id in wert:
                w = wert[traeger_id].reindex(index)
                g = grund[traeger_id].reindex(index)
            else:
                w = pd.Series(np.nan, index=index)
                g = pd.Series(None, index=index, dtype=object)
            g = g.where(w.notna() | g.notna(), "keine Daten für diesen Monat")
            zeilen.append(
                pd.DataFrame(
                    {"monat": index, "code": code, "geschlecht": geschlecht, "wert": w, "grund": g}
                )
            )
    return pd.concat(zeilen, ignore_index=True)
