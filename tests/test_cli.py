"""The installed command as a user runs it: demo, kennzahlen, help texts."""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import libreoffice_noetig, name_setzen, zielzeile

BEFEHL = Path(sys.executable).with_name("zielsteuerung")


def laufen(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BEFEHL), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def test_demo_builds_a_fresh_store_and_prints_the_kleve_evaluation(tmp_path):
    lauf = laufen("demo", cwd=tmp_path)
    assert lauf.returncode == 0, lauf.stderr
    assert lauf.stdout.count("Beispieldaten – keine amtlichen Werte") == 2
    assert "Kreis Kleve (05154), Januar bis Dezember 2023, Wartezeit T0" in lauf.stdout
    ordner = tmp_path / "zielsteuerung-demo"
    daten = ordner / "beispieldaten-keine-amtlichen-werte.csv"
    erste = hashlib.sha256(daten.read_bytes()).hexdigest()
    assert daten.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads „–“ and umlauts whole
    # counts and euros as whole numbers, as a spreadsheet opens them („10867“, not „10867.0“)
    werte = [z.split(";")[5] for z in daten.read_text(encoding="utf-8").splitlines()[1:]]
    assert werte and all(w.isdigit() for w in werte), {w for w in werte if not w.isdigit()}
    # a second run starts from scratch and gives the same data and the same result
    zweiter = laufen("demo", "--format", "json", cwd=tmp_path)
    assert zweiter.returncode == 0, zweiter.stderr
    assert hashlib.sha256(daten.read_bytes()).hexdigest() == erste
    ergebnis = json.loads(zweiter.stdout)
    assert ergebnis["beispieldaten"] is True
    assert [z["id"] for z in ergebnis["ziele"]] == [
        "integrationen", "k2", "k2_abstand", "k3", "integrationen_lzb"
    ]  # fmt: skip
    # the full year: every target judged, and the table shows each target's own status
    for z in ergebnis["ziele"]:
        assert z["status"] in ("erreicht", "nicht erreicht"), z
        status = f"{z['status']} (knapp)" if z["knapp"] else z["status"]
        zeile = zielzeile(lauf.stdout, z["bezeichnung"])
        assert zeile.endswith(f"  {status}"), zeile
    assert len(ergebnis["quellen"]) == 1
    bestand = laufen("bestand", "--store", ordner / "beispiel-datenbestand.sqlite")
    assert bestand.stdout.count(".csv") == 1
    zeile = next(z for z in bestand.stdout.splitlines() if ".csv" in z)
    assert re.search(r"  \d{2}\.\d{2}\.\d{4} \d{2}:\d{2}  ", zeile), zeile  # not ISO


def test_kennzahlen_in_three_formats(cli, demo_store):
    tabelle = cli("kennzahlen", "--store", demo_store, "--traeger", "05154", "--bis", "2023-12")
    assert tabelle.code == 0, tabelle.err
    assert tabelle.out.splitlines()[0] == "*** Beispieldaten – keine amtlichen Werte ***"
    kopf = tabelle.out.splitlines()[2]
    assert "2022-01" in kopf and "2023-12" in kopf and "2021-12" not in kopf
    daten = cli(
        "kennzahlen",
        "--store",
        demo_store,
        "--traeger",
        "05154",
        "--von",
        "2023-01",
        "--bis",
        "2023-12",
        "--kennzahl",
        "K2",
        "--geschlecht",
        "frauen",
        "--format",
        "json",
    ).json()
    assert [e["monat"] for e in daten["kennzahlen"]] == [f"2023-{m:02d}" for m in range(1, 13)]
    assert all(10 < e["wert"] < 40 for e in daten["kennzahlen"])
    frueh = cli(
        "kennzahlen",
        "--store",
        demo_store,
        "--traeger",
        "05154",
        "--von",
        "2021-01",
        "--bis",
        "2021-03",
        "--kennzahl",
        "K3",
        "--format",
        "csv",
    )
    zeilen = frueh.out.splitlines()
    # a byte order mark first: German Excel reads the file as UTF-8, not as Windows-1252
    assert zeilen[0] == "\ufefftraeger_id;monat;kennzahl;geschlecht;wert;grund;hinweis"
    assert all(z.endswith(";Beispieldaten – keine amtlichen Werte") for z in zeilen[1:])
    assert len(zeilen) == 10
    assert all(";;LZB (" in z and ") fehlt für 2020-0" in z for z in zeilen[1:])


