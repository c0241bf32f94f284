"""Evaluation of a Zielvereinbarung (fachkonzept 4 and 5), vectorised over all Träger."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd

from . import __version__, monate
from .datenbestand import Datenbestand
from .fehler import EingabeFehler
from .kennzahlen import JAHRESWERTE, Ergebnis, Panel, jahreswert
from .merkmale import MERKMALE
from .steuerung import Zielpfad, zielpfade
from .traeger import name_von
from .vereinbarung import Ziel, Zielvereinbarung

HINWEIS_BEISPIELDATEN = "Beispieldaten – keine amtlichen Werte"
STATUS = ("erreicht", "nicht erreicht", "auf Kurs", "gefährdet", "nicht berechenbar")
#: Relative tolerance when comparing a change with its threshold (float rounding only).
TOLERANZ = 1e-9

_SPALTEN = [
    "traeger_id", "bereich", "id", "bezeichnung", "kennzahl", "vorjahr", "aktuell",
    "veraenderung", "einheit", "schwelle", "vergleich", "zielwert", "distanz",
    "noch_benoetigt", "status", "knapp", "grund",
]  # fmt: skip


def runden(wert: float, stellen: int) -> float:
    """Round half away from zero, as Excel displays a number."""
    quantum = Decimal(1).scaleb(-stellen)
    return float(Decimal(repr(float(wert))).quantize(quantum, rounding=ROUND_HALF_UP))


def erreicht(veraenderung: float, vergleich: str, schwelle: float) -> bool:
    toleranz = TOLERANZ * max(1.0, abs(schwelle))
    if vergleich == ">=":
        return veraenderung >= schwelle - toleranz
    return veraenderung <= schwelle + toleranz


def veraenderung_berechnen(aktuell: Any, vorjahr: Any, art: str) -> Any:
    """The change in the target's unit: relative in %, otherwise the difference. NaN where a
    value is missing (None or NaN) or a relative change has a prior year of 0. Takes numbers
    or numpy arrays."""
    a, v = np.asarray(aktuell, dtype=float), np.asarray(vorjahr, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if art == "relativ":
            return np.where(v == 0, np.nan, (a / v - 1) * 100)
        return a - v


def _mit_jahr(grund: pd.Series, jahr: int) -> pd.Series:
    return grund.map(lambda g: f"{jahr}: {g}" if isinstance(g, str) else None)


def _verbinden(*gruende: pd.Series) -> pd.Series:
    verbunden = pd.concat(gruende, axis=1)
    return verbunden.apply(lambda z: "; ".join(g for g in z if isinstance(g, str)) or None, axis=1)


def jahreswert_ziel(panel: Panel, ziel: Ziel, jahr: int, t: int) -> Ergebnis:
    """The value a target compares, in one year (Jan..t)."""
    if ziel.art == "geschlechterabstand":
        f = jahreswert(panel, ziel.kennzahl, "frauen", jahr, t)
        m = jahreswert(panel, ziel.kennzahl, "maenner", jahr, t)
        return Ergebnis((m.wert - f.wert).abs(), _verbinden(m.grund, f.grund))
    return jahreswert(panel, ziel.kennzahl, ziel.geschlecht, jahr, t)


def _ziel_auswerten(panel: Panel, ziel: Ziel, bereich: str, jahr: int, t: int) -> pd.DataFrame:
    vj, akt = jahreswert_ziel(panel, ziel, jahr - 1, t), jahreswert_ziel(panel, ziel, jahr, t)
    v, a = vj.wert.to_numpy(float), akt.wert.to_numpy(float)
    grund = _verbinden(_mit_jahr(vj.grund, jahr - 1), _mit_jahr(akt.grund, jahr))
    veraenderung = veraenderung_berechnen(a, v, ziel.art)
    if ziel.art == "relativ":
        null = (v == 0) & ~np.isnan(a)
        grund = grund.where(~null, f"Vorjahreswert {jahr - 1} ist 0; keine relative Veränderung")
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
            "grund": grund.to_numpy(),
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


def _zahl(wert: Any) -> float | None:
    if wert is None or (isinstance(wert, float) and math.isnan(wert)):
        return None
    return float(wert)


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

    def als_json(self) -> dict[str, Any]:
        daten = asdict(self)
        del daten["pfade"]
        daten["zeitraum"] = (
            f"Januar bis {monate.monatsname(self.bis_monat)} {self.jahr}"
            if self.bis_monat > 1
            else f"Januar {self.jahr}"
        )
        daten["programmversion"] = __version__
        if self.beispieldaten:
            daten["hinweis"] = HINWEIS_BEISPIELDATEN
        return daten


def _zeilen(tabelle: pd.DataFrame, bereich: str) -> list[dict[str, Any]]:
    ergebnis = []
    for zeile in tabelle[tabelle["bereich"] == bereich].to_dict("records"):
        eintrag: dict[str, Any] = {
            "id": zeile["id"],
            "bezeichnung": zeile["bezeichnung"],
            "kennzahl": zeile["kennzahl"],
            "vorjahr": _zahl(zeile["vorjahr"]),
            "aktuell": _zahl(zeile["aktuell"]),
            "veraenderung": _zahl(zeile["veraenderung"]),
            "einheit": zeile["einheit"],
        }
        if bereich == "ziel":
            noch = zeile["noch_benoetigt"]
            eintrag.update(
                schwelle=_zahl(zeile["schwelle"]),
                vergleich=zeile["vergleich"],
                zielwert=_zahl(zeile["zielwert"]),
                distanz=_zahl(zeile["distanz"]),
                noch_benoetigt=None if noch is None or pd.isna(noch) else int(noch),
                status=zeile["status"],
                knapp=bool(zeile["knapp"]),
            )
        eintrag["grund"] = zeile["grund"] if isinstance(zeile["grund"], str) else None
        ergebnis.append(eintrag)
    return ergebnis


def auswerten(
    db: Datenbestand,
    vereinbarung: Zielvereinbarung,
    traeger_id: str | None = None,
    jahr: int | None = None,
    bis_monat: int | None = None,
    wartezeit: str | None = None,
    plaene: dict[str, list[float]] | None = None,
) -> Auswertung:
    """Evaluate one Träger; defaults come from the agreement, the month from the data.
    ``plaene`` are the Jobcenter's own paths by target (sheet "Planung")."""
    return auswerten_mit_grundlage(
        db, vereinbarung, traeger_id, jahr, bis_monat, wartezeit, plaene
    )[0]


