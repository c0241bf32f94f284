"""Importer against downloads as they come: title blocks, footers, notes sheets, measures the
agreement does not need, thousands dots, doubtful columns, corrected mappings.

Each test reproduces one friction met with real public files (BA's "Eckwerte für Jobcenter" as
processed by third parties, BA's "Wohn- und Kostensituation"); the fixtures are small files of
our own in the same layouts. Every run goes through the real command line and a real store.
"""

from __future__ import annotations

import io
import re
import sqlite3
from contextlib import closing
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zielsteuerung.daten.zahlentext import zahlen_lesen
from zielsteuerung.mappe.libreoffice import umwandeln

from conftest import importieren, libreoffice_noetig, neueste, ordner_abbild, schreibe_datei

KLEVE = "05154"
RS_REGENSBURG = "09362"

# --- helpers ---------------------------------------------------------------------------------


def xlsx_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def import_ok(capsys, store: Path, *files: Path, mapping: str | None = None) -> tuple[str, str]:
    rc, out, err = importieren(capsys, store, *files, mapping=mapping)
    assert rc == 0, err
    assert "Fehler" not in err
    return out, err


def refused(capsys, store: Path, datei: Path, mapping: str | None = None) -> str:
    """Exit code 2, a message naming the file, and the store unchanged (or not created)."""
    vorher = ordner_abbild(store.parent)
    rc, out, err = importieren(capsys, store, datei, mapping=mapping)
    assert rc == 2, out + err
    assert f"Fehler: {datei.name}" in err
    assert "Traceback" not in err
    nachher = ordner_abbild(store.parent)
    nachher.pop("zuordnung.toml", None)
    vorher.pop("zuordnung.toml", None)
    assert nachher == vorher, "a refused import must leave the store unchanged"
    return err


def count_rows(store: Path) -> int:
    with closing(sqlite3.connect(store)) as con:
        return con.execute("SELECT count(*) FROM grunddaten").fetchone()[0]


# --- fixtures in the layouts of the real files -------------------------------------------------

#: BA "Eckwerte für Jobcenter", long, as processed by a third party: "insgesamt" is SGB II and
#: SGB III together, "sgb2" the Jobcenter's own figure; most measures are not base figures.
ECKWERTE_LANG = (
    "period,kategorie,merkmal,insgesamt,sgb2,jahr,monat,label\n"
    "2025-01,Arbeitslose,Bestand,3743.0,1470.0,2025,1,Arbeitslose | Bestand\n"
    "2025-01,Arbeitslose,Frauen,1558.0,690.0,2025,1,Arbeitslose | Frauen\n"
    "2025-01,Grundsicherung für Arbeitsuchende,Bedarfsgemeinschaften (BG),,2797.30338102,"
    "2025,1,Grundsicherung für Arbeitsuchende | Bedarfsgemeinschaften (BG)\n"
    "2025-01,Grundsicherung für Arbeitsuchende,dav. erwerbsfähige Leistungsberechtigte (ELB),,"
    "3730.59085177,2025,1,Grundsicherung für Arbeitsuchende | dav. erwerbsfähige "
    "Leistungsberechtigte (ELB)\n"
    "2025-02,Arbeitslose,Bestand,3701.0,1382.0,2025,2,Arbeitslose | Bestand\n"
    "2025-02,Arbeitslose,Frauen,1540.0,655.0,2025,2,Arbeitslose | Frauen\n"
    "2025-02,Grundsicherung für Arbeitsuchende,Bedarfsgemeinschaften (BG),,2755.76866466,"
    "2025,2,Grundsicherung für Arbeitsuchende | Bedarfsgemeinschaften (BG)\n"
    "2025-02,Grundsicherung für Arbeitsuchende,dav. erwerbsfähige Leistungsberechtigte (ELB),,"
    "3710.21156804,2025,2,Grundsicherung für Arbeitsuchende | dav. erwerbsfähige "
    "Leistungsberechtigte (ELB)\n"
)

ECKWERTE_LANG_ZUORDNUNG = """
[datei]
unbekannte_merkmale = "ignorieren"

[spalten]
"sgb2" = "wert"
"insgesamt" = "ignorieren"
"kategorie" = "ignorieren"
"label" = "ignorieren"
"jahr" = "ignorieren"
"monat" = "ignorieren"

[merkmale]
"Bedarfsgemeinschaften (BG)" = "BG"
"dav. erwerbsfähige Leistungsberechtigte (ELB)" = "ELB"

[feste_werte]
traeger_id = "09362"
wartezeit = "T0"
datenstand = "2025-03-14"
"""

ECKWERTE_LANG_ERGEBNIS = {
    (RS_REGENSBURG, "BG", "gesamt", 202501): pytest.approx(2797.30338102),
    (RS_REGENSBURG, "ELB", "gesamt", 202501): pytest.approx(3730.59085177),
    (RS_REGENSBURG, "BG", "gesamt", 202502): pytest.approx(2755.76866466),
    (RS_REGENSBURG, "ELB", "gesamt", 202502): pytest.approx(3710.21156804),
}


# --- measures that are not needed ----------------------------------------------------------------


def test_unneeded_measures_are_skipped_when_the_mapping_says_so(tmp_path, capsys):
    f = schreibe_datei(tmp_path / "eckwerte_long.csv", ECKWERTE_LANG)
    store = tmp_path / "bestand.sqlite"
    out, _ = import_ok(capsys, store, f, mapping=ECKWERTE_LANG_ZUORDNUNG)
    assert neueste(store, "T0") == ECKWERTE_LANG_ERGEBNIS
    # the summary says how many rows of which measure were skipped
    assert "4 Zeilen übersprungen" in out
    assert "„Bestand“ (2)" in out and "„Frauen“ (2)" in out


def test_unneeded_measures_without_the_setting_give_one_message_per_measure(tmp_path, capsys):
    f = schreibe_datei(tmp_path / "eckwerte_long.csv", ECKWERTE_LANG)
    zuordnung = ECKWERTE_LANG_ZUORDNUNG.replace('unbekannte_merkmale = "ignorieren"', "")
    err = refused(capsys, tmp_path / "bestand.sqlite", f, mapping=zuordnung)
    meldungen = [z for z in err.splitlines() if "unbekannt" in z]
    assert len(meldungen) == 2, err  # „Bestand“ and „Frauen“, each once with its row count
    assert "unbekannte_merkmale" in err


def test_single_measures_can_be_skipped_by_name_and_lookalikes_are_named(tmp_path, capsys):
    f = schreibe_datei(
        tmp_path / "eckwerte_long.csv",
        ECKWERTE_LANG
        + "2025-01,Grundsicherung für Arbeitsuchende,nicht erwerbsfähige Leistungsberechtigte "
        "(NEF),,1471.7,2025,1,x\n",
    )
    zuordnung = ECKWERTE_LANG_ZUORDNUNG.replace(
        '"dav. erwerbsfähige',
        '"Bestand" = "ignorieren"\n"Frauen" = "ignorieren"\n"dav. erwerbsfähige',
    )
    store = tmp_path / "bestand.sqlite"
    out, err = import_ok(capsys, store, f, mapping=zuordnung)
    assert neueste(store, "T0") == ECKWERTE_LANG_ERGEBNIS
    # NEF is skipped through unbekannte_merkmale, but looks like ELB: named in a warning
    warnungen = [z for z in err.splitlines() if z.startswith("Warnung")]
    assert len(warnungen) == 1 and "(NEF)“" in warnungen[0] and "ELB" in warnungen[0]
    assert "5 Zeilen übersprungen" in out

    # without the global setting, the measures named "ignorieren" are skipped, NEF is an error
    ohne = zuordnung.replace('unbekannte_merkmale = "ignorieren"', "")
    err = refused(capsys, tmp_path / "neu.sqlite", f, mapping=ohne)
    assert "(NEF)“ unbekannt" in err and "„Bestand“" not in err


