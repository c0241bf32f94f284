"""Line charts of the controlling workbook: Verlauf, Gender, Zielpfad and Mittelausschöpfung.

Our charts are recognised by their title prefix and replaced on every refresh; charts the
user added stay. Every chart states its unit on the value axis (with thousands separators),
and a path after the evaluated month is dotted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl.chart import LineChart, Reference
from openpyxl.chart.axis import ChartLines
from openpyxl.chart.legend import LegendEntry
from openpyxl.chart.series import SeriesLabel
from openpyxl.chart.text import RichText
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, OneCellAnchor
from openpyxl.drawing.text import (
    CharacterProperties,
    Font,
    Paragraph,
    ParagraphProperties,
    RichTextProperties,
)
from openpyxl.drawing.xdr import XDRPositiveSize2D
from openpyxl.utils import get_column_letter
from openpyxl.utils.units import cm_to_EMU
from openpyxl.worksheet.worksheet import Worksheet

from ..fehler import EingabeFehler
from .diagrammdaten import HILFSDATEN
from .druck import CM_JE_PT, PT_JE_EINHEIT, STANDARDBREITE, diagramm_zeilen, spalte_bei
from .stil import SCHRIFT
from .zellen import setze

DIAGRAMM_PRAEFIX = ("Verlauf – ", "Gender – ", "Zielpfad – ", "Mittelausschöpfung – ")


_FARBEN = {
    "Frauen": "7030A0", "Männer": "2E75B6", "Veränderung": "1F3864", "Schwelle": "C00000",
    "Ist": "1F3864", "Zielpfad": "C00000", "Vorjahr": "7F7F7F", "Pfad linear": "ED7D31",
    "Pfad Vorjahr": "7F7F7F",
}  # fmt: skip


#: Line styles: a solid line, a dashed comparison line, a dotted remainder of a path.
DURCHGEZOGEN, GESTRICHELT, GEPUNKTET = "solid", "dash", "sysDot"
#: A chart's width, the gap between two side by side (``anordnen``), and both with the gap.
BREITE_CM, ABSTAND_CM = 13.5, 0.6
ZWEI_DIAGRAMME_CM = 2 * BREITE_CM + ABSTAND_CM


def achsentitel(format_: str) -> str:
    """How a value axis names the unit of numbers shown in ``format_`` (words, not signs: the
    title is printed turned, where a lone sign would be hard to read)."""
    if "pp" in format_:
        return "Prozentpunkte"
    if "%" in format_:
        return "Prozent"
    return "Euro" if "€" in format_ else "Anzahl"


def achsenformat(format_: str) -> str:
    """The number format of a value axis: the unit is in the axis title, so only numbers with
    thousands separators (and a sign where the values are changes)."""
    stellen = "#,##0.0" if "0.0" in format_ else "#,##0"
    return f"+{stellen};-{stellen};0" if format_.startswith("+") else stellen


def text_eigenschaften(groesse: float, fett: bool = False, senkrecht: bool = False) -> RichText:
    """Font of a chart's axis or legend; ``senkrecht`` turns the labels by 90 degrees."""
    zeichen = CharacterProperties(sz=int(groesse * 100), b=fett, latin=Font(typeface=SCHRIFT))
    return RichText(
        bodyPr=RichTextProperties(rot=-5400000, vert="horz") if senkrecht else None,
        p=[Paragraph(pPr=ParagraphProperties(defRPr=zeichen), endParaRPr=zeichen)],
    )


def liniendiagramm(titel: str, achse: str, format_: str) -> LineChart:
    """A line chart with our fonts (11 pt title, 10 pt axes and legend), the unit named on the
    value axis and its numbers formatted like the cells."""
    diagramm = LineChart()
    beschriften(diagramm, titel, achse, format_)
    for teil in (diagramm.x_axis, diagramm.y_axis, diagramm.legend):
        teil.txPr = text_eigenschaften(10)
    diagramm.height, diagramm.width = 6.8, BREITE_CM
    diagramm.legend.position = "b"
    return diagramm


