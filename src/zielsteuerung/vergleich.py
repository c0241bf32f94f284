"""Peer comparison ("Vergleich"): the Träger's target values ranked within a group.

The agreement of the Träger is evaluated for every Träger of the group at once (same year,
months and Wartezeit), so that each target's change can be ranked, with median and quartiles.
The sheet "Vergleich" of the controlling workbook shows one row per target (``tbl_Vergleich``),
the ranking of the group per target (``tbl_Vergleich_Rangliste``) and one bar chart per target
with the Träger highlighted. Like everything else it is found by table and defined names only,
so it survives refreshes and the user's restyling.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.axis import ChartLines
from openpyxl.chart.marker import DataPoint
from openpyxl.drawing.text import CharacterProperties, ParagraphProperties
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.pagebreak import Break, RowBreak
from openpyxl.worksheet.worksheet import Worksheet

from .auswertung import Auswertung, auswerten_panel
from .datenbestand import Datenbestand
from .kennzahlen import Panel
from .traeger import name_von, nrw_zkt
from .vereinbarung import Zielvereinbarung

BLATT = "Vergleich"
TABELLE = "tbl_Vergleich"
RANGLISTE = "tbl_Vergleich_Rangliste"
HINWEIS_NAME = "Vergleich_Hinweis"
SPALTEN = (
    "Ziel_ID", "Ziel", "Einheit", "Veraenderung", "Status", "Rang", "Anzahl", "Minimum",
    "Quartil_1", "Median", "Quartil_3", "Maximum", "Schwelle", "Erreicht_in_Gruppe",
)  # fmt: skip
DIAGRAMM_PRAEFIX = "Vergleich – "
_KOPFZEILE = 5
_ERREICHT = ("erreicht", "auf Kurs")
_HERVORGEHOBEN = "C00000"
_ANDERE = "9DC3E6"


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


def _gruppenname(gruppe: list[str]) -> str:
    if set(gruppe) == set(nrw_zkt()):
        return "zugelassene kommunale Träger in NRW"
    return "Vergleichsgruppe aus den Einstellungen"


def _quartile(werte: list[float]) -> list[float]:
    """Minimum, quartiles, median, maximum as Excel's QUARTILE.INC (QUARTIL.INKL) computes."""
    return [float(q) for q in np.percentile(np.array(werte, dtype=float), [0, 25, 50, 75, 100])]


def vergleich_berechnen(
    db: Datenbestand, vereinbarung: Zielvereinbarung, auswertung: Auswertung, gruppe: list[str]
) -> Vergleich | None:
    """The comparison data for the sheet "Vergleich", or None where there is nothing to compare.

    The Träger itself always belongs to its group. None when the store holds data of fewer
    than two Träger of the group (in the evaluated Wartezeit).
    """
    a = auswertung
    ids = list(dict.fromkeys([a.traeger_id, *gruppe]))
    werte = db.neueste_werte(a.wartezeit, ids)
    vorhanden = sorted(str(t) for t in werte["traeger_id"].unique())
    if len(vorhanden) < 2 or a.traeger_id not in vorhanden:
        return None
    panel = Panel(werte, a.wartezeit, vorhanden)
    tabelle = auswerten_panel(panel, vereinbarung, a.jahr, a.bis_monat)
    tabelle = tabelle[tabelle["bereich"] == "ziel"]
    namen = db.traeger_namen()
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
        zeitraum=str(a.als_json()["zeitraum"]),
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
                "Veraenderung": wert,
                "Status": eigen.get("status"),
                "Rang": rang,
                "Anzahl": len(gueltig),
                "Minimum": statistik[0],
                "Quartil_1": statistik[1],
                "Median": statistik[2],
                "Quartil_3": statistik[3],
                "Maximum": statistik[4],
                "Schwelle": ziel.schwelle,
                "Erreicht_in_Gruppe": sum(s in _ERREICHT for s in status.values()),
            }
        )
    return ergebnis


