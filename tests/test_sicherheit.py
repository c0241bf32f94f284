"""Hostile and broken input, concurrent use, crash safety.

Every hostile file is imported by a separate process with bounded time and memory: it must
end with exit code 2 and a German message, and leave no store behind.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import resource
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from conftest import KOPF, WERTE_SQL, abbrechen_bei, schreibe_csv

SPEICHER = 1536 * 1024 * 1024  # bytes of address space a hostile import may use
ZEIT = 120  # seconds


def _begrenzen() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (SPEICHER, SPEICHER))


def importieren(
    *args: object, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "zielsteuerung", "import", *map(str, args)],
        capture_output=True, text=True, timeout=ZEIT, preexec_fn=_begrenzen,
        env={**os.environ, **(env or {})},
    )  # fmt: skip


def gueltige_xlsx() -> dict[str, bytes]:
    wb = Workbook()
    ws = wb.active
    ws.append(["traeger_id", "berichtsmonat", "merkmal", "wert"])
    ws.append(["05154", "2023-01", "INT", 210])
    puffer = io.BytesIO()
    wb.save(puffer)
    with zipfile.ZipFile(puffer) as archiv:
        return {n: archiv.read(n) for n in archiv.namelist()}


def als_zip(pfad: Path, teile: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(pfad, "w", zipfile.ZIP_DEFLATED) as archiv:
        for name, inhalt in teile.items():
            archiv.writestr(name, inhalt)
    return pfad


BOMBE = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"""


def _entity_bombe(pfad: Path) -> Path:
    teile = gueltige_xlsx()
    teile["xl/worksheets/sheet1.xml"] = BOMBE
    return als_zip(pfad.with_suffix(".xlsx"), teile)


def _zip_bombe(pfad: Path) -> Path:
    teile = gueltige_xlsx()
    teile["xl/worksheets/sheet1.xml"] = b"<" + b" " * (64 * 1024 * 1024)  # 64 MB, packs ~1000:1
    return als_zip(pfad.with_suffix(".xlsx"), teile)


def _pfad_ausbruch(pfad: Path) -> Path:
    teile = gueltige_xlsx()
    teile["../../../tmp/zielsteuerung-ausbruch.txt"] = b"x"
    return als_zip(pfad.with_suffix(".xlsx"), teile)


def _mit_makros(endung: str):
    def bauen(pfad: Path) -> Path:
        teile = gueltige_xlsx()
        teile["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0" + b"\0" * 512
        return als_zip(pfad.with_suffix(endung), teile)

    return bauen


def _externe_verknuepfung(pfad: Path) -> Path:
    teile = gueltige_xlsx()
    teile["xl/externalLinks/externalLink1.xml"] = (
        b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    )
    return als_zip(pfad.with_suffix(".xlsx"), teile)


def _million_zeilen(pfad: Path) -> Path:
    teile = gueltige_xlsx()
    zeilen = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>05154</t></is></c></row>' % (i, i)
        for i in range(1, 1_000_001)
    )
    teile["xl/worksheets/sheet1.xml"] = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData>" + zeilen + b"</sheetData></worksheet>"
    )
    return als_zip(pfad.with_suffix(".xlsx"), teile)


def _lange_zeile(pfad: Path) -> Path:
    ziel = pfad.with_suffix(".csv")
    ziel.write_bytes(
        b"traeger_id;berichtsmonat;merkmal;wert\n05154;2023-01;INT;" + b"9" * 10_000_000 + b"\n"
    )
    return ziel


def _nul(pfad: Path) -> Path:
    ziel = pfad.with_suffix(".csv")
    ziel.write_bytes(b"traeger_id;berichtsmonat;merkmal;wert\n05154;2023-01;INT;2\x0010\n")
    return ziel


def _utf16(pfad: Path) -> Path:
    ziel = pfad.with_suffix(".csv")
    ziel.write_bytes(
        "traeger_id;berichtsmonat;merkmal;wert\n05154;2023-01;INT;210\n".encode("utf-16")
    )
    return ziel


