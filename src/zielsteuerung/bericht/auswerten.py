"""Evaluating an agreement from the store: the newest vintage of the chosen Wartezeit, the
months found in the data, the path and projection, and where every figure came from."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..daten.datenbestand import Datenbestand
from ..daten.traeger import name_von
from ..fehler import EingabeFehler
from ..kern.auswertung import Auswertung, auswerten_panel, ergebnisse
from ..kern.kennzahlen import JAHRESWERTE, Panel
from ..kern.merkmale import MERKMALE
from ..kern.vereinbarung import Zielvereinbarung
from ..kern.zielpfad import zielpfade


@dataclass(frozen=True)
class Ausschnitt:
    """Which evaluation: Träger, year, last month evaluated and Wartezeit. Where None, the
    agreement names the Träger, year and Wartezeit, and the data the month."""

    traeger_id: str | None = None
    jahr: int | None = None
    bis_monat: int | None = None
    wartezeit: str | None = None


def auswerten(
    db: Datenbestand,
    vereinbarung: Zielvereinbarung,
    ausschnitt: Ausschnitt | None = None,
    plaene: dict[str, list[float]] | None = None,
) -> Auswertung:
    """Evaluate one Träger. ``plaene`` are the Jobcenter's own paths by target (sheet
    "Planung")."""
    return auswerten_mit_grundlage(db, vereinbarung, ausschnitt, plaene)[0]


def auswerten_mit_grundlage(
    db: Datenbestand,
    vereinbarung: Zielvereinbarung,
    ausschnitt: Ausschnitt | None = None,
    plaene: dict[str, list[float]] | None = None,
) -> tuple[Auswertung, Panel, pd.DataFrame]:
    """The evaluation, the panel it was computed on and the stored rows behind it."""
    ausschnitt = ausschnitt or Ausschnitt()
    traeger_id = ausschnitt.traeger_id or vereinbarung.traeger_id
    jahr = ausschnitt.jahr or vereinbarung.jahr
    wartezeit = ausschnitt.wartezeit or vereinbarung.wartezeit
    bis_monat = ausschnitt.bis_monat
    werte = db.neueste_werte(wartezeit, [traeger_id])
    if werte.empty and not db.wartezeiten(traeger_id):
        raise EingabeFehler(
            f"Für Träger {traeger_id} liegen im Datenbestand keine Daten vor. Bitte Daten "
            "importieren (zielsteuerung import DATEI) oder den Träger prüfen (--traeger)."
        )
    panel = Panel(werte, wartezeit, [traeger_id])
    vollstaendig = True
    if bis_monat is None:
        bis_monat, vollstaendig = _standardmonat(panel, vereinbarung, traeger_id, jahr)
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
    ziele = ergebnisse(tabelle, "ziel")
    for eintrag, pfad in zip(ziele, pfade, strict=True):
        eintrag.update(pfad.als_json())
    ergebnis = Auswertung(
        traeger_id=traeger_id,
        traeger_name=db.traeger_namen().get(traeger_id) or name_von(traeger_id) or "",
        jahr=jahr,
        bis_monat=bis_monat,
        wartezeit=wartezeit,
        ziele=ziele,
        monitoring=ergebnisse(tabelle, "monitoring"),
        datenstand=str(genutzt["datenstand"].max())[:10] if len(genutzt) else None,
        beispieldaten=any(q.beispieldaten for q in quellen),
        quellen=[{"datei": q.dateiname, "sha256": q.sha256} for q in quellen],
        pfade=pfade,
    )
    _gleiche_wartezeit_hinweis(db, ergebnis)
    if not vollstaendig:
        _vorhanden_hinweis(db, werte, ergebnis)
    return ergebnis, panel, genutzt


def _standardmonat(
    panel: Panel, vereinbarung: Zielvereinbarung, traeger_id: str, jahr: int
) -> tuple[int, bool]:
    """(month, complete): the last month of the year in which all base figures of the targets
    exist. Where no month has all, the last in which those of them exist that the year has at
    all (of the targets, else of the monitoring); where the year has none, December."""
    monat = panel.letzter_monat(traeger_id, vereinbarung.merkmale(), jahr)
    if monat is not None:
        return monat, True
    monitoring = [
        m for z in vereinbarung.monitoring for m in JAHRESWERTE[z.kennzahl][1:] if m is not None
    ]
    for gruppe in (vereinbarung.merkmale(), list(dict.fromkeys(monitoring))):
        letzte = {m: panel.letzter_monat(traeger_id, [m], jahr) for m in gruppe}
        da = [m for m, letzter in letzte.items() if letzter is not None]
        if da:
            gemeinsam = panel.letzter_monat(traeger_id, da, jahr)
            return gemeinsam or max(int(letzte[m] or 0) for m in da), False
    return 12, False


def _vorhanden_hinweis(db: Datenbestand, werte: pd.DataFrame, ergebnis: Auswertung) -> None:
    """Where the data do not cover the agreement, every item not computable names the base
    figures and months the store holds for the Träger."""
    da = werte.loc[werte["wert"].notna()].groupby("merkmal")["monat"].agg(["min", "max"])
    teile = [
        f"{m} {_monat(int(z['min']))}"
        + ("" if z["min"] == z["max"] else f" bis {_monat(int(z['max']))}")
        for m, z in da.reindex([m for m in MERKMALE if m in da.index]).iterrows()
    ]
    if teile:
        text = (
            f"Vorhanden für Träger {ergebnis.traeger_id} (Wartezeit {ergebnis.wartezeit}): "
            + ", ".join(teile)
        )
    else:
        andere = sorted(set(db.wartezeiten(ergebnis.traeger_id)) - {ergebnis.wartezeit})
        text = (
            f"Für Träger {ergebnis.traeger_id} liegen keine Werte mit Wartezeit "
            f"{ergebnis.wartezeit} vor, nur mit Wartezeit {', '.join(andere)}"
        )
    for z in ergebnis.ziele + ergebnis.monitoring:
        if z["grund"]:
            z["grund"] = f"{z['grund']}. {text}"


def _monat(yyyymm: int) -> str:
    return f"{yyyymm // 100}-{yyyymm % 100:02d}"


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
