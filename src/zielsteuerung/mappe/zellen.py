"""Cells, named cells and tables of a workbook, found by name wherever the user moved them.

Text always stays text (never a formula); a table grows only where nothing of the user's
stands, and columns the user added to our tables are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from copy import copy
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from ..fehler import EingabeFehler
from .druck import kopf_ausrichten, platz_schaffen, ueber_breite, zeilen_anpassen
from .eingaben import prozent_fehler
from .formate import FORMATE, FORMELZEICHEN, Formel
from .stil import BLAU, KOPF, TITEL, UNTERTITEL, spaltenbreite
from .vertrag import EINGABE_MIT_KENNUNG, EINHEIT, KENNUNGEN, TABELLEN, UMBENANNT, Tabelle

_MITTIG = {
    "Status", "Status Zielpfad", "Status Prognose", "Stand", "Ampel", "Knapp", "Beispieldaten",
    "Wartezeit", "Rang", "Platz", "Status live",
}  # fmt: skip
#: Columns of formulas that give numbers (the file holds no value to tell it by).
_RECHTS = {"Veränderung live"}


_UMBRUCH = {
    "Ziel", "Größe", "Grund", "Erläuterung", "Hinweis", "Eingabe", "Status", "Status Zielpfad",
    "Status Prognose",
}  # fmt: skip


def setze(zelle: Cell, wert: Any, format_: str | None = None) -> None:
    """Write a value; text always stays text, even when it starts with =, +, - or @."""
    zelle.value = str(wert) if isinstance(wert, Formel) else wert
    if isinstance(wert, str) and not isinstance(wert, Formel):
        zelle.data_type = "s"
        if wert.startswith(FORMELZEICHEN):
            zelle.quotePrefix = True
    if format_:
        zelle.number_format = format_


def anmerkung(ws: Worksheet, zeile: int, text: str, bis_spalte: int) -> None:
    """A note in the small grey type of subtitles, in column A of ``zeile``, wrapped over the
    columns up to ``bis_spalte``."""
    setze(ws.cell(zeile, 1), text)
    ws.cell(zeile, 1).font = UNTERTITEL
    ueber_breite(ws, zeile, bis_spalte)


def zelle_des_namens(wb: Workbook, name: str) -> Cell | None:
    definiert = wb.defined_names.get(name)
    if definiert is None:
        return None
    for blatt, bereich in definiert.destinations:
        if blatt in wb.sheetnames:
            return wb[blatt][bereich.replace("$", "").split(":")[0]]
    return None


def name_lesen(wb: Workbook, name: str) -> Any:
    zelle = zelle_des_namens(wb, name)
    wert = zelle.value if zelle is not None else None
    return wert.strip() if isinstance(wert, str) else wert


def name_setzen(wb: Workbook, name: str, wert: Any, format_: str | None = None) -> None:
    zelle = zelle_des_namens(wb, name)
    if zelle is None:
        raise EingabeFehler(
            f"Der Name „{name}“ fehlt in der Arbeitsmappe (Formeln > Namens-Manager). Er gehört "
            "zur Vorlage; bitte aus einer neuen Mappe übernehmen."
        )
    setze(zelle, wert, format_)


def tabelle_finden(wb: Workbook, name: str) -> tuple[Worksheet, Table]:
    for ws in wb.worksheets:
        if name in ws.tables:
            return ws, ws.tables[name]
    raise EingabeFehler(f"Die Tabelle „{name}“ fehlt in der Arbeitsmappe.")


def tabelle_schreiben(
    wb: Workbook,
    name: str,
    zeilen: list[dict[str, Any]],
    format_: Callable[[dict[str, Any], str], str | None] = lambda _z, _s: None,
    spalten: list[str] | None = None,
) -> tuple[Worksheet, int, int, int]:
    """Replace the body of a table by ``zeilen`` (dicts by column name); resize the table.

    Columns are found by their header, wherever the user moved them; columns the user added
    to our table are left alone. With ``spalten`` the header itself is rewritten (tables whose
    columns follow the agreement). Returns (sheet, header row, first column, last column).
    """
    ws, tabelle = tabelle_finden(wb, name)
    erste_spalte, kopfzeile, letzte_spalte, letzte_zeile = range_boundaries(tabelle.ref)
    if spalten is not None:
        alt = [ws.cell(kopfzeile, c).value for c in range(erste_spalte, letzte_spalte + 1)]
        if alt != spalten:
            unten = max(letzte_zeile, kopfzeile + len(zeilen))
            for c in range(letzte_spalte + 1, erste_spalte + len(spalten)):  # growing right
                for r in range(kopfzeile, unten + 1):
                    if (z := ws._cells.get((r, c))) is not None and z.value not in (None, ""):
                        raise EingabeFehler(
                            f"Rechts neben der Tabelle „{name}“ auf dem Blatt „{ws.title}“ "
                            f"stehen eigene Inhalte (Zelle {z.coordinate}); die Tabelle braucht "
                            f"{len(spalten)} Spalten. Bitte diese Inhalte an eine andere Stelle "
                            "verschieben."
                        )
            stil = copy(ws.cell(kopfzeile, erste_spalte)._style)
            for c in range(erste_spalte, max(letzte_spalte, erste_spalte + len(spalten) - 1) + 1):
                for r in range(kopfzeile, letzte_zeile + 1):
                    ws.cell(r, c).value = None
            for i, titel in enumerate(spalten):
                zelle = ws.cell(kopfzeile, erste_spalte + i)
                setze(zelle, titel)
                zelle._style = copy(stil)
                ws.column_dimensions[get_column_letter(erste_spalte + i)].width = spaltenbreite(
                    titel
                )
            letzte_spalte = erste_spalte + len(spalten) - 1
            tabelle.tableColumns = []  # rebuilt from the header when saved
    kopf = {ws.cell(kopfzeile, c).value: c for c in range(erste_spalte, letzte_spalte + 1)}
    neue_letzte = kopfzeile + max(1, len(zeilen))
    for r in range(letzte_zeile + 1, neue_letzte + 1):  # growing must not overwrite anything
        for c in range(erste_spalte, letzte_spalte + 1):
            if ws.cell(r, c).value not in (None, ""):
                raise EingabeFehler(
                    f"Unter der Tabelle „{name}“ auf dem Blatt „{ws.title}“ stehen eigene Inhalte "
                    f"(Zelle {get_column_letter(c)}{r}); die Tabelle braucht {len(zeilen)} Zeilen. "
                    "Bitte diese Inhalte an eine andere Stelle verschieben."
                )
    stile = {c: copy(ws.cell(kopfzeile + 1, c)._style) for c in kopf.values()}
    for r in range(neue_letzte + 1, letzte_zeile + 1):
        for spalte, c in kopf.items():
            if name not in TABELLEN or spalte in TABELLEN[name].namen or spalten:
                ws.cell(r, c).value = None
                ws.cell(r, c).style = "Normal"
    # a column's style with a format (None: a cell that has none, as new cells)
    mit_format: dict[tuple[int, str | None], StyleArray | None] = {}
    for i in range(max(1, len(zeilen))):
        zeile = zeilen[i] if i < len(zeilen) else {}
        for spalte, c in kopf.items():
            if zeilen and spalte not in zeile:
                continue  # a column the user added: not ours
            zelle = ws.cell(kopfzeile + 1 + i, c)
            schluessel = (c, format_(zeile, spalte) if zeile else None)
            if schluessel not in mit_format:
                zelle._style = copy(stile[c])
                setze(zelle, None, schluessel[1])
                mit_format[schluessel] = copy(zelle._style)
            zelle._style = copy(mit_format[schluessel])
            setze(zelle, zeile.get(spalte))
    tabelle.ref = (
        f"{get_column_letter(erste_spalte)}{kopfzeile}:{get_column_letter(letzte_spalte)}"
        f"{neue_letzte}"
    )
    if tabelle.autoFilter is not None:
        tabelle.autoFilter.ref = tabelle.ref
    return ws, kopfzeile, erste_spalte, letzte_spalte


def tabelle_lesen(wb: Workbook, name: str) -> list[dict[str, Any]]:
    """A table's rows by column name, empty rows left out."""
    return _als_dicts(_zellwerte(wb, name)[1])