@pytest.mark.parametrize(
    ("bauen", "meldung"),
    [
        (_entity_bombe, "XML"),
        (_zip_bombe, "ZIP-Bombe"),
        (_pfad_ausbruch, "Pfad außerhalb der Datei"),
        (_mit_makros(".xlsm"), "Makros"),
        (_mit_makros(".xlam"), "Makros"),
        (_externe_verknuepfung, "externe"),
        (_million_zeilen, "Zeilen"),
        (_lange_zeile, "keine Tabellenzeile"),
        (_nul, "Binärdaten"),
        (_utf16, "UTF-16"),
    ],
    ids=[
        "xml-entitaeten",
        "zip-bombe",
        "pfad-ausbruch",
        "xlsm",
        "xlam",
        "externe-verknuepfung",
        "million-zeilen",
        "10-mb-zeile",
        "nul-bytes",
        "utf-16-bom",
    ],
)
def test_hostile_file_is_refused_clearly(tmp_path, bauen, meldung):
    datei = bauen(tmp_path / "feindlich")
    store = tmp_path / "s.sqlite"
    lauf = importieren(datei, "--store", store)
    assert lauf.returncode == 2, lauf.stderr[-2000:]
    assert meldung in lauf.stderr and datei.name in lauf.stderr
    assert "Traceback" not in lauf.stderr
    assert not store.exists()
    assert not Path("/tmp/zielsteuerung-ausbruch.txt").exists()


def test_limits_are_configurable(tmp_path):
    teile = gueltige_xlsx()
    teile["xl/media/gross.bin"] = os.urandom(3 * 1024 * 1024)  # 3 MB that do not pack
    datei = als_zip(tmp_path / "gross.xlsx", teile)
    store = tmp_path / "s.sqlite"
    assert importieren(datei, "--store", store).returncode == 0
    store.unlink()
    lauf = importieren(datei, "--store", store, env={"ZIELSTEUERUNG_MAX_ENTPACKT_MB": "2"})
    assert lauf.returncode == 2 and "ZIELSTEUERUNG_MAX_ENTPACKT_MB" in lauf.stderr
    lauf = importieren(datei, "--store", store, env={"ZIELSTEUERUNG_MAX_DATEI_MB": "1"})
    assert lauf.returncode == 2 and "ZIELSTEUERUNG_MAX_DATEI_MB" in lauf.stderr
    lauf = importieren(datei, "--store", store, env={"ZIELSTEUERUNG_MAX_DATEI_MB": "viel"})
    assert lauf.returncode == 2 and "ganze Zahl" in lauf.stderr


def test_a_line_over_the_limit_is_named_by_its_row(tmp_path):
    """The limit is checked as the file streams past, within a block of the file as well."""
    zeilen = ["traeger_id;berichtsmonat;merkmal;wert"]
    zeilen += [f"05154;2023-0{m};INT;21{m}" for m in range(1, 5)]
    zeilen.insert(3, "05154;2023-05;INT;" + "9" * 3000)
    datei = tmp_path / "lang.csv"
    datei.write_text("\n".join(zeilen) + "\n")
    store = tmp_path / "s.sqlite"
    lauf = importieren(datei, "--store", store, env={"ZIELSTEUERUNG_MAX_ZEILENLAENGE_KB": "2"})
    assert lauf.returncode == 2, lauf.stderr
    assert "Zeile 4" in lauf.stderr and "keine Tabellenzeile" in lauf.stderr
    assert not store.exists()


def test_defusedxml_is_installed_and_used():
    import defusedxml
    import openpyxl.xml

    assert defusedxml.__version__ and openpyxl.xml.DEFUSEDXML is True


# --- property tests: faults injected into valid tables -----------------------------------------

GUELTIG = [
    dict(traeger_id=t, berichtsmonat=f"2023-{m:02d}", merkmal=mk, geschlecht=g, wert=w,
         wartezeit="T3", datenstand="2023-09-01")
    for t in ("05154", "05958") for m in (1, 2, 3) for mk in ("INT", "ELB")
    for g, w in (("frauen", 40 + m), ("maenner", 60 + m), ("gesamt", 100 + 2 * m))
]  # fmt: skip

