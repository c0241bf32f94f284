"""Reading and writing the workbook file faster than openpyxl alone, with the same result:
rows written from strings are the bytes openpyxl writes, and a refresh that does not read the
appendix's rows saves the workbook a refresh reading everything saves."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import range_boundaries

from zielsteuerung.bericht.auswerten import Ausschnitt
from zielsteuerung.bericht.bericht import erstelle_bericht
from zielsteuerung.daten.datenbestand import Datenbestand
from zielsteuerung.daten.vereinbarungen import beispiel
from zielsteuerung.mappe.aktualisieren import bericht_schreiben
from zielsteuerung.mappe.datei import laden, rumpf_weglassen, speichern
from zielsteuerung.mappe.zeilen import Mappenschreiber
from zielsteuerung.mappe.zellen import tabelle_finden, tabelle_lesen, zelle_des_namens

from conftest import teile_vergleichen

KLEVE = "05154"


def _beide_speichern(mappe: Callable[[], Workbook], ordner: Path) -> tuple[Path, Path]:
    """The workbook ``mappe()`` makes, saved by openpyxl and by Mappenschreiber, each into an
    archive as wb.save makes (each a workbook of its own: saving changes a workbook a little,
    e.g. its sheets' outline level is set)."""
    openpyxl_, unser = ordner / "openpyxl.xlsx", ordner / "mappenschreiber.xlsx"
    mappe().save(openpyxl_)
    with zipfile.ZipFile(unser, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archiv:
        Mappenschreiber(mappe(), archiv).save()
    return openpyxl_, unser


def _jede_art_zelle() -> Workbook:
    wb = Workbook()
    ws = wb.active
    werte = [
        "Text", "A & B <c> \"d\" 'e'", "  Leerzeichen vorn", "hinten ", "Zeile 1\nZeile 2",
        "Tab\tgetrennt", "", "=kein Formel", "Größe ÄÖÜ ß €", 0, -17, 3.25, 0.1 + 0.2, 1e20,
        -1.5e-7, 2**53 + 1, True, False, dt.date(2023, 6, 30), dt.datetime(2023, 6, 30, 14, 5),
        dt.time(8, 30), dt.timedelta(days=1, hours=6), dt.date(1900, 2, 1),
        "=SUM(N1:N3)", np.float64(2.5), float("nan"), None,
    ]  # fmt: skip
    for r, wert in enumerate(werte, start=1):
        ws.cell(r, 1, wert)
        ws.cell(r, 2, wert).font = Font(bold=True)
        ws.cell(r, 3).fill = PatternFill("solid", fgColor="FFFF00")  # empty, styled
    ws.cell(2, 1).data_type = "s"
    ws.cell(8, 1).quotePrefix = True
    ws["D1"] = CellRichText(["fett ", TextBlock(InlineFont(b=True), "und normal")])
    ws["D2"] = "Verweis"
    ws["D2"].hyperlink = "https://statistik.arbeitsagentur.de/"
    ws["D3"].comment = Comment("Notiz an leerer Zelle", "Controlling")
    ws["D4"] = 42
    ws["D4"].comment = Comment("Notiz an einer Zahl", "Controlling")
    ws["D5"].alignment = Alignment(wrap_text=True)
    ws.row_dimensions[3].height = 30
    ws.row_dimensions[5].hidden = True
    ws.row_dimensions[40].height = 12  # a row with a height and no cells
    ws.merge_cells("E1:F2")
    ws2 = wb.create_sheet("Zweites")
    ws2["B2"] = "nur eine Zelle"
    return wb


def test_every_kind_of_cell_is_written_as_openpyxl_writes_it(tmp_path):
    openpyxl_, unser = _beide_speichern(_jede_art_zelle, tmp_path)

    teile_vergleichen(openpyxl_, unser)
    gelesen = load_workbook(unser)["Sheet"]
    assert gelesen["A2"].value == "A & B <c> \"d\" 'e'" and gelesen["A19"].value == dt.datetime(
        2023, 6, 30
    )


def test_the_controlling_workbook_is_written_as_openpyxl_writes_it(tmp_path, cli, demo_store):
    mappe = tmp_path / "controlling.xlsx"
    assert cli("arbeitsmappe", "-o", mappe, "--store", demo_store).code == 0
    openpyxl_, unser = _beide_speichern(lambda: load_workbook(mappe), tmp_path)
    teile_vergleichen(openpyxl_, unser)


def test_only_the_tables_own_rows_below_its_first_are_left_out():
    kopf = b'<row r="4"><c r="A4" t="s"><v>0</v></c><c r="B4" t="s"><v>1</v></c></row>'
    erste = b'<row r="5"><c r="A5" s="2"><v>1</v></c><c r="B5"><v>2</v></c></row>'
    weg = b'<row r="6" spans="1:2" ht="20" customHeight="1"><c r="A6"><v>3</v></c></row>'
    daneben = b'<row r="7"><c r="A7"><v>4</v></c><c r="D7" t="s"><v>5</v></c></row>'
    leer = b'<row r="8" hidden="1"/>'
    darunter = b'<row r="12"><c r="A12"><v>6</v></c></row>'
    blatt = b"<sheetData>" + kopf + erste + weg + daneben + leer + darunter + b"</sheetData>"

    assert rumpf_weglassen(blatt, "A4:B9") == blatt.replace(
        weg, b'<row r="6" spans="1:2" ht="20" customHeight="1"></row>'
    )
    geteilt = blatt.replace(b"<v>3</v>", b'<f t="shared" ref="A6:A7" si="0">B6*2</f><v>3</v>')
    assert rumpf_weglassen(geteilt, "A4:B9") == geteilt


def _anhang(wb: Workbook) -> tuple[object, int, int, int, int]:
    ws, tabelle = tabelle_finden(wb, "tbl_Daten")
    return ws, *range_boundaries(tabelle.ref)


def test_a_refresh_that_skips_the_appendix_rows_saves_what_a_full_read_saves(
    tmp_path, cli, demo_store
):
    mappe = tmp_path / "controlling.xlsx"
    assert cli("arbeitsmappe", "-o", mappe, "--store", demo_store, "--bis-monat", "5").code == 0

    schnell, ganz = laden(mappe), load_workbook(mappe, keep_links=True)

    ws, erste, kopf, letzte, unten = _anhang(schnell)
    assert unten - kopf > 100  # rows enough that skipping them matters
    assert [ws.cell(kopf + 1, c).value for c in range(erste, letzte + 1)] == [
        _anhang(ganz)[0].cell(kopf + 1, c).value for c in range(erste, letzte + 1)
    ]  # the first row is read: its formats are those of the new rows
    assert all(ws.cell(kopf + 2, c).value is None for c in range(erste, letzte + 1))
    with Datenbestand(demo_store) as db:
        bericht = erstelle_bericht(db, beispiel(), Ausschnitt(KLEVE, 2023, 6, None))
    for wb, name in ((schnell, "schnell.xlsx"), (ganz, "ganz.xlsx")):
        bericht_schreiben(wb, bericht)
        zelle_des_namens(wb, "Aktualisiert_am").value = dt.datetime(2023, 7, 3, 9, 0)  # not now
        speichern(wb, tmp_path / name)

    teile_vergleichen(tmp_path / "schnell.xlsx", tmp_path / "ganz.xlsx")


@pytest.mark.parametrize("eigene_spalte", [False, True])
def test_what_the_user_added_to_the_appendix_survives_a_refresh(
    tmp_path, cli, demo_store, eigene_spalte
):
    mappe = tmp_path / "controlling.xlsx"
    assert cli("arbeitsmappe", "-o", mappe, "--store", demo_store, "--bis-monat", "5").code == 0
    wb = load_workbook(mappe)
    ws, erste, kopf, letzte, unten = _anhang(wb)
    ws.cell(kopf + 10, letzte + 2, "eigene Notiz neben der Tabelle")
    ws.cell(kopf + 20, erste).comment = Comment("Wert geprüft", "Controlling")
    ws.row_dimensions[kopf + 30].hidden = True
    if eigene_spalte:  # a column of the user's in the table: the sheet is read whole
        ws.cell(kopf, letzte + 1, "Geprüft")
        for r in range(kopf + 1, unten + 1):
            ws.cell(r, letzte + 1, f"ok {r}")
        tabelle = ws.tables["tbl_Daten"]
        tabelle.ref = f"{ws.cell(kopf, erste).coordinate}:{ws.cell(unten, letzte + 1).coordinate}"
        tabelle.tableColumns = []
        tabelle.autoFilter.ref = tabelle.ref
    wb.save(mappe)

    lauf = cli("arbeitsmappe", "-o", mappe, "--bis-monat", "6")
    assert lauf.code == 0, lauf.err

    wb = load_workbook(mappe)
    ws, erste, kopf, letzte_neu, unten_neu = _anhang(wb)
    assert unten_neu > unten  # June's rows were added
    assert ws.cell(kopf + 10, letzte + 2).value == "eigene Notiz neben der Tabelle"
    assert ws.cell(kopf + 20, erste).comment.text.startswith("Wert geprüft")
    assert ws.row_dimensions[kopf + 30].hidden
    zeilen = tabelle_lesen(wb, "tbl_Daten")
    assert all(z["Merkmal"] and z["Monat"] for z in zeilen)
    if eigene_spalte:
        assert letzte_neu == letzte + 1
        assert [z["Geprüft"] for z in zeilen[:3]] == [f"ok {kopf + 1 + i}" for i in range(3)]
