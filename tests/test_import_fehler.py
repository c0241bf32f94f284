"""Importer, bad inputs: exit code 2, a German message naming file and row, store unchanged.

Every case is run twice through the real command line: once against a store that does not
exist yet (it must not be created) and once against a store holding a valid import (it must
stay byte for byte the same).
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from zielsteuerung.cli import main

from conftest import ordner_abbild

H = "traeger_id;berichtsmonat;merkmal;geschlecht;wert\n"
OK = "05154;2023-01;INT;gesamt;210\n"  # a valid data row (Zeile 2 after H)

# --- helpers ---------------------------------------------------------------------------------


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def with_macros(xlsx: bytes) -> bytes:
    """The workbook turned into a macro-enabled one: vbaProject.bin and macroEnabled type."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                )
                data = data.replace(
                    b"<Default ",
                    b'<Default Extension="bin" '
                    b'ContentType="application/vnd.ms-office.vbaProject"/><Default ',
                    1,
                )
                assert b"macroEnabled" in data
            dst.writestr(item, data)
        dst.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    return out.getvalue()


def zip_bytes(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


VALID_XLSX = xlsx_bytes(
    [["traeger_id", "berichtsmonat", "merkmal", "wert"], ["05154", "2023-01", "INT", 210]]
)


def run_import(capsys, store: Path, *files: Path, mapping: Path | None = None):
    args = ["import", *map(str, files), "--store", str(store)]
    if mapping is not None:
        args += ["--mapping", str(mapping)]
    rc = main(args)
    out, err = capsys.readouterr()
    return rc, out, err


def store_with_data(tmp_path: Path, capsys) -> Path:
    folder = tmp_path / "bestand"
    folder.mkdir()
    valid = tmp_path / "gueltig.csv"
    valid.write_text(
        "traeger_id;berichtsmonat;merkmal;wert;datenstand\n05154;2022-12;ELB;10500;2023-01-20\n",
        encoding="utf-8",
    )
    store = folder / "bestand.sqlite"
    rc, _, err = run_import(capsys, store, valid)
    assert rc == 0, err
    return store


def assert_rejected(tmp_path: Path, capsys, *files: Path, mapping: Path | None = None):
    """Run the import against a missing and then an existing store; both must refuse with
    exit code 2 and change nothing. Yields stderr of each run for further checks."""
    empty = tmp_path / "neu"
    empty.mkdir()
    rc, out, err = run_import(capsys, empty / "bestand.sqlite", *files, mapping=mapping)
    assert rc == 2, err
    assert list(empty.iterdir()) == [], "a refused import must not create the store"
    assert "gespeichert" not in out
    yield err

    store = store_with_data(tmp_path, capsys)
    before = ordner_abbild(store.parent)
    rc, out, err = run_import(capsys, store, *files, mapping=mapping)
    assert rc == 2, err
    assert ordner_abbild(store.parent) == before, "a refused import must leave the store unchanged"
    assert "gespeichert" not in out
    yield err


def check_message(err: str) -> None:
    assert "Fehler: " in err
    assert "Traceback" not in err and "Interner Fehler" not in err


def zeilen(err: str, datei: str) -> set[int]:
    """Row numbers named for `datei` in the messages."""
    return {int(n) for n in re.findall(rf"{re.escape(datei)}, Zeile (\d+)", err)}


# --- one bad input per file ------------------------------------------------------------------

WT = "traeger_id;berichtsmonat;merkmal;wert;wartezeit;datenstand\n"
CASES = [
    # id, file name, content, rows named, German phrases expected, marks
    (
        "unbekanntes-merkmal",
        "m.csv",
        H + OK + "05154;2023-02;Integrationen XYZ;gesamt;190\n",
        {3},
        ["Merkmal", "„Integrationen XYZ“", "unbekannt"],
        [],
    ),
    (
        "monat-13",
        "m.csv",
        H + OK + "05154;2023-13;INT;gesamt;190\n",
        {3},
        ["Berichtsmonat", "„2023-13“", "nicht lesbar"],
        [],
    ),
    (
        "monat-ohne-jahr",
        "m.csv",
        H + OK + "05154;Juli;INT;gesamt;190\n",
        {3},
        ["Berichtsmonat", "„Juli“", "nicht lesbar"],
        [],
    ),
    (
        "keine-zahl",
        "m.csv",
        H + OK + "05154;2023-02;INT;gesamt;zwölf\n",
        {3},
        ["„zwölf“", "keine Zahl"],
        [],
    ),
    (
        "negativ",
        "m.csv",
        H + OK + "05154;2023-02;INT;gesamt;-5\n",
        {3},
        ["Negativer Wert", "-5"],
        [],
    ),
    (
        "doppelt",
        "m.csv",
        H + OK + "05154;2023-02;INT;gesamt;190\n05154;2023-01;INT;gesamt;211\n",
        {2},
        ["mehrfach", "Zeilen 2, 4"],
        [],
    ),
    (
        "traeger-name",
        "m.csv",
        H + OK + "Kreis Nirgendwo;2023-02;INT;gesamt;190\n",
        {3},
        ["Träger", "„Kreis Nirgendwo“", "unbekannt"],
        [],
    ),
    (
        "traeger-nummer",
        "m.csv",
        H + OK + "t99999;2023-02;INT;gesamt;190\n",
        {3},
        ["Träger", "„t99999“", "unbekannt"],
        [],
    ),
    (
        "geschlecht",
        "m.csv",
        H + OK + "05154;2023-02;INT;divers;190\n",
        {3},
        ["Geschlecht", "„divers“"],
        [],
    ),
    (
        "wartezeit",
        "m.csv",
        WT + "05154;2023-01;INT;210;T0;\n05154;2023-02;INT;190;T5;\n",
        {3},
        ["Wartezeit", "„T5“"],
        [],
    ),
    (
        "datenstand",
        "m.csv",
        WT + "05154;2023-01;INT;210;T0;2023-02-20\n05154;2023-02;INT;190;T0;gestern\n",
        {3},
        ["Datenstand", "„gestern“", "kein Datum"],
        [],
    ),
    (
        "titelzeilen",
        "m.csv",
        "Integrationen 2023\n\n" + H + OK + "05154;2023-02;FOO;gesamt;1\n",
        {5},
        ["Merkmal", "„FOO“"],
        [],
    ),
    # sheet rows: 1 title, 2 empty, 3 header, 4 valid, 5 bad
    (
        "xlsx-zeile",
        "m.xlsx",
        xlsx_bytes(
            [
                ["Integrationen 2023"],
                [],
                H.strip().split(";"),
                OK.strip().split(";"),
                ["05154", "2023-02", "FOO", "gesamt", 1],
            ]
        ),
        {5},
        ["Merkmal", "„FOO“"],
        [],
    ),
    (
        "breit-monate",
        "m.csv",
        "Jobcenter;Merkmal;Jan 2023;Feb 2023\nt38704;INT;210;zwölf\n",
        {2},
        ["„Feb 2023“", "„zwölf“", "keine Zahl"],
        [],
    ),
    (
        "zu-viele-felder",
        "m.csv",
        H + OK + "05154;2023-02;INT;gesamt;190;7\n",
        {3},
        ["6 Felder statt 5"],
        [],
    ),
    (
        "ueberzaehlige-werte",
        "m.csv",
        H + "05154;2023-01;INT;gesamt;210;7\n05154;2023-02;INT;gesamt;190;8\n",
        {2, 3},
        ["6 Felder statt 5"],
        [],
    ),
    (
        "unbekannte-spalte",
        "m.csv",
        "traeger_id;berichtsmonat;merkmal;wert;Sachbearbeitung\n05154;2023-01;INT;210;Meier\n",
        {1},
        ["Unbekannte Spalte", "„Sachbearbeitung“"],
        [],
    ),
    (
        "keine-wertspalte",
        "m.csv",
        "traeger_id;berichtsmonat;merkmal\n05154;2023-01;INT\n",
        {1},
        ["Keine Spalte mit Werten"],
        [],
    ),
    ("leer-0-bytes", "m.csv", b"", set(), ["leer"], []),
    ("nur-kopfzeile", "m.csv", H, set(), ["keine Datenzeilen"], []),
    (
        "nur-kopfzeile-xlsx",
        "m.xlsx",
        xlsx_bytes([H.strip().split(";")]),
        set(),
        ["keine Datenzeilen"],
        [],
    ),
    ("utf-16", "m.csv", (H + OK).encode("utf-16"), set(), ["UTF-16"], []),
    ("utf-16-ohne-bom", "m.csv", (H + OK).encode("utf-16-le"), set(), ["UTF-16"], []),
    (
        "weder-utf8-noch-cp1252",
        "m.csv",
        (H + OK).encode() + b"05154;2023-02;INT;gesamt;1\x81\n",
        {3},
        ["Zeichenkodierung", "UTF-8", "Windows-1252"],
        [],
    ),
    (
        "pdf",
        "bericht.pdf",
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        set(),
        ["PDF", "weder CSV noch Excel"],
        [],
    ),
    ("binaer", "daten.bin", random.Random(48).randbytes(4096), set(), ["weder CSV noch Excel"], []),
    (
        "xls",
        "alt.xls",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048),
        set(),
        [".xls", ".xlsx"],
        [],
    ),
    ("xlsm", "makros.xlsm", with_macros(VALID_XLSX), set(), ["Makros"], []),
    ("xlsm-als-xlsx", "getarnt.xlsx", with_macros(VALID_XLSX), set(), ["Makros"], []),
    (
        "zip-kein-excel",
        "tabelle.xlsx",
        zip_bytes({"content.xml": b"<office/>"}),
        set(),
        ["keine Excel-Arbeitsmappe"],
        [],
    ),
    ("zip-kaputt", "kaputt.xlsx", VALID_XLSX[:300], set(), ["beschädigt"], []),
]


