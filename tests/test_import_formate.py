"""Importer, good inputs: every supported layout ends up as the same base figures in the store.

Each test writes a tiny file into tmp_path, runs the real command line
(``zielsteuerung import FILE --store S [--mapping M]``) and reads back what was stored.
"""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
from contextlib import closing
from pathlib import Path

import openpyxl
import pytest

from zielsteuerung.daten.datenbestand import Datenbestand
from zielsteuerung.daten.lesen import datei_lesen
from zielsteuerung.daten.sammler import Sammler
from zielsteuerung.daten.zuordnung import Spaltenzuordnung

from conftest import gespeicherte_werte, importieren, neueste, schreibe_datei

KLEVE = "05154"

# --- helpers ---------------------------------------------------------------------------------


def xlsx_bytes(rows: list[list[object]], first_row: int = 1) -> bytes:
    """A one-sheet workbook with `rows` starting at sheet row `first_row`."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is not None:
                ws.cell(row=first_row + i, column=j + 1, value=value)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def import_ok(capsys, tmp_path: Path, *files: Path, mapping: str | None = None):
    store = tmp_path / "bestand.sqlite"
    rc, out, err = importieren(capsys, store, *files, mapping=mapping)
    assert rc == 0, err
    assert "Fehler" not in err
    return store, out, err


def stored_rows(store: Path) -> list[tuple]:
    """Every stored value: (traeger_id, merkmal, geschlecht, wartezeit, monat, datenstand, wert,
    fehlkennzeichen), sorted."""
    return sorted((w[:8] for w in gespeicherte_werte(store)), key=repr)


def count(store: Path, table: str = "werte") -> int:
    """Values stored, or rows of another table."""
    if table == "werte":
        return len(gespeicherte_werte(store))
    with closing(sqlite3.connect(store)) as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def traeger_namen(store: Path) -> dict[str, str]:
    with Datenbestand(store) as db:
        return db.traeger_namen()


# --- canonical long format -------------------------------------------------------------------

LONG_HEADER = ["traeger_id", "traeger_name", "berichtsmonat", "merkmal", "geschlecht", "wert"]
LONG_HEADER += ["wartezeit", "datenstand"]


def long_csv(sep: str, values: tuple[str, str, str], name: str = "Kreis Düren") -> str:
    """Three rows of the canonical long format for Kreis Düren (05358), T0, 2023-11-20."""
    rows = [
        ["05358", name, "2023-07", "INT", "frauen", values[0], "T0", "2023-11-20"],
        ["05358", name, "2023-07", "LLU", "gesamt", values[1], "T0", "2023-11-20"],
        ["05358", name, "2023-08", "ELB", "maenner", values[2], "T0", "2023-11-20"],
    ]
    return "\n".join(sep.join(r) for r in [LONG_HEADER, *rows]) + "\n"


@pytest.mark.parametrize(
    ("encoding", "sep", "values"),
    [
        pytest.param("utf-8", ";", ("185", "1.234,5", "5100"), id="utf8-semicolon-komma"),
        pytest.param("utf-8-sig", ";", ("185", "1234,5", "5100"), id="utf8-bom-semicolon"),
        pytest.param("cp1252", ";", ("185", "1.234,5", "5100"), id="cp1252-semicolon-komma"),
        pytest.param("utf-8", ",", ("185", "1234.5", "5100"), id="utf8-comma-punkt"),
        pytest.param("utf-8", ",", ("185", '"1.234,5"', "5100"), id="utf8-comma-quoted-komma"),
        pytest.param("utf-8", ";", ("185.0", "1234.5", "5100.0"), id="utf8-semicolon-punkt"),
        pytest.param("cp1252", ",", ("185", "1234.5", "5100"), id="cp1252-comma-punkt"),
    ],
)
def test_canonical_long_csv(tmp_path, capsys, encoding, sep, values):
    f = schreibe_datei(tmp_path / "grunddaten.csv", long_csv(sep, values), encoding)
    store, out, _ = import_ok(capsys, tmp_path, f)
    assert "grunddaten.csv" in out
    assert neueste(store, "T0") == {
        ("05358", "INT", "frauen", 202307): 185.0,
        ("05358", "LLU", "gesamt", 202307): 1234.5,
        ("05358", "ELB", "maenner", 202308): 5100.0,
    }
    assert neueste(store, "T3") == {}
    assert {r[5] for r in stored_rows(store)} == {"2023-11-20"}
    # the umlaut survives whichever encoding the file used
    assert traeger_namen(store) == {"05358": "Kreis Düren"}


def test_optional_columns_absent_default_to_t3_and_gesamt(tmp_path, capsys):
    f = schreibe_datei(
        tmp_path / "kurz.csv",
        "traeger_id;berichtsmonat;merkmal;wert\n05154;2023-01;INT;210\n05154;2023-01;ELB;10600\n",
    )
    store, _, _ = import_ok(capsys, tmp_path, f)
    assert neueste(store, "T3") == {
        (KLEVE, "INT", "gesamt", 202301): 210.0,
        (KLEVE, "ELB", "gesamt", 202301): 10600.0,
    }
    assert neueste(store, "T0") == {}


def test_canonical_xlsx(tmp_path, capsys):
    rows = [
        LONG_HEADER,
        [KLEVE, "Kreis Kleve", "2023-07", "INT", "frauen", 185, "T0", "2023-11-20"],
        # a month and a Datenstand typed as Excel dates
        [
            KLEVE,
            "Kreis Kleve",
            dt.datetime(2023, 8, 1),
            "INT",
            "frauen",
            190.5,
            "T0",
            dt.datetime(2023, 11, 20),
        ],
        [KLEVE, "Kreis Kleve", "2023-09", "INT", "frauen", "*", "T0", "2023-11-20"],
        [KLEVE, "Kreis Kleve", "2023-10", "INT", "frauen", None, "T0", "2023-11-20"],
    ]
    f = schreibe_datei(tmp_path / "grunddaten.xlsx", xlsx_bytes(rows))
    store, _, _ = import_ok(capsys, tmp_path, f)
    assert neueste(store, "T0") == {
        (KLEVE, "INT", "frauen", 202307): 185.0,
        (KLEVE, "INT", "frauen", 202308): 190.5,
        (KLEVE, "INT", "frauen", 202309): None,
        (KLEVE, "INT", "frauen", 202310): None,
    }
    assert {r[5] for r in stored_rows(store)} == {"2023-11-20"}
    assert traeger_namen(store) == {KLEVE: "Kreis Kleve"}


# --- BA-style headers and Träger -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "Regionalschlüssel;Berichtsmonat;Merkmal;Geschlecht;Wert\n"
            "05154;2023-07;INT;Frauen;185\n05154;2023-07;ELB;Männer;5100\n",
            id="regionalschluessel-berichtsmonat-wert",
        ),
        pytest.param(
            "Jobcenter;Monat;Indikator;Geschlecht;Anzahl\n"
            "t38704;Juli 2023;Integrationen;weiblich;185\n"
            "t38704;07/2023;Erwerbsfähige Leistungsberechtigte;männlich;5100\n",
            id="jobcenter-nummer-monat-anzahl",
        ),
        pytest.param(
            "Kreis,Stichtag,Kennzahl,Geschlecht,Anzahl\n"
            "Kreis Kleve,31.07.2023,INT,Frauen,185\nKreis Kleve,31.07.2023,ELB,Männer,5100\n",
            id="kreisname-stichtag-kennzahl",
        ),
    ],
)
def test_ba_style_headers_and_traeger_names(tmp_path, capsys, text):
    f = schreibe_datei(tmp_path / "ba.csv", text)
    store, _, _ = import_ok(capsys, tmp_path, f)
    assert neueste(store) == {
        (KLEVE, "INT", "frauen", 202307): 185.0,
        (KLEVE, "ELB", "maenner", 202307): 5100.0,
    }


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_title_rows_above_header_are_skipped(tmp_path, capsys, kind):
    rows = [
        ["Statistik der Bundesagentur für Arbeit"],
        ["Grundsicherung für Arbeitsuchende, Datenstand November 2023"],
        [],
        ["Jobcenter", "Berichtsmonat", "Merkmal", "Anzahl"],
        ["t38704", "2023-07", "INT", "185"],
        ["t38704", "2023-08", "INT", "190"],
    ]
    if kind == "csv":
        f = schreibe_datei(tmp_path / "ba.csv", "".join(";".join(r) + "\n" for r in rows))
    else:
        f = schreibe_datei(tmp_path / "ba.xlsx", xlsx_bytes(rows))
    store, _, _ = import_ok(capsys, tmp_path, f)
    assert neueste(store) == {
        (KLEVE, "INT", "gesamt", 202307): 185.0,
        (KLEVE, "INT", "gesamt", 202308): 190.0,
    }


# --- wide tables -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "months",
    [
        ["2023-01", "2023-02", "2023-03"],
        ["Jan 2023", "Feb 2023", "Mär 2023"],
        ["Januar 2023", "Februar 2023", "März 2023"],
    ],
    ids=["iso", "abgekuerzt", "ausgeschrieben"],
)
def test_wide_one_column_per_month(tmp_path, capsys, months):
    f = schreibe_datei(
        tmp_path / "monate.csv",
        f"Jobcenter;Merkmal;{';'.join(months)}\nt38704;INT;210;*;230\n05154;ELB;10500;10600;-\n",
    )
    store, _, _ = import_ok(capsys, tmp_path, f)
    assert neueste(store) == {
        (KLEVE, "INT", "gesamt", 202301): 210.0,
        (KLEVE, "INT", "gesamt", 202302): None,
        (KLEVE, "INT", "gesamt", 202303): 230.0,
        (KLEVE, "ELB", "gesamt", 202301): 10500.0,
        (KLEVE, "ELB", "gesamt", 202302): 10600.0,
        (KLEVE, "ELB", "gesamt", 202303): None,
    }


def test_wide_one_column_per_merkmal(tmp_path, capsys):
    f = schreibe_datei(
        tmp_path / "merkmale.csv",
        "Regionalschlüssel;Berichtsmonat;Integrationen;"
        "Erwerbsfähige Leistungsberechtigte (eLb);LZB\n"
        "05154;2023-01;210;10500;*\n05154;2023-02;190;10600;6850\n",
    )
    store, _, _ = import_ok(capsys, tmp_path, f)
    assert neueste(store) == {
        (KLEVE, "INT", "gesamt", 202301): 210.0,
        (KLEVE, "ELB", "gesamt", 202301): 10500.0,
        (KLEVE, "LZB", "gesamt", 202301): None,
        (KLEVE, "INT", "gesamt", 202302): 190.0,
        (KLEVE, "ELB", "gesamt", 202302): 10600.0,
        (KLEVE, "LZB", "gesamt", 202302): 6850.0,
    }


ECKWERTE = (
    "period,Arbeitslose (Bestand),Bedarfsgemeinschaften,"
    "Erwerbsfähige Leistungsberechtigte (ELB)\n"
    "2025-01-01,1470.0,2797.30338102,3730.59085177\n"
    "2025-02-01,1382.0,*,3710.0\n"
)


@pytest.mark.parametrize(
    "mapping",
    [
        pytest.param(
            '[datei]\nunbekannte_spalten = "ignorieren"\n\n'
            '[feste_werte]\ntraeger_id = "09362"\nwartezeit = "T3"\ndatenstand = "2025-06-30"\n',
            id="unbekannte-ignorieren",
        ),
        pytest.param(
            '[spalten]\n"Arbeitslose (Bestand)" = "ignorieren"\n\n'
            '[feste_werte]\ntraeger_id = "09362"\ndatenstand = "2025-06-30"\n',
            id="spalte-ignorieren",
        ),
    ],
)
def test_wide_eckwerte_one_row_per_month_with_fixed_traeger(tmp_path, capsys, mapping):
    """The layout of BA's "Eckwerte für Jobcenter" as processed by third parties."""
    f = schreibe_datei(tmp_path / "eckwerte.csv", ECKWERTE)
    store, _, _ = import_ok(capsys, tmp_path, f, mapping=mapping)
    assert neueste(store) == {
        ("09362", "BG", "gesamt", 202501): pytest.approx(2797.30338102),
        ("09362", "ELB", "gesamt", 202501): pytest.approx(3730.59085177),
        ("09362", "BG", "gesamt", 202502): None,
        ("09362", "ELB", "gesamt", 202502): 3710.0,
    }
    assert {r[5] for r in stored_rows(store)} == {"2025-06-30"}


