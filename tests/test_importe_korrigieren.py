"""Correcting an import: the identity of an import is the file's content together with the
mapping it was read with; a corrected mapping replaces the earlier values of that file, and
``bestand entfernen NR`` removes one import after a backup. Stores written by the previous
format are migrated on open, after a backup, in one transaction.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from zielsteuerung.daten.datenbestand import SCHEMA_VERSION, Datenbestand
from zielsteuerung.daten.importer import importiere, pruefe_datei
from zielsteuerung.daten.schreiben import KonfliktGefunden, Lieferung

from conftest import befehl, gespeicherte_werte, neueste

KLEVE = "05154"
FORMAT_1 = Path(__file__).parent / "daten" / "datenbestand-format-1.sqlite"

# A BA-style table whose gender columns a first mapping got the wrong way round.
TABELLE = (
    "Regionalschlüssel;Berichtsmonat;Merkmal;Spalte A;Spalte B\n"
    "05154;2023-01;INT;90;120\n05154;2023-02;INT;85;105\n"
)
ZUORDNUNG = (
    '[spalten]\n"Spalte A" = {{ geschlecht = "{}" }}\n"Spalte B" = {{ geschlecht = "{}" }}\n'
)
FALSCH = ZUORDNUNG.format("maenner", "frauen")
RICHTIG = ZUORDNUNG.format("frauen", "maenner")
KORREKT = {
    (KLEVE, "INT", "frauen", 202301): 90.0,
    (KLEVE, "INT", "maenner", 202301): 120.0,
    (KLEVE, "INT", "frauen", 202302): 85.0,
    (KLEVE, "INT", "maenner", 202302): 105.0,
}


def import_mit(capsys, store: Path, datei: Path, zuordnung: str, name: str) -> tuple[str, str]:
    pfad = store.parent / name
    pfad.write_text(zuordnung, encoding="utf-8")
    rc, out, err = befehl(capsys, "import", datei, "--store", store, "--mapping", pfad)
    assert rc == 0, err
    return out, err


def rows(store: Path) -> list[tuple]:
    """Every stored value (traeger_id, merkmal, geschlecht, wartezeit, monat, datenstand, wert,
    fehlkennzeichen, import_id), sorted: of formats 1 and 2 (one row per value) as well."""
    with closing(sqlite3.connect(store)) as con:
        (version,) = con.execute("SELECT wert FROM meta").fetchone()
        if version in ("1", "2"):
            return sorted(con.execute("SELECT * FROM grunddaten").fetchall(), key=repr)
    return gespeicherte_werte(store)


def bestand_json(capsys, store: Path) -> dict:
    rc, out, err = befehl(capsys, "bestand", "--store", store, "--format", "json")
    assert rc == 0, err
    return json.loads(out)


# --- a corrected mapping replaces the earlier import of the same file --------------------------


def test_same_file_with_a_corrected_mapping_replaces_the_wrong_values(tmp_path, capsys):
    datei = tmp_path / "ba-download.csv"
    datei.write_text(TABELLE, encoding="utf-8")
    store = tmp_path / "bestand.sqlite"
    import_mit(capsys, store, datei, FALSCH, "falsch.toml")
    assert neueste(store) != KORREKT

    out, _ = import_mit(capsys, store, datei, RICHTIG, "richtig.toml")
    assert neueste(store) == KORREKT
    assert "ersetzt" in out and "Nr. 1" in out  # says so
    assert len(rows(store)) == 4  # the wrong values are gone, not kept beside
    importe = bestand_json(capsys, store)["importe"]
    assert [(i["nr"], i["datei"], i["zuordnung_datei"]) for i in importe] == [
        (1, "ba-download.csv", "richtig.toml")
    ]

    # the same file with the same mapping (even under another file name) adds nothing
    out, _ = import_mit(capsys, store, datei, RICHTIG, "nochmal.toml")
    assert "bereits importiert" in out
    assert neueste(store) == KORREKT


def test_a_replacement_keeps_the_vintage_of_the_file_it_corrects(tmp_path, capsys):
    """Files without Datenstand count as produced when imported. A correction of the January
    file must not become newer than the revision imported after it."""
    januar = tmp_path / "januar.csv"
    januar.write_text(TABELLE, encoding="utf-8")
    revision = tmp_path / "revision.csv"
    revision.write_text(
        "Regionalschlüssel;Berichtsmonat;Merkmal;Frauen;Männer\n05154;2023-01;INT;91;121\n",
        encoding="utf-8",
    )
    store = tmp_path / "bestand.sqlite"
    import_mit(capsys, store, januar, FALSCH, "falsch.toml")
    rc, _, err = befehl(capsys, "import", revision, "--store", store)
    assert rc == 0, err
    import_mit(capsys, store, januar, RICHTIG, "richtig.toml")
    werte = neueste(store)
    assert werte[(KLEVE, "INT", "frauen", 202301)] == 91.0  # the revision stays the newest
    assert werte[(KLEVE, "INT", "frauen", 202302)] == 85.0  # the corrected value


def test_a_refused_correction_keeps_the_earlier_import(tmp_path, capsys):
    datei = tmp_path / "ba-download.csv"
    datei.write_text(TABELLE, encoding="utf-8")
    store = tmp_path / "bestand.sqlite"
    import_mit(capsys, store, datei, FALSCH, "falsch.toml")
    vorher = rows(store)
    kaputt = tmp_path / "kaputt.toml"
    kaputt.write_text(RICHTIG + '[merkmale]\n"INT" = "INT"\n[feste_werte]\nwartezeit = "T7"\n')
    rc, _, _ = befehl(capsys, "import", datei, "--store", store, "--mapping", kaputt)
    assert rc == 2
    assert rows(store) == vorher


# --- removing an import ----------------------------------------------------------------------


def test_bestand_entfernen_removes_one_import_after_a_backup(tmp_path, capsys):
    store = tmp_path / "bestand.sqlite"
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("traeger_id;berichtsmonat;merkmal;wert\n05154;2023-01;INT;210\n")
    b.write_text("traeger_id;berichtsmonat;merkmal;wert\n05154;2023-02;INT;190\n")
    for f in (a, b):
        assert befehl(capsys, "import", f, "--store", store)[0] == 0
    nr_a = next(i["nr"] for i in bestand_json(capsys, store)["importe"] if i["datei"] == "a.csv")

    rc, out, err = befehl(capsys, "bestand", "entfernen", nr_a, "--store", store)
    assert rc == 0, err
    sicherung = next(
        Path(w) for w in out.split() if w.endswith(".sqlite") and "sicherung" in w.lower()
    )
    assert sicherung.exists() and sicherung.parent == store.parent
    assert neueste(store) == {(KLEVE, "INT", "gesamt", 202302): 190.0}
    assert [i["datei"] for i in bestand_json(capsys, store)["importe"]] == ["b.csv"]
    assert "1 Wert" in out and "a.csv" in out
    # left in a Datenordner, the file is not imported again by the button: said at once
    assert "Hinweis: Liegt a.csv in einem Datenordner, importieren die Schaltfläche" in out
    assert "nur einzeln: zielsteuerung import a.csv" in out
    # the backup holds the store as it was before
    assert neueste(sicherung) == {
        (KLEVE, "INT", "gesamt", 202301): 210.0,
        (KLEVE, "INT", "gesamt", 202302): 190.0,
    }
    # the removed file can be imported again
    assert befehl(capsys, "import", a, "--store", store)[0] == 0
    assert len(neueste(store)) == 2


def test_bestand_entfernen_of_an_unknown_number_changes_nothing(tmp_path, capsys):
    store = tmp_path / "bestand.sqlite"
    a = tmp_path / "a.csv"
    a.write_text("traeger_id;berichtsmonat;merkmal;wert\n05154;2023-01;INT;210\n")
    assert befehl(capsys, "import", a, "--store", store)[0] == 0
    vorher = sorted(p.name for p in tmp_path.iterdir())
    rc, _, err = befehl(capsys, "bestand", "entfernen", 7, "--store", store)
    assert rc == 2
    assert "Nr. 7" in err and "bestand" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == vorher  # no backup either


def test_bestand_json_lists_every_import_with_its_number(tmp_path, capsys):
    store = tmp_path / "bestand.sqlite"
    a = tmp_path / "a.csv"
    a.write_text("traeger_id;berichtsmonat;merkmal;wert;hinweis\n05154;2023-01;INT;210;x\n")
    assert befehl(capsys, "import", a, "--store", store)[0] == 0
    daten = bestand_json(capsys, store)
    assert daten["datenbestand"] == str(store)
    (eintrag,) = daten["importe"]
    assert eintrag["nr"] == 1 and eintrag["datei"] == "a.csv" and eintrag["werte"] == 1
    assert len(eintrag["sha256"]) == 64 and len(eintrag["zuordnung"]) == 64
    assert eintrag["zuordnung_datei"] is None  # read without a mapping file
    assert eintrag["beispieldaten"] is False


def test_every_stored_value_names_an_import_of_the_store(tmp_path, capsys):
    """Storing leaves out SQLite's lookup of the import for every row (the rows name only the
    import stored with them). Whichever way a file is stored (new keys, genders added to
    stored rows, a replaced import, a refused conflict), every value names an import that
    exists, and afterwards the store's connection checks that again."""
    store = tmp_path / "bestand.sqlite"
    kopf = "traeger_id;berichtsmonat;merkmal;datenstand;"
    dateien = {
        "frauen.csv": kopf + "frauen\n05154;2023-01;INT;2023-02-20;90\n",
        "maenner.csv": kopf + "maenner\n05154;2023-01;INT;2023-02-20;120\n",  # same row
        "konflikt.csv": kopf + "frauen\n05154;2023-01;INT;2023-02-20;91\n",
    }
    for name, inhalt in dateien.items():
        (tmp_path / name).write_text(inhalt, encoding="utf-8")
    tabelle = tmp_path / "ba-download.csv"
    tabelle.write_text(TABELLE, encoding="utf-8")

    def pruefen_und_speichern(name: str) -> None:
        datei = pruefe_datei(tmp_path / name)
        lieferung = Lieferung(datei.daten, name, datei.sha256, datei.namen, False, datei.zuordnung)
        with Datenbestand(store) as db:
            try:
                db.speichern([lieferung])
            finally:
                assert db.con.execute("PRAGMA foreign_keys").fetchone() == (1,)
                with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
                    db.con.execute("DELETE FROM importe")
            assert db.con.execute("PRAGMA foreign_key_check").fetchall() == []

    import_mit(capsys, store, tabelle, FALSCH, "falsch.toml")
    pruefen_und_speichern("frauen.csv")
    pruefen_und_speichern("maenner.csv")  # added to the row frauen.csv stored
    with pytest.raises(KonfliktGefunden):
        pruefen_und_speichern("konflikt.csv")
    import_mit(capsys, store, tabelle, RICHTIG, "richtig.toml")  # replaces the first import
    werte = gespeicherte_werte(store)
    assert sorted((z[2], z[6]) for z in werte if z[5] == "2023-02-20") == [
        ("frauen", 90.0),
        ("maenner", 120.0),
    ]
    with closing(sqlite3.connect(store)) as con:
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        importe = {i for (i,) in con.execute("SELECT import_id FROM importe")}
    assert {z[-1] for z in werte} == importe and len(importe) == 3