def test_kennzahlen_name_the_wartezeit_the_store_holds(cli, demo_daten, tmp_path):
    """Its default is T3; a store of T0 data alone was answered with „keine Daten mit Wartezeit
    T3“, without the way to the data it holds."""
    datei = tmp_path / "t0.csv"
    demo_daten[demo_daten["wartezeit"] == "T0"].to_csv(datei, sep=";", index=False)
    store = tmp_path / "t0.sqlite"
    assert cli("import", datei, "--store", store).code == 0
    lauf = cli("kennzahlen", "--store", store, "--traeger", "05154")
    assert lauf.code == 2
    assert "nur mit Wartezeit T0: bitte --wartezeit T0 angeben" in lauf.err
    assert cli("kennzahlen", "--store", store, "--traeger", "05154", "--wartezeit", "T0").code == 0
    lauf = cli("kennzahlen", "--store", store, "--traeger", "05158")  # no data of it
    assert lauf.code == 2 and "liegen im Datenbestand keine Daten vor" in lauf.err


@pytest.mark.parametrize("befehl", [[], ["import"], ["auswerten"], ["kennzahlen"], ["demo"],
                                    ["bestand"]])  # fmt: skip
def test_help_is_german(befehl):
    lauf = laufen(*befehl, "--help")
    assert lauf.returncode == 0
    assert lauf.stdout.startswith(" ".join(["Aufruf: zielsteuerung", *befehl, ""]))
    assert "\nOptionen:\n" in lauf.stdout
    assert "-h, --help" in lauf.stdout and "diese Hilfe anzeigen und beenden" in lauf.stdout
    for englisch in ("usage:", "options:", "show this help", "positional arguments", "show "):
        assert englisch not in lauf.stdout


def test_every_command_and_every_argument_says_what_it_is_for():
    """``--help`` explains each argument; a bare "-o DATEI" leaves the user guessing."""
    ohne_hilfe = []

    def durchgehen(ap: argparse.ArgumentParser, befehl: str) -> None:
        for aktion in ap._actions:
            if isinstance(aktion, argparse._SubParsersAction):
                hilfen = {a.dest: a.help for a in aktion._choices_actions}
                for name, unter in aktion.choices.items():
                    if not hilfen.get(name):
                        ohne_hilfe.append(f"{befehl} {name}")
                    durchgehen(unter, f"{befehl} {name}")
            elif not aktion.help:
                ohne_hilfe.append(f"{befehl}: {'/'.join(aktion.option_strings) or aktion.dest}")

    durchgehen(importlib.import_module("zielsteuerung.cli.parser").parser(), "zielsteuerung")
    assert ohne_hilfe == []


def test_wrong_and_unknown_options_are_named_in_german():
    lauf = laufen("auswerten", "--jahr", "zweitausend")
    assert lauf.returncode == 2 and lauf.stdout == ""
    assert lauf.stderr.startswith("Aufruf: zielsteuerung auswerten ")
    assert lauf.stderr.endswith(
        "zielsteuerung auswerten: Fehler: Angabe --jahr: ungültiger Wert: 'zweitausend'\n"
    )
    lauf = laufen("auswerten", "--bis-monat", "13")
    assert lauf.returncode == 2
    assert "Fehler: Angabe --bis-monat: ungültige Auswahl: 13 (möglich: 1, 2," in lauf.stderr
    lauf = laufen("auswerten", "--unbekannt")
    assert lauf.returncode == 2
    assert lauf.stderr.endswith("Fehler: unbekannte Angaben: --unbekannt\n")


