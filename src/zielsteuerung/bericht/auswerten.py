"""Evaluating an agreement from the store: the newest vintage of the chosen Wartezeit in the
months the evaluation uses, the months found in the data, the path and projection, and where
every figure came from.

One Träger, a peer group and every Träger of the store share one computation: one read of
the store, one panel, the agreement evaluated once for all Träger of the panel
(``auswertungen``), and from that one result per Träger.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..daten.datenbestand import Datenbestand, ImportInfo
from ..daten.traeger import name_von
from ..fehler import EingabeFehler
from ..kern import monate
from ..kern.auswertung import Auswertung, auswerten_panel, ergebnisse_je_traeger
from ..kern.kennzahlen import Panel
from ..kern.merkmale import MERKMALE
from ..kern.vereinbarung import Zielvereinbarung, merkmale_von
from ..kern.zielpfad import zielpfade


@dataclass(frozen=True)
class Ausschnitt:
    """Which evaluation: Träger, year, last month evaluated and Wartezeit. Where None, the
    agreement names the Träger, year and Wartezeit, and the data the month."""

    traeger_id: str | None = None
    jahr: int | None = None
    bis_monat: int | None = None
    wartezeit: str | None = None

    def fuer(self, vereinbarung: Zielvereinbarung) -> tuple[str, int, str]:
        """Träger, year and Wartezeit: these where given, else the agreement's."""
        return (
            self.traeger_id or vereinbarung.traeger_id,
            self.jahr or vereinbarung.jahr,
            self.wartezeit or vereinbarung.wartezeit,
        )


def zeitraum(jahr: int) -> tuple[int, int]:
    """The months (YYYYMM) an evaluation of year Y reads: December Y-2 (the first month in
    the denominator of the prior year's quotas) through December Y (the path of the year)."""
    return (jahr - 2) * 100 + 12, jahr * 100 + 12


@dataclass
class Grundlage:
    """What an evaluation is computed on: the newest stored rows it read, and their panel."""

    werte: pd.DataFrame
    panel: Panel


def grundlage_lesen(
    db: Datenbestand,
    wartezeit: str,
    jahr: int,
    traeger: list[str] | None,
    merkmale: list[str] | None,
) -> Grundlage:
    """Read the months of ``zeitraum(jahr)`` for the given Träger (None: every Träger of the
    store) and figures (None: all) once, and build the panel on them."""
    werte = db.neueste_werte(wartezeit, traeger, *zeitraum(jahr), merkmale)
    return Grundlage(werte, Panel(werte, wartezeit, traeger))


@dataclass
class Auswertungen:
    """The agreement evaluated for several Träger of one panel."""

    #: one per Träger asked for that has a month to evaluate, in the panel's order
    auswertungen: list[Auswertung]
    #: by last month evaluated: the rows (targets and monitoring) of every Träger of the panel
    tabellen: dict[int, pd.DataFrame]
    #: Träger asked for without data in the year (only where the month comes from the data)
    ohne_daten: list[str]
    #: the store's imports by number and Träger names, as read for this evaluation
    importe: dict[int, ImportInfo]
    namen: dict[str, str]


def genutzte_zeilen(
    werte: pd.DataFrame, jahr: int, bis_monat: int, merkmale: list[str] | None = None
) -> pd.DataFrame:
    """The stored rows an evaluation draws on: those of the given figures (default: all) in
    the months the current year and the prior year are compared over (with the month before
    each)."""
    monat = werte["monat"]
    verglichen = monat.between((jahr - 2) * 100 + 12, (jahr - 1) * 100 + bis_monat) | (
        monat.between((jahr - 1) * 100 + 12, jahr * 100 + bis_monat)
    )
    return werte[verglichen & werte["merkmal"].isin(merkmale) if merkmale else verglichen]


def _herkunft(
    werte: pd.DataFrame, vereinbarung: Zielvereinbarung, jahr: int, bis_monat: int
) -> dict[str, tuple[str, list[int]]]:
    """Per Träger the newest Datenstand (a date) and the imports of the rows drawn on: the
    figures of the agreement's targets and monitoring items."""
    genutzt = genutzte_zeilen(werte, jahr, bis_monat, vereinbarung.merkmale(mit_monitoring=True))
    traeger, ids = pd.factorize(genutzt["traeger_id"])
    stand, staende = pd.factorize(genutzt["datenstand"])
    ordnung = np.argsort(np.asarray(staende, dtype=object))
    rang = np.empty_like(ordnung)
    rang[ordnung] = np.arange(len(ordnung))
    neuester = np.full(len(ids), -1)
    np.maximum.at(neuester, traeger, rang[stand])
    paare = sorted(set(zip(traeger.tolist(), genutzt["import_id"].tolist(), strict=True)))
    importe: dict[int, list[int]] = defaultdict(list)
    for t, i in paare:
        importe[t].append(int(i))
    return {
        str(t): (str(staende[ordnung[neuester[n]]])[:10], importe[n]) for n, t in enumerate(ids)
    }