# --- a store written by the previous format --------------------------------------------------


@pytest.fixture
def alter_bestand(tmp_path) -> Path:
    """A copy of a store written by format 1 (the committed file was made by that code)."""
    ziel = tmp_path / "alt" / "datenbestand.sqlite"
    ziel.parent.mkdir()
    shutil.copy(FORMAT_1, ziel)
    return ziel


def test_a_store_of_format_1_is_migrated_on_open_after_a_backup(alter_bestand, capsys):
    vorher = rows(alter_bestand)
    rc, out, err = befehl(capsys, "bestand", "--store", alter_bestand, "--format", "json")
    assert rc == 0, err
    sicherungen = [p for p in alter_bestand.parent.iterdir() if p != alter_bestand]
    sicherungen = [p for p in sicherungen if p.suffix == ".sqlite"]
    assert len(sicherungen) == 1
    assert sicherungen[0].name in err  # the user is told where the backup is
    with closing(sqlite3.connect(sicherungen[0])) as con:
        assert con.execute("SELECT wert FROM meta").fetchone() == ("1",)
    assert rows(sicherungen[0]) == vorher
    with closing(sqlite3.connect(alter_bestand)) as con:
        assert con.execute("SELECT wert FROM meta").fetchone() == (SCHEMA_VERSION,)
    assert rows(alter_bestand) == vorher
    importe = json.loads(out)["importe"]
    assert [(i["nr"], i["datei"], i["zuordnung"]) for i in importe] == [
        (1, "format1.csv", None),
        (2, "format1b.csv", None),
    ]
    # opened a second time: nothing more to do, no second backup
    assert befehl(capsys, "bestand", "--store", alter_bestand)[0] == 0
    assert len([p for p in alter_bestand.parent.iterdir() if p.suffix == ".sqlite"]) == 2


