"""Evaluation of a Zielvereinbarung (fachkonzept 4 and 5), vectorised over all Träger of a panel;
``Auswertung`` is one Träger's result as the JSON contract states it."""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..version import __version__
from . import monate
from .bewertung import erreicht, veraenderung_berechnen, verbinden, zielverlauf
from .kennzahlen import JAHRESWERTE, Panel
from .merkmale import MERKMALE
from .vereinbarung import Ziel, Zielvereinbarung
from .zahlen import runden, wert_oder_none
from .zielpfad import Zielpfad

HINWEIS_BEISPIELDATEN = "Beispieldaten – keine amtlichen Werte"

_SPALTEN = [
    "traeger_id", "bereich", "id", "bezeichnung", "kennzahl", "vorjahr", "aktuell",
    "veraenderung", "einheit", "schwelle", "vergleich", "zielwert", "distanz",
    "noch_benoetigt", "status", "knapp", "grund",
]  # fmt: skip


def _mit_jahr(grund: pd.Series, jahr: int) -> pd.Series:
    return grund.map(lambda g: f"{jahr}: {g}" if isinstance(g, str) else None)


def _ziel_auswerten(panel: Panel, ziel: Ziel, bereich: str, jahr: int, t: int) -> pd.DataFrame:
    vorjahr, aktuell = zielverlauf(panel, ziel, jahr - 1), zielverlauf(panel, ziel, jahr)
    v, a = vorjahr.wert[t - 1], aktuell.wert[t - 1]
    grund = np.full(len(v), None, dtype=object)  # reasons exist only where a value is missing
    if np.isnan(v).any() or np.isnan(a).any():
        grund = verbinden(
            _mit_jahr(vorjahr.grund(t), jahr - 1), _mit_jahr(aktuell.grund(t), jahr)
        ).to_numpy()
    veraenderung = veraenderung_berechnen(a, v, ziel.art)
    if ziel.art == "relativ":
        null = (v == 0) & ~np.isnan(a)
        grund = np.where(null, f"Vorjahreswert {jahr - 1} ist 0; keine relative Veränderung", grund)
    tabelle = pd.DataFrame(
        {
            "traeger_id": panel.traeger,
            "bereich": bereich,
            "id": ziel.id,
            "bezeichnung": ziel.bezeichnung,
            "kennzahl": ziel.kennzahl,
            "vorjahr": v,
            "aktuell": a,
            "veraenderung": veraenderung,
            "einheit": ziel.einheit,
            "schwelle": ziel.schwelle,
            "vergleich": ziel.vergleich,
            "grund": grund,
        }
    )
    if ziel.schwelle is None or ziel.vergleich is None:
        return tabelle
    s = ziel.schwelle
    zielwert = v * (1 + s / 100) if ziel.art == "relativ" else v + s
    tabelle["zielwert"] = zielwert
    tabelle["distanz"] = a - zielwert
    stellen = 0 if ziel.einheit == "abs" else 1
    status, knapp = [], []
    for wert in veraenderung:
        if math.isnan(wert):
            status.append("nicht berechenbar")
            knapp.append(False)
            continue
        ja = erreicht(wert, ziel.vergleich, s)
        if t == 12:
            status.append("erreicht" if ja else "nicht erreicht")
        else:
            status.append("auf Kurs" if ja else "gefährdet")
        knapp.append(erreicht(runden(wert, stellen), ziel.vergleich, s) != ja)
    tabelle["status"] = status
    tabelle["knapp"] = knapp
    art, zaehler, _ = JAHRESWERTE[ziel.kennzahl]
    if art == "summe" and MERKMALE[zaehler][1] == "Anzahl" and ziel.art != "geschlechterabstand":
        fehlt = zielwert - a if ziel.vergleich == ">=" else a - zielwert
        tabelle["noch_benoetigt"] = [
            None if math.isnan(f) else max(0, math.ceil(f - 1e-9)) for f in fehlt
        ]
    return tabelle


def auswerten_panel(
    panel: Panel, vereinbarung: Zielvereinbarung, jahr: int, bis_monat: int
) -> pd.DataFrame:
    """All targets and monitoring items for every Träger of the panel: one row each."""
    teile = [_ziel_auswerten(panel, z, "ziel", jahr, bis_monat) for z in vereinbarung.ziele]
    teile += [
        _ziel_auswerten(panel, z, "monitoring", jahr, bis_monat) for z in vereinbarung.monitoring
    ]
    return pd.concat(teile, ignore_index=True).reindex(columns=_SPALTEN)