@pytest.mark.parametrize("monat", [[], ["--bis-monat", "6"]], ids=["letzter-monat", "juni"])
def test_a_traeger_without_any_data_is_refused_not_shown_as_not_computable(cli, demo_store, monat):
    """05562 is a Regionalschlüssel the demo store holds nothing of: a message that says so,
    not a report in which every figure is "nicht berechenbar" (which a given month used to
    produce, and a workbook without Träger name and Datenstand after it)."""
    lauf = cli("auswerten", "--store", demo_store, "--traeger", "05562", *monat)
    assert lauf.code == 2, lauf.out
    assert "Für Träger 05562 liegen im Datenbestand keine Daten vor" in lauf.err


def test_on_a_terminal_a_stopped_import_ends_its_progress_line(tmp_path):
    """On a terminal, storing shows a percentage on one line. An import that stops while
    storing (a value that contradicts the store) marks that line „abgebrochen“, and the
    message stands on a line of its own. Run on a real pseudo-terminal."""
    import os
    import pty

    kopf = "traeger_id;berichtsmonat;merkmal;wert;datenstand\n"
    erste, zweite = tmp_path / "erste.csv", tmp_path / "zweite.csv"
    erste.write_text(kopf + "05154;2023-01;INT;210;2023-02-20\n", encoding="utf-8")
    zweite.write_text(kopf + "05154;2023-01;INT;211;2023-02-20\n", encoding="utf-8")
    store = tmp_path / "s.sqlite"
    assert laufen("import", erste, "--store", store).returncode == 0
    try:
        leiter, folger = pty.openpty()
    except OSError:  # a container without /dev/pts
        pytest.skip("no pseudo-terminal on this machine")
    befehl = [str(BEFEHL), "import", str(zweite), "--store", str(store)]
    with subprocess.Popen(befehl, stdout=subprocess.DEVNULL, stderr=folger) as lauf:
        os.close(folger)
        ausgabe = b""
        while True:
            try:
                block = os.read(leiter, 4096)
            except OSError:  # EIO: the command has ended and closed the terminal
                break
            if not block:
                break
            ausgabe += block
    os.close(leiter)
    text = ausgabe.decode().replace("\r\n", "\n")
    assert lauf.returncode == 2, text
    assert "% – abgebrochen\nFehler: zweite.csv: widerspricht einem bereits gespeicherten" in text
    assert "100%" not in text and "fertig" not in text


def test_a_traeger_named_in_part_is_suggested_not_taken(cli, demo_store, tmp_path):
    """„Kleve“ was answered with „unbekannt“ alone; Kreis Kleve is suggested, never evaluated
    in its stead."""
    lauf = cli("auswerten", "--store", demo_store, "--traeger", "Kleve")
    assert lauf.code == 2 and lauf.out == ""
    assert "Träger „Kleve“ unbekannt; gemeint vielleicht: Kreis Kleve (05154)." in lauf.err
    lauf = cli("auswerten", "--store", demo_store, "--traeger", "Stadt")  # many: none suggested
    assert lauf.code == 2 and "gemeint" not in lauf.err
    mappe = tmp_path / "controlling.xlsx"
    assert cli("arbeitsmappe", "-o", mappe, "--store", demo_store).code == 0
    name_setzen(mappe, "Traeger_ID", "Borken")
    lauf = cli("arbeitsmappe", "-o", mappe)
    assert lauf.code == 2 and "gemeint vielleicht: Kreis Borken (05554)" in lauf.err