def auswertungen(
    db: Datenbestand,
    vereinbarung: Zielvereinbarung,
    grundlage: Grundlage,
    traeger: list[str],
    jahr: int,
    bis_monat: int | None,
    wartezeit: str,
    plaene: dict[str, list[float]] | None = None,
) -> Auswertungen:
    """Evaluate the agreement for the given Träger of the panel. Without ``bis_monat`` each
    Träger is evaluated through its own last month with data."""
    panel = grundlage.panel
    unvollstaendig: set[str] = set()
    if bis_monat is None:
        monate_ = panel.letzte_monate(vereinbarung.merkmale(), jahr)
        offen = [t for t in traeger if t not in monate_ and t in panel.spalte]
        teilmonate = _teilmonate(panel, vereinbarung, offen, jahr) if offen else {}
        monate_.update(teilmonate)
        unvollstaendig = set(teilmonate)
    else:
        if not 1 <= bis_monat <= 12:
            raise EingabeFehler("--bis-monat muss zwischen 1 und 12 liegen.")
        monate_ = dict.fromkeys(panel.traeger, bis_monat)
    gefragt = [t for t in traeger if t in monate_]
    tabellen = {
        t: auswerten_panel(panel, vereinbarung, jahr, t)
        for t in sorted({monate_[traeger_id] for traeger_id in gefragt})
    }
    zeilen = {t: ergebnisse_je_traeger(tabelle) for t, tabelle in tabellen.items()}
    importe = {i.import_id: i for i in db.importe()}
    namen = db.traeger_namen()
    herkunft = {t: _herkunft(grundlage.werte, vereinbarung, jahr, t) for t in tabellen}
    ergebnis = []
    for traeger_id in gefragt:
        t = monate_[traeger_id]
        ziele, monitoring = zeilen[t][traeger_id]
        pfade = zielpfade(panel, vereinbarung, traeger_id, jahr, t, plaene)
        for eintrag, pfad in zip(ziele, pfade, strict=True):
            eintrag.update(pfad.als_json())
        stand, import_ids = herkunft[t].get(traeger_id, (None, []))
        quellen = [importe[i] for i in import_ids]
        ergebnis.append(
            Auswertung(
                traeger_id=traeger_id,
                traeger_name=namen.get(traeger_id) or name_von(traeger_id) or "",
                jahr=jahr,
                bis_monat=t,
                wartezeit=wartezeit,
                ziele=ziele,
                monitoring=monitoring,
                datenstand=stand,
                beispieldaten=any(q.beispieldaten for q in quellen),
                quellen=[{"datei": q.dateiname, "sha256": q.sha256} for q in quellen],
                pfade=pfade,
            )
        )
    _gleiche_wartezeit_hinweis(db, ergebnis)
    for a in ergebnis:
        if a.traeger_id in unvollstaendig:
            _vorhanden_hinweis(db, a, vereinbarung.merkmale(mit_monitoring=True))
    ohne = [t for t in traeger if t not in monate_]
    return Auswertungen(ergebnis, tabellen, ohne, importe, namen)


def auswerten(
    db: Datenbestand,
    vereinbarung: Zielvereinbarung,
    ausschnitt: Ausschnitt | None = None,
    plaene: dict[str, list[float]] | None = None,
) -> Auswertung:
    """Evaluate one Träger. ``plaene`` are the Jobcenter's own paths by target (sheet
    "Planung")."""
    ausschnitt = ausschnitt or Ausschnitt()
    traeger_id, jahr, wartezeit = ausschnitt.fuer(vereinbarung)
    grundlage = grundlage_lesen(
        db, wartezeit, jahr, [traeger_id], vereinbarung.merkmale(mit_monitoring=True)
    )
    return einzeln(
        db, vereinbarung, grundlage, traeger_id, jahr, ausschnitt.bis_monat, wartezeit, plaene
    ).auswertungen[0]


def einzeln(
    db: Datenbestand,
    vereinbarung: Zielvereinbarung,
    grundlage: Grundlage,
    traeger_id: str,
    jahr: int,
    bis_monat: int | None,
    wartezeit: str,
    plaene: dict[str, list[float]] | None = None,
) -> Auswertungen:
    """One Träger's evaluation (the only one of the result). Where the year holds none of the
    agreement's base figures, every item is "nicht berechenbar" (through December) with a
    reason naming what the store holds; only a Träger without any data is an error."""
    if not db.wartezeiten(traeger_id):  # whatever month is asked for
        raise EingabeFehler(
            f"Für Träger {traeger_id} liegen im Datenbestand keine Daten vor. Bitte Daten "
            "importieren (zielsteuerung import DATEI) oder den Träger prüfen (--traeger)."
        )
    ergebnis = auswertungen(
        db, vereinbarung, grundlage, [traeger_id], jahr, bis_monat, wartezeit, plaene
    )
    if not ergebnis.ohne_daten:
        return ergebnis
    ergebnis = auswertungen(db, vereinbarung, grundlage, [traeger_id], jahr, 12, wartezeit, plaene)
    _vorhanden_hinweis(db, ergebnis.auswertungen[0], vereinbarung.merkmale(mit_monitoring=True))
    return ergebnis