def test_traeger_as_ba_writes_them_code_and_name_or_name_comma_kind(tmp_path, capsys):
    """BA's tables name a region "05154 Kleve, Kreis" (code and name in one cell) or
    "Hamm, Stadt" (name, then the kind), some files "Jobcenter Kreis Kleve"; each reaches the
    Träger it names."""
    f = schreibe_datei(
        tmp_path / "grunddaten.csv",
        "Region;Berichtsmonat;Merkmal;Insgesamt;Wartezeit;Datenstand\n"
        "05154 Kleve, Kreis;07/2023;Integrationen;185;T3;20.11.2023\n"
        "Kleve, Kreis;08/2023;Integrationen;180;T3;20.12.2023\n"
        "05915 - Hamm;07/2023;Integrationen;170;T3;20.11.2023\n"
        "Hamm, Stadt;08/2023;Integrationen;160;T3;20.12.2023\n"
        "Jobcenter Kreis Kleve;09/2023;Integrationen;175;T3;20.01.2024\n",
    )
    store = tmp_path / "bestand.sqlite"
    import_ok(capsys, store, f)
    assert neueste(store) == {
        (KLEVE, "INT", "gesamt", 202307): 185.0,
        (KLEVE, "INT", "gesamt", 202308): 180.0,
        ("05915", "INT", "gesamt", 202307): 170.0,
        ("05915", "INT", "gesamt", 202308): 160.0,
        (KLEVE, "INT", "gesamt", 202309): 175.0,
    }
    # the code of one Träger with the name of another: which is meant is not clear
    f.write_text(
        f.read_text(encoding="utf-8") + "05154 Hamm, Stadt;10/2023;Integrationen;1;T3;20.02.2024\n"
    )
    assert "Träger „05154 Hamm, Stadt“ unbekannt" in refused(capsys, tmp_path / "neu.sqlite", f)


def test_rows_of_a_sum_over_the_land_or_the_bund_are_skipped_where_the_mapping_says_so(
    tmp_path, capsys
):
    """Downloads list the Land and the Bund beside the Träger. Such a row stops the import with
    a message naming the setting; with it in [traeger], those rows are skipped and counted."""
    f = schreibe_datei(
        tmp_path / "land.csv",
        "Regionalschlüssel;Berichtsmonat;Merkmal;Insgesamt;Frauen;Männer;Wartezeit;Datenstand\n"
        "05154;07/2023;Integrationen;185;77;108;T3;20.11.2023\n"
        "05;07/2023;Integrationen;9999;4000;5999;T3;20.11.2023\n"
        "Deutschland;07/2023;Integrationen;99999;40000;59999;T3;20.11.2023\n",
    )
    store = tmp_path / "bestand.sqlite"
    err = refused(capsys, store, f)
    assert "Träger „05“ unbekannt" in err and '"05" = "ignorieren" im Abschnitt [traeger]' in err

    mapping = '[traeger]\n"05" = "ignorieren"\n"Deutschland" = "ignorieren"\n'
    out, err = import_ok(capsys, store, f, mapping=mapping)
    assert "2 Zeilen übersprungen, Träger nicht benötigt: „05“ (1), „Deutschland“ (1)" in out
    assert neueste(store) == {
        (KLEVE, "INT", g, 202307): w for g, w in (("gesamt", 185), ("frauen", 77), ("maenner", 108))
    }


# --- doubtful columns --------------------------------------------------------------------------


def test_insgesamt_beside_sgb2_is_not_taken_for_geschlecht_gesamt(tmp_path, capsys):
    """A BA column "insgesamt" (SGB II + SGB III) once imported as Geschlecht gesamt, every
    value of the kept rows empty, with a success message."""
    f = schreibe_datei(tmp_path / "eckwerte_long.csv", ECKWERTE_LANG)
    zuordnung = """
[datei]
unbekannte_spalten = "ignorieren"
unbekannte_merkmale = "ignorieren"

[merkmale]
"Bedarfsgemeinschaften (BG)" = "BG"
"dav. erwerbsfähige Leistungsberechtigte (ELB)" = "ELB"

[feste_werte]
traeger_id = "09362"
"""
    err = refused(capsys, tmp_path / "bestand.sqlite", f, mapping=zuordnung)
    assert "„insgesamt“" in err and "„sgb2“" in err


def test_a_value_column_empty_in_every_row_is_an_error_naming_it(tmp_path, capsys):
    f = schreibe_datei(
        tmp_path / "leer.csv",
        "traeger_id;berichtsmonat;merkmal;Frauen;Männer\n"
        "05154;2023-01;INT;90;\n05154;2023-02;INT;85;\n",
    )
    err = refused(capsys, tmp_path / "bestand.sqlite", f)
    assert "„Männer“" in err and "leer" in err


def test_ignored_column_resembling_a_base_figure_is_named(tmp_path, capsys):
    """With unbekannte_spalten = "ignorieren" a misspelled base figure once vanished silently."""
    f = schreibe_datei(
        tmp_path / "breit.csv",
        "period,Arbeitslose (Bestand),Bedarfsgemeinschafen,Erwerbsfähige Leistungsberechtigte "
        "(ELB)\n2025-01-01,1470.0,2797.3,3730.5\n2025-02-01,1382.0,2755.7,3710.2\n",
    )
    store = tmp_path / "bestand.sqlite"
    out, err = import_ok(
        capsys,
        store,
        f,
        mapping='[datei]\nunbekannte_spalten = "ignorieren"\n\n'
        '[feste_werte]\ntraeger_id = "09362"\n',
    )
    assert "„Bedarfsgemeinschafen“" in err and "Bedarfsgemeinschaften" in err
    assert "Warnung" in err
    # every ignored column is listed in the summary
    assert "„Arbeitslose (Bestand)“" in out and "„Bedarfsgemeinschafen“" in out
    assert set(neueste(store)) == {
        (RS_REGENSBURG, "ELB", "gesamt", 202501),
        (RS_REGENSBURG, "ELB", "gesamt", 202502),
    }


# --- messages that lead on ---------------------------------------------------------------------

KANON = [
    ["traeger_id", "berichtsmonat", "merkmal", "geschlecht", "wert"],
    ["05154", "2023-01", "INT", "gesamt", 210],
    ["05154", "2023-02", "INT", "gesamt", 190],
]


def test_xlsx_with_notes_sheet_first_reads_the_one_sheet_with_a_table(tmp_path, capsys):
    f = schreibe_datei(
        tmp_path / "download.xlsx",
        xlsx_bytes({"Hinweise": [["Statistik der BA"], ["Erläuterungen …"]], "Daten": KANON}),
    )
    store = tmp_path / "bestand.sqlite"
    _, err = import_ok(capsys, store, f)
    assert "„Daten“" in err  # says which sheet it read
    assert neueste(store) == {
        (KLEVE, "INT", "gesamt", 202301): 210.0,
        (KLEVE, "INT", "gesamt", 202302): 190.0,
    }