def test_wide_gender_columns(tmp_path, capsys):
    f = schreibe_datei(
        tmp_path / "geschlecht.csv",
        "Jobcenter;Berichtsmonat;Merkmal;Frauen;Männer;Insgesamt;Wartezeit;Datenstand\n"
        "t38704;2023-01;INT;90;120;210;T3;2023-05-20\n"
        "t38704;2023-01;ELB;5300;5300;10600;T3;2023-05-20\n",
    )
    store, _, err = import_ok(capsys, tmp_path, f)
    assert "Warnung" not in err
    assert neueste(store) == {
        (KLEVE, "INT", "frauen", 202301): 90.0,
        (KLEVE, "INT", "maenner", 202301): 120.0,
        (KLEVE, "INT", "gesamt", 202301): 210.0,
        (KLEVE, "ELB", "frauen", 202301): 5300.0,
        (KLEVE, "ELB", "maenner", 202301): 5300.0,
        (KLEVE, "ELB", "gesamt", 202301): 10600.0,
    }


def test_wide_zaehler_nenner_with_kennzahl_column(tmp_path, capsys):
    f = schreibe_datei(
        tmp_path / "quoten.csv",
        "Regionalschlüssel;Berichtsmonat;Kennzahl;Zähler;Nenner\n"
        "05154;2023-01;K2;210;10600\n05154;2023-01;K3E1;58;6900\n"
        "05154;2023-02;K2;190;10650\n",
    )
    store, _, _ = import_ok(capsys, tmp_path, f)
    assert neueste(store) == {
        (KLEVE, "INT", "gesamt", 202301): 210.0,
        (KLEVE, "ELB", "gesamt", 202301): 10600.0,
        (KLEVE, "INT_LZB", "gesamt", 202301): 58.0,
        (KLEVE, "LZB", "gesamt", 202301): 6900.0,
        (KLEVE, "INT", "gesamt", 202302): 190.0,
        (KLEVE, "ELB", "gesamt", 202302): 10650.0,
    }