def test_output_to_a_file_is_written_whole_and_ready_for_excel(cli, demo_store, tmp_path):
    """``-o DATEI`` writes the result itself (Windows PowerShell's ``>`` would re-encode it);
    CSV begins with a byte order mark, without which German Excel reads UTF-8 as
    Windows-1252 („gefÃ¤hrdet“). The ending chooses the format; a name that would overwrite
    something else (a workbook) is refused."""
    ziel = tmp_path / "bericht" / "alle-2023.csv"
    auswahl = ("auswerten", "--store", demo_store, "--bis-monat", 6)
    lauf = cli(*auswahl, "--traeger", "alle", "-o", ziel)
    assert lauf.code == 0, lauf.err
    assert lauf.out == "" and f"Geschrieben: {ziel}" in lauf.err
    roh = ziel.read_bytes()
    assert roh.startswith(b"\xef\xbb\xbf")
    assert roh.decode("utf-8") == cli(*auswahl, "--traeger", "alle", "--format", "csv").out
    assert [p.name for p in ziel.parent.iterdir()] == ["alle-2023.csv"]  # nothing left beside

    als_json = tmp_path / "kleve.json"
    assert cli(*auswahl, "-o", als_json).code == 0
    assert (
        json.loads(als_json.read_text(encoding="utf-8")) == cli(*auswahl, "--format", "json").json()
    )
    kennzahlen = tmp_path / "k2.txt"
    assert cli("kennzahlen", "--store", demo_store, "--traeger", "05154", "--kennzahl", "K2",
               "-o", kennzahlen).code == 0  # fmt: skip
    assert "Kennzahlen nach § 48a SGB II" in kennzahlen.read_text(encoding="utf-8")

    mappe = tmp_path / "controlling-2023.xlsx"
    mappe.write_bytes(b"PK die eigene Mappe")
    lauf = cli(*auswahl, "-o", mappe)
    assert lauf.code == 2
    assert "bitte .csv, .json oder .txt (Tabelle) angeben, z. B. controlling-2023.csv" in lauf.err
    assert mappe.read_bytes() == b"PK die eigene Mappe"
    lauf = cli(*auswahl, "--format", "csv", "-o", tmp_path / "x.json")
    assert lauf.code == 2 and "bitte einen Namen mit der Endung .csv angeben" in lauf.err
    assert not (tmp_path / "x.json").exists()
    (tmp_path / "ordner.csv").mkdir()
    lauf = cli(*auswahl, "-o", tmp_path / "ordner.csv")
    assert (
        lauf.code == 2 and "ordner.csv ist ein Ordner. Bitte einen Dateinamen angeben" in lauf.err
    )
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".~zs")] == []


def test_a_spreadsheet_program_reads_the_csv_with_its_header_and_umlauts(cli, demo_store, tmp_path):
    """LibreOffice opens the CSV as a user would (character set detected, not set): the byte
    order mark is no part of the first header, umlauts are whole. Excel, whose default for a
    CSV without the mark is Windows-1252, cannot run here."""
    libreoffice_noetig()
    from openpyxl import load_workbook

    from zielsteuerung.mappe.libreoffice import programm

    ziel = tmp_path / "kleve.csv"
    assert cli("auswerten", "--store", demo_store, "--bis-monat", 6, "-o", ziel).code == 0
    subprocess.run(
        [programm(), f"-env:UserInstallation={(tmp_path / 'profil').as_uri()}", "--headless",
         "--infilter=CSV:59,34,0,1", "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo"),
         str(ziel)],
        capture_output=True, timeout=300, check=True,
    )  # fmt: skip
    zeilen = [list(z) for z in load_workbook(tmp_path / "lo" / "kleve.xlsx").active.values]
    kopf = zeilen[0]
    assert kopf[0] == "traeger_id" and len(kopf) == 26
    spalte = {name: kopf.index(name) for name in ("traeger_name", "bezeichnung", "status")}
    assert {z[spalte["traeger_name"]] for z in zeilen[1:]} == {"Kreis Kleve"}
    assert zeilen[1][spalte["bezeichnung"]] == "Veränderung der absoluten Zahl der Integrationen"
    assert "gefährdet" in {z[spalte["status"]] for z in zeilen[1:]}