# --- the sheet -------------------------------------------------------------------------------


def _tabelle_vorhanden(wb: Workbook, name: str) -> bool:
    return any(name in ws.tables for ws in wb.worksheets)


def _blatt(wb: Workbook) -> Worksheet:
    """The sheet "Vergleich", created after "Verlauf" when missing."""
    from .arbeitsmappe import _seite_einrichten, _titel

    if BLATT in wb.sheetnames:
        return wb[BLATT]
    position = wb.sheetnames.index("Verlauf") + 1 if "Verlauf" in wb.sheetnames else None
    ws = wb.create_sheet(BLATT, position)
    _seite_einrichten(ws)
    _titel(
        ws,
        "Vergleich mit anderen Trägern",
        "Veränderung gegenüber dem Vorjahr je Ziel in der Vergleichsgruppe (gleiche Monate, "
        "gleiche Wartezeit, Schwellen dieser Zielvereinbarung). Rang 1 = bester Wert im Sinne "
        "des Ziels; Quartile wie QUARTILE.INC (QUARTIL.INKL).",
    )
    return ws


def _heimat(wb: Workbook) -> Worksheet:
    """Where the comparison lives: the sheet of tbl_Vergleich (the user may have renamed it)."""
    for ws in wb.worksheets:
        if TABELLE in ws.tables:
            return ws
    return _blatt(wb)


def _anlegen(wb: Workbook, name: str, spalten: tuple[str, ...], spalte: int) -> None:
    from .arbeitsmappe import Tabelle, tabelle_ergaenzen

    ws = _heimat(wb)
    tabelle_ergaenzen(ws, Tabelle(name, ws.title, _KOPFZEILE, spalten, spalte))


def _hinweis_setzen(wb: Workbook, text: str) -> None:
    from .arbeitsmappe import _zelle_des_namens, setze

    zelle = _zelle_des_namens(wb, HINWEIS_NAME)
    if zelle is None:
        ws = _heimat(wb)
        wb.defined_names[HINWEIS_NAME] = DefinedName(
            HINWEIS_NAME, attr_text=f"{quote_sheetname(ws.title)}!$A$3"
        )
        zelle = ws["A3"]
        zelle.font = Font(bold=True, color="1F3864")
    setze(zelle, text)


def _diagramme_entfernen(wb: Workbook) -> None:
    from .arbeitsmappe import _diagrammtitel

    for ws in wb.worksheets:
        ws._charts = [c for c in ws._charts if not _diagrammtitel(c).startswith(DIAGRAMM_PRAEFIX)]


def vergleich_schreiben(wb: Workbook, vergleich: Vergleich | None) -> None:
    """Write (or refresh) the sheet "Vergleich" of the controlling workbook.

    Without a comparison an existing sheet keeps its place and gets a note, its tables are
    emptied and its charts removed (no stale figures); a workbook without one gets none.
    """
    from .arbeitsmappe import tabelle_schreiben

    if vergleich is None:
        if _tabelle_vorhanden(wb, TABELLE):
            _hinweis_setzen(
                wb,
                "Kein Vergleich: Der Datenbestand enthält für die gewählte Wartezeit Daten von "
                "weniger als zwei Trägern der Vergleichsgruppe.",
            )
            tabelle_schreiben(wb, TABELLE, [])
            if _tabelle_vorhanden(wb, RANGLISTE):
                tabelle_schreiben(wb, RANGLISTE, [])
            _diagramme_entfernen(wb)
        return

    if not _tabelle_vorhanden(wb, TABELLE):
        _anlegen(wb, TABELLE, SPALTEN, 1)
    ws, kopf, _, letzte = _tabelle_schreiben_vergleich(wb, vergleich)
    if not _tabelle_vorhanden(wb, RANGLISTE):
        _anlegen(wb, RANGLISTE, ("Platz",), letzte + 2)
    rangliste = _rangliste_schreiben(wb, vergleich)
    _hinweis_setzen(wb, hinweis(vergleich))
    _diagramme_entfernen(wb)
    unten = _diagramme(ws, kopf + max(len(vergleich.ziele), 1) + 3, vergleich, rangliste)
    ws.print_area = f"A1:{get_column_letter(letzte)}{unten}"