def test_a_migrated_store_evaluates_and_imports_as_before(alter_bestand, capsys, tmp_path):
    assert neueste(alter_bestand) == {
        (KLEVE, "ELB", "gesamt", 202301): 10398.0,
        (KLEVE, "ELB", "gesamt", 202302): 10421.0,
        (KLEVE, "INT", "gesamt", 202301): 172.0,
        (KLEVE, "INT", "gesamt", 202302): 181.0,
        (KLEVE, "INT_BD", "gesamt", 202302): None,
    }
    neu = tmp_path / "maerz.csv"
    neu.write_text("traeger_id;berichtsmonat;merkmal;wert\n05154;2023-03;INT;214\n")
    assert befehl(capsys, "import", neu, "--store", alter_bestand)[0] == 0
    assert neueste(alter_bestand)[(KLEVE, "INT", "gesamt", 202303)] == 214.0


def test_a_store_of_a_newer_format_is_refused_unchanged(alter_bestand, capsys):
    with closing(sqlite3.connect(alter_bestand)) as con, con:
        con.execute("UPDATE meta SET wert = '99' WHERE schluessel = 'schema_version'")
    vorher = alter_bestand.read_bytes()
    rc, _, err = befehl(capsys, "bestand", "--store", alter_bestand)
    assert rc == 2 and "Format 99" in err
    assert alter_bestand.read_bytes() == vorher
    assert [p.name for p in alter_bestand.parent.iterdir()] == [alter_bestand.name]