# --- column mapping file ---------------------------------------------------------------------


def test_mapping_renames_columns_sets_fixed_values_and_aliases(tmp_path, capsys):
    f = schreibe_datei(
        tmp_path / "fachverfahren.csv",
        "Gebiet;Zeitraum von;Größe;Fälle;Bearbeiter\n"
        "JC Kleve;2023-01;Integr. gesamt;210;Meier\n"
        "JC Kleve;2023-01;eLb-Bestand;10600;Meier\n",
    )
    mapping = """
[spalten]
Gebiet = "traeger_id"
"Zeitraum von" = "berichtsmonat"
"Größe" = "merkmal"
"Fälle" = "wert"
Bearbeiter = "ignorieren"

[feste_werte]
wartezeit = "T0"
datenstand = "2023-02-15"

[merkmale]
"Integr. gesamt" = "INT"
"eLb-Bestand" = "ELB"

[traeger]
"JC Kleve" = "05154"
"""
    store, _, _ = import_ok(capsys, tmp_path, f, mapping=mapping)
    assert neueste(store, "T0") == {
        (KLEVE, "INT", "gesamt", 202301): 210.0,
        (KLEVE, "ELB", "gesamt", 202301): 10600.0,
    }
    assert {r[5] for r in stored_rows(store)} == {"2023-02-15"}


