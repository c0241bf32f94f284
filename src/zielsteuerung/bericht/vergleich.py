"""Peer comparison ("Vergleich"): the Träger's target values ranked within a group.

The agreement of the Träger is evaluated for every Träger of the group at once (same year,
months and Wartezeit), in the same computation as the Träger's own evaluation
(``bericht.erstelle_bericht``), so that each target's change can be ranked, with median and
quartiles. The sheet that shows it is written by ``mappe.vergleich``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..daten.traeger import name_von, nrw_zkt
from ..kern.auswertung import Auswertung
from ..kern.vereinbarung import Zielvereinbarung, kurznamen

_ERREICHT = ("erreicht", "auf Kurs")


@dataclass
class Vergleich:
    """The comparison of one Träger with its group, ready to be written."""

    traeger_id: str
    traeger_name: str
    gruppe: str  # description of the group, German
    anzahl: int  # Träger of the group with data of the Wartezeit
    jahr: int
    bis_monat: int
    wartezeit: str
    zeitraum: str
    #: one row per target: the columns of tbl_Vergleich
    ziele: list[dict[str, Any]] = field(default_factory=list)
    #: target id -> [(traeger_id, name, change)], best first; no value (None) last
    ranglisten: dict[str, list[tuple[str, str, float | None]]] = field(default_factory=dict)
    #: target id -> (label, unit)
    bezeichnungen: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: Träger of the group without data in the months evaluated (name and id), not compared
    ohne_daten: list[str] = field(default_factory=list)


def _gruppenname(gruppe: list[str]) -> str:
    if set(gruppe) == set(nrw_zkt()):
        return "zugelassene kommunale Träger in NRW"
    return "Vergleichsgruppe aus den Einstellungen"


def _quartile(werte: list[float]) -> list[float]:
    """Minimum, quartiles, median, maximum as Excel's QUARTILE.INC (QUARTIL.INKL) computes."""
    return [float(q) for q in np.percentile(np.array(werte, dtype=float), [0, 25, 50, 75, 100])]


def vergleich_aus(
    vereinbarung: Zielvereinbarung,
    auswertung: Auswertung,
    tabelle: pd.DataFrame,
    vorhanden: list[str],
    namen: dict[str, str],
    gruppe: list[str],
) -> Vergleich | None:
    """The comparison data for the sheet "Vergleich", or None where there is nothing to compare.

    ``tabelle`` is the agreement evaluated for the group (``kern.auswertung.auswerten_panel``,
    the Träger's own rows included), ``vorhanden`` the Träger of the group with data in the
    months evaluated; the Träger itself always belongs to its group. None when fewer than two
    Träger of the group have data.
    """
    a = auswertung
    if len(vorhanden) < 2 or a.traeger_id not in vorhanden:
        return None
    tabelle = tabelle[(tabelle["bereich"] == "ziel") & tabelle["traeger_id"].isin(vorhanden)]
    eigene = {z["id"]: z for z in a.ziele}

    def name(traeger_id: str) -> str:
        return namen.get(traeger_id) or name_von(traeger_id) or traeger_id

    ergebnis = Vergleich(
        traeger_id=a.traeger_id,
        traeger_name=a.traeger_name or name(a.traeger_id),
        gruppe=_gruppenname(gruppe),
        anzahl=len(vorhanden),
        jahr=a.jahr,
        bis_monat=a.bis_monat,
        wartezeit=a.wartezeit,
        zeitraum=a.zeitraum,
        ohne_daten=[
            f"{n} ({t})" if (n := namen.get(t) or name_von(t)) else t
            for t in dict.fromkeys(gruppe)
            if t not in vorhanden
        ],
    )
    for ziel in vereinbarung.ziele:
        zeilen = tabelle[tabelle["id"] == ziel.id]
        veraenderung = {
            str(t): None if pd.isna(v) else float(v)
            for t, v in zip(zeilen["traeger_id"], zeilen["veraenderung"], strict=True)
        }
        status = dict(zip(zeilen["traeger_id"].astype(str), zeilen["status"], strict=True))
        hoch_ist_besser = ziel.vergleich != "<="
        gueltig = sorted(
            ((t, v) for t, v in veraenderung.items() if v is not None),
            key=lambda tv: (-tv[1] if hoch_ist_besser else tv[1], tv[0]),
        )
        fehlend = sorted(t for t, v in veraenderung.items() if v is None)
        ergebnis.ranglisten[ziel.id] = [(t, name(t), v) for t, v in gueltig] + [
            (t, name(t), None) for t in fehlend
        ]
        ergebnis.bezeichnungen[ziel.id] = (ziel.bezeichnung, ziel.einheit)
        eigen = eigene.get(ziel.id, {})
        wert = eigen.get("veraenderung")
        rang = None
        if wert is not None:  # ties share the better rank
            besser = [v for _, v in gueltig if (v > wert if hoch_ist_besser else v < wert)]
            rang = 1 + sum(not math.isclose(v, wert, rel_tol=1e-12) for v in besser)
        statistik = _quartile([v for _, v in gueltig]) if gueltig else [None] * 5
        ergebnis.ziele.append(
            {
                "Ziel_ID": ziel.id,
                "Ziel": ziel.bezeichnung,
                "Einheit": ziel.einheit,
                "Veränderung": wert,
                "Status": eigen.get("status"),
                "Rang": rang,
                "Träger mit Wert": len(gueltig),
                "Minimum": statistik[0],
                "1. Quartil": statistik[1],
                "Median": statistik[2],
                "3. Quartil": statistik[3],
                "Maximum": statistik[4],
                "Schwelle": ziel.schwelle,
                "Erreicht oder auf Kurs": sum(s in _ERREICHT for s in status.values()),
            }
        )
    return ergebnis