def test_xlsx_with_titles_over_two_rows_is_read_column_by_column(tmp_path, capsys):
    """BA's workbooks title a group of columns in a merged cell ("Integrationen" over
    "Insgesamt", "Frauen", "Männer"). Each column is read with both rows of its title, and a
    message names a column so ("Arbeitslose / Frauen"), as [spalten] can name it too."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Grunddaten nach § 48a SGB II, Wartezeit 3 Monate"])
    ws.append([])
    gruppen = ["Integrationen", "Erwerbsfähige Leistungsberechtigte", "Arbeitslose"]
    oben = ["Regionalschlüssel", "Berichtsmonat"]
    for gruppe in gruppen:
        oben += [gruppe, None, None]
    ws.append(oben)
    ws.append([None, None] + ["Insgesamt", "Frauen", "Männer"] * 3)
    for spalte in range(3, 12, 3):
        ws.merge_cells(start_row=3, start_column=spalte, end_row=3, end_column=spalte + 2)
    ws.merge_cells("A3:A4")
    ws.merge_cells("B3:B4")
    ws.append(["05154", "07/2023", 185, 77, 108, 10512, 5388, 5124, 3100, 1400, 1700])
    ws.append(["05154", "08/2023", 170, "*", "*", 10480, 5370, 5110, 3050, 1380, 1670])
    f = tmp_path / "grunddaten.xlsx"
    wb.save(f)
    store = tmp_path / "bestand.sqlite"

    err = refused(capsys, store, f)
    assert "Zeile 4, Spalte „Arbeitslose / Frauen“: Unbekannte Spalte" in err
    assert "Integrationen" not in err

    mapping = (
        '[spalten]\n"Arbeitslose / Insgesamt" = "ignorieren"\n"Arbeitslose / Frauen" = '
        '"ignorieren"\n"Arbeitslose / Männer" = "ignorieren"\n\n[feste_werte]\n'
        'wartezeit = "T3"\ndatenstand = "2023-12-20"\n'
    )
    out, err = import_ok(capsys, store, f, mapping=mapping)
    assert "Warnung" not in err and "12 Werte geprüft" in out
    werte = neueste(store)
    assert werte[(KLEVE, "INT", "frauen", 202307)] == 77.0
    assert werte[(KLEVE, "ELB", "maenner", 202308)] == 5110.0
    assert werte[(KLEVE, "INT", "gesamt", 202308)] == 170.0
    assert werte[(KLEVE, "INT", "frauen", 202308)] is None  # "*": missing, not 0
    assert len(werte) == 12


def test_formulas_without_a_saved_result_stop_the_import_until_a_program_calculates_them(
    tmp_path, capsys
):
    """A workbook written by a program that does not calculate (here openpyxl) holds formulas
    without results: read as they are, they were empty cells, stored as missing values without
    a word. The import names them; once a spreadsheet program has saved the file (LibreOffice
    here, as Excel would), the results are read."""
    libreoffice_noetig()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["traeger_id", "berichtsmonat", "merkmal", "geschlecht", "wert", "wartezeit",
               "datenstand"])  # fmt: skip
    ws.append(["05154", "2023-07", "INT", "frauen", 77, "T3", "2023-11-20"])
    ws.append(["05154", "2023-07", "INT", "maenner", 108, "T3", "2023-11-20"])
    ws.append(["05154", "2023-07", "INT", "gesamt", "=E2+E3", "T3", "2023-11-20"])
    ws.append(["05154", "2023-07", "ELB", "gesamt", None, "T3", "2023-11-20"])  # just empty
    f = tmp_path / "eigene-auswertung.xlsx"
    wb.save(f)
    store = tmp_path / "bestand.sqlite"
    err = refused(capsys, store, f)
    assert "Zeile 4, Spalte „wert“: 1 Formel ohne gespeichertes Ergebnis (Zeile 4: =E2+E3)" in err

    gespeichert = umwandeln(f, "xlsx", tmp_path / "gespeichert")
    import_ok(capsys, store, gespeichert)
    werte = neueste(store)
    assert werte[(KLEVE, "INT", "gesamt", 202307)] == 185.0
    assert werte[(KLEVE, "ELB", "gesamt", 202307)] is None


def test_darunter_frauen_beside_insgesamt_is_the_women_s_column(tmp_path, capsys):
    """BA's tables give the women among the total as "darunter Frauen" (or "dar. Frauen",
    "davon Männer"); Excel's CSV may start with its "sep=;" line."""
    f = schreibe_datei(
        tmp_path / "grunddaten.csv",
        "sep=;\nRegionalschlüssel;Berichtsmonat;Merkmal;Insgesamt;darunter Frauen;dar. Männer;"
        "Wartezeit;Datenstand\n05154;07/2023;Integrationen;185;77;108;T3;20.11.2023\n",
    )
    store = tmp_path / "bestand.sqlite"
    import_ok(capsys, store, f)
    assert neueste(store) == {
        (KLEVE, "INT", g, 202307): w for g, w in (("gesamt", 185), ("frauen", 77), ("maenner", 108))
    }


def test_a_csv_with_titles_over_two_rows_is_refused_with_the_rows_named(tmp_path, capsys):
    f = schreibe_datei(
        tmp_path / "grunddaten.csv",
        "Regionalschlüssel;Berichtsmonat;Integrationen;;\n"
        ";;Insgesamt;Frauen;Männer\n05154;07/2023;185;77;108\n",
    )
    err = refused(capsys, tmp_path / "bestand.sqlite", f)
    assert "Zeile 2: Die Spaltenüberschriften stehen in zwei Zeilen (1 und 2)" in err


def test_a_first_row_of_months_and_measures_alone_is_data_not_a_second_title_row(tmp_path, capsys):
    """The first row under the titles has a month, a measure and a gender and no value: it
    looks like titles, but the row above names every column, so it is a row of data."""
    f = schreibe_datei(
        tmp_path / "grunddaten.csv",
        "berichtsmonat;merkmal;geschlecht;wert;wartezeit;datenstand\n"
        "2023-07;INT;frauen;;T3;2023-11-20\n2023-07;INT;maenner;108;T3;2023-11-20\n",
    )
    store = tmp_path / "bestand.sqlite"
    import_ok(capsys, store, f, mapping='[feste_werte]\ntraeger_id = "05154"\n')
    assert neueste(store) == {
        (KLEVE, "INT", "frauen", 202307): None,
        (KLEVE, "INT", "maenner", 202307): 108.0,
    }


def test_xlsx_without_a_recognisable_table_lists_the_sheets_and_suggests_blatt(tmp_path, capsys):
    kopf = ["Gebiet", "Zeit", "Größe", "Zahl"]
    f = schreibe_datei(
        tmp_path / "download.xlsx",
        xlsx_bytes({"Hinweise": [["Statistik der BA"]], "Tabelle 1": [kopf], "Tabelle 2": [kopf]}),
    )
    err = refused(capsys, tmp_path / "bestand.sqlite", f)
    assert "„Hinweise“" in err and "„Tabelle 1“" in err and "„Tabelle 2“" in err
    assert "blatt" in err


