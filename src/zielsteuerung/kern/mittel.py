"""Mittelausschöpfung: the year's allocated funds per budget line and the monthly spending,
utilisation to date against the linear and the prior-year path, projection to December.

Input rows (sheet "Mittel" or a CSV file): Posten, Jahr, Mittel, Januar .. Dezember. A line's
spending is entered from January without gaps; the last month entered is its "Stand".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from ..fehler import sammelfehler
from .monate import MONATE
from .zahlen import Schreibweise, zahl_lesen

SPALTEN = ("Posten", "Jahr", "Mittel", *MONATE)
STANDARD_POSTEN = ("Eingliederungsleistungen", "Verwaltungskosten")
GESAMT = "Gesamt"


@dataclass
class Posten:
    name: str
    jahr: int
    mittel: float | None
    ausgaben: list[float]  # January .. Stand, without gaps


_WAEHRUNG = re.compile(r"^\s*(?:€|EUR)|(?:€|EUR)\s*$", re.IGNORECASE)


def betrag_lesen(wert: Any) -> float | None:
    """An amount in euros: a number as ``zahl_lesen`` reads it, also with the currency before
    or after it, as Excel saves a cell in currency format as CSV ("1.200.000,00 €")."""
    if isinstance(wert, str) and wert.strip():
        wert = _WAEHRUNG.sub("", wert).strip()
        if not wert:  # the currency alone is no amount
            raise ValueError(wert)
        if re.fullmatch(r"[-+]?\d{1,3},\d{3}", wert):  # "1,200": 1,2 or 1200?
            raise Schreibweise(
                f"„{wert}“ ist nicht eindeutig: Ein Betrag hat keine drei Nachkommastellen, in "
                f"englischer Schreibweise wären es {wert.replace(',', '')} Euro. Bitte "
                f"Tausender mit Punkt ({wert.replace(',', '.')}) oder ohne Trennzeichen "
                "schreiben, Cent nach einem Komma (z. B. 1234,50)."
            )
    return zahl_lesen(wert)


def _jahr(wert: Any) -> int | None:
    zahl = zahl_lesen(wert)
    if zahl is None or zahl != int(zahl) or not 1990 <= zahl <= 2100:
        raise ValueError(wert)
    return int(zahl)


def mittel_lesen(zeilen: list[dict[str, Any]], quelle: str = "Blatt „Mittel“") -> list[Posten]:
    """Check the rows; every problem is named (row, column) and nothing is taken half."""
    probleme: list[str] = []
    posten: list[Posten] = []
    gesehen: set[tuple[str, int]] = set()
    for nr, zeile in enumerate(zeilen, start=1):
        name = str(zeile.get("Posten") or "").strip()
        if not name:
            probleme.append(f"Zeile {nr}: der Posten hat keinen Namen.")
            continue
        wo = f"„{name}“"
        try:
            jahr = _jahr(zeile.get("Jahr"))
        except ValueError:
            probleme.append(f"{wo}: Jahr „{zeile.get('Jahr')}“ ist keine Jahreszahl.")
            continue
        if jahr is None:
            probleme.append(f"{wo}: das Jahr fehlt.")
            continue
        wo = f"„{name}“ {jahr}"
        if (name, jahr) in gesehen:
            probleme.append(f"{wo} steht mehrfach in der Tabelle.")
            continue
        gesehen.add((name, jahr))
        werte: dict[str, float | None] = {}
        for spalte in ("Mittel", *MONATE):
            try:
                werte[spalte] = betrag_lesen(zeile.get(spalte))
            except Schreibweise as exc:
                probleme.append(f"{wo}, {spalte}: {exc}")
                werte[spalte] = math.nan
            except ValueError:
                probleme.append(f"{wo}, {spalte}: „{zeile.get(spalte)}“ ist keine Zahl.")
                werte[spalte] = math.nan
        monatswerte = [werte[m] for m in MONATE]
        stand = max((i + 1 for i, w in enumerate(monatswerte) if w is not None), default=0)
        luecken = [MONATE[i] for i in range(stand) if monatswerte[i] is None]
        if luecken:
            probleme.append(
                f"{wo}: Ausgaben fehlen für {', '.join(luecken)}, obwohl spätere Monate erfasst "
                "sind (für einen Monat ohne Ausgaben bitte 0 eintragen)."
            )
        if werte["Mittel"] is not None and werte["Mittel"] < 0:
            probleme.append(f"{wo}: die zugeteilten Mittel sind negativ.")
        posten.append(Posten(name, jahr, werte["Mittel"], [w or 0.0 for w in monatswerte[:stand]]))
    if probleme:
        raise sammelfehler(f"Die Mittelausschöpfung ({quelle}) enthält Fehler:", probleme)
    return posten


def _prozent(teil: float, ganzes: float | None) -> float | None:
    return None if not ganzes else 100 * teil / ganzes


def _zeile(p: Posten, vorjahr: Posten | None, stand: int, jahr: int, bis: int) -> dict[str, Any]:
    """One row of tbl_Mittel_Auswertung: spending January..``stand`` of ``jahr``."""
    ausgaben = sum(p.ausgaben[:stand])
    gruende = []
    if stand < bis:
        gruende.append(
            f"Ausgaben nur bis {MONATE[stand - 1]} {jahr} erfasst (Bericht bis "
            f"{MONATE[bis - 1]} {jahr})"
        )
    if not p.mittel:
        gruende.append("keine Mittel eingetragen")
    pfad_vj = prognose_vj = None
    if vorjahr is None:
        gruende.append(f"keine Ausgaben {jahr - 1} erfasst: Vorjahresverlauf nicht berechenbar")
    elif len(vorjahr.ausgaben) < 12:
        gruende.append(
            f"Ausgaben {jahr - 1} fehlen für {', '.join(MONATE[len(vorjahr.ausgaben) :])}: "
            "Vorjahresverlauf nicht berechenbar"
        )
    elif sum(vorjahr.ausgaben) <= 0 or sum(vorjahr.ausgaben[:stand]) <= 0:
        gruende.append(f"Ausgaben {jahr - 1} bis {MONATE[stand - 1]} sind 0")
    else:
        anteil = sum(vorjahr.ausgaben[:stand]) / sum(vorjahr.ausgaben)
        pfad_vj, prognose_vj = 100 * anteil, ausgaben / anteil
    prognose_linear = ausgaben * 12 / stand
    return {
        "Posten": p.name,
        "Mittel": p.mittel,
        "Stand": f"{MONATE[stand - 1]} {jahr}",
        "Ausgaben": ausgaben,
        "Ausschöpfung": _prozent(ausgaben, p.mittel),
        "Pfad linear": 100 * stand / 12,
        "Pfad Vorjahr": pfad_vj,
        "Prognose Dezember": prognose_vj,
        "Prognose Ausschöpfung": None if prognose_vj is None else _prozent(prognose_vj, p.mittel),
        "Prognose linear": prognose_linear,
        "Rest": None if prognose_vj is None or p.mittel is None else p.mittel - prognose_vj,
        "Grund": "; ".join(gruende) or None,
    }


@dataclass
class Mittelausschoepfung:
    zeilen: list[dict[str, Any]]  # one per budget line of the year, then "Gesamt"
    verlauf: list[dict[str, Any]]  # Monat, Ist, Pfad linear, Pfad Vorjahr (all lines, in %)
    hinweis: str  # why there is nothing to show, if so


def auswerten_mittel(posten: list[Posten], jahr: int, bis_monat: int = 12) -> Mittelausschoepfung:
    """Utilisation of every budget line of ``jahr`` (and of all together) at the report month
    ``bis_monat``: spending entered for later months is not counted."""
    aktuell = [
        Posten(p.name, p.jahr, p.mittel, p.ausgaben[:bis_monat])
        for p in posten
        if p.jahr == jahr and p.ausgaben
    ]
    vorjahre = {p.name: p for p in posten if p.jahr == jahr - 1}
    zeilen = [_zeile(p, vorjahre.get(p.name), len(p.ausgaben), jahr, bis_monat) for p in aktuell]
    verlauf: list[dict[str, Any]] = []
    if not aktuell:
        return Mittelausschoepfung(
            [], [], f"Für {jahr} sind keine Ausgaben erfasst (Blatt „Mittel“)."
        )
    stand = min(len(p.ausgaben) for p in aktuell)
    mittel = [p.mittel for p in aktuell]
    gesamt = Posten(
        GESAMT,
        jahr,
        None if None in mittel else sum(m or 0.0 for m in mittel),
        [sum(p.ausgaben[m] for p in aktuell) for m in range(stand)],
    )
    vj = [vorjahre.get(p.name) for p in aktuell]
    vorjahr_gesamt = None
    if all(v is not None for v in vj):
        laenge = min(len(v.ausgaben) for v in vj if v is not None)
        vorjahr_gesamt = Posten(
            GESAMT, jahr - 1, None, [sum(v.ausgaben[m] for v in vj if v) for m in range(laenge)]
        )
    if len(aktuell) > 1:
        zeilen.append(_zeile(gesamt, vorjahr_gesamt, stand, jahr, bis_monat))
    voll = vorjahr_gesamt is not None and len(vorjahr_gesamt.ausgaben) == 12
    for m in range(12):
        ist = sum(gesamt.ausgaben[: m + 1]) if m < stand else None
        vj_anteil = None
        if voll and vorjahr_gesamt and sum(vorjahr_gesamt.ausgaben) > 0:
            vj_anteil = 100 * sum(vorjahr_gesamt.ausgaben[: m + 1]) / sum(vorjahr_gesamt.ausgaben)
        verlauf.append(
            {
                "Monat": f"{MONATE[m]} {jahr}",
                "Ist": None if ist is None else _prozent(ist, gesamt.mittel),
                "Pfad linear": 100 * (m + 1) / 12,
                "Pfad Vorjahr": vj_anteil,
            }
        )
    return Mittelausschoepfung(zeilen, verlauf, "")