def eingabe_lesen(wb: Workbook, name: str) -> list[dict[str, Any]]:
    """``tabelle_lesen`` of a table the user fills in: a number in a cell formatted as percent
    is refused (``prozent_fehler``)."""
    ws, zeilen, (oben, links) = _zellwerte(wb, name)
    if fehler := prozent_fehler(ws.title, zeilen, oben, links, _format_von(ws)):
        raise EingabeFehler(fehler)
    return _als_dicts(zeilen)


def _zellwerte(wb: Workbook, name: str) -> tuple[Worksheet, list[list[Any]], tuple[int, int]]:
    """A table's sheet, its values row by row (header first) and its top left cell."""
    ws, tabelle = tabelle_finden(wb, name)
    links, oben, rechts, unten = range_boundaries(tabelle.ref)
    zeilen = [
        [ws.cell(r, c).value for c in range(links, rechts + 1)] for r in range(oben, unten + 1)
    ]
    return ws, zeilen, (oben, links)


def _format_von(ws: Worksheet) -> Callable[[int, int], str]:
    return lambda r, c: str(ws.cell(r, c).number_format)


def _als_dicts(zeilen: list[list[Any]]) -> list[dict[str, Any]]:
    kopf, *rumpf = zeilen
    return [
        dict(zip(kopf, werte, strict=True))
        for werte in rumpf
        if any(w not in (None, "") for w in werte)
    ]


