"""The sheet "Vergleich" of the controlling workbook: one row per target (``tbl_Vergleich``),
the ranking of the group per target (``tbl_Vergleich_Rangliste``) and one bar chart per target
with the Träger highlighted. Like everything else it is found by table and defined names only,
so it survives refreshes and the user's restyling.
"""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.marker import DataPoint
from openpyxl.styles import PatternFill
from openpyxl.utils import quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from ..bericht.vergleich import Vergleich, hinweis, rangliste, ranglisten_spalten
from .diagramme import (
    BREITE_CM,
    GESTRICHELT,
    ZWEI_DIAGRAMME_CM,
    achsentitel,
    anordnen,
    beschriften,
    entfernen,
    reihen,
    text_eigenschaften,
)
from .druck import einrichten, rechts_von, ueber_breite
from .formate import FORMATE
from .stil import ABSCHNITT, FETT, NORMAL, ampel, seite_einrichten
from .vertrag import Tabelle
from .zellen import (
    setze,
    tabelle_ergaenzen,
    tabelle_gestalten,
    tabelle_schreiben,
    titel_setzen,
    zelle_des_namens,
)

BLATT = "Vergleich"


TABELLE = "tbl_Vergleich"


RANGLISTE = "tbl_Vergleich_Rangliste"


HINWEIS_NAME = "Vergleich_Hinweis"


SPALTEN = (
    "Ziel_ID", "Ziel", "Einheit", "Veränderung", "Status", "Rang", "Träger mit Wert", "Minimum",
    "1. Quartil", "Median", "3. Quartil", "Maximum", "Schwelle", "Erreicht oder auf Kurs",
)  # fmt: skip


DIAGRAMM_PRAEFIX = "Vergleich – "


_KOPFZEILE = 5


#: The Träger's own bar by its status; the others light blue.
_EIGENE_FARBE = {
    "erreicht": "2E8B3D", "auf Kurs": "2E8B3D", "nicht erreicht": "C00000", "gefährdet": "C00000",
}  # fmt: skip


_ANDERE = "9DC3E6"


UNTERTITEL_TEXT = (
    "Veränderung gegenüber dem Vorjahr je Ziel in der Vergleichsgruppe (gleiche Monate, gleiche "
    "Wartezeit, Schwellen dieser Zielvereinbarung). Rang 1 = bester Wert im Sinne des Ziels; "
    "Quartile wie QUARTILE.INC (QUARTIL.INKL). In den Diagrammen ist der eigene Balken grün "
    "(erreicht, auf Kurs) oder rot (nicht erreicht, gefährdet); die rote gestrichelte Linie "
    "ist die Schwelle."
)


def _tabelle_vorhanden(wb: Workbook, name: str) -> bool:
    return any(name in ws.tables for ws in wb.worksheets)


def _blatt(wb: Workbook) -> Worksheet:
    """The sheet "Vergleich", created after "Verlauf" when missing."""

    if BLATT in wb.sheetnames:
        return wb[BLATT]
    position = wb.sheetnames.index("Verlauf") + 1 if "Verlauf" in wb.sheetnames else None
    ws = wb.create_sheet(BLATT, position)
    seite_einrichten(ws)
    titel_setzen(
        ws,
        "Vergleich mit anderen Trägern",
        UNTERTITEL_TEXT,
    )
    return ws


def _heimat(wb: Workbook) -> Worksheet:
    """Where the comparison lives: the sheet of tbl_Vergleich (the user may have renamed it)."""
    for ws in wb.worksheets:
        if TABELLE in ws.tables:
            return ws
    return _blatt(wb)


def _anlegen(wb: Workbook, name: str, spalten: tuple[str, ...], spalte: int) -> None:

    ws = _heimat(wb)
    tabelle_ergaenzen(ws, Tabelle(name, ws.title, _KOPFZEILE, spalten, spalte))


def _hinweis_setzen(wb: Workbook, text: str) -> None:

    zelle = zelle_des_namens(wb, HINWEIS_NAME)
    if zelle is None:
        ws = _heimat(wb)
        wb.defined_names[HINWEIS_NAME] = DefinedName(
            HINWEIS_NAME, attr_text=f"{quote_sheetname(ws.title)}!$A$3"
        )
        zelle = ws["A3"]
        zelle.font = ABSCHNITT
    setze(zelle, text)


def _diagramme_entfernen(wb: Workbook) -> None:
    for ws in wb.worksheets:
        entfernen(ws, DIAGRAMM_PRAEFIX)


def vergleich_schreiben(wb: Workbook, vergleich: Vergleich | None) -> None:
    """Write (or refresh) the sheet "Vergleich" of the controlling workbook.

    Without a comparison an existing sheet keeps its place and gets a note, its tables are
    emptied and its charts removed (no stale figures); a workbook without one gets none.
    """

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
    ws, kopf, erste, letzte = _tabelle_schreiben_vergleich(wb, vergleich)
    if not _tabelle_vorhanden(wb, RANGLISTE):
        _anlegen(wb, RANGLISTE, ("Platz",), letzte + 2)
    rangliste = _rangliste_schreiben(wb, vergleich)
    _hinweis_setzen(wb, hinweis(vergleich))
    _diagramme_entfernen(wb)
    unten = tabelle_gestalten((ws, kopf, erste, letzte), len(vergleich.ziele))
    if ws["A2"].value and str(ws["A2"].value).startswith("Veränderung gegenüber dem Vorjahr je"):
        setze(ws["A2"], UNTERTITEL_TEXT)  # the text of an older version
    for zeile in (2, 3):
        ueber_breite(ws, zeile, letzte)
    bloecke = _diagramme(ws, unten + 2, vergleich, rangliste)
    ende = bloecke[-1][1] if bloecke else unten
    rechts = rechts_von(ws, ZWEI_DIAGRAMME_CM)
    einrichten(ws, max(letzte, rechts), ende, [(1, unten), *bloecke])