def hinweis(vergleich: Vergleich) -> str:
    """The line under the title (defined name Vergleich_Hinweis): the Träger, its group, the
    months, and the Träger of the group left out for want of data (at most six named)."""
    text = (
        f"{vergleich.traeger_name} ({vergleich.traeger_id}) in einer Gruppe von "
        f"{vergleich.anzahl} Trägern ({vergleich.gruppe}), {vergleich.zeitraum}, Wartezeit "
        f"{vergleich.wartezeit}."
    )
    if ohne := vergleich.ohne_daten:
        genannt = ", ".join(ohne[:6]) + (f" und {len(ohne) - 6} weitere" if len(ohne) > 6 else "")
        text += f" Ohne Daten für diese Monate und Wartezeit, daher nicht verglichen: {genannt}."
    return text


def ranglisten_spalten(vergleich: Vergleich) -> dict[str, tuple[str, str, str]]:
    """Per target the columns of tbl_Vergleich_Rangliste: Träger, change, threshold."""
    return {
        i: (f"Träger {k}", f"Veränderung {k}", f"Schwelle {k}")
        for i, k in kurznamen(vergleich.ranglisten).items()
    }


def rangliste(vergleich: Vergleich) -> tuple[list[str], list[dict[str, Any]]]:
    """Header and rows of tbl_Vergleich_Rangliste: Platz, then per target Träger, change and
    the threshold (beside every ranked value, for the chart's line).
    (tbl_Vergleich's rows are ``vergleich.ziele``; both also serve the ribbon's writer.)"""
    spalten = ranglisten_spalten(vergleich)
    schwellen = {z["Ziel_ID"]: z["Schwelle"] for z in vergleich.ziele}
    n = max((len(r) for r in vergleich.ranglisten.values()), default=0)
    zeilen: list[dict[str, Any]] = []
    for platz in range(n):
        zeile: dict[str, Any] = {"Platz": platz + 1}
        for i, (traeger, wert_spalte, schwelle) in spalten.items():
            eintrag = vergleich.ranglisten[i]
            _, name, wert = eintrag[platz] if platz < len(eintrag) else ("", None, None)
            zeile[traeger] = name
            zeile[wert_spalte] = wert
            zeile[schwelle] = None if wert is None else schwellen.get(i)
        zeilen.append(zeile)
    return ["Platz", *(s for drei in spalten.values() for s in drei)], zeilen