@pytest.mark.parametrize(
    ("datei", "inhalt", "erwartete_zeilen", "texte"),
    [pytest.param(*c[1:5], id=c[0], marks=c[5]) for c in CASES],
)
def test_bad_file_is_refused(tmp_path, capsys, datei, inhalt, erwartete_zeilen, texte):
    f = tmp_path / datei
    f.write_bytes(inhalt if isinstance(inhalt, bytes) else inhalt.encode("utf-8"))
    for err in assert_rejected(tmp_path, capsys, f):
        check_message(err)
        assert f"Fehler: {datei}" in err
        assert zeilen(err, datei) == erwartete_zeilen
        for text in texte:
            assert text in err
        assert "Es wurde nichts gespeichert" in err


def test_a_controlling_workbook_is_named_as_such(tmp_path, capsys):
    """Our own workbook (or its ministry copy) in the Datenordner by mistake: said as such,
    not answered with the advice to name one of its sheets in a mapping."""
    mappe = tmp_path / "controlling-2023.xlsx"
    assert main(["vorlage", "-o", str(mappe)]) == 0
    capsys.readouterr()
    for err in assert_rejected(tmp_path, capsys, mappe):
        check_message(err)
        assert (
            "controlling-2023.xlsx: Die Datei ist eine Controlling-Arbeitsmappe von zielsteuerung"
            in err
        )
        assert "blatt =" not in err