def test_mapping_value_columns_fix_merkmal_and_geschlecht(tmp_path, capsys):
    f = schreibe_datei(
        tmp_path / "export.csv",
        "Jobcenter;Monat;eLb weiblich;eLb männlich;Integr. (Fr.)\nt38704;2023-03;5300;5350;100\n",
    )
    mapping = """
[spalten]
"eLb weiblich" = { merkmal = "ELB", geschlecht = "frauen" }
"eLb männlich" = { merkmal = "ELB", geschlecht = "maenner" }
"Integr. (Fr.)" = { merkmal = "INT", geschlecht = "frauen" }
"""
    store, _, _ = import_ok(capsys, tmp_path, f, mapping=mapping)
    assert neueste(store) == {
        (KLEVE, "ELB", "frauen", 202303): 5300.0,
        (KLEVE, "ELB", "maenner", 202303): 5350.0,
        (KLEVE, "INT", "frauen", 202303): 100.0,
    }


def test_mapping_own_kennzahl_with_zaehler_nenner_columns(tmp_path, capsys):
    f = schreibe_datei(
        tmp_path / "quoten.csv",
        "Jobcenter;Monat;Quote;Integrationen;Bezugsgröße\n"
        "t38704;2023-03;K2-JC;230;10650\nt38704;2023-03;LZB-Quote;66;6800\n",
    )
    mapping = """
[spalten]
Quote = "merkmal"
Integrationen = { rolle = "zaehler" }
"Bezugsgröße" = { rolle = "nenner" }

[kennzahlen]
"K2-JC" = { zaehler = "INT", nenner = "ELB" }
"LZB-Quote" = { zaehler = "INT_LZB", nenner = "LZB" }
"""
    store, _, _ = import_ok(capsys, tmp_path, f, mapping=mapping)
    assert neueste(store) == {
        (KLEVE, "INT", "gesamt", 202303): 230.0,
        (KLEVE, "ELB", "gesamt", 202303): 10650.0,
        (KLEVE, "INT_LZB", "gesamt", 202303): 66.0,
        (KLEVE, "LZB", "gesamt", 202303): 6800.0,
    }