@dataclass
class Auswertung:
    """The evaluation of one agreement for one Träger, as in fachkonzept 5 (plus extras)."""

    traeger_id: str
    traeger_name: str
    jahr: int
    bis_monat: int
    wartezeit: str
    ziele: list[dict[str, Any]]
    monitoring: list[dict[str, Any]]
    datenstand: str | None = None
    beispieldaten: bool = False
    quellen: list[dict[str, str]] = field(default_factory=list)
    #: path and projection per target (also merged into ``ziele``); not a JSON field itself
    pfade: list[Zielpfad] = field(default_factory=list)

    @property
    def zeitraum(self) -> str:
        return monate.zeitraum(self.jahr, self.bis_monat)

    @property
    def beschreibung(self) -> str:
        """What was evaluated, in one line: "Kreis Kleve (05154), Januar bis Juni 2023,
        Wartezeit T0, Datenstand 20.07.2023"."""
        return (
            f"{self.traeger_name or 'Träger'} ({self.traeger_id}), {self.zeitraum}, "
            f"Wartezeit {self.wartezeit}"
            + (f", Datenstand {monate.datum_text(self.datenstand)}" if self.datenstand else "")
        )

    def als_json(self) -> dict[str, Any]:
        daten = asdict(self)
        del daten["pfade"]
        daten["zeitraum"] = self.zeitraum
        daten["programmversion"] = __version__
        if self.beispieldaten:
            daten["hinweis"] = HINWEIS_BEISPIELDATEN
        return daten


def gruende(ziel: dict[str, Any]) -> list[str]:
    """Why a target, and why its path, is not computable: the path's reason only where it
    says more than the target's (a target without value has no path for the same reason)."""
    grund, pfad = ziel["grund"], ziel.get("pfad_grund")
    return [g for g in (grund, None if pfad and grund and _gesagt(pfad, grund) else pfad) if g]


def _gesagt(pfad: str, grund: str) -> bool:
    """Whether the target's reason says what its path's does: the whole text, or each part of
    it without "Vorjahr 2022: " ("INT (gesamt) fehlt für 2022-01") beginning a part of the
    target's, which may name more months ("… fehlt für 2022-01 bis 2022-12")."""
    teile = re.sub(r"^Vorjahr \d{4}: ", "", pfad).split("; ")
    return pfad in grund or all(
        re.search(rf"(?:^|[:;] ){re.escape(teil)}(?![\w-])", grund) for teil in teile
    )


def ergebnisse_je_traeger(
    tabelle: pd.DataFrame,
) -> dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """Per Träger its targets and its monitoring items as fachkonzept 5 states them, from the
    rows of ``auswerten_panel``."""
    ergebnis: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {}
    spalten = list(tabelle.columns)
    for werte in zip(*(tabelle[s].tolist() for s in spalten), strict=True):
        zeile = dict(zip(spalten, werte, strict=True))
        ziele, monitoring = ergebnis.setdefault(str(zeile["traeger_id"]), ([], []))
        eintrag: dict[str, Any] = {
            "id": zeile["id"],
            "bezeichnung": zeile["bezeichnung"],
            "kennzahl": zeile["kennzahl"],
            "vorjahr": wert_oder_none(zeile["vorjahr"]),
            "aktuell": wert_oder_none(zeile["aktuell"]),
            "veraenderung": wert_oder_none(zeile["veraenderung"]),
            "einheit": zeile["einheit"],
        }
        if zeile["bereich"] == "ziel":
            noch = zeile["noch_benoetigt"]
            eintrag.update(
                schwelle=wert_oder_none(zeile["schwelle"]),
                vergleich=zeile["vergleich"],
                zielwert=wert_oder_none(zeile["zielwert"]),
                distanz=wert_oder_none(zeile["distanz"]),
                noch_benoetigt=None if noch is None or pd.isna(noch) else int(noch),
                status=zeile["status"],
                knapp=bool(zeile["knapp"]),
            )
        eintrag["grund"] = zeile["grund"] if isinstance(zeile["grund"], str) else None
        (ziele if zeile["bereich"] == "ziel" else monitoring).append(eintrag)
    return ergebnis