def test_chosen_sheet_without_a_table_lists_the_sheets(tmp_path, capsys):
    f = schreibe_datei(
        tmp_path / "download.xlsx",
        xlsx_bytes({"Hinweise": [["Statistik der BA"]], "Daten": KANON}),
    )
    err = refused(capsys, tmp_path / "bestand.sqlite", f, mapping='[datei]\nblatt = "Hinweise"\n')
    assert "„Daten“" in err and "blatt" in err


@pytest.mark.parametrize(
    "fusszeilen",
    [
        pytest.param("Quelle: Statistik der BA, eigene Berechnungen\n", id="eine"),
        pytest.param(
            "\nQuelle: Statistik der BA, Nürnberg\n"
            '"© Statistik der Bundesagentur für Arbeit, 2023",Erstellt am 20.11.2023\n',
            id="mehrere-mit-kommas",
        ),
        pytest.param(
            "Hinweis: x = Nachweis nicht sinnvoll, * = gesperrt, Werte vorläufig, hochgerechnet, "
            "Stand November 2023, Nürnberg\n",
            id="mehr-felder-als-die-tabelle-halb",
        ),
    ],
)
def test_footnotes_under_the_table_are_skipped_with_a_warning(tmp_path, capsys, fusszeilen):
    f = schreibe_datei(
        tmp_path / "grunddaten.csv",
        "traeger_id,berichtsmonat,merkmal,geschlecht,wert\n"
        "05154,2023-01,INT,gesamt,210\n05154,2023-02,INT,gesamt,190\n" + fusszeilen,
    )
    store = tmp_path / "bestand.sqlite"
    _, err = import_ok(capsys, store, f)
    assert "übersprungen" in err and "Warnung" in err
    assert neueste(store) == {
        (KLEVE, "INT", "gesamt", 202301): 210.0,
        (KLEVE, "INT", "gesamt", 202302): 190.0,
    }


def test_a_download_without_wartezeit_and_datenstand_says_what_it_assumed(tmp_path, capsys):
    """BA's download names Wartezeit and Datenstand only in its title. Imported without them,
    the long format's rules apply (T3, the import's time) and the import says so: preliminary
    figures would otherwise pass unseen as final ones, dated the day of the import. The same
    file with a mapping giving both replaces that import, as the warning says."""
    titel = "Grunddaten, Berichtsmonat Juli 2023, ohne Wartezeit, Datenstand 15.08.2023"
    f = tmp_path / "ba-grunddaten-2023-07.xlsx"
    f.write_bytes(
        xlsx_bytes(
            {
                "Grunddaten": [
                    [titel],
                    [],
                    [
                        "Regionalschlüssel",
                        "Berichtsmonat",
                        "Merkmal",
                        "Insgesamt",
                        "Frauen",
                        "Männer",
                    ],
                    ["05154", "07/2023", "Integrationen", 185, 77, 108],
                ]
            }
        )
    )
    store = tmp_path / "bestand.sqlite"
    _, err = import_ok(capsys, store, f)
    wartezeit, datenstand = [z for z in err.splitlines() if z.startswith("Warnung")]
    beispiel = re.search(r"^Warnung: download\.csv: Die Datei nennt keine Wartezeit.*$",
                         DOKU.read_text(encoding="utf-8"), re.M)  # fmt: skip
    assert wartezeit == beispiel.group(0).replace("download.csv", f.name)  # as the guide shows
    assert "nennt keine Wartezeit: alle Werte gelten als T3" in wartezeit
    assert 'wartezeit = "T0" im Abschnitt [feste_werte]' in wartezeit
    assert "nennt keinen Datenstand: alle Werte erhalten den Zeitpunkt dieses Imports" in datenstand
    assert 'datenstand = "JJJJ-MM-TT" im Abschnitt [feste_werte]' in datenstand
    juli = {
        (KLEVE, "INT", g, 202307): w for g, w in (("gesamt", 185), ("frauen", 77), ("maenner", 108))
    }
    assert neueste(store) == juli
    with closing(sqlite3.connect(store)) as con:  # dated as the warning said
        ((stand, importiert),) = con.execute(
            "SELECT DISTINCT datenstand, importiert_am FROM grunddaten JOIN importe "
            "ON import_id = import_gesamt"
        )
    assert stand == importiert

    mapping = '[feste_werte]\nwartezeit = "T0"\ndatenstand = "2023-08-15"\n'
    out, err = import_ok(capsys, store, f, mapping=mapping)
    assert "Warnung" not in err and "ersetzt Import Nr. 1" in out
    assert neueste(store) == {} and neueste(store, "T0") == juli


def test_a_file_without_datenstand_names_the_stored_values_it_replaces(tmp_path, capsys):
    """Dated with the import's time, a file without Datenstand is the newest vintage of all,
    however old its figures: where they differ from the values evaluations take now, the
    import names them, so that an old file does not replace a revision without a word."""
    store = tmp_path / "bestand.sqlite"
    kopf = "traeger_id;berichtsmonat;merkmal;geschlecht;wert;wartezeit"
    revision = schreibe_datei(
        tmp_path / "revision.csv",
        f"{kopf};datenstand\n05154;2023-03;INT;gesamt;201;T0;2023-04-20\n"
        "05154;2023-04;INT;gesamt;190;T0;2023-05-20\n",
    )
    import_ok(capsys, store, revision)
    alt = schreibe_datei(
        tmp_path / "alt.csv",
        f"{kopf}\n05154;2023-03;INT;gesamt;150;T0\n"  # differs
        "05154;2023-04;INT;gesamt;190;T0\n"  # the same value: not named
        "05154;2023-05;INT;gesamt;170;T0\n",  # nothing stored: not named
    )
    _, err = import_ok(capsys, store, alt)
    (ersetzt,) = [z for z in err.splitlines() if "vom gespeicherten Wert ab" in z]
    assert ersetzt.startswith(
        "Warnung: alt.csv, Zeile 2: 1 Wert weicht vom gespeicherten Wert ab, den Auswertungen "
        "bisher nehmen (Träger 05154, INT gesamt 2023-03 (T0): gespeichert 201 (Datenstand "
        "2023-04-20, aus revision.csv), in dieser Datei 150). Ohne Datenstand gilt diese Datei "
        "als jüngste Fassung"
    )
    assert neueste(store, "T0")[(KLEVE, "INT", "gesamt", 202303)] == 150  # as it says
    # read again with its Datenstand, as the warning advises: older, it replaces nothing
    out, err = import_ok(capsys, store, alt, mapping='[feste_werte]\ndatenstand = "2023-04-02"\n')
    assert "Warnung" not in err and "ersetzt Import Nr. 2" in out
    assert neueste(store, "T0")[(KLEVE, "INT", "gesamt", 202303)] == 201


