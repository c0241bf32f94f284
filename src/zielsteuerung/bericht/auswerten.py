"""Evaluating an agreement from the store: the newest vintage of the chosen Wartezeit in the
months the evaluation uses, the months found in the data, the path and projection, and where
every figure came from.

One Träger, a peer group and every Träger of the store share one computation: one read of
the store, one panel, the agreement evaluated once for all Träger of the panel
(``auswertungen``), and from that one result per Träger.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..daten.datenbestand import Datenbestand
from ..daten.traeger import name_von
from ..fehler import EingabeFehler
from ..kern.auswertung import Auswertung, auswerten_panel, ergebnisse_je_traeger
from ..kern.kennzahlen import Panel
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
    ohne_daten: list[str] = field(default_factory=list)


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
    if bis_monat is None:
        monate_ = panel.letzte_monate(vereinbarung.merkmale(), jahr)
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
    return Auswertungen(ergebnis, tabellen, [t for t in traeger if t not in monate_])


def auswerten(
    db: Datenbestand,
    vereinbarung: Zielvereinbarung,
    ausschnitt: Ausschnitt | None = None,
    plaene: dict[str, list[float]] | None = None,
) -> Auswertung:
    """Evaluate one Träger. ``plaene`` are the Jobcenter's own paths by target (sheet
    "Planung")."""
    ausschnitt = ausschnitt or Ausschnitt()
    traeger_id = ausschnitt.traeger_id or vereinbarung.traeger_id
    jahr = ausschnitt.jahr or vereinbarung.jahr
    wartezeit = ausschnitt.wartezeit or vereinbarung.wartezeit
    grundlage = grundlage_lesen(
        db, wartezeit, jahr, [traeger_id], vereinbarung.merkmale(mit_monitoring=True)
    )
    ergebnis = auswertungen(
        db, vereinbarung, grundlage, [traeger_id], jahr, ausschnitt.bis_monat, wartezeit, plaene
    )
    return einzeln(ergebnis, vereinbarung, jahr, wartezeit)


def einzeln(
    ergebnis: Auswertungen, vereinbarung: Zielvereinbarung, jahr: int, wartezeit: str
) -> Auswertung:
    """The one Träger's evaluation; a clear message where the year has no data for it."""
    if ergebnis.ohne_daten:
        raise EingabeFehler(
            f"Für Träger {ergebnis.ohne_daten[0]} liegen im Jahr {jahr} keine Daten mit "
            f"Wartezeit {wartezeit} vor (benötigt: {', '.join(vereinbarung.merkmale())}). "
            "Bitte Daten importieren oder --bis-monat angeben."
        )
    return ergebnis.auswertungen[0]


def auswerten_alle(
    db: Datenbestand, vereinbarung: Zielvereinbarung, ausschnitt: Ausschnitt | None = None
) -> Auswertungen:
    """Evaluate the agreement for every Träger with data of the Wartezeit in the months the
    evaluation reads (the agreement's targets applied to each), in one computation."""
    ausschnitt = ausschnitt or Ausschnitt()
    jahr = ausschnitt.jahr or vereinbarung.jahr
    wartezeit = ausschnitt.wartezeit or vereinbarung.wartezeit
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
        vorhanden = defaultdict(set)
        for traeger_id, wartezeit in db.con.execute(
            f"SELECT DISTINCT traeger_id, wartezeit FROM grunddaten WHERE traeger_id IN "
            f"({','.join('?' * len(ids))}) AND monat BETWEEN ? AND ?",
            [*ids, (jahr - 1) * 100 + 1, (jahr - 1) * 100 + bis_monat],
        ):
            vorhanden[traeger_id].add(wartezeit)
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