def test_mapping_decimal_comma_reads_german_thousands(tmp_path, capsys):
    f = schreibe_datei(
        tmp_path / "bestand.csv",
        "traeger_id;berichtsmonat;merkmal;wert\n05154;2023-01;ELB;10.512\n05154;2023-02;INT;185\n",
    )
    store, _, _ = import_ok(capsys, tmp_path, f, mapping='[datei]\ndezimalzeichen = ","\n')
    assert neueste(store) == {
        (KLEVE, "ELB", "gesamt", 202301): 10512.0,
        (KLEVE, "INT", "gesamt", 202302): 185.0,
    }


def test_german_thousands_without_decimal_comma_not_misread(tmp_path, capsys):
    f = schreibe_datei(
        tmp_path / "bestand.csv",
        "Regionalschlüssel;Berichtsmonat;Merkmal;Anzahl\n05154;2023-01;ELB;10.512\n"
        "05154;2023-02;INT;185\n",
    )
    store, _, _ = import_ok(capsys, tmp_path, f)
    assert neueste(store) == {
        (KLEVE, "ELB", "gesamt", 202301): 10512.0,  # never 10.512
        (KLEVE, "INT", "gesamt", 202302): 185.0,
    }


def test_trailing_separator_on_data_rows(tmp_path, capsys):
    f = schreibe_datei(
        tmp_path / "export.csv",
        "traeger_id;berichtsmonat;merkmal;wert\n05154;2023-01;INT;210;\n05154;2023-02;INT;190;\n",
    )
    store, _, _ = import_ok(capsys, tmp_path, f)
    assert neueste(store) == {
        (KLEVE, "INT", "gesamt", 202301): 210.0,
        (KLEVE, "INT", "gesamt", 202302): 190.0,
    }


# --- missing values --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_suppression_and_missing_markers_stay_missing(tmp_path, capsys, kind):
    markers = ["*", "-", "x", ".", ""]
    rows = [["traeger_id", "berichtsmonat", "merkmal", "wert"]]
    rows += [[KLEVE, f"2023-{m:02d}", "INT", marker] for m, marker in enumerate(markers, 1)]
    rows += [[KLEVE, "2023-06", "INT", "0"]]  # a real zero stays a zero
    if kind == "csv":
        f = schreibe_datei(tmp_path / "fehlwerte.csv", "".join(";".join(r) + "\n" for r in rows))
    else:
        f = schreibe_datei(tmp_path / "fehlwerte.xlsx", xlsx_bytes(rows))
    store, _, _ = import_ok(capsys, tmp_path, f)
    werte = neueste(store)
    assert werte == {(KLEVE, "INT", "gesamt", 202301 + i): None for i in range(5)} | {
        (KLEVE, "INT", "gesamt", 202306): 0.0
    }
    # the marker the file used is kept beside the missing value
    kennzeichen = {r[4]: r[7] for r in stored_rows(store)}
    assert [kennzeichen[202301 + i] for i in range(4)] == ["*", "-", "x", "."]
    assert kennzeichen[202305] is not None
    assert kennzeichen[202306] is None


# --- vintages and re-import ------------------------------------------------------------------


@pytest.mark.parametrize("second_name", ["grunddaten.csv", "kopie.csv"])
def test_reimport_of_same_content_adds_nothing(tmp_path, capsys, second_name):
    text = "traeger_id;berichtsmonat;merkmal;wert\n05154;2023-01;INT;210\n05154;2023-02;INT;190\n"
    first = schreibe_datei(tmp_path / "grunddaten.csv", text)
    store, out, _ = import_ok(capsys, tmp_path, first)
    assert "bereits importiert" not in out
    assert (count(store), count(store, "importe")) == (2, 1)
    second = schreibe_datei(tmp_path / second_name, text)
    rc, out, err = importieren(capsys, store, second)
    assert rc == 0, err
    assert f"{second_name}: bereits importiert" in out
    assert (count(store), count(store, "importe")) == (2, 1)


def vintage_file(path: Path, datenstand: str, wert: str) -> Path:
    return schreibe_datei(
        path,
        "traeger_id;berichtsmonat;merkmal;wert;wartezeit;datenstand\n"
        f"05154;2023-07;INT;{wert};T0;{datenstand}\n05154;2023-06;INT;200;T0;{datenstand}\n",
    )