def test_empty_wartezeit_or_datenstand_cells_are_named_with_their_rows(tmp_path, capsys):
    f = schreibe_datei(
        tmp_path / "grunddaten.csv",
        "traeger_id;berichtsmonat;merkmal;geschlecht;wert;wartezeit;datenstand\n"
        "05154;2023-07;INT;gesamt;185;T0;2023-08-15\n"
        "05154;2023-08;INT;gesamt;180;;2023-09-15\n"
        "05154;2023-09;INT;gesamt;170;;\n",
    )
    _, err = import_ok(capsys, tmp_path / "bestand.sqlite", f)
    wartezeit, datenstand = [z for z in err.splitlines() if z.startswith("Warnung")]
    assert wartezeit.startswith(
        "Warnung: grunddaten.csv, Zeile 3, Spalte „wartezeit“: Spalte leer in 2 Zeilen: diese "
        "Werte gelten als T3"
    )
    assert datenstand.startswith(
        "Warnung: grunddaten.csv, Zeile 4, Spalte „datenstand“: Spalte leer in 1 Zeile: diese "
        "Werte erhalten den Zeitpunkt dieses Imports als Datenstand"
    )


def test_month_written_mm_jj_is_read(tmp_path, capsys):
    f = schreibe_datei(
        tmp_path / "monate.csv",
        "traeger_id;berichtsmonat;merkmal;wert\n05154;01/25;INT;210\n05154;2/25;INT;190\n",
    )
    store = tmp_path / "bestand.sqlite"
    import_ok(capsys, store, f)
    assert neueste(store) == {
        (KLEVE, "INT", "gesamt", 202501): 210.0,
        (KLEVE, "INT", "gesamt", 202502): 190.0,
    }


def test_dates_as_german_excel_saves_them_to_csv_are_read(tmp_path, capsys):
    """German Excel saves a date with time as "20.11.2023 08:00" and a short date as
    "20.11.23"; some exports write "20231120". Each is the Datenstand it shows (the newest
    vintage per month is taken, so a wrong date would pick the wrong figures)."""
    f = schreibe_datei(
        tmp_path / "grunddaten.csv",
        "traeger_id;berichtsmonat;merkmal;wert;wartezeit;datenstand\n"
        "05154;31.01.23;INT;210;T3;20.05.2023 08:00\n"
        "05154;28.02.2023 00:00;INT;190;T3;20.06.23\n"
        "05154;2023-03;INT;200;T3;20230720\n",
    )
    store = tmp_path / "bestand.sqlite"
    import_ok(capsys, store, f)
    with closing(sqlite3.connect(store)) as con:
        staende = con.execute("SELECT monat, datenstand FROM grunddaten ORDER BY monat").fetchall()
    assert staende == [(202301, "2023-05-20"), (202302, "2023-06-20"), (202303, "2023-07-20")]


def test_unreadable_month_names_the_accepted_forms(tmp_path, capsys):
    f = schreibe_datei(
        tmp_path / "monate.csv", "traeger_id;berichtsmonat;merkmal;wert\n05154;Q1/25;INT;1\n"
    )
    err = refused(capsys, tmp_path / "bestand.sqlite", f)
    assert "07/23" in err  # names the short form it accepts, not only JJJJ-MM


def test_one_message_per_problem_not_per_value_column(tmp_path, capsys):
    f = schreibe_datei(
        tmp_path / "breit.csv",
        "traeger_id;berichtsmonat;merkmal;Insgesamt;Frauen;Männer\n05154;2023-13;INT;210;90;120\n",
    )
    err = refused(capsys, tmp_path / "bestand.sqlite", f)
    assert len([z for z in err.splitlines() if "„2023-13“" in z]) == 1, err


def test_summary_counts_one_value_in_the_singular(tmp_path, capsys):
    f = schreibe_datei(
        tmp_path / "eins.csv", "traeger_id;berichtsmonat;merkmal;wert\n05154;2023-01;INT;1\n"
    )
    out, _ = import_ok(capsys, tmp_path / "bestand.sqlite", f)
    assert "1 Wert geprüft, 1 neu gespeichert" in out


@pytest.mark.parametrize(
    ("toml", "text"),
    [
        pytest.param("[spalte]\n", "„spalte“", id="abschnitt"),
        pytest.param('[datei]\nblat = "Daten"\n', "„blat“", id="datei-angabe"),
        pytest.param(
            '[spalten]\n"INT" = { merkmal = "INT", gechlecht = "w" }\n', "„gechlecht“", id="wert"
        ),
    ],
)
def test_mapping_errors_are_german_not_python_lists(tmp_path, capsys, toml, text):
    f = schreibe_datei(
        tmp_path / "eins.csv", "traeger_id;berichtsmonat;merkmal;wert\n05154;2023-01;INT;1\n"
    )
    store = tmp_path / "bestand.sqlite"
    rc, _, err = importieren(capsys, store, f, mapping=toml)
    assert rc == 2
    assert text in err
    assert not re.search(r"\['|'\]", err), err


# --- numbers are never guessed silently --------------------------------------------------------

LANG_KOPF = "traeger_id,berichtsmonat,merkmal,wert\n"
ELB_UND_LLU = {
    (KLEVE, "ELB", "gesamt", 202301): 10512.0,
    (KLEVE, "LLU", "gesamt", 202301): 5812345.67,
}


@pytest.mark.parametrize(
    ("name", "inhalt", "zeilen"),
    [
        pytest.param(
            "komma.csv",
            LANG_KOPF + "09362,2025-01,ELB,3.731\n09362,2025-02,ELB,3710\n",
            [2],
            id="komma-datei",
        ),
        pytest.param(
            "semikolon.csv",
            "traeger_id;berichtsmonat;merkmal;wert\n09362;2025-01;BG;2797.30\n"
            "09362;2025-01;ELB;3.731\n09362;2025-02;ELB;3.710\n",
            [3, 4],
            id="semikolon-mit-dezimalpunkt",
        ),
        pytest.param(
            "komma-gruppen.csv",
            LANG_KOPF + '09362,2025-01,ELB,"3,731"\n09362,2025-02,ELB,3710\n',
            [2],
            id="komma-als-gruppe",
        ),
    ],
)
def test_value_readable_both_ways_stops_the_import(tmp_path, capsys, name, inhalt, zeilen):
    f = schreibe_datei(tmp_path / name, inhalt)
    err = refused(capsys, tmp_path / "bestand.sqlite", f)
    assert "mehrdeutig" in err
    for zeile in zeilen:
        assert re.search(rf"Zeile {zeile}\b", err), err
    assert "3731" in err and "3,731" in err  # both readings
    assert 'dezimalzeichen = ","' in err and 'dezimalzeichen = "."' in err


def test_text_cells_of_an_xlsx_are_not_guessed_either(tmp_path, capsys):
    f = schreibe_datei(
        tmp_path / "download.xlsx",
        xlsx_bytes(
            {
                "Daten": [
                    ["traeger_id", "berichtsmonat", "merkmal", "wert"],
                    ["09362", "2025-01", "ELB", "3.731"],
                    ["09362", "2025-02", "ELB", 3710.21],  # a number cell is never in doubt
                ]
            }
        ),
    )
    err = refused(capsys, tmp_path / "bestand.sqlite", f)
    assert "mehrdeutig" in err and "Zeile 2" in err and "3731" in err