def tabelle_anlegen(ws: Worksheet, t: Tabelle) -> None:
    spalte = t.spalte
    for i, name in enumerate(t.namen):
        zelle = ws.cell(t.kopfzeile, spalte + i)
        setze(zelle, name)
        zelle.font = KOPF
        zelle.fill = PatternFill("solid", fgColor=BLAU)  # explicit: not every program draws
        zelle.alignment = Alignment(wrap_text=True, vertical="center")  # table styles
        ws.cell(t.kopfzeile + 1, spalte + i).alignment = Alignment(
            wrap_text=name in _UMBRUCH,
            vertical="center",
            horizontal="center" if name in _MITTIG else ("right" if name in _RECHTS else None),
        )
        ws.column_dimensions[get_column_letter(spalte + i)].width = spaltenbreite(name)
    ws.row_dimensions[t.kopfzeile].height = 30
    if t.name != EINGABE_MIT_KENNUNG:
        kennungen_verbergen(ws, t.kopfzeile, spalte, spalte + len(t.namen) - 1)
    ende = get_column_letter(spalte + len(t.namen) - 1)
    tabelle = Table(
        displayName=t.name, ref=f"{get_column_letter(spalte)}{t.kopfzeile}:{ende}{t.kopfzeile + 1}"
    )
    tabelle.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(tabelle)
    if ws.freeze_panes is None:  # the sheet's first table: the rows below it scroll
        ws.freeze_panes = ws.cell(t.kopfzeile + 1, 1)


def tabelle_ergaenzen(ws: Worksheet, t: Tabelle) -> None:
    """Add a missing table of the contract at its place on ``ws``, if that place is free."""
    belegt = [
        ws.cell(r, c).coordinate
        for r in (t.kopfzeile, t.kopfzeile + 1)
        for c in range(t.spalte, t.spalte + len(t.namen))
        if ws.cell(r, c).value not in (None, "")
    ]
    if belegt:
        raise EingabeFehler(
            f"Die Tabelle „{t.name}“ fehlt, und auf dem Blatt „{ws.title}“ ist ihr Platz belegt "
            f"(Zelle {belegt[0]}). Bitte das Blatt „{ws.title}“ umbenennen; es wird bei der "
            "nächsten Aktualisierung neu angelegt. Die Datei wurde nicht verändert."
        )
    tabelle_anlegen(ws, t)