FEHLER = {
    "merkmal": "NICHTDA",
    "berichtsmonat": "2023-13",
    "wert": "zwölf",
    "traeger_id": "Atlantis",
    "geschlecht": "divers",
    "wartezeit": "T9",
    "datenstand": "gestern",
}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fehler=st.lists(
        st.tuples(st.integers(0, len(GUELTIG) - 1), st.sampled_from(sorted(FEHLER))),
        min_size=1, max_size=6,
    ),
    negativ=st.booleans(),
)  # fmt: skip
def test_injected_faults_never_import_partly(tmp_path_factory, cli, fehler, negativ):
    ordner = tmp_path_factory.mktemp("fehler")
    zeilen = [dict(z) for z in GUELTIG]
    for zeile, spalte in fehler:
        zeilen[zeile][spalte] = FEHLER[spalte]
    if negativ:
        zeilen[0]["wert"] = -5
    store = ordner / "s.sqlite"
    lauf = cli("import", schreibe_csv(ordner / "daten.csv", zeilen), "--store", store)
    assert lauf.code == 2
    assert "Es wurde nichts gespeichert" in lauf.err and "Zeile" in lauf.err
    assert not store.exists()
    genannt = {int(n) for n in re.findall(r"Zeile (\d+)", lauf.err)}
    for aufzaehlung in re.findall(r"Zeilen: ([\d, ]+)", lauf.err):  # one measure, many rows
        genannt |= {int(n) for n in re.findall(r"\d+", aufzaehlung)}
    assert genannt == {zeile + 2 for zeile, _ in fehler} | ({2} if negativ else set())


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 10_000))
def test_shuffled_rows_and_columns_give_identical_evaluations(tmp_path_factory, cli, seed):
    ordner = tmp_path_factory.mktemp("mischen")
    zufall = random.Random(seed)
    # random values within a factor of 20 of GUELTIG's (a stock jumping more is refused)
    zeilen = [dict(z) for z in GUELTIG] + [
        dict(traeger_id="05154", berichtsmonat=f"{j}-{m:02d}", merkmal=mk, geschlecht="gesamt",
             wert=zufall.randint(60, 1000), wartezeit="T3", datenstand="2023-09-01")
        for j in (2021, 2022) for m in range(1, 13) for mk in ("INT", "ELB", "LZB", "INT_LZB")
    ] + [
        dict(traeger_id="05154", berichtsmonat=f"2023-{m:02d}", merkmal=mk, geschlecht="gesamt",
             wert=zufall.randint(60, 1000), wartezeit="T3", datenstand="2023-09-01")
        for m in (1, 2, 3) for mk in ("LZB", "INT_LZB")
    ]  # fmt: skip
    gemischt = zeilen[:]
    zufall.shuffle(gemischt)
    kopf = KOPF[:]
    zufall.shuffle(kopf)
    ergebnisse = []
    for name, z, k in (("geordnet", zeilen, KOPF), ("gemischt", gemischt, kopf)):
        store = ordner / f"{name}.sqlite"
        assert cli("import", schreibe_csv(ordner / f"{name}.csv", z, k), "--store", store).code == 0
        lauf = cli("auswerten", "--store", store, "--bis-monat", 3, "--wartezeit", "T3",
                   "--format", "json")  # fmt: skip
        ergebnis = lauf.json()
        ergebnis.pop("quellen")
        ergebnisse.append(ergebnis)
    assert ergebnisse[0] == ergebnisse[1]


# --- concurrent use, as separate processes -----------------------------------------------------


def _prozess(*args: object, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "zielsteuerung", *map(str, args)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **(env or {})},
    )  # fmt: skip


def _integritaet(store: Path) -> str:
    with sqlite3.connect(store) as con:
        return str(con.execute("PRAGMA integrity_check").fetchone()[0])