@pytest.mark.parametrize(
    ("inhalt", "erwartet"),
    [
        pytest.param(
            "traeger_id;berichtsmonat;merkmal;wert\n05154;2023-01;ELB;10.512\n"
            "05154;2023-01;LLU;5.812.345,67\n",
            ELB_UND_LLU,
            id="dezimalkomma-entscheidet",
        ),
        pytest.param(
            LANG_KOPF + '05154,2023-01,ELB,"10,512"\n05154,2023-01,LLU,5812345.67\n',
            ELB_UND_LLU,
            id="dezimalpunkt-entscheidet-komma",
        ),
        pytest.param(
            "traeger_id;berichtsmonat;merkmal;wert\n05154;2023-01;ELB;10.512\n"
            "05154;2023-02;ELB;10.498\n05154;2023-02;INT;185\n",
            {
                (KLEVE, "ELB", "gesamt", 202301): 10512.0,
                (KLEVE, "ELB", "gesamt", 202302): 10498.0,
                (KLEVE, "INT", "gesamt", 202302): 185.0,
            },
            id="semikolon-nur-tausendergruppen",
        ),
    ],
)
def test_the_file_itself_settles_the_decimal_mark(tmp_path, capsys, inhalt, erwartet):
    f = schreibe_datei(tmp_path / "grunddaten.csv", inhalt)
    store = tmp_path / "bestand.sqlite"
    import_ok(capsys, store, f)
    assert neueste(store) == erwartet


def test_decimal_comma_and_decimal_point_in_one_file_stop_the_import(tmp_path, capsys):
    f = schreibe_datei(
        tmp_path / "gemischt.csv",
        "traeger_id;berichtsmonat;merkmal;wert\n05154;2023-01;LLU;5.812.345,67\n"
        "05154;2023-01;LUH;2797.30\n",
    )
    err = refused(capsys, tmp_path / "bestand.sqlite", f)
    assert "Zeile 2" in err and "Zeile 3" in err and "dezimalzeichen" in err


def test_the_mapping_decides_a_doubtful_value(tmp_path, capsys):
    f = schreibe_datei(tmp_path / "komma.csv", LANG_KOPF + "09362,2025-01,LLU,3.731\n")
    store = tmp_path / "bestand.sqlite"
    import_ok(capsys, store, f, mapping='[datei]\ndezimalzeichen = "."\n')
    assert neueste(store) == {(RS_REGENSBURG, "LLU", "gesamt", 202501): 3.731}


def _formatiert(wert: float, art: str) -> str:
    """A value as a writer of that convention writes it (whole numbers without decimals)."""
    ganz = wert == int(wert)
    en = f"{wert:,.0f}" if ganz else f"{wert:,.2f}"
    return {
        "de-gruppiert": en.replace(",", "_").replace(".", ",").replace("_", "."),
        "de": en.replace(",", "").replace(".", ","),
        "en": en.replace(",", ""),
        "en-gruppiert": en,
    }[art]


@settings(max_examples=300, deadline=None)
@given(
    werte=st.lists(
        st.one_of(
            st.integers(0, 20_000_000).map(float),
            st.integers(0, 2_000_000_000).map(lambda c: c / 100),
        ),
        min_size=1,
        max_size=8,
    ),
    arten=st.lists(
        st.sampled_from(["de-gruppiert", "de", "en", "en-gruppiert"]), min_size=1, max_size=2
    ),
    semikolon=st.booleans(),
)
def test_a_number_is_read_exactly_or_the_import_stops(werte, arten, semikolon):
    """Files written in one convention, or mixing two: every value is read as written, or the
    file is refused as ambiguous; never another number."""
    texte = [_formatiert(w, arten[i % len(arten)]) for i, w in enumerate(werte)]
    z = zahlen_lesen(pd.Series(texte, dtype=object), None, semikolon)
    if z.widerspruch or z.mehrdeutig.any():
        return  # the import stops and names the rows
    assert not z.unlesbar.any(), texte
    assert z.zahlen.tolist() == pytest.approx(werte), texte
    # a mapping that names the writer's decimal mark reads a one-convention file exactly
    if len(set(arten)) == 1:
        zeichen = "," if arten[0].startswith("de") else "."
        z = zahlen_lesen(pd.Series(texte, dtype=object), zeichen, semikolon)
        assert z.zahlen.tolist() == pytest.approx(werte), texte


# --- a misread of any kind is caught: jumps by a factor of 20 ------------------------------------

PUNKT = '[datei]\ndezimalzeichen = "."\n'  # a wrong setting for a file with thousands dots


def test_a_jump_within_the_file_stops_the_import_for_stocks(tmp_path, capsys):
    f = schreibe_datei(
        tmp_path / "eckwerte.csv",
        LANG_KOPF + "09362,2025-01,ELB,3730.59\n09362,2025-02,ELB,3.710\n"
        "09362,2025-03,ELB,3746.43\n",
    )
    err = refused(capsys, tmp_path / "bestand.sqlite", f, mapping=PUNKT)
    assert "Zeile 3" in err and "Faktor" in err and "ELB" in err
    assert "sprungpruefung" in err


def test_a_jump_against_the_store_stops_the_import(tmp_path, capsys):
    store = tmp_path / "bestand.sqlite"
    januar = schreibe_datei(tmp_path / "januar.csv", LANG_KOPF + "09362,2025-01,BG,2797.30\n")
    import_ok(capsys, store, januar)
    februar = schreibe_datei(tmp_path / "februar.csv", LANG_KOPF + "09362,2025-02,BG,2.755\n")
    err = refused(capsys, store, februar, mapping=PUNKT)
    assert "BG" in err and "Vormonat" in err and "januar.csv" in err


def test_a_jump_against_an_earlier_vintage_stops_the_import(tmp_path, capsys):
    store = tmp_path / "bestand.sqlite"
    t0 = schreibe_datei(
        tmp_path / "t0.csv",
        "traeger_id,berichtsmonat,merkmal,wert,wartezeit\n09362,2025-03,ELB,3746.43,T0\n",
    )
    import_ok(capsys, store, t0)
    t3 = schreibe_datei(
        tmp_path / "t3.csv",
        "traeger_id,berichtsmonat,merkmal,wert,wartezeit\n09362,2025-03,ELB,3.751,T3\n",
    )
    err = refused(capsys, store, t3, mapping=PUNKT)
    assert "Fassung" in err and "t0.csv" in err


def test_jumps_of_flows_are_warnings_and_the_mapping_can_lower_stocks_to_warnings(tmp_path, capsys):
    store = tmp_path / "bestand.sqlite"
    f = schreibe_datei(
        tmp_path / "klein.csv",
        LANG_KOPF + "05154,2023-01,INT_AE,1\n05154,2023-02,INT_AE,24\n"
        "05154,2023-01,LZB_MASSN,10\n05154,2023-02,LZB_MASSN,400\n",
    )
    refused(capsys, store, f)  # the stock is an error by default
    _, err = import_ok(capsys, store, f, mapping='[datei]\nsprungpruefung = "warnung"\n')
    assert err.count("Faktor") == 2 and "Warnung" in err
    assert neueste(store)[(KLEVE, "INT_AE", "gesamt", 202302)] == 24.0


def test_a_correction_is_not_compared_with_the_values_it_replaces(tmp_path, capsys):
    store = tmp_path / "bestand.sqlite"
    f = schreibe_datei(tmp_path / "eckwerte.csv", LANG_KOPF + "09362,2025-01,ELB,3.731\n")
    import_ok(capsys, store, f, mapping=PUNKT)  # nothing to compare with yet: stored as 3.731
    import_ok(capsys, store, f, mapping='[datei]\ndezimalzeichen = ","\n')
    assert neueste(store) == {(RS_REGENSBURG, "ELB", "gesamt", 202501): 3731.0}


