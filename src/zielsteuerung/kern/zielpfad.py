"""Steering during the year: the target path (Zielpfad), the Jobcenter's own plan (Planung)
and the projected year-end value (Prognose) of every target. Method: docs/benutzerhandbuch.md.

The path P(m) is the year-to-date value through month m that leads to the annual target:
- sums: the annual target distributed by the prior year's monthly shares,
  P(m) = Z * V(Y-1, m) / V(Y-1, 12) with Z the annual target value;
- quotas, stocks, shares and the gender gap: the prior year's year-to-date value moved by the
  threshold, P(m) = V(Y-1, m) * (1 + s/100) (relative) or V(Y-1, m) + s (absolute, pp).
A plan entered on the sheet "Planung" replaces the derived path. The projection carries the
current ratio to the path to December: V(Y, t) * P(12) / P(t) (for the gender gap, which is a
difference, the distance instead: V(Y, t) + P(12) - P(t)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..fehler import sammelfehler
from .bewertung import erreicht, veraenderung_berechnen, zielverlauf
from .kennzahlen import JAHRESWERTE, Panel
from .monate import MONATE
from .vereinbarung import Ziel, Zielvereinbarung
from .zahlen import SPRUNGFAKTOR, Schreibweise, wert_oder_none, zahl, zahl_lesen

VORJAHRESVERLAUF = "Vorjahresverlauf"
PLANUNG = "Planung"
AUF_DEM_PFAD, HINTER_DEM_PFAD, NICHT_BERECHENBAR = (
    "auf dem Zielpfad",
    "hinter dem Zielpfad",
    "nicht berechenbar",
)
PROGNOSE_STATUS = (
    "voraussichtlich erreicht",
    "voraussichtlich nicht erreicht",
    "erreicht",
    "nicht erreicht",
    NICHT_BERECHENBAR,
)


def eingabeart(ziel: Ziel) -> str:
    """How the plan of a target is entered (shown on the sheet "Planung")."""
    if ziel.art == "geschlechterabstand":
        return "Abstand in pp, Januar bis Monat"
    art = JAHRESWERTE[ziel.kennzahl][0]
    if art == "summe":
        return "Monatswert (wird aufsummiert)"
    if art == "jdw":
        return "Bestand im Monat (Jahresdurchschnitt wird gebildet)"
    return "Wert Januar bis Monat (in %)"


def _monatsliste(monate_: list[str]) -> str:
    return ", ".join(monate_[:6]) + (f" und {len(monate_) - 6} weitere" if len(monate_) > 6 else "")


def planung_lesen(zeilen: list[dict[str, Any]], v: Zielvereinbarung) -> dict[str, list[float]]:
    """The plans of the sheet "Planung" by target: twelve numbers each, checked.

    A row is either empty (the derived path applies) or complete. Rows of targets that are no
    longer agreed are ignored here (and kept on the sheet).
    """
    ziele = {z.id for z in v.ziele}
    probleme: list[str] = []
    plaene: dict[str, list[float]] = {}
    for zeile in zeilen:
        ziel_id = str(zeile.get("Ziel_ID") or "").strip()
        if ziel_id not in ziele:
            continue
        werte: list[float | None] = []
        for name in MONATE:
            try:
                werte.append(zahl_lesen(zeile.get(name)))
            except Schreibweise as exc:
                probleme.append(f"Planung, Ziel „{ziel_id}“, {name}: {exc}")
                werte.append(math.nan)
            except ValueError:
                text = str(zeile.get(name))
                probleme.append(
                    f"Planung, Ziel „{ziel_id}“, {name}: „{text}“ ist keine Zahl"
                    + (" (bitte ohne %-Zeichen, z. B. 22,5)." if "%" in text else ".")
                )
                werte.append(math.nan)
        if all(w is None for w in werte):
            continue
        fehlend = [name for name, w in zip(MONATE, werte, strict=True) if w is None]
        if fehlend:
            probleme.append(
                f"Planung, Ziel „{ziel_id}“: es fehlen Werte für {_monatsliste(fehlend)}. "
                "Bitte alle zwölf Monate eintragen oder die Zeile ganz leeren (dann gilt der "
                "Zielpfad aus dem Vorjahresverlauf)."
            )
        elif ziel_id in plaene:
            probleme.append(f"Planung: Ziel „{ziel_id}“ steht mehrfach in der Tabelle.")
        else:
            plaene[ziel_id] = [float(w) for w in werte if w is not None]
    if probleme:
        raise sammelfehler(
            "Die Planung (Blatt „Planung“) ist unvollständig oder fehlerhaft:", probleme
        )
    return plaene


@dataclass
class Zielpfad:
    """Path, actual and prior-year values (year-to-date, by month) and the projection."""

    ziel_id: str
    quelle: str
    pfad: list[float | None]
    ist: list[float | None]
    vorjahr: list[float | None]
    zielwert_jahr: float | None
    pfad_aktuell: float | None
    abstand_pfad: float | None
    status_pfad: str
    prognose: float | None
    prognose_veraenderung: float | None
    prognose_abstand: float | None
    prognose_status: str
    grund: str | None

    def als_json(self) -> dict[str, Any]:
        return {
            "zielwert_jahr": self.zielwert_jahr,
            "pfad": self.pfad,
            "pfad_quelle": self.quelle,
            "pfad_aktuell": self.pfad_aktuell,
            "abstand_pfad": self.abstand_pfad,
            "status_pfad": self.status_pfad,
            "prognose": self.prognose,
            "prognose_veraenderung": self.prognose_veraenderung,
            "prognose_abstand": self.prognose_abstand,
            "prognose_status": self.prognose_status,
            "pfad_grund": self.grund,
        }


def _aus_plan(ziel: Ziel, plan: list[float]) -> list[float]:
    art = "direkt" if ziel.art == "geschlechterabstand" else JAHRESWERTE[ziel.kennzahl][0]
    if art == "summe":
        return [sum(plan[: m + 1]) for m in range(12)]
    if art == "jdw":
        return [sum(plan[: m + 1]) / (m + 1) for m in range(12)]
    return list(plan)


def _planungssprung(pfad: list[float], vorjahr: list[float]) -> str | None:
    """Where the path from the plan lies ``SPRUNGFAKTOR`` times or more from the prior year's
    course in a month: the reason the plan cannot be a path (a typo, such as „2,185“ typed for
    2.185 integrations), else None."""
    for monat, (p, v) in enumerate(zip(pfad, vorjahr, strict=True)):
        if p > 0 and v > 0 and (faktor := max(p / v, v / p)) >= SPRUNGFAKTOR:
            return (
                f"Planung: Zielpfad im {MONATE[monat]} {zahl(p, 1)}, Vorjahr {zahl(v, 1)} "
                f"(Faktor {zahl(faktor)}); ein Tippfehler (Tausenderpunkt, Komma)? Bitte das "
                "Blatt „Planung“ prüfen."
            )
    return None


def zielpfad(
    panel: Panel,
    ziel: Ziel,
    traeger_id: str,
    jahr: int,
    bis_monat: int,
    plan: list[float] | None = None,
) -> Zielpfad:
    """Path, status against the path and projection of one target for one Träger; the
    year-to-date values of all months come from one pass over each year (``zielverlauf``)."""
    spalte = panel.spalte[traeger_id]
    vj, akt = zielverlauf(panel, ziel, jahr - 1), zielverlauf(panel, ziel, jahr)
    vorjahr = [float(w) for w in vj.wert[:, spalte]]
    ist = [float(w) for w in akt.wert[:bis_monat, spalte]] + [math.nan] * (12 - bis_monat)
    s = ziel.schwelle or 0.0
    relativ = ziel.art == "relativ"
    v0 = vorjahr[11]
    zielwert = v0 * (1 + s / 100) if relativ else v0 + s
    grund = None
    fehlt = next((m for m, w in enumerate(vorjahr) if math.isnan(w)), None)
    if fehlt is not None:
        grund = f"Vorjahr {jahr - 1}: {vj.grund(fehlt + 1)[traeger_id] or 'nicht berechenbar'}"
    summe = ziel.art != "geschlechterabstand" and JAHRESWERTE[ziel.kennzahl][0] == "summe"
    if plan is not None:
        quelle, pfad = PLANUNG, _aus_plan(ziel, plan)
        if ziel.art != "geschlechterabstand" and (sprung := _planungssprung(pfad, vorjahr)):
            grund, pfad = sprung, [math.nan] * 12  # a typo is no path
    elif summe:
        quelle = VORJAHRESVERLAUF
        if v0 == 0:
            grund = grund or f"Vorjahr {jahr - 1}: die Jahressumme ist 0; keine Monatsanteile"
        anteil = math.nan if v0 == 0 else zielwert / v0
        pfad = [w * anteil for w in vorjahr]
    else:
        quelle = VORJAHRESVERLAUF
        pfad = [w * (1 + s / 100) if relativ else w + s for w in vorjahr]

    t = bis_monat - 1
    a, p, p12 = ist[t], pfad[t], pfad[11]
    if math.isnan(a) or math.isnan(p) or ziel.vergleich is None:
        status_pfad, abstand = NICHT_BERECHENBAR, math.nan
    else:
        abstand = a - p
        status_pfad = AUF_DEM_PFAD if erreicht(a, ziel.vergleich, p) else HINTER_DEM_PFAD
    if ziel.art == "geschlechterabstand":
        prognose = a + p12 - p
    elif p == 0:
        prognose = math.nan
        grund = grund or f"Der Zielpfad ist im {MONATE[t]} 0; keine Hochrechnung möglich"
    else:
        prognose = a * p12 / p
    veraenderung = float(veraenderung_berechnen(prognose, v0, ziel.art))
    if math.isnan(veraenderung) or ziel.vergleich is None:
        prognose_status = NICHT_BERECHENBAR
    else:
        ja = erreicht(veraenderung, ziel.vergleich, s)
        prognose_status = PROGNOSE_STATUS[(0 if ja else 1) + (2 if bis_monat == 12 else 0)]
    if math.isnan(a):
        grund = grund or f"{jahr}: {akt.grund(bis_monat)[traeger_id] or 'nicht berechenbar'}"
    grund = grund or f"Vorjahreswert {jahr - 1} ist 0; keine relative Veränderung"
    return Zielpfad(
        ziel_id=ziel.id,
        quelle=quelle,
        pfad=[wert_oder_none(w) for w in pfad],
        ist=[wert_oder_none(w) for w in ist],
        vorjahr=[wert_oder_none(w) for w in vorjahr],
        zielwert_jahr=wert_oder_none(zielwert),
        pfad_aktuell=wert_oder_none(p),
        abstand_pfad=wert_oder_none(abstand),
        status_pfad=status_pfad,
        prognose=wert_oder_none(prognose),
        prognose_veraenderung=wert_oder_none(veraenderung),
        prognose_abstand=wert_oder_none(prognose - zielwert),
        prognose_status=prognose_status,
        grund=grund if NICHT_BERECHENBAR in (status_pfad, prognose_status) else None,
    )


def zielpfade(
    panel: Panel,
    v: Zielvereinbarung,
    traeger_id: str,
    jahr: int,
    bis_monat: int,
    plaene: dict[str, list[float]] | None = None,
) -> list[Zielpfad]:
    plaene = plaene or {}
    return [zielpfad(panel, z, traeger_id, jahr, bis_monat, plaene.get(z.id)) for z in v.ziele]