def test_the_data_folder_scan_never_replaces_an_import(tmp_path, capsys):
    """The ribbon's button imports every file of the data folder without a mapping; it calls
    the importer as here (Excel itself cannot run on Linux). A file imported with a mapping and
    left in the folder is not read again the built-in way (here: T3 instead of the mapping's
    T0); on the command line, naming the file again does replace it."""
    datei = tmp_path / "grunddaten.csv"
    datei.write_text("traeger_id;berichtsmonat;merkmal;wert\n05154;2023-01;INT;210\n")
    store = tmp_path / "bestand.sqlite"
    import_mit(capsys, store, datei, '[feste_werte]\nwartezeit = "T0"\n', "t0.toml")
    vorher = rows(store)
    (ergebnis,) = importiere([datei], store, ersetzen=False)
    assert ergebnis.bereits_importiert and ergebnis.nr == 1
    assert rows(store) == vorher

    rc, out, err = befehl(capsys, "import", datei, "--store", store)
    assert rc == 0, err
    assert "ersetzt Import Nr. 1" in out
    assert [r[3] for r in rows(store)] == ["T3"]


def test_a_failing_migration_changes_nothing(alter_bestand, capsys, monkeypatch):
    """All steps of a migration are one transaction: a step that fails (here a made-up second
    statement) leaves the store in format 1, as the backup beside it."""
    from zielsteuerung.daten import bestandsformat

    schritte = (*bestandsformat.MIGRATIONEN["1"][1], "ALTER TABLE gibt_es_nicht ADD COLUMN x")
    monkeypatch.setitem(bestandsformat.MIGRATIONEN, "1", ("2", schritte))
    vorher = rows(alter_bestand)
    rc, _, err = befehl(capsys, "bestand", "--store", alter_bestand)
    assert rc == 2 and "Traceback" not in err
    with closing(sqlite3.connect(alter_bestand)) as con:
        assert con.execute("SELECT wert FROM meta").fetchone() == ("1",)
        spalten = [z[1] for z in con.execute("PRAGMA table_info(importe)")]
    assert "zuordnung" not in spalten
    assert rows(alter_bestand) == vorher