def _tabelle_schreiben_vergleich(
    wb: Workbook, vergleich: Vergleich
) -> tuple[Worksheet, int, int, int]:
    from .arbeitsmappe import FORMATE, _ampel, tabelle_schreiben

    def format_(z: dict[str, Any], s: str) -> str | None:
        if s in ("Veraenderung", "Minimum", "Quartil_1", "Median", "Quartil_3", "Maximum",
                 "Schwelle"):  # fmt: skip
            return FORMATE[z["Einheit"]]
        return "0" if s in ("Rang", "Anzahl", "Erreicht_in_Gruppe") else None

    ws, kopf, erste, letzte = tabelle_schreiben(wb, TABELLE, vergleich.ziele, format_)
    spalten = {ws.cell(kopf, c).value: c for c in range(erste, letzte + 1)}
    if "Status" in spalten:
        n = len(vergleich.ziele)
        _ampel(ws, kopf, kopf + n, spalten["Status"], [spalten["Status"]])
    for r in range(kopf + 1, kopf + len(vergleich.ziele) + 1):
        ws.row_dimensions[r].height = 30  # two lines of the wrapped target label
    return ws, kopf, erste, letzte


def hinweis(vergleich: Vergleich) -> str:
    """The line under the title (defined name Vergleich_Hinweis)."""
    return (
        f"{vergleich.traeger_name} ({vergleich.traeger_id}) in einer Gruppe von "
        f"{vergleich.anzahl} Trägern ({vergleich.gruppe}), {vergleich.zeitraum}, Wartezeit "
        f"{vergleich.wartezeit}."
    )


def rangliste(vergleich: Vergleich) -> tuple[list[str], list[dict[str, Any]]]:
    """Header and rows of tbl_Vergleich_Rangliste: Platz, then per target Träger and change.
    (tbl_Vergleich's rows are ``vergleich.ziele``; both also serve the ribbon's writer.)"""
    ids = list(vergleich.ranglisten)
    spalten = ["Platz"] + [s for i in ids for s in (f"{i}_Traeger", i)]
    n = max((len(r) for r in vergleich.ranglisten.values()), default=0)
    zeilen: list[dict[str, Any]] = []
    for platz in range(n):
        zeile: dict[str, Any] = {"Platz": platz + 1}
        for i in ids:
            eintrag = vergleich.ranglisten[i]
            _, name, wert = eintrag[platz] if platz < len(eintrag) else ("", None, None)
            zeile[f"{i}_Traeger"] = name
            zeile[i] = wert
        zeilen.append(zeile)
    return spalten, zeilen


def _rangliste_schreiben(
    wb: Workbook, vergleich: Vergleich
) -> tuple[Worksheet, int, int, dict[str, int]]:
    """The ranking of every target side by side, the Träger highlighted."""
    from .arbeitsmappe import FORMATE, tabelle_schreiben

    ids = list(vergleich.ranglisten)
    spalten, zeilen = rangliste(vergleich)
    n = len(zeilen)
    einheiten = {i: e for i, (_, e) in vergleich.bezeichnungen.items()}

    def format_(_z: dict[str, Any], s: str) -> str | None:
        return FORMATE[einheiten[s]] if s in einheiten else ("0" if s == "Platz" else None)

    ws, kopf, erste, letzte = tabelle_schreiben(wb, RANGLISTE, zeilen, format_, spalten=spalten)
    kopfzeile = {ws.cell(kopf, c).value: c for c in range(erste, letzte + 1)}
    # the previous refresh's highlight was copied to every row: set every row explicitly
    for i in ids:
        eigen = next(
            (p for p, (t, _, _) in enumerate(vergleich.ranglisten[i]) if t == vergleich.traeger_id),
            None,
        )
        for platz in range(n):
            for c in (kopfzeile[f"{i}_Traeger"], kopfzeile[i]):
                zelle = ws.cell(kopf + 1 + platz, c)
                if platz == eigen:
                    zelle.fill = PatternFill("solid", fgColor="FFE699")
                    zelle.font = Font(bold=True)
                else:
                    zelle.fill = PatternFill(fill_type=None)
                    zelle.font = Font()
    return ws, kopf, erste, kopfzeile