def _teilmonate(
    panel: Panel, vereinbarung: Zielvereinbarung, traeger: list[str], jahr: int
) -> dict[str, int]:
    """For Träger where no month of the year has every base figure of the targets: the last
    month with those of them that the year has at all (of the targets, else of the
    monitoring), so that what can be evaluated is. Träger whose year has none are left out."""
    ergebnis: dict[str, int] = {}
    for gruppe in (vereinbarung.merkmale(), merkmale_von(vereinbarung.monitoring)):
        letzte = {m: panel.letzte_monate([m], jahr) for m in gruppe}
        zusammen: dict[tuple[str, ...], dict[str, int]] = {}  # per set of figures, all Träger
        for traeger_id in traeger:
            da = tuple(m for m in gruppe if traeger_id in letzte[m])
            if traeger_id in ergebnis or not da:
                continue
            if len(da) > 1 and da not in zusammen:
                zusammen[da] = panel.letzte_monate(list(da), jahr)
            gemeinsam = zusammen[da].get(traeger_id) if len(da) > 1 else None
            ergebnis[traeger_id] = gemeinsam or max(letzte[m][traeger_id] for m in da)
    return ergebnis


def _vorhanden_hinweis(db: Datenbestand, ergebnis: Auswertung, merkmale: list[str]) -> None:
    """Where the data do not cover the agreement, every item not computable names the months
    the store holds for the Träger (any year) of the base figures the agreement uses: figures
    with the same months together ("ELB, INT 2021-01 bis 2024-12; LZB 2021-01 bis 2022-12"),
    all of them at once where they have the same."""
    da = db.vorhandene_monate(ergebnis.traeger_id, ergebnis.wartezeit)
    spannen: dict[tuple[int, int], list[str]] = {}
    for m in (m for m in MERKMALE if m in merkmale):
        spannen.setdefault(da.get(m, (0, 0)), []).append(m)
    teile = [
        f"keine Werte für {', '.join(ms)}"
        if not von
        else ("alle Grunddaten der Zielvereinbarung" if len(spannen) == 1 else ", ".join(ms))
        + f" {monate.yyyymm_text(von)}"
        + ("" if von == bis else f" bis {monate.yyyymm_text(bis)}")
        for (von, bis), ms in spannen.items()
    ]
    if da:
        text = (
            f"Vorhanden für Träger {ergebnis.traeger_id} (Wartezeit {ergebnis.wartezeit}): "
            + "; ".join(teile)
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


def auswerten_alle(
    db: Datenbestand, vereinbarung: Zielvereinbarung, ausschnitt: Ausschnitt | None = None
) -> Auswertungen:
    """Evaluate the agreement for every Träger with data of the Wartezeit in the months the
    evaluation reads (the agreement's targets applied to each), in one computation."""
    ausschnitt = ausschnitt or Ausschnitt()
    _, jahr, wartezeit = ausschnitt.fuer(vereinbarung)
    grundlage = grundlage_lesen(
        db, wartezeit, jahr, None, vereinbarung.merkmale(mit_monitoring=True)
    )
    if not grundlage.panel.traeger:
        raise EingabeFehler(
            f"Im Datenbestand liegen für {jahr - 1} und {jahr} keine Daten mit Wartezeit "
            f"{wartezeit} vor. Bitte Daten importieren."
        )
    alle = grundlage.panel.traeger
    return auswertungen(db, vereinbarung, grundlage, alle, jahr, ausschnitt.bis_monat, wartezeit)


def _gleiche_wartezeit_hinweis(db: Datenbestand, ergebnisse: list[Auswertung]) -> None:
    """Say so where the prior year lacks the chosen Wartezeit but has the other one."""
    offen = defaultdict(list)  # by (jahr, bis_monat): evaluations missing a prior-year value
    for a in ergebnisse:
        if any(z["vorjahr"] is None for z in a.ziele + a.monitoring):
            offen[(a.jahr, a.bis_monat)].append(a)
    for (jahr, bis_monat), gruppe in offen.items():
        ids = sorted({a.traeger_id for a in gruppe})
        vorhanden = db.wartezeiten_je_traeger(
            ids, (jahr - 1) * 100 + 1, (jahr - 1) * 100 + bis_monat
        )
        for a in gruppe:
            andere = sorted(vorhanden[a.traeger_id] - {a.wartezeit})
            if not andere or a.wartezeit in vorhanden[a.traeger_id]:
                continue
            zusatz = (
                f"Für {jahr - 1} liegen nur Daten mit Wartezeit {', '.join(andere)} vor; "
                f"verglichen wird nur Gleiches mit Gleichem (Wartezeit {a.wartezeit})."
            )
            for z in a.ziele + a.monitoring:
                if z["vorjahr"] is None:
                    z["grund"] = f"{z['grund']}. {zusatz}" if z["grund"] else zusatz