# --- the mappings the user guide shows for the real downloads ----------------------------------

DOKU = Path(__file__).resolve().parents[1] / "docs" / "spaltenzuordnung.md"


def zuordnung_aus_doku(beispiel: str) -> str:
    """The TOML block of one example in docs/spaltenzuordnung.md, as a user would copy it."""
    text = DOKU.read_text(encoding="utf-8")
    abschnitt = text.split(f"### Beispiel {beispiel}:", 1)[1].split("\n### ", 1)[0]
    return re.search(r"```toml\n(.*?)```", abschnitt, re.S).group(1)


ECKWERTE_BREIT = (
    "period,Arbeitslose (Bestand),Arbeitslosenquote (%),Langzeitarbeitslose,"
    "Unterbeschäftigungsquote (%),Bedarfsgemeinschaften,Personen in BG,"
    "Regelleistungsberechtigte (RLB),Erwerbsfähige Leistungsberechtigte (ELB),"
    "Nicht erwerbsfähige Leistungsberechtigte (NEF)\n"
    "2025-01-01,1470.0,1.3,502.0,1.9,2797.30338102,5488.03327359,5202.27047674,3730.59085177,"
    "1471.67962497\n"
    "2025-02-01,1382.0,1.2,502.0,1.8,2755.76866466,5434.99291135,5147.99291135,3710.21156804,"
    "1437.78134331\n"
)

KDU = (
    "reference_month,region_level,region_code,region_label,accommodation_scope,measure,total,"
    "1_person,2_persons,3_persons,4_persons,5_persons,6_or_more_persons\n"
    '2026-04,jobcenter,t38704,"Kleve, JC",miete,actual_bruttokaltmiete_eur_per_bg,549.3206,'
    "387.8203,555.0070,666.5908,757.5637,850.9664,1022.6136\n"
    '2026-04,jobcenter,t38704,"Kleve, JC",miete,bg_stock,7986.0000,3626.0000,1774.0000,'
    "1094.0000,718.0000,398.0000,376.0000\n"
    '2026-04,jobcenter,t38704,"Kleve, JC",miete,bg_stock_with_recognised_kdu,7971.0000,'
    "3620.0000,1768.0000,1094.0000,718.0000,397.0000,374.0000\n"
)

PERS_NEF = (
    "2025-01,Grundsicherung für Arbeitsuchende,Personen in Bedarfsgemeinschaften (PERS),,"
    "5488.03,2025,1,x\n"
    "2025-01,Grundsicherung für Arbeitsuchende,nicht erwerbsfähige Leistungsberechtigte (NEF),,"
    "1471.68,2025,1,x\n"
)


@pytest.mark.parametrize(
    ("beispiel", "inhalt", "wartezeit", "erwartet"),
    [
        pytest.param(
            "D",
            ECKWERTE_BREIT,
            "T0",
            {
                (RS_REGENSBURG, "BG", "gesamt", 202501): pytest.approx(2797.30338102),
                (RS_REGENSBURG, "ELB", "gesamt", 202501): pytest.approx(3730.59085177),
                (RS_REGENSBURG, "BG", "gesamt", 202502): pytest.approx(2755.76866466),
                (RS_REGENSBURG, "ELB", "gesamt", 202502): pytest.approx(3710.21156804),
            },
            id="eckwerte-breit",
        ),
        pytest.param(
            "E", ECKWERTE_LANG + PERS_NEF, "T0", ECKWERTE_LANG_ERGEBNIS, id="eckwerte-lang"
        ),
        pytest.param("F", KDU, "T3", {(KLEVE, "BG", "gesamt", 202604): 7986.0}, id="kdu"),
    ],
)
def test_the_guide_s_mappings_read_the_real_layouts(tmp_path, capsys, beispiel, inhalt,
                                                     wartezeit, erwartet):  # fmt: skip
    f = schreibe_datei(tmp_path / "download.csv", inhalt)
    store = tmp_path / "bestand.sqlite"
    _, err = import_ok(capsys, store, f, mapping=zuordnung_aus_doku(beispiel))
    assert "Warnung" not in err, err  # the guide's mappings leave nothing in doubt
    assert neueste(store, wartezeit) == erwartet


def _beispiel_a_mappe(ziel: Path, titel: str | None = None) -> Path:
    """The workbook of the guide's example A, cell by cell from its table (a notes sheet
    first; the Regionalschlüssel a text cell, or a number where it lost its zero, as Excel
    keeps it); ``titel`` in place of title row 3."""
    abschnitt = DOKU.read_text(encoding="utf-8").split("### Beispiel A:", 1)[1]
    abschnitt = abschnitt.split("\n### ", 1)[0]
    wb = openpyxl.Workbook()
    wb.active.title = "Erläuterungen"
    wb.active["A1"] = "Erläuterungen zu den Grunddaten"
    ws = wb.create_sheet("Grunddaten")
    for zeile in re.findall(r"^\| (\d+) \|(.*)\|$", abschnitt, re.M):
        nr, zellen = int(zeile[0]), [z.strip() for z in zeile[1].split("|")]
        for spalte, text in enumerate(zellen, start=1):
            if nr == 3 and spalte == 1 and titel is not None:
                text = titel
            if text.isdigit() and not text.startswith("0"):
                ws.cell(nr, spalte, int(text))
            elif text:
                ws.cell(nr, spalte, text)
    wb.save(ziel)
    return ziel


def _ausgabe_aus_doku(beispiel: str) -> list[str]:
    """The lines of the guide's example output for ``zielsteuerung import … --mapping``."""
    abschnitt = DOKU.read_text(encoding="utf-8").split(f"### Beispiel {beispiel}:", 1)[1]
    block = abschnitt.split("$ zielsteuerung import", 1)[1].split("```", 1)[0]
    return [z for z in block.splitlines()[1:] if z and not z.startswith("Datenbestand:")]


def test_the_guide_s_example_a_reads_as_the_guide_says(tmp_path, capsys):
    """Example A as a new user meets it: the workbook of its table, imported without a
    mapping (the guide's message), then with the guide's mapping (the guide's output, the
    Wartezeit and Datenstand taken from the title row)."""
    f = _beispiel_a_mappe(tmp_path / "ba-grunddaten-2023-07.xlsx")
    store = tmp_path / "bestand.sqlite"
    err = refused(capsys, store, f)
    assert "Blatt „Grunddaten“, Zeile 5, Spalte „Jobcenter-Nr.“: Zwei Spalten" in err

    out, err = import_ok(capsys, store, f, mapping=zuordnung_aus_doku("A"))
    for zeile in _ausgabe_aus_doku("A"):
        assert zeile in out + err, zeile
    werte = neueste(store)
    assert werte[(KLEVE, "INT", "frauen", 202307)] == 77.0
    assert werte[(KLEVE, "INT_LZB", "gesamt", 202307)] == 58.0
    assert werte[(KLEVE, "INT_LZB", "frauen", 202307)] is None  # "*"
    assert werte[(KLEVE, "INT_BD", "gesamt", 202307)] is None  # "x"
    assert werte[("05554", "INT", "maenner", 202307)] == 133.0
    with closing(sqlite3.connect(store)) as con:
        assert con.execute("SELECT DISTINCT wartezeit, datenstand FROM grunddaten").fetchall() == [
            ("T3", "2023-11-20")
        ]