def beschriften(diagramm: Any, titel: str, achse: str, format_: str) -> None:
    """Our title (11 pt, bold) and value axis: its unit named (10 pt), its numbers formatted
    like the cells, gridlines; both axes shown, the categories below the plot (also under
    negative values)."""
    diagramm.title = titel
    diagramm.title.tx.rich.p[0].pPr = ParagraphProperties(
        defRPr=CharacterProperties(sz=1100, b=True, latin=Font(typeface=SCHRIFT))
    )
    diagramm.y_axis.title = achse
    diagramm.y_axis.title.tx.rich.p[0].pPr = ParagraphProperties(
        defRPr=CharacterProperties(sz=1000, b=False, latin=Font(typeface=SCHRIFT))
    )
    diagramm.y_axis.number_format = achsenformat(format_)
    diagramm.y_axis.majorGridlines = ChartLines()
    diagramm.x_axis.tickLblPos = "low"
    diagramm.x_axis.delete = False
    diagramm.y_axis.delete = False


def reihen(diagramm: LineChart, namen: Sequence[tuple[str, str]]) -> None:
    """Name the series, colour them by meaning (first word), set the line style; a series
    whose name ends in "(weiter)" continues the one before it and has no legend entry."""
    for nr, (reihe, (name, strich)) in enumerate(zip(diagramm.series, namen, strict=True)):
        reihe.tx = SeriesLabel(v=name)
        reihe.smooth = False
        reihe.marker.symbol = "none"
        linie = reihe.graphicalProperties.line
        farbe = next((f for k, f in _FARBEN.items() if name.startswith(k)), "1F3864")
        linie.solidFill = farbe
        linie.width = 22000
        if strich != DURCHGEZOGEN:
            linie.dashStyle = strich
        if name.endswith("(weiter)"):
            diagramm.legend.legendEntry.append(LegendEntry(idx=nr, delete=True))


def entfernen(ws: Worksheet, praefix: str | tuple[str, ...] = DIAGRAMM_PRAEFIX) -> None:
    """Remove our charts (by title) from a sheet; the user's stay."""
    ws._charts = [c for c in ws._charts if not diagrammtitel(c).startswith(praefix)]


def platzieren(ws: Worksheet, diagramm: Any, zeile: int, links_cm: float = 0.0) -> tuple[int, int]:
    """Anchor a chart at row ``zeile``, ``links_cm`` right of column A's left edge; returns
    the rows it covers (first, last)."""
    einheiten = (links_cm + diagramm.width) / CM_JE_PT / PT_JE_EINHEIT
    for c in range(1, spalte_bei(ws, einheiten)[0] + 1):  # the same widths in every program
        if ws.column_dimensions.get(get_column_letter(c)) is None:
            ws.column_dimensions[get_column_letter(c)].width = STANDARDBREITE
    spalte, rest = spalte_bei(ws, links_cm / CM_JE_PT / PT_JE_EINHEIT)
    diagramm.anchor = OneCellAnchor(
        _from=AnchorMarker(
            col=spalte - 1, colOff=cm_to_EMU(rest * PT_JE_EINHEIT * CM_JE_PT), row=zeile - 1
        ),
        ext=XDRPositiveSize2D(cm_to_EMU(diagramm.width), cm_to_EMU(diagramm.height)),
    )
    ws.add_chart(diagramm)
    return diagramm_zeilen(ws, zeile, diagramm.height)