# --- many problems at once -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zeilen_text", "erwartet"),
    [
        pytest.param(
            "05154;2023-02;FOO;gesamt;1\n05154;2023-13;INT;gesamt;1\n05154;2023-03;INT;gesamt;x1\n",
            {3: "„FOO“", 4: "„2023-13“", 5: "„x1“"},
            id="verschiedene-fehler",
        ),
        pytest.param(
            "05154;2023-02;INT;gesamt;1\n05154;2023-03;INT;gesamt;1\n05154;2023-04;INT;gesamt;1\n"
            "05154;2023-02;INT;gesamt;2\n05154;2023-03;INT;gesamt;2\n05154;2023-04;INT;gesamt;2\n",
            {3: "2023-02", 4: "2023-03", 5: "2023-04"},
            id="drei-doppelte-schluessel",
        ),
    ],
)
def test_all_problems_of_a_file_reported_at_once(tmp_path, capsys, zeilen_text, erwartet):
    f = tmp_path / "drei.csv"
    f.write_text(H + OK + zeilen_text, encoding="utf-8")
    for err in assert_rejected(tmp_path, capsys, f):
        check_message(err)
        meldungen = [line for line in err.splitlines() if "drei.csv, Zeile" in line]
        assert len(meldungen) == 3
        for (zeile, text), meldung in zip(erwartet.items(), meldungen, strict=True):
            assert f"drei.csv, Zeile {zeile}" in meldung
            assert text in meldung


