"""Line charts of the controlling workbook: Verlauf, Gender, Zielpfad and Mittelausschöpfung.

Our charts are recognised by their title prefix and replaced on every refresh; charts the
user added stay.
"""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.chart.axis import ChartLines
from openpyxl.chart.series import SeriesLabel
from openpyxl.drawing.text import CharacterProperties, ParagraphProperties
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..bericht.bericht import Bericht
from .stil import druckbereich, spaltenbreite

DIAGRAMM_PRAEFIX = ("Verlauf – ", "Gender – ", "Zielpfad – ", "Mittelausschöpfung – ")


_FARBEN = {
    "Frauen": "7030A0", "Männer": "2E75B6", "Veränderung": "1F3864", "Schwelle": "C00000",
    "Ist": "1F3864", "Zielpfad": "C00000", "Vorjahr": "7F7F7F", "Linear": "ED7D31",
}  # fmt: skip


def verlauf_und_gender(
    wb: Workbook,
    bericht: Bericht,
    verlauf: tuple[Worksheet, int, int, int],
    gender: tuple[Worksheet, int, int, int],
) -> None:
    """Line charts below the tables: every target's change against its threshold (two per row)
    and the quota of women and men. Ours are replaced on every refresh; others stay."""
    for ws in (verlauf[0], gender[0]):
        ws._charts = [c for c in ws._charts if not diagrammtitel(c).startswith(DIAGRAMM_PRAEFIX)]
    ws, kopf, erste, _ = verlauf
    n = len(bericht.verlauf)
    unten = kopf + max(n, 1) + 3
    kategorien = Reference(ws, min_col=erste, min_row=kopf + 1, max_row=kopf + n)
    for i, ziel in enumerate(bericht.vereinbarung.ziele):
        spalte = erste + 1 + 2 * i
        diagramm = liniendiagramm(f"Verlauf – {ziel.bezeichnung}", f"Veränderung ({ziel.einheit})")
        diagramm.add_data(
            Reference(ws, min_col=spalte, max_col=spalte + 1, min_row=kopf + 1, max_row=kopf + n)
        )
        reihen(diagramm, [("Veränderung", False), ("Schwelle", True)])
        diagramm.set_categories(kategorien)
        ws.add_chart(diagramm, f"{get_column_letter(1 + 8 * (i % 2))}{unten + 17 * (i // 2)}")
    zeilen = 17 * ((len(bericht.vereinbarung.ziele) + 1) // 2)
    druckbereich(ws, kopf, max(verlauf[3], 16), unten + zeilen)

    ws, kopf, erste, letzte = gender
    n = len(bericht.gender)
    diagramm = liniendiagramm("Gender – Integrationsquote (JFW) von Frauen und Männern", "in %")
    for c in (erste + 1, erste + 2, erste + 4, erste + 5):
        diagramm.add_data(Reference(ws, min_col=c, min_row=kopf + 1, max_row=kopf + n))
    j = bericht.auswertung.jahr
    reihen(
        diagramm,
        [
            (f"Frauen {j - 1}", True),
            (f"Männer {j - 1}", True),
            (f"Frauen {j}", False),
            (f"Männer {j}", False),
        ],
    )
    diagramm.set_categories(Reference(ws, min_col=erste, min_row=kopf + 1, max_row=kopf + n))
    diagramm.height, diagramm.width = 9, 17
    ws.add_chart(diagramm, f"{get_column_letter(letzte + 2)}{kopf}")
    druckbereich(ws, kopf, letzte + 11, max(kopf + n, kopf + 18))


def dreierdiagramm(
    titel: str, achse: str, ws: Worksheet, kopf: int, spalte: int, namen: list[str]
) -> LineChart:
    """Three adjacent monthly columns (12 rows below ``kopf``): the first solid, two dashed.
    The caller sets the categories (month names)."""
    diagramm = liniendiagramm(titel, achse)
    diagramm.add_data(
        Reference(ws, min_col=spalte, max_col=spalte + 2, min_row=kopf + 1, max_row=kopf + 12)
    )
    reihen(diagramm, [(namen[0], False), (namen[1], True), (namen[2], True)])
    return diagramm


def steuerungsdiagramme(
    bericht: Bericht,
    pfad: tuple[Worksheet, int, int, int],
    prognose: tuple[Worksheet, int, int, int],
    mittel: tuple[Worksheet, int, int, int],
) -> None:
    """Path charts below tbl_Prognose, and the utilisation chart below tbl_Mittel_Verlauf."""
    for ws in (pfad[0], mittel[0]):
        ws._charts = [c for c in ws._charts if not diagrammtitel(c).startswith(DIAGRAMM_PRAEFIX)]
    ws, kopf, erste, letzte = pfad
    j = bericht.auswertung.jahr
    n = len(bericht.auswertung.ziele)
    unten = prognose[1] + n + 3 if prognose[0] is ws else kopf + 15
    kopfzeile = [ws.cell(kopf, c).value for c in range(erste, letzte + 1)]
    monate_ = Reference(ws, min_col=erste, min_row=kopf + 1, max_row=kopf + 12)
    for i, ziel in enumerate(bericht.vereinbarung.ziele):
        diagramm = dreierdiagramm(
            f"Zielpfad – {ziel.bezeichnung}", "Januar bis Monat", ws, kopf,
            erste + kopfzeile.index(ziel.id), [f"Ist {j}", "Zielpfad", f"Vorjahr {j - 1}"],
        )  # fmt: skip
        diagramm.set_categories(monate_)
        ws.add_chart(diagramm, f"{get_column_letter(1 + 8 * (i % 2))}{unten + 17 * (i // 2)}")
    breiten: dict[int, float] = {}  # the two tables may share columns: wide enough for both
    for blatt, t_kopf, t_erste, t_letzte in (pfad, prognose):
        for c in range(t_erste, t_letzte + 1) if blatt is ws else ():
            name = str(ws.cell(t_kopf, c).value)
            breiten[c] = max(breiten.get(c, 0), 30 if name == "Ziel" else spaltenbreite(name))
    for c, breite in breiten.items():
        ws.column_dimensions[get_column_letter(c)].width = breite
    for r in range(prognose[1] + 1, prognose[1] + n + 1):
        prognose[0].row_dimensions[r].height = 30  # two lines of the wrapped target label
    zeilen = 17 * ((len(bericht.vereinbarung.ziele) + 1) // 2)
    ws.print_area = f"A1:{get_column_letter(max(letzte, 16))}{unten + zeilen}"
    ws, kopf, erste, letzte = mittel
    if bericht.mittel is not None and bericht.mittel.verlauf:
        diagramm = dreierdiagramm(
            "Mittelausschöpfung – alle Posten", "in % der Mittel", ws, kopf, erste + 1,
            [f"Ist {j}", "Linear", f"Vorjahr {j - 1}"],
        )  # fmt: skip
        diagramm.set_categories(Reference(ws, min_col=erste, min_row=kopf + 1, max_row=kopf + 12))
        diagramm.width = 14
        ws.add_chart(diagramm, f"{get_column_letter(erste)}{kopf + 15}")
    druckbereich(ws, 1, letzte + 4, kopf + 32)


def reihen(diagramm: LineChart, namen: list[tuple[str, bool]]) -> None:
    """Name the series, colour them by meaning, dash the prior year and thresholds."""
    for reihe, (name, gestrichelt) in zip(diagramm.series, namen, strict=True):
        reihe.tx = SeriesLabel(v=name)
        reihe.smooth = False
        reihe.marker.symbol = "none"
        linie = reihe.graphicalProperties.line
        linie.solidFill = _FARBEN[name.split()[0]]
        linie.width = 22000
        if gestrichelt:
            linie.dashStyle = "dash"


def liniendiagramm(titel: str, achse: str) -> LineChart:
    diagramm = LineChart()
    diagramm.title = titel
    text = CharacterProperties(sz=1100, b=True)
    diagramm.title.tx.rich.p[0].pPr = ParagraphProperties(defRPr=text)
    diagramm.y_axis.title = achse
    diagramm.y_axis.majorGridlines = ChartLines()
    diagramm.x_axis.tickLblPos = "low"
    diagramm.x_axis.delete = False
    diagramm.y_axis.delete = False
    diagramm.height, diagramm.width = 8, 15
    diagramm.legend.position = "b"
    return diagramm


def diagrammtitel(diagramm: Any) -> str:
    try:
        return "".join(r.t for p in diagramm.title.tx.rich.p for r in (p.r or []))
    except AttributeError:
        return ""