def test_two_imports_and_an_evaluation_at_once(tmp_path, demo_daten, demo_store):
    """Two imports, an evaluation and a workbook, started together: the writers wait for each
    other (a lock wait long enough for a loaded machine), the readers read; everything
    succeeds and both files are stored completely."""
    store = tmp_path / "s.sqlite"
    store.write_bytes(demo_store.read_bytes())
    teile = []
    for i, jahr in enumerate(("2021", "2022")):
        teil = demo_daten[demo_daten["berichtsmonat"].str.startswith(jahr)].copy()
        teil["datenstand"] = f"2025-0{i + 1}-01"  # new vintages: both imports add rows
        teile.append(tmp_path / f"neu-{jahr}.csv")
        teil.to_csv(teile[-1], sep=";", index=False)
    warten = {"ZIELSTEUERUNG_SPERRFRIST": "600"}
    prozesse = [_prozess("import", t, "--store", store, env=warten) for t in teile]
    prozesse.append(_prozess("auswerten", "--store", store, "--format", "json", env=warten))
    mappe = tmp_path / "m.xlsx"
    prozesse.append(_prozess("arbeitsmappe", "-o", mappe, "--store", store, env=warten))
    ausgaben = [p.communicate(timeout=600) for p in prozesse]
    for p, (_, err) in zip(prozesse, ausgaben, strict=True):
        assert p.returncode == 0, err
    assert _integritaet(store) == "ok"
    with sqlite3.connect(store) as con:
        gespeichert = dict(con.execute("SELECT dateiname, zeilen FROM importe").fetchall())
        for t in teile:
            (anzahl,) = con.execute(
                f"SELECT count(*) FROM ({WERTE_SQL}) JOIN importe USING (import_id) "
                "WHERE dateiname = ?",
                (t.name,),
            ).fetchone()
            assert anzahl == gespeichert[t.name] == len(pd.read_csv(t, sep=";"))
    auswertung = json.loads(ausgaben[2][0])
    assert [z["status"] for z in auswertung["ziele"]].count("nicht berechenbar") == 0
    assert "tbl_Ziele" in {n for ws in load_workbook(mappe).worksheets for n in ws.tables}


# --- crash safety: kill -9 during an import -----------------------------------------------------

IMPORT_KIND = """
import signal, sqlite3, sys
from zielsteuerung.cli import main

datei, store, phase = sys.argv[1:4]
verbinden, einfuegungen = sqlite3.connect, []


def halt():
    print(phase, flush=True)
    signal.pause()  # until the test kills this process


def beobachten(sql):  # every statement SQLite runs, before it runs
    befehl = sql.lstrip().upper()
    if befehl.startswith("BEGIN") and phase == "vor dem Schreiben":
        halt()
    if befehl.startswith("INSERT") and phase == "mitten im Schreiben":
        einfuegungen.append(1)
        if len(einfuegungen) == 100:  # of about 260 statements of 120 rows (three values each)
            halt()
    if befehl.startswith("COMMIT") and phase == "vor dem Abschluss":
        halt()


def connect(*args, **kwargs):
    con = verbinden(*args, **kwargs)
    con.set_trace_callback(beobachten)
    return con


sqlite3.connect = connect
code = main(["import", datei, "--store", store])
if phase == "nach dem Abschluss":
    halt()
print("nicht angehalten", code, flush=True)
"""