def anordnen(
    ws: Worksheet, diagramme: list[Any], oben: int, abstand_cm: float = ABSTAND_CM
) -> list[tuple[int, int]]:
    """Charts two by two from row ``oben``, one empty row between the rows of charts; returns
    the rows every row of charts covers with the empty row above it (blocks no page break
    may cut; a chart starting right at a page break would leave its frame on the page before)."""
    bloecke: list[tuple[int, int]] = []
    zeile = oben
    for i in range(0, len(diagramme), 2):
        paar = diagramme[i : i + 2]
        unten = zeile
        links = 0.0
        for d in paar:
            unten = max(unten, platzieren(ws, d, zeile, links)[1])
            links += d.width + abstand_cm
        bloecke.append((zeile - 1, unten))
        zeile = unten + 2
    return bloecke


def hilfsdaten(
    ws: Worksheet, oben: int, spalte: int, kopf: Sequence[str], zeilen: Sequence[Sequence[Any]]
) -> tuple[int, int]:
    """Write a block of chart data at (``oben``, ``spalte``): a marker, the header, the rows.
    Our blocks of the last refresh are cleared before the tables are written
    (``hilfsdaten_leeren``); a cell of the user's in the way is an error, nothing is
    overwritten. Returns (header row, first column)."""
    for r in range(oben, oben + len(zeilen) + 2):
        for c in range(spalte, spalte + len(kopf)):
            if ws.cell(r, c).value not in (None, ""):
                raise EingabeFehler(
                    f"Auf dem Blatt „{ws.title}“ braucht das Programm die Zellen rechts der "
                    f"Tabellen für die Daten der Diagramme, doch dort stehen eigene Inhalte "
                    f"(Zelle {ws.cell(r, c).coordinate}). Bitte verschieben; die Datei wurde "
                    "nicht verändert."
                )
    setze(ws.cell(oben, spalte), HILFSDATEN)
    for c, titel in enumerate(kopf, start=spalte):
        setze(ws.cell(oben + 1, c), titel)
    for r, zeile in enumerate(zeilen, start=oben + 2):
        for c, wert in enumerate(zeile, start=spalte):
            setze(ws.cell(r, c), wert)
    return oben + 1, spalte


def hilfsdaten_leeren(ws: Worksheet) -> None:
    """Clear our blocks of chart data of the last refresh (found by their marker): a table that
    grows by a target's columns may take their place, the block is written anew beside it."""
    for (r, c), zelle in list(ws._cells.items()):
        if zelle.value == HILFSDATEN:
            _block_leeren(ws, r, c)


def _block_leeren(ws: Worksheet, oben: int, spalte: int) -> None:
    ende = spalte
    while ws.cell(oben + 1, ende).value not in (None, ""):
        ende += 1
    for r in range(oben, oben + 15):
        for c in range(spalte, max(ende, spalte + 1)):
            ws.cell(r, c).value = None


def pfaddiagramm(
    titel: str,
    format_: str,
    ws: Worksheet,
    kopf: int,
    spalte: int,
    namen: Sequence[str],
    monate: int,
    achse: str = "",
) -> LineChart:
    """Adjacent monthly columns right of column ``spalte`` (12 rows below ``kopf``), the
    month names in column ``monate``: the first series solid, one named "… (weiter)" dotted
    (it continues the one before), the others dashed."""
    achse = achse or f"{achsentitel(format_)}, Januar bis Monat"
    diagramm = liniendiagramm(titel, achse, format_)
    diagramm.add_data(
        Reference(
            ws, min_col=spalte + 1, max_col=spalte + len(namen), min_row=kopf + 1, max_row=kopf + 12
        )
    )
    striche = [DURCHGEZOGEN] + [
        GEPUNKTET if n.endswith("(weiter)") else GESTRICHELT for n in namen[1:]
    ]
    reihen(diagramm, list(zip(namen, striche, strict=True)))
    diagramm.set_categories(Reference(ws, min_col=monate, min_row=kopf + 1, max_row=kopf + 12))
    return diagramm


def diagrammtitel(diagramm: Any) -> str:
    try:
        return "".join(r.t for p in diagramm.title.tx.rich.p for r in (p.r or []))
    except AttributeError:
        return ""