def _tabelle_schreiben_vergleich(
    wb: Workbook, vergleich: Vergleich
) -> tuple[Worksheet, int, int, int]:

    def format_(z: dict[str, Any], s: str) -> str | None:
        if s in ("Veränderung", "Minimum", "1. Quartil", "Median", "3. Quartil", "Maximum",
                 "Schwelle"):  # fmt: skip
            return FORMATE[z["Einheit"]]
        return "0" if s in ("Rang", "Träger mit Wert", "Erreicht oder auf Kurs") else None

    ws, kopf, erste, letzte = tabelle_schreiben(wb, TABELLE, vergleich.ziele, format_)
    spalten = {ws.cell(kopf, c).value: c for c in range(erste, letzte + 1)}
    if "Status" in spalten:
        n = len(vergleich.ziele)
        ampel(ws, kopf, kopf + n, spalten["Status"], [spalten["Status"]])
    return ws, kopf, erste, letzte


def _rangliste_schreiben(
    wb: Workbook, vergleich: Vergleich
) -> tuple[Worksheet, int, int, dict[str, int]]:
    """The ranking of every target side by side, the Träger highlighted."""

    namen = ranglisten_spalten(vergleich)
    spalten, zeilen = rangliste(vergleich)
    n = len(zeilen)
    einheiten = {
        s: FORMATE[vergleich.bezeichnungen[i][1]] for i, drei in namen.items() for s in drei[1:]
    }

    def format_(_z: dict[str, Any], s: str) -> str | None:
        return einheiten.get(s, "0" if s == "Platz" else None)

    ws, kopf, erste, letzte = tabelle_schreiben(wb, RANGLISTE, zeilen, format_, spalten=spalten)
    kopfzeile = {ws.cell(kopf, c).value: c for c in range(erste, letzte + 1)}
    # the previous refresh's highlight was copied to every row: set every row explicitly
    for i, (traeger, wert, _) in namen.items():
        eigen = next(
            (p for p, (t, _, _) in enumerate(vergleich.ranglisten[i]) if t == vergleich.traeger_id),
            None,
        )
        for platz in range(n):
            for c in (kopfzeile[traeger], kopfzeile[wert]):
                zelle = ws.cell(kopf + 1 + platz, c)
                if platz == eigen:
                    zelle.fill = PatternFill("solid", fgColor="FFE699")
                    zelle.font = FETT
                else:
                    zelle.fill = PatternFill(fill_type=None)
                    zelle.font = NORMAL
    return ws, kopf, erste, kopfzeile


def _diagramme(
    ws: Worksheet,
    oben: int,
    vergleich: Vergleich,
    rangliste: tuple[Worksheet, int, int, dict[str, int]],
) -> list[tuple[int, int]]:
    """One column chart per target: the group ranked (Platz 1 left), the Träger's own bar in
    the colour of its status, the threshold as a dashed red line; two charts side by side.
    Returns the rows every row of charts covers."""
    blatt, kopf, _, spalten = rangliste
    status = {z["Ziel_ID"]: z["Status"] for z in vergleich.ziele}
    diagramme = []
    for ziel_id, (traeger, wert, schwelle) in ranglisten_spalten(vergleich).items():
        gueltig = [e for e in vergleich.ranglisten[ziel_id] if e[2] is not None]
        if not gueltig:
            continue
        bezeichnung, einheit = vergleich.bezeichnungen[ziel_id]
        format_ = FORMATE[einheit]
        diagramm = BarChart()
        diagramm.type = "col"
        titel = f"{DIAGRAMM_PRAEFIX}{bezeichnung}"
        beschriften(diagramm, titel, f"Veränderung, {achsentitel(format_)}", format_)
        diagramm.x_axis.txPr = text_eigenschaften(9, senkrecht=True)
        diagramm.y_axis.txPr = text_eigenschaften(10)
        diagramm.legend = None
        diagramm.gapWidth = 40
        zeilen = {"min_row": kopf + 1, "max_row": kopf + len(gueltig)}
        diagramm.add_data(Reference(blatt, min_col=spalten[wert], **zeilen))
        diagramm.set_categories(Reference(blatt, min_col=spalten[traeger], **zeilen))
        reihe = diagramm.series[0]
        reihe.graphicalProperties.solidFill = _ANDERE
        reihe.graphicalProperties.line.noFill = True
        for platz, (traeger_id, _, _) in enumerate(gueltig):
            if traeger_id == vergleich.traeger_id:
                punkt = DataPoint(idx=platz)
                punkt.graphicalProperties.solidFill = _EIGENE_FARBE.get(status[ziel_id], "7F7F7F")
                punkt.graphicalProperties.line.noFill = True
                reihe.dPt.append(punkt)
        linie = LineChart()
        linie.add_data(Reference(blatt, min_col=spalten[schwelle], **zeilen))
        reihen(linie, [("Schwelle", GESTRICHELT)])
        diagramm += linie
        diagramm.height, diagramm.width = 7.4, BREITE_CM
        diagramme.append(diagramm)
    return anordnen(ws, diagramme, oben)