@pytest.mark.parametrize(
    "zeilen_text",
    [
        pytest.param(
            "".join(f"05154;2023-01;FOO{i};gesamt;1\n" for i in range(60)),
            id="60-unbekannte-merkmale",
        ),
        pytest.param(
            "".join(f"{5100 + i:05d};2023-01;INT;gesamt;1\n" for i in range(60))
            + "".join(f"{5100 + i:05d};2023-01;INT;gesamt;2\n" for i in range(60)),
            id="60-doppelte-schluessel",
        ),
    ],
)
def test_long_problem_list_is_limited(tmp_path, capsys, zeilen_text):
    f = tmp_path / "viele.csv"
    f.write_text(H + zeilen_text, encoding="utf-8")
    for err in assert_rejected(tmp_path, capsys, f):
        check_message(err)
        gezeigt = [line for line in err.splitlines() if "viele.csv, Zeile" in line]
        weitere = re.search(r"(\d+) weitere", err)
        assert weitere, err
        assert 10 <= len(gezeigt) <= 50
        assert len(gezeigt) + int(weitere.group(1)) == 60
        assert len(err.splitlines()) < 60


# --- broken mapping --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("toml", "text"),
    [
        pytest.param("[spalten\nGebiet = 'traeger_id'\n", "kein gültiges TOML", id="kein-toml"),
        pytest.param('[spalten]\nGebiet = "region"\n', "keine Rolle", id="unbekannte-rolle"),
        pytest.param('[spalte]\nGebiet = "traeger_id"\n', "unbekannter Abschnitt", id="abschnitt"),
        pytest.param('[merkmale]\n"Integr." = "INTEGR"\n', "unbekannter Code", id="merkmal-code"),
        pytest.param('[feste_werte]\nwartezeit = "T9"\n', "wartezeit", id="feste-wartezeit"),
        pytest.param('[datei]\ndezimalzeichen = ";"\n', "dezimalzeichen", id="dezimalzeichen"),
    ],
)
def test_broken_mapping_is_refused(tmp_path, capsys, toml, text):
    f = tmp_path / "gut.csv"
    f.write_text(H + OK, encoding="utf-8")
    mapping = tmp_path / "zuordnung-jc.toml"
    mapping.write_text(toml, encoding="utf-8")
    for err in assert_rejected(tmp_path, capsys, f, mapping=mapping):
        check_message(err)
        assert "Spaltenzuordnung" in err
        assert "zuordnung-jc.toml" in err
        assert text in err


def test_missing_mapping_file_is_refused(tmp_path, capsys):
    f = tmp_path / "gut.csv"
    f.write_text(H + OK, encoding="utf-8")
    for err in assert_rejected(tmp_path, capsys, f, mapping=tmp_path / "fehlt.toml"):
        check_message(err)
        assert "fehlt.toml" in err
        assert "nicht gefunden" in err


# --- all or nothing across files and against the store ---------------------------------------