def test_killed_imports_leave_a_sound_store_without_partial_imports(tmp_path, demo_daten):
    """kill -9 at each step of an import, at the moment the importing process reports it
    has reached that step: before its transaction, with 20,000 rows written, just before the
    commit, and after it. The store stays sound and holds every import completely or not at
    all; the next import goes through."""
    store = tmp_path / "s.sqlite"
    basis = tmp_path / "basis.csv"
    kleve = demo_daten[demo_daten["traeger_id"] == "05154"]
    kleve.to_csv(basis, sep=";", index=False)
    assert subprocess.run([sys.executable, "-m", "zielsteuerung", "import", str(basis), "--store",
                           str(store)], capture_output=True).returncode == 0  # fmt: skip
    gross = tmp_path / "gross.csv"
    demo_daten[demo_daten["traeger_id"] != "05154"].to_csv(gross, sep=";", index=False)

    def importe() -> list[tuple[str, int]]:
        """(file, values) of every import; each holds all its values, no value and no row is
        without one."""
        assert _integritaet(store) == "ok"
        with sqlite3.connect(store) as con:
            liste = con.execute(
                f"SELECT dateiname, zeilen, (SELECT count(*) FROM ({WERTE_SQL}) g "
                "WHERE g.import_id = i.import_id) FROM importe i ORDER BY import_id"
            ).fetchall()
            (alle,) = con.execute(f"SELECT count(*) FROM ({WERTE_SQL})").fetchone()
            (ohne,) = con.execute(
                "SELECT count(*) FROM grunddaten WHERE import_gesamt IS NULL AND "
                "import_frauen IS NULL AND import_maenner IS NULL"
            ).fetchone()
        for datei, zeilen, anzahl in liste:
            assert anzahl == zeilen, datei  # all values of an import, or none
        assert alle == sum(zeilen for _, zeilen, _ in liste) and ohne == 0
        return [(datei, zeilen) for datei, zeilen, _ in liste]

    vorher = [("basis.csv", len(kleve))]
    assert importe() == vorher
    for phase, danach in [
        ("vor dem Schreiben", vorher),
        ("mitten im Schreiben", vorher),
        ("vor dem Abschluss", vorher),
        ("nach dem Abschluss", [*vorher, ("gross.csv", len(demo_daten) - len(kleve))]),
    ]:
        abbrechen_bei([sys.executable, "-c", IMPORT_KIND, str(gross), str(store), phase], phase)
        assert importe() == danach, phase


# --- formula injection: text from data or agreements is never a formula in our outputs ---------


def test_formula_text_is_neutralised_in_csv_and_workbook(tmp_path, cli):
    import csv as csvmodul

    from openpyxl import load_workbook

    from zielsteuerung.daten.vereinbarungen import beispiel_text
    from zielsteuerung.mappe.zellen import tabelle_lesen

    boese = '=HYPERLINK("http://example.invalid","Klick")'
    vereinbarung = tmp_path / "zv.toml"
    vereinbarung.write_text(
        beispiel_text().replace(
            'bezeichnung = "Veränderung der Integrationsquote (K2)"', f"bezeichnung = '{boese}'"
        ),
        encoding="utf-8",
    )
    daten = tmp_path / "+1 Quelle.csv"
    schreibe_csv(
        daten, [dict(z, traeger_name="@SUMME(1)") for z in GUELTIG], [*KOPF, "traeger_name"]
    )
    store = tmp_path / "s.sqlite"
    assert cli("import", daten, "--store", store).code == 0
    args = ("--store", store, "--vereinbarung", vereinbarung, "--bis-monat", 3, "--wartezeit", "T3")
    lauf = cli("auswerten", *args, "--format", "csv")
    k2 = next(
        z for z in csvmodul.DictReader(io.StringIO(lauf.out), delimiter=";") if z["id"] == "k2"
    )
    assert k2["bezeichnung"] == "'" + boese  # a spreadsheet shows it as text
    # JSON is data for programs: the exact text, unchanged
    assert next(z for z in cli("auswerten", *args, "--format", "json").json()["ziele"]
                if z["id"] == "k2")["bezeichnung"] == boese  # fmt: skip
    mappe = tmp_path / "m.xlsx"
    assert cli("arbeitsmappe", "-o", mappe, *args).code == 0
    wb = load_workbook(mappe)
    ziel = next(z for z in tabelle_lesen(wb, "tbl_Ziele") if z["Ziel_ID"] == "k2")
    assert ziel["Ziel"] == boese
    assert tabelle_lesen(wb, "tbl_Quellen")[0]["Datei"] == "+1 Quelle.csv"
    assert wb["Einstellungen"]["B5"].value == "@SUMME(1)"
    with zipfile.ZipFile(mappe) as archiv:
        xml = b"".join(archiv.read(n) for n in archiv.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>HYPERLINK" not in xml and b"<f>SUMME" not in xml and b"<f>1 Quelle" not in xml