def auswerten_mit_grundlage(
    db: Datenbestand,
    vereinbarung: Zielvereinbarung,
    traeger_id: str | None = None,
    jahr: int | None = None,
    bis_monat: int | None = None,
    wartezeit: str | None = None,
    plaene: dict[str, list[float]] | None = None,
) -> tuple[Auswertung, Panel, pd.DataFrame]:
    """The evaluation, the panel it was computed on and the stored rows behind it."""
    traeger_id = traeger_id or vereinbarung.traeger_id
    jahr = jahr or vereinbarung.jahr
    wartezeit = wartezeit or vereinbarung.wartezeit
    werte = db.neueste_werte(wartezeit, [traeger_id])
    panel = Panel(werte, wartezeit, [traeger_id])
    if bis_monat is None:
        bis_monat = panel.letzter_monat(traeger_id, vereinbarung.merkmale(), jahr)
        if bis_monat is None:
            raise EingabeFehler(
                f"Für Träger {traeger_id} liegen im Jahr {jahr} keine Daten mit Wartezeit "
                f"{wartezeit} vor (benötigt: {', '.join(vereinbarung.merkmale())}). "
                "Bitte Daten importieren oder --bis-monat angeben."
            )
    if not 1 <= bis_monat <= 12:
        raise EingabeFehler("--bis-monat muss zwischen 1 und 12 liegen.")
    tabelle = auswerten_panel(panel, vereinbarung, jahr, bis_monat)
    genutzt = werte[
        werte["monat"].between((jahr - 2) * 100 + 12, (jahr - 1) * 100 + bis_monat)
        | werte["monat"].between((jahr - 1) * 100 + 12, jahr * 100 + bis_monat)
    ]
    importe = {i.import_id: i for i in db.importe()}
    quellen = [importe[int(i)] for i in sorted(genutzt["import_id"].unique())]
    pfade = zielpfade(panel, vereinbarung, traeger_id, jahr, bis_monat, plaene)
    ziele = _zeilen(tabelle, "ziel")
    for eintrag, pfad in zip(ziele, pfade, strict=True):
        eintrag.update(pfad.als_json())
    ergebnis = Auswertung(
        traeger_id=traeger_id,
        traeger_name=db.traeger_namen().get(traeger_id) or name_von(traeger_id) or "",
        jahr=jahr,
        bis_monat=bis_monat,
        wartezeit=wartezeit,
        ziele=ziele,
        monitoring=_zeilen(tabelle, "monitoring"),
        datenstand=str(genutzt["datenstand"].max())[:10] if len(genutzt) else None,
        beispieldaten=any(q.beispieldaten for q in quellen),
        quellen=[{"datei": q.dateiname, "sha256": q.sha256} for q in quellen],
        pfade=pfade,
    )
    _gleiche_wartezeit_hinweis(db, ergebnis)
    return ergebnis, panel, genutzt


def _gleiche_wartezeit_hinweis(db: Datenbestand, ergebnis: Auswertung) -> None:
    """Say so where the prior year lacks the chosen Wartezeit but has the other one."""
    offen = [z for z in ergebnis.ziele + ergebnis.monitoring if z["vorjahr"] is None]
    if not offen:
        return
    vorjahr = ergebnis.jahr - 1
    vorhanden = db.con.execute(
        "SELECT DISTINCT wartezeit FROM grunddaten WHERE traeger_id = ? AND monat BETWEEN ? AND ?",
        (ergebnis.traeger_id, vorjahr * 100 + 1, vorjahr * 100 + ergebnis.bis_monat),
    ).fetchall()
    andere = sorted({w for (w,) in vorhanden} - {ergebnis.wartezeit})
    if andere and ergebnis.wartezeit not in {w for (w,) in vorhanden}:
        zusatz = (
            f"Für {vorjahr} liegen nur Daten mit Wartezeit {', '.join(andere)} vor; verglichen "
            f"wird nur Gleiches mit Gleichem (Wartezeit {ergebnis.wartezeit})."
        )
        for z in offen:
            z["grund"] = f"{z['grund']}. {zusatz}" if z["grund"] else zusatz
