"""Plausibility of a file's base figures: a value that differs by a factor of 20 or more from
the same Träger's neighbouring month (in the file or in the store) or from an earlier vintage
of the same month in the store is reported, so that a misread of any kind (a thousands dot
read as a decimal point, a column of euros taken for persons) is caught before it is stored.

Stocks of persons and of Bedarfsgemeinschaften change by a few percent a month: a jump there is
an error unless the mapping sets ``sprungpruefung = "warnung"``. Flows and euro amounts of small
groups can legitimately vary that much from month to month (1 integration, then 20): a warning.

A file without Datenstand gets the import's time, the newest of all vintages: where its values
differ from those an evaluation takes now, they replace them whatever their age, and the user
is told which (``ohne_datenstand``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..kern import monate
from ..kern.merkmale import GESCHLECHTER, ist_bestand
from ..kern.zahlen import SPRUNGFAKTOR, zahl
from .datenbestand import Datenbestand
from .langformat import schluessel
from .sammler import Sammler, anzahl

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
    return (a > 0) & (b > 0) & (verhaeltnis >= SPRUNGFAKTOR)


def in_der_datei(breit: pd.DataFrame) -> list[Sprung]:
    """Jumps between consecutive months of one series (Träger, merkmal, geschlecht, Wartezeit,
    Datenstand) within the file (its rows as ``pruefung.pruefen`` returns them)."""
    serie = schluessel(  # one number per series of a gender
        breit[spalte].array for spalte in ("traeger_id", "merkmal", "wartezeit", "datenstand")
    )
    monat = _monatsindex(breit["monat"])
    ergebnis = []
    for geschlecht in GESCHLECHTER:
        alle = breit[geschlecht].to_numpy(float)
        positiv = np.flatnonzero(alle > 0)
        ordnung = positiv[np.lexsort((monat[positiv], serie[positiv]))]
        s, m, wert = serie[ordnung], monat[ordnung], alle[ordnung]
        folgt = (s[1:] == s[:-1]) & (m[1:] == m[:-1] + 1)
        zeilen = breit[f"zeile_{geschlecht}"].to_numpy()[ordnung]
        for i in np.flatnonzero(folgt & _spruenge(wert[1:], wert[:-1])):
            zeile = breit.iloc[ordnung[i + 1]]
            ergebnis.append(
                Sprung(
                    str(zeile["traeger_id"]), str(zeile["merkmal"]), geschlecht,
                    int(zeile["monat"]), float(wert[i + 1]), int(zeilen[i + 1]),
                    float(wert[i]), f"im Vormonat (Zeile {int(zeilen[i])})",
                )
            )  # fmt: skip
    return ergebnis


def _positive(spalten: dict[str, Any], auswahl: np.ndarray) -> pd.DataFrame:
    """The positive values of the chosen rows, one row each (``spalten``: the columns of the
    file's rows as arrays, taken out once for all blocks)."""
    teile = []
    for geschlecht in GESCHLECHTER:
        wert = spalten[geschlecht]
        da = auswahl & (wert > 0)
        teile.append(
            pd.DataFrame(
                {
                    "traeger_id": spalten["traeger_id"][da],
                    "merkmal": spalten["merkmal"][da],
                    "geschlecht": geschlecht,
                    "monat": spalten["monat"][da],
                    "wert": wert[da],
                    "zeile_nr": spalten[f"zeile_{geschlecht}"][da],
                }
            )
        )
    return pd.concat(teile, ignore_index=True)


def _kategorien(*spalten: pd.Series) -> pd.Index:
    return pd.Index(
        pd.unique(np.concatenate([np.asarray(pd.unique(x), dtype=object) for x in spalten]))
    )


def _schluessel(teil: pd.DataFrame, kategorien: list[pd.Index]) -> np.ndarray:
    """One int64 per (Träger, merkmal, geschlecht, month), the same in the file and the store."""
    gemeinsam = (
        pd.Categorical(teil[spalte].astype(object), categories=kat)
        for spalte, kat in zip(_SCHLUESSEL, kategorien, strict=True)
    )
    return schluessel(gemeinsam) * 100_000 + _monatsindex(teil["monat"])


def gegen_bestand(breit: pd.DataFrame, db: Datenbestand, ohne_import: int | None) -> list[Sprung]:
    """Jumps against the store: every stored vintage (any Wartezeit) of the same month and of
    the months before and after, without the rows of ``ohne_import`` (being replaced). The
    store is read in blocks of Träger, as smallest and largest value per key and month."""
    mit_wert = (breit[list(GESCHLECHTER)].to_numpy(float) > 0).any(axis=1)
    if not mit_wert.any():
        return []
    merkmale = [str(m) for m in pd.unique(breit["merkmal"][mit_wert])]
    monate_ = breit["monat"].to_numpy(np.int64)[mit_wert]
    von = monate.als_yyyymm(monate.aus_yyyymm(int(monate_.min())) - 1)
    bis = monate.als_yyyymm(monate.aus_yyyymm(int(monate_.max())) + 1)
    alle = [str(t) for t in pd.unique(breit["traeger_id"][mit_wert])]
    spalten = {
        "traeger_id": breit["traeger_id"].array,  # categoricals: subsets cost no texts
        "merkmal": breit["merkmal"].array,
        "monat": breit["monat"].to_numpy(np.int64),
        **{g: breit[g].to_numpy(float) for g in GESCHLECHTER},
        **{f"zeile_{g}": breit[f"zeile_{g}"].to_numpy() for g in GESCHLECHTER},
    }
    treffer = []
    for start in range(0, len(alle), 50):
        block = alle[start : start + 50]
        spannen = db.spannen(block, merkmale, von, bis, ohne_import)
        if spannen.empty:
            continue
        teil = _positive(spalten, mit_wert & breit["traeger_id"].isin(block).to_numpy())
        kategorien = [_kategorien(teil[sp], spannen[sp]) for sp in _SCHLUESSEL]
        index = pd.Index(_schluessel(spannen, kategorien))
        eigene = _schluessel(teil, kategorien)
        wert = teil["wert"].to_numpy(float)
        for versatz in (0, -1, 1):
            pos = index.get_indexer(eigene + versatz)
            da = pos >= 0
            klein = np.where(da, spannen["kleinster"].to_numpy(float)[pos], np.nan)
            gross = np.where(da, spannen["groesster"].to_numpy(float)[pos], np.nan)
            with np.errstate(invalid="ignore"):
                zu_gross, zu_klein = wert / klein >= SPRUNGFAKTOR, gross / wert >= SPRUNGFAKTOR
            for i in np.flatnonzero(zu_gross | zu_klein):
                vergleich = gross[i] if zu_klein[i] else klein[i]
                treffer.append((int(teil["zeile_nr"].iat[i]), versatz, teil.iloc[i], vergleich))
    treffer.sort(key=lambda t: t[0])
    ergebnis = []
    for n, (zeile, versatz, z, vergleich) in enumerate(treffer):
        monat = int(z["monat"])
        wo = "im Datenbestand"
        if n < 100:  # where it came from, for those that can be shown
            ziel = monate.als_yyyymm(monate.aus_yyyymm(monat) + versatz)
            stand, datei = db.herkunft(
                str(z["traeger_id"]), str(z["merkmal"]), str(z["geschlecht"]), ziel, vergleich,
                ohne_import,
            )  # fmt: skip
            art = {0: "Fassung", -1: "Vormonat", 1: "Folgemonat"}[versatz]
            wann = "" if versatz == 0 else f" {monate.yyyymm_text(ziel)}"
            wo = f"{art}{wann} im Datenbestand (Datenstand {stand[:10]}, aus {datei})"
        ergebnis.append(
            Sprung(
                str(z["traeger_id"]), str(z["merkmal"]), str(z["geschlecht"]), monat,
                float(z["wert"]), zeile, float(vergleich), wo,
            )
        )  # fmt: skip
    return ergebnis


def melden(spruenge: list[Sprung], s: Sammler, nur_warnen: bool) -> None:
    """Errors for stocks (unless the mapping says otherwise), warnings for the rest."""
    warnungen = 0
    for sp in sorted(spruenge, key=lambda x: (x.zeile or 0, x.monat)):
        faktor = max(sp.wert / sp.vergleich, sp.vergleich / sp.wert)
        text = (
            f"{sp.merkmal} {sp.geschlecht} {monate.yyyymm_text(sp.monat)} "
            f"(Träger {sp.traeger_id}) = {_anzeige(sp.wert)}, {sp.wo} {_anzeige(sp.vergleich)}: "
            f"ein Sprung um den Faktor {zahl(faktor)}. Falsch gelesen (Tausenderpunkt, "
            "Dezimalzeichen, vertauschte Spalten)?"
        )
        if ist_bestand(sp.merkmal) and not nur_warnen:  # stocks: an error
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


def ohne_datenstand(
    breit: pd.DataFrame, db: Datenbestand, ohne_import: int | None
) -> tuple[str, int | None] | None:
    """A warning (text, row) where values of the file without Datenstand differ from the
    stored values an evaluation takes now (those of ``ohne_import``, being replaced, left
    out): dated with the import's time, they take their place, however old they are."""
    undatiert = breit[breit["datenstand"].isna()]
    abweichend = []
    for wartezeit in pd.unique(undatiert["wartezeit"]):
        teil = undatiert[undatiert["wartezeit"] == wartezeit]
        gespeichert = db.neueste_werte(
            str(wartezeit),
            [str(t) for t in pd.unique(teil["traeger_id"])],
            int(teil["monat"].min()),
            int(teil["monat"].max()),
            [str(m) for m in pd.unique(teil["merkmal"])],
        )
        gespeichert = gespeichert[gespeichert["import_id"] != ohne_import]
        datei = pd.concat(
            pd.DataFrame(
                {
                    "traeger_id": teil["traeger_id"].astype(str),
                    "merkmal": teil["merkmal"].astype(str),
                    "geschlecht": g,
                    "monat": teil["monat"].to_numpy(np.int64),
                    "neu": teil[g].to_numpy(float),
                    "gegeben": teil[g].notna() | teil[f"kennzeichen_{g}"].notna(),
                    "zeile": teil[f"zeile_{g}"],
                }
            )
            for g in GESCHLECHTER
        )
        paare = datei[datei["gegeben"]].merge(
            gespeichert.astype({"traeger_id": str, "merkmal": str, "geschlecht": str}),
            on=["traeger_id", "merkmal", "geschlecht", "monat"],
        )
        gleich = (paare["neu"] == paare["wert"]) | (paare["neu"].isna() & paare["wert"].isna())
        abweichend.append(paare[~gleich].assign(wartezeit=str(wartezeit)))
    alle = pd.concat(abweichend) if abweichend else pd.DataFrame()
    if alle.empty:
        return None
    alle = alle.sort_values(["zeile", "geschlecht"])
    dateien = {i.import_id: i.dateiname for i in db.importe()}

    def wert(x: float) -> str:
        return "fehlend" if pd.isna(x) else _anzeige(x)

    beispiele = "; ".join(
        f"Träger {z.traeger_id}, {z.merkmal} {z.geschlecht} {monate.yyyymm_text(z.monat)} "
        f"({z.wartezeit}): gespeichert {wert(z.wert)} (Datenstand {str(z.datenstand)[:10]}, aus "
        f"{dateien.get(z.import_id, '?')}), in dieser Datei {wert(z.neu)}"
        for z in alle.head(3).itertuples()
    )
    return (
        f"{anzahl(len(alle), 'Wert weicht', 'Werte weichen')} vom gespeicherten Wert ab, den "
        f"Auswertungen bisher nehmen ({beispiele}{' …' if len(alle) > 3 else ''}). Ohne "
        "Datenstand gilt diese Datei als jüngste Fassung und ersetzt diese Werte in jeder "
        "Auswertung. Ist sie älter, sie mit ihrem Datenstand erneut importieren (datenstand = "
        '"JJJJ-MM-TT" im Abschnitt [feste_werte] einer Spaltenzuordnung); das ersetzt diesen '
        "Import.",
        int(alle["zeile"].iloc[0]),
    )