def kennungen_verbergen(ws: Worksheet, kopfzeile: int, erste: int, letzte: int) -> None:
    """Machine keys and unit codes of a table are kept but not shown: a unit column is hidden
    (the number formats show the unit), a key column narrow and its cells blank on screen
    and paper (format ;;;). A column another table on the sheet shares is only blanked."""
    eigene = next(
        (t for t in ws.tables.values() if range_boundaries(t.ref)[:2] == (erste, kopfzeile)), None
    )
    andere = [range_boundaries(t.ref) for t in ws.tables.values() if t is not eigene]
    unten = range_boundaries(eigene.ref)[3] if eigene is not None else kopfzeile + 1
    for c in range(erste, letzte + 1):
        name = ws.cell(kopfzeile, c).value
        if name not in KENNUNGEN and name != EINHEIT:
            continue
        geteilt = any(a[0] <= c <= a[2] for a in andere)
        if name == EINHEIT and not geteilt:
            ws.column_dimensions[get_column_letter(c)].hidden = True
            continue
        ws.cell(kopfzeile, c).number_format = FORMATE["kennung"]
        if not geteilt:
            ws.column_dimensions[get_column_letter(c)].width = spaltenbreite(str(name))
        for r in range(kopfzeile + 1, unten + 1):
            ws.cell(r, c).number_format = FORMATE["kennung"]


def spalten_umbenennen(wb: Workbook) -> None:
    """Give the tables of an older template the column names of this one (``UMBENANNT``), and
    follow the renaming in the workbook's formulas (structured references)."""
    for name, namen in UMBENANNT.items():
        try:
            ws, tabelle = tabelle_finden(wb, name)
        except EingabeFehler:
            continue
        erste, kopf, letzte, _ = range_boundaries(tabelle.ref)
        vorhanden = {ws.cell(kopf, c).value for c in range(erste, letzte + 1)}
        geaendert = False
        for c in range(erste, letzte + 1):
            alt = ws.cell(kopf, c).value
            if alt in namen and namen[alt] not in vorhanden:
                setze(ws.cell(kopf, c), namen[alt])
                geaendert = True
        if not geaendert:
            continue
        tabelle.tableColumns = []  # rebuilt from the header when saved
        for blatt in wb.worksheets:
            for zelle in list(blatt._cells.values()):
                if zelle.data_type == "f" and name in str(zelle.value):
                    zelle.value = bezuege_umbenennen(str(zelle.value), name, namen)


def bezuege_umbenennen(formel: str, tabelle: str, namen: dict[str, str]) -> str:
    """Structured references to ``tabelle`` with the new column names: tbl[Alt], tbl[@Alt],
    tbl[[#This Row],[Alt]]; references to other tables stay as they are."""

    def umbenennen(treffer: re.Match[str]) -> str:
        bezug = treffer.group(0)
        for alt, neu in namen.items():
            bezug = bezug.replace(f"[@{alt}]", f"[@[{neu}]]").replace(f"[{alt}]", f"[{neu}]")
        return bezug

    return re.sub(rf"\b{re.escape(tabelle)}\[(?:[^\[\]]|\[[^\]]*\])*\]", umbenennen, formel)


def titel_setzen(ws: Worksheet, text: str, erklaerung: str = "") -> None:
    setze(ws["A1"], text)
    ws["A1"].font = TITEL
    ws.row_dimensions[1].height = 24  # the 16 pt title
    if erklaerung:
        setze(ws["A2"], erklaerung)
        ws["A2"].font = UNTERTITEL


#: A table's place after writing: sheet, header row, first column, last column.
Ort = tuple[Worksheet, int, int, int]


def tabelle_gestalten(ort: Ort, anzahl: int, kennungen: bool = True) -> int:
    """Keys hidden, numbers with room, header and rows as high as their text; returns the
    table's last row."""
    ws, kopf, erste, letzte = ort
    unten = kopf + max(anzahl, 1)
    if kennungen:
        kennungen_verbergen(ws, kopf, erste, letzte)
    kopf_ausrichten(ws, kopf, erste, letzte, unten)
    platz_schaffen(ws, kopf, erste, letzte, unten)
    umbruch = any(ws.cell(kopf + 1, c).alignment.wrap_text for c in range(erste, letzte + 1))
    zeilen_anpassen(ws, range(kopf, unten + 1) if umbruch else [kopf])
    return unten
