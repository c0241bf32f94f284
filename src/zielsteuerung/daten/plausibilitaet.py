"""Plausibility of a file's base figures: a value that differs by a factor of 20 or more from
the same Träger's neighbouring month (in the file or in the store) or from an earlier vintage
of the same month in the store is reported, so that a misread of any kind (a thousands dot
read as a decimal point, a column of euros taken for persons) is caught before it is stored.

Stocks of persons and of Bedarfsgemeinschaften change by a few percent a month: a jump there is
an error unless the mapping sets ``sprungpruefung = "warnung"``. Flows and euro amounts of small
groups can legitimately vary that much from month to month (1 integration, then 20): a warning.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..kern import monate
from ..kern.merkmale import MERKMALE
from ..kern.zahlen import zahl
from .sammler import Sammler, anzahl

FAKTOR = 20.0
#: base figures for which a jump is an error: stocks counted in persons or households
STRENG = frozenset(c for c, (art, einheit, _) in MERKMALE.items() if art == "bestand")
_SCHLUESSEL = ["traeger_id", "merkmal", "geschlecht"]
_HOECHSTENS_WARNUNGEN = 10


@dataclass(frozen=True)
class Sprung:
    """One value of the file and the value it was compared with."""

    traeger_id: str
    merkmal: str
    geschlecht: str
    monat: int  # YYYYMM
    wert: float
    zeile: int | None
    vergleich: float
    wo: str  # where the compared value is, in German


def _anzeige(wert: float) -> str:
    if wert == int(wert):
        return zahl(wert)
    return zahl(wert, 3).rstrip("0").rstrip(",")


def _monatsindex(yyyymm: pd.Series) -> np.ndarray:
    werte = yyyymm.to_numpy(np.int64)
    return (werte // 100) * 12 + werte % 100 - 1


def _spruenge(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Where two positive values differ by the factor or more."""
    with np.errstate(divide="ignore", invalid="ignore"):
        verhaeltnis = np.maximum(a / b, b / a)
    return (a > 0) & (b > 0) & (verhaeltnis >= FAKTOR)


def in_der_datei(daten: pd.DataFrame) -> list[Sprung]:
    """Jumps between consecutive months of one series (Träger, merkmal, geschlecht, Wartezeit,
    Datenstand) within the file."""
    d = daten.loc[daten["wert"] > 0]
    if len(d) < 2:
        return []
    reihen = [*_SCHLUESSEL, "wartezeit", "datenstand"]
    codes = d.groupby(reihen, sort=False, dropna=False, observed=True).ngroup().to_numpy()
    monat = _monatsindex(d["monat"])
    ordnung = np.lexsort((monat, codes))
    codes, monat = codes[ordnung], monat[ordnung]
    wert = d["wert"].to_numpy(float)[ordnung]
    folgt = (codes[1:] == codes[:-1]) & (monat[1:] == monat[:-1] + 1)
    treffer = np.flatnonzero(folgt & _spruenge(wert[1:], wert[:-1]))
    zeilen = d["zeile_nr"].to_numpy()[ordnung]
    ergebnis = []
    for i in treffer:
        zeile = d.iloc[ordnung[i + 1]]
        ergebnis.append(
            Sprung(
                str(zeile["traeger_id"]),
                str(zeile["merkmal"]),
                str(zeile["geschlecht"]),
                int(zeile["monat"]),
                float(wert[i + 1]),
                int(zeilen[i + 1]),
                float(wert[i]),
                f"im Vormonat (Zeile {int(zeilen[i])})",
            )
        )
    return ergebnis


def gegen_bestand(daten: pd.DataFrame, gespeichert: pd.DataFrame) -> list[Sprung]:
    """Jumps against the store: every stored vintage (any Wartezeit) of the same month and of
    the months before and after. ``gespeichert``: traeger_id, merkmal, geschlecht, monat,
    datenstand, wert, dateiname."""
    if gespeichert.empty:
        return []
    d = daten.loc[daten["wert"] > 0, [*_SCHLUESSEL, "monat", "wert", "zeile_nr"]].copy()
    d["index"] = _monatsindex(d["monat"])
    g = gespeichert.loc[gespeichert["wert"] > 0].copy()
    g["index"] = _monatsindex(g["monat"])
    g = g.rename(columns={"wert": "vergleich", "monat": "monat_g"})
    for spalte in _SCHLUESSEL:  # one type on both sides for the join
        d[spalte] = d[spalte].astype(str)
        g[spalte] = g[spalte].astype(str)
    ergebnis = []
    for versatz, text in ((0, "Fassung"), (-1, "Vormonat"), (1, "Folgemonat")):
        verbunden = d.assign(index=d["index"] + versatz).merge(g, on=[*_SCHLUESSEL, "index"])
        treffer = verbunden.loc[
            _spruenge(verbunden["wert"].to_numpy(float), verbunden["vergleich"].to_numpy(float))
        ]
        for z in treffer.drop_duplicates(["zeile_nr", "monat"]).itertuples(index=False):
            wann = "" if versatz == 0 else f" {monate.als_text(monate.aus_yyyymm(z.monat_g))}"
            ergebnis.append(
                Sprung(
                    z.traeger_id,
                    z.merkmal,
                    z.geschlecht,
                    int(z.monat),
                    float(z.wert),
                    int(z.zeile_nr),
                    float(z.vergleich),
                    f"{text}{wann} im Datenbestand (Datenstand {str(z.datenstand)[:10]}, aus "
                    f"{z.dateiname})",
                )
            )
    return ergebnis


def melden(spruenge: list[Sprung], s: Sammler, nur_warnen: bool) -> None:
    """Errors for stocks (unless the mapping says otherwise), warnings for the rest."""
    warnungen = 0
    for sp in sorted(spruenge, key=lambda x: (x.zeile or 0, x.monat)):
        faktor = max(sp.wert / sp.vergleich, sp.vergleich / sp.wert)
        text = (
            f"{sp.merkmal} {sp.geschlecht} {monate.als_text(monate.aus_yyyymm(sp.monat))} "
            f"(Träger {sp.traeger_id}) = {_anzeige(sp.wert)}, {sp.wo} {_anzeige(sp.vergleich)}: "
            f"ein Sprung um den Faktor {zahl(faktor)}. Falsch gelesen (Tausenderpunkt, "
            "Dezimalzeichen, vertauschte Spalten)?"
        )
        if sp.merkmal in STRENG and not nur_warnen:
            s.fehler(
                text + ' Ist der Wert richtig: sprungpruefung = "warnung" im Abschnitt [datei] '
                "der Spaltenzuordnung.",
                sp.zeile,
            )
        elif warnungen < _HOECHSTENS_WARNUNGEN:
            s.warnung(text, sp.zeile)
            warnungen += 1
        else:
            warnungen += 1
    if warnungen > _HOECHSTENS_WARNUNGEN:
        weitere = anzahl(warnungen - _HOECHSTENS_WARNUNGEN, "weiterer Sprung", "weitere Sprünge")
        s.warnung(f"… und {weitere} um den Faktor 20 oder mehr.")