@pytest.mark.parametrize(
    ("titel", "wartezeit", "fehler"),
    [
        ("Berichtsmonat Juli 2023, ohne Wartezeit, Datenstand vom 15.08.2023", "T0", None),
        ("Juli 2023, Wartezeit: t-3, Datenstand: 2023-11-20", "T3", None),
        ("Berichtsmonat Juli 2023, Wartezeit 3 Monate", None, "keine Angabe „Datenstand …“"),
        ("Wartezeit 2 Monate, Datenstand 20.11.2023", None, "nicht lesbar: „Wartezeit 2 Monat“"),
        ("Datenstand 20.11.2023, Wartezeit 3 Monate; Datenstand 21.11.2023", None,
         "mehrere Angaben: 20.11.2023 (Zeile 3), 21.11.2023 (Zeile 3)"),
    ],
)  # fmt: skip
def test_values_read_from_the_title_or_the_import_stops_naming_it(
    tmp_path, capsys, titel, wartezeit, fehler
):
    f = _beispiel_a_mappe(tmp_path / "download.xlsx", titel)
    store = tmp_path / "bestand.sqlite"
    if fehler is None:
        import_ok(capsys, store, f, mapping=zuordnung_aus_doku("A"))
        assert neueste(store, wartezeit)[(KLEVE, "INT", "gesamt", 202307)] == 185.0
    else:
        err = refused(capsys, store, f, mapping=zuordnung_aus_doku("A"))
        assert fehler in err and '= "titel" in der Spaltenzuordnung' in err


def test_a_title_month_other_than_the_month_column_stops_the_import(tmp_path, capsys):
    """The mapping reads the Berichtsmonat from the title, and the table has a month column
    too (it counts for its rows): a row of another month than the title's is a mixed file,
    refused with both months named; where all agree, the file is read."""
    f = _beispiel_a_mappe(tmp_path / "download.xlsx")
    mapping = zuordnung_aus_doku("A") + 'berichtsmonat = "titel"\n'
    store = tmp_path / "bestand.sqlite"
    import_ok(capsys, store, f, mapping=mapping)

    wb = openpyxl.load_workbook(f)
    wb["Grunddaten"]["D7"] = "08/2023"
    wb.save(gemischt := tmp_path / "gemischt.xlsx")
    err = refused(capsys, tmp_path / "neu.sqlite", gemischt, mapping=mapping)
    assert (
        "Spalte „Berichtsmonat“: Der Titel nennt Berichtsmonat Juli 2023 (Zeile 3), die Spalte "
        "aber auch August 2023." in err
    )


def test_a_folder_is_imported_as_the_ribbon_reads_the_datenordner(tmp_path, capsys):
    """``zielsteuerung import ORDNER``: the folder's .csv and .xlsx files (not Excel's lock
    file), each with the mapping beside it, which the summary names; an empty folder is an
    error that says so."""
    ordner = tmp_path / "datenordner"
    ordner.mkdir()
    kopf = "traeger_id;berichtsmonat;merkmal;{wert};wartezeit;datenstand\n"
    schreibe_datei(
        ordner / "juli.csv", kopf.format(wert="Fälle") + "05154;2023-07;INT;185;T3;2023-11-20\n"
    )
    schreibe_datei(ordner / "juli.toml", '[spalten]\n"Fälle" = "wert"\n')
    schreibe_datei(
        ordner / "august.csv", kopf.format(wert="wert") + "05154;2023-08;INT;170;T3;2023-12-20\n"
    )
    schreibe_datei(ordner / "~$juli.xlsx", b"\x0bMax Muster")
    store = tmp_path / "bestand.sqlite"
    out, _ = import_ok(capsys, store, ordner)
    assert "juli.csv: 1 Wert geprüft, 1 neu gespeichert.\n  Spaltenzuordnung: juli.toml" in out
    assert "august.csv: 1 Wert geprüft" in out and "~$" not in out
    assert neueste(store) == {
        (KLEVE, "INT", "gesamt", 202307): 185.0,
        (KLEVE, "INT", "gesamt", 202308): 170.0,
    }
    (leer := tmp_path / "leer").mkdir()
    rc, _, err = importieren(capsys, store, leer)
    assert rc == 2 and f"Im Ordner {leer} liegen keine .csv- oder .xlsx-Dateien." in err


def test_a_blank_counts_only_as_a_thousands_separator(tmp_path, capsys):
    """ "1 234" and "1 234 567" group thousands with a blank; "12 34" is a typo, not 1234."""
    kopf = "traeger_id;berichtsmonat;merkmal;wert;wartezeit;datenstand\n"
    f = schreibe_datei(
        tmp_path / "grunddaten.csv",
        kopf + "05154;2023-01;ELB;10 512;T3;2023-05-20\n05154;2023-02;LLU;1 234 567,50;T3;"
        "2023-06-20\n",
    )
    store = tmp_path / "bestand.sqlite"
    import_ok(capsys, store, f)
    werte = neueste(store)
    assert werte[(KLEVE, "ELB", "gesamt", 202301)] == 10512.0
    assert werte[(KLEVE, "LLU", "gesamt", 202302)] == 1234567.5
    falsch = schreibe_datei(
        tmp_path / "tippfehler.csv", kopf + "05154;2023-03;ELB;105 12;T3;2023-07-20\n"
    )
    assert "Wert „105 12“ ist keine Zahl." in refused(capsys, tmp_path / "neu.sqlite", falsch)
    # a blank after a decimal mark groups nothing: "1.200 000" is no 1,2, and a no-break
    # space as some exports write it obeys the same rule as a blank
    for wert in ("1.200 000", "105\u00a012", "1 234.567,5"):
        falsch.write_text(kopf + f"05154;2023-03;ELB;{wert};T3;2023-07-20\n", encoding="utf-8")
        assert f"Wert „{wert}“ ist keine Zahl." in refused(capsys, tmp_path / "neu.sqlite", falsch)
    assert not (tmp_path / "neu.sqlite").exists()


def test_a_traeger_named_once_for_a_group_of_rows_is_said_so(tmp_path, capsys):
    """A table that names its Träger once over the rows of the genders, in a merged cell: the
    rows below hold no Träger. Said as an empty cell with the fix, not as the unknown Träger
    „“ with the advice to ignore ""."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["traeger_id", "berichtsmonat", "merkmal", "geschlecht", "wert", "wartezeit"])
    for g, wert in (("gesamt", 185), ("frauen", 80), ("maenner", 105)):
        ws.append(["05154" if g == "gesamt" else None, "2023-07", "INT", g, wert, "T3"])
    ws.merge_cells("A2:A4")
    datei = tmp_path / "gruppiert.xlsx"
    wb.save(datei)
    err = refused(capsys, tmp_path / "bestand.sqlite", datei)
    for zeile in (3, 4):
        assert (
            f"gruppiert.xlsx, Zeile {zeile}, Spalte „traeger_id“: Die Zelle ist leer; jede Zeile "
            "braucht ihren eigenen Wert." in err
        )
    assert "„“" not in err and '"" = "ignorieren"' not in err