@pytest.mark.parametrize(
    ("zweite", "text"),
    [
        pytest.param(H, "keine Datenzeilen", id="zweite-ohne-daten"),
        pytest.param(
            H + "05154;2023-02;INT;gesamt;1\n05154;2023-02;INT;gesamt;2\n", "mehrfach", id="doppelt"
        ),
        pytest.param(H + "05154;2023-02;INT;gesamt;-1\n", "Negativer Wert", id="negativ"),
        # same vintage (Datenstand) as the first file, another value: found only while storing
        pytest.param(
            H.replace("wert", "wert;datenstand") + "05154;2023-01;INT;gesamt;211;2023-02-20\n",
            "widerspricht",
            id="widerspruch",
        ),
    ],
)
def test_second_bad_file_stores_nothing_from_the_first(tmp_path, capsys, zweite, text):
    first = tmp_path / "januar.csv"
    first.write_text(
        H.replace("wert", "wert;datenstand") + OK.strip() + ";2023-02-20\n", encoding="utf-8"
    )
    second = tmp_path / "februar.csv"
    second.write_text(zweite, encoding="utf-8")
    for err in assert_rejected(tmp_path, capsys, first, second):
        check_message(err)
        assert "februar.csv" in err
        assert text in err


def test_conflict_with_stored_vintage_leaves_store_unchanged(tmp_path, capsys):
    """The store holds ELB 2022-12 of Datenstand 2023-01-20 = 10500 (see store_with_data)."""
    f = tmp_path / "korrektur.csv"
    f.write_text(
        "traeger_id;berichtsmonat;merkmal;wert;datenstand\n"
        "05154;2022-11;ELB;10400;2023-01-20\n05154;2022-12;ELB;10501;2023-01-20\n",
        encoding="utf-8",
    )
    store = store_with_data(tmp_path, capsys)
    before = ordner_abbild(store.parent)
    rc, _, err = run_import(capsys, store, f)
    assert rc == 2, err
    assert ordner_abbild(store.parent) == before
    check_message(err)
    assert "korrektur.csv" in err
    assert "10500" in err and "10501" in err
    assert "(aus gueltig.csv, Import Nr. 1)" in err  # where the stored value came from
    assert "Speichere: fertig" not in err  # the rows written were taken back
    # and what to do with a corrected version
    assert (
        "korrektur.csv: Ist diese Datei eine korrigierte Fassung, sie mit einem späteren "
        "Datenstand importieren, oder den früheren Import entfernen (zielsteuerung bestand "
        "entfernen 1) und sie erneut importieren." in err
    )


def test_storing_is_reported_done_once_and_only_when_committed(tmp_path, capsys):
    """A file that overlaps the store is written twice (straight in, then taken back and
    compared with what is stored): the progress says „fertig“ once, after the commit."""
    store = store_with_data(tmp_path, capsys)
    f = tmp_path / "nachtrag.csv"
    f.write_text(
        "traeger_id;berichtsmonat;merkmal;wert;datenstand\n"
        "05154;2022-11;ELB;10400;2023-01-20\n05154;2022-12;ELB;10500;2023-01-20\n",
        encoding="utf-8",
    )
    rc, out, err = run_import(capsys, store, f)
    assert rc == 0, err
    assert "1 neu gespeichert" in out
    assert err.count("Speichere: fertig") == 1


def test_every_way_of_stopping_leaves_no_thread_behind(tmp_path, capsys):
    """The checksum is computed in a thread beside the reader: a file refused while it is read
    (NUL bytes, a row too long, a broken structure, a bad value) ends that thread too."""
    import threading

    vorher = threading.active_count()
    faelle = {
        "nul.csv": (H + OK).encode() + b"05154;2023-02;INT;gesamt;2\x001\n",
        "felder.csv": (H + OK + "05154;2023-02;INT;gesamt;190;7;8\n").encode(),
        "wert.csv": (H + OK + "05154;2023-02;INT;gesamt;zwölf\n").encode(),
        "leer.csv": b"traeger_id;berichtsmonat\n",
    }
    for name, inhalt in faelle.items():
        (tmp_path / name).write_bytes(inhalt)
        assert main(["import", str(tmp_path / name), "--store", str(tmp_path / "s.sqlite")]) == 2
    capsys.readouterr()
    assert threading.active_count() == vorher