@pytest.mark.parametrize("newer_first", [False, True], ids=["older-first", "newer-first"])
def test_newer_vintage_kept_beside_older(tmp_path, capsys, newer_first):
    older = vintage_file(tmp_path / "stand-august.csv", "2023-08-20", "185")
    newer = vintage_file(tmp_path / "stand-september.csv", "2023-09-20", "191")
    store = tmp_path / "bestand.sqlite"
    for f in (newer, older) if newer_first else (older, newer):
        rc, _, err = importieren(capsys, store, f)
        assert rc == 0, err
    july = [r for r in stored_rows(store) if r[4] == 202307]
    assert [(r[5], r[6]) for r in july] == [("2023-08-20", 185.0), ("2023-09-20", 191.0)]
    assert neueste(store, "T0") == {
        (KLEVE, "INT", "gesamt", 202307): 191.0,
        (KLEVE, "INT", "gesamt", 202306): 200.0,
    }


# --- warnings that still import --------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_traeger_id_without_leading_zero_is_repaired_with_warning(tmp_path, capsys, kind):
    rows = [["traeger_id", "berichtsmonat", "merkmal", "wert"], [5154, "2023-01", "INT", 210]]
    if kind == "csv":
        f = schreibe_datei(
            tmp_path / "excel.csv", "".join(";".join(map(str, r)) + "\n" for r in rows)
        )
    else:
        f = schreibe_datei(
            tmp_path / "excel.xlsx", xlsx_bytes(rows)
        )  # a number cell, as Excel makes it
    store, _, err = import_ok(capsys, tmp_path, f)
    assert neueste(store) == {(KLEVE, "INT", "gesamt", 202301): 210.0}
    warnung = [line for line in err.splitlines() if "führende Null" in line]
    assert len(warnung) == 1
    assert f"excel.{kind}" in warnung[0]
    assert "05154" in warnung[0]


def test_a_file_with_traeger_ids_of_digits_is_read_once_and_as_written():
    """Every download gives its Träger IDs as digits ("05154"). The reader takes them as text
    from the first block on: the file is not read a second time to get them right."""

    class Zaehler(io.BytesIO):
        gelesen = 0

        def read(self, n: int | None = -1) -> bytes:
            block = super().read(n)
            self.gelesen += len(block)
            return block

    traeger = ["5154", *(f"{n:05d}" for n in range(5100, 5300))]  # a few MB
    zeilen = [
        f"{t};{jahr}-{monat:02d};INT;{geschlecht};{100 + monat}\n"
        for t in traeger
        for jahr in range(2000, 2025)
        for monat in range(1, 13)
        for geschlecht in ("gesamt", "frauen", "maenner")
    ]
    inhalt = ("traeger_id;berichtsmonat;merkmal;geschlecht;wert\n" + "".join(zeilen)).encode()
    datei = Zaehler(inhalt)
    gelesen = datei_lesen(
        Path("eckwerte.csv"), datei, len(inhalt), Sammler("eckwerte.csv"), Spaltenzuordnung()
    )
    assert sorted(gelesen.roh[0].unique()) == sorted(traeger)
    assert len(gelesen.roh) == len(zeilen)
    assert datei.gelesen < 1.5 * len(inhalt)


def test_gesamt_not_sum_of_frauen_and_maenner_imports_with_warning(tmp_path, capsys):
    f = schreibe_datei(
        tmp_path / "summen.csv",
        "traeger_id;berichtsmonat;merkmal;geschlecht;wert;wartezeit;datenstand\n"
        "05154;2023-01;INT;frauen;90;T3;2023-05-20\n05154;2023-01;INT;maenner;120;T3;2023-05-20\n"
        "05154;2023-01;INT;gesamt;215;T3;2023-05-20\n"
        "05154;2023-02;INT;frauen;85;T3;2023-06-20\n05154;2023-02;INT;maenner;105;T3;2023-06-20\n"
        "05154;2023-02;INT;gesamt;190;T3;2023-06-20\n",
    )
    store, _, err = import_ok(capsys, tmp_path, f)
    warnungen = [line for line in err.splitlines() if line.startswith("Warnung")]
    assert len(warnungen) == 1
    assert "summen.csv" in warnungen[0]
    assert "gesamt" in warnungen[0]
    assert "2023-01" in warnungen[0]
    assert "2023-02" not in warnungen[0]
    assert neueste(store)[(KLEVE, "INT", "gesamt", 202301)] == 215.0  # gesamt is the figure used
    assert count(store) == 6