def _diagramme(
    ws: Worksheet,
    unten: int,
    vergleich: Vergleich,
    rangliste: tuple[Worksheet, int, int, dict[str, int]],
) -> int:
    """One horizontal bar chart per target: the group ranked, the Träger highlighted; two
    charts side by side, a page break before every second row of charts. Returns the last
    row the charts cover."""
    blatt, kopf, _, spalten = rangliste
    hoehe_cm = 3.5 + 0.45 * max(len(r) for r in vergleich.ranglisten.values())
    zeilen = math.ceil(hoehe_cm / 0.53) + 1
    ws.row_breaks = RowBreak()
    for reihe_nr in range(1, (len(vergleich.ranglisten) + 1) // 2, 2):
        ws.row_breaks.append(Break(id=unten + zeilen * reihe_nr - 1))
    for nr, (ziel_id, eintraege) in enumerate(vergleich.ranglisten.items()):
        gueltig = [e for e in eintraege if e[2] is not None]
        if not gueltig:
            continue
        bezeichnung, einheit = vergleich.bezeichnungen[ziel_id]
        diagramm = BarChart()
        diagramm.type = "bar"
        diagramm.style = 10
        diagramm.title = f"{DIAGRAMM_PRAEFIX}{bezeichnung}"
        diagramm.title.tx.rich.p[0].pPr = ParagraphProperties(
            defRPr=CharacterProperties(sz=1100, b=True)
        )
        diagramm.y_axis.title = f"Veränderung ({einheit})"
        diagramm.y_axis.majorGridlines = ChartLines()
        diagramm.y_axis.delete = False
        diagramm.x_axis.delete = False
        diagramm.x_axis.scaling.orientation = "maxMin"  # Platz 1 at the top
        diagramm.y_axis.crosses = "max"  # and the value axis at the bottom
        diagramm.x_axis.tickLblPos = "low"
        diagramm.legend = None
        diagramm.gapWidth = 40
        spalte = spalten[ziel_id]
        diagramm.add_data(
            Reference(blatt, min_col=spalte, min_row=kopf + 1, max_row=kopf + len(gueltig))
        )
        diagramm.set_categories(
            Reference(
                blatt,
                min_col=spalten[f"{ziel_id}_Traeger"],
                min_row=kopf + 1,
                max_row=kopf + len(gueltig),
            )
        )
        reihe = diagramm.series[0]
        reihe.graphicalProperties.solidFill = _ANDERE
        reihe.graphicalProperties.line.noFill = True
        for platz, (traeger_id, _, _) in enumerate(gueltig):
            if traeger_id == vergleich.traeger_id:
                punkt = DataPoint(idx=platz)
                punkt.graphicalProperties.solidFill = _HERVORGEHOBEN
                punkt.graphicalProperties.line.noFill = True
                reihe.dPt.append(punkt)
        diagramm.height, diagramm.width = hoehe_cm, 15
        anker = f"{get_column_letter(1 if nr % 2 == 0 else 4)}{unten + zeilen * (nr // 2)}"
        ws.add_chart(diagramm, anker)
    return unten + zeilen * ((len(vergleich.ranglisten) + 1) // 2)
