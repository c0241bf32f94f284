"""Zielpfad, Planung, Mittelausschöpfung and the sheet "Steuerungsdialog" in the controlling
workbook: what the demo shows, what a refresh keeps, what LibreOffice prints."""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import shutil
from pathlib import Path

import pytest
from druckbild import seiten as druckseiten
from openpyxl import load_workbook

from zielsteuerung.cli import main
from zielsteuerung.daten.beispieldaten import BEISPIEL_PLANUNG
from zielsteuerung.daten.vereinbarungen import beispiel
from zielsteuerung.kern.monate import MONATE
from zielsteuerung.mappe.zellen import tabelle_lesen

from conftest import libreoffice_noetig, pdf_text, png_lesen

NEUE_BLAETTER = ["Steuerungsdialog", "Planung", "Mittel", "Mittelausschöpfung", "Zielpfad"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo as a user runs it: its JSON on stdout and its workbook."""
    ordner = tmp_path_factory.mktemp("demo")
    ausgabe = io.StringIO()
    with contextlib.redirect_stdout(ausgabe), contextlib.redirect_stderr(io.StringIO()):
        assert main(["demo", "--ordner", str(ordner), "--format", "json"]) == 0
    return json.loads(ausgabe.getvalue()), ordner / "controlling-beispiel.xlsx", ordner


def _kopie(demo, tmp_path, name="mappe.xlsx"):
    ziel = tmp_path / name
    shutil.copy(demo[1], ziel)
    return ziel


def test_demo_workbook_shows_path_projection_plan_and_funds(demo):
    daten, mappe, _ = demo
    wb = load_workbook(mappe)
    assert all(b in wb.sheetnames for b in NEUE_BLAETTER)
    ziele = {z["Ziel_ID"]: z for z in tabelle_lesen(wb, "tbl_Ziele")}
    for z in daten["ziele"]:  # Übersicht carries path and projection, as auswerten does
        zeile = ziele[z["id"]]
        assert zeile["Zielpfad"] == pytest.approx(z["pfad_aktuell"])
        assert zeile["Prognose Dezember"] == pytest.approx(z["prognose"])
        assert (zeile["Status Zielpfad"], zeile["Status Prognose"]) == (
            z["status_pfad"],
            z["prognose_status"],
        )
    prognose = {z["Ziel_ID"]: z for z in tabelle_lesen(wb, "tbl_Prognose")}
    assert prognose["integrationen"]["Zielpfad aus"] == "Planung"  # the demo's synthetic plan
    assert prognose["k2"]["Zielpfad aus"] == "Vorjahresverlauf"
    plan = next(z for z in tabelle_lesen(wb, "tbl_Planung") if z["Ziel_ID"] == "integrationen")
    assert [plan[m] for m in MONATE] == BEISPIEL_PLANUNG["integrationen"]
    pfad = tabelle_lesen(wb, "tbl_Zielpfad")
    assert [z["Monat"] for z in pfad] == [f"{m} 2023" for m in MONATE]
    kumuliert = 0.0
    for zeile, geplant in zip(pfad, BEISPIEL_PLANUNG["integrationen"], strict=True):
        kumuliert += geplant
        assert zeile["Zielpfad Integrationen"] == pytest.approx(kumuliert)
    mittel = {z["Posten"]: z for z in tabelle_lesen(wb, "tbl_Mittel_Auswertung")}
    assert set(mittel) == {"Eingliederungsleistungen", "Verwaltungskosten", "Gesamt"}
    gesamt = mittel["Gesamt"]
    assert gesamt["Ausschöpfung"] == pytest.approx(100 * gesamt["Ausgaben"] / gesamt["Mittel"])
    assert len(tabelle_lesen(wb, "tbl_Mittel_Verlauf")) == 12


def test_steuerungsdialog_sheet_holds_the_evaluation(demo):
    daten, mappe, _ = demo
    ws = load_workbook(mappe)["Steuerungsdialog"]
    werte = [[z.value for z in zeile] for zeile in ws.iter_rows(max_col=10)]
    texte = [w for zeile in werte for w in zeile if isinstance(w, str)]
    assert werte[0][0] == "Steuerungsdialog – Zielvereinbarung 2023 – Kreis Kleve (05154)"
    assert "Beispieldaten – keine amtlichen Werte" in texte
    for abschnitt in ("Gender-Datenblatt", "Monitoring", "Mittelausschöpfung", "Erläuterungen"):
        assert any(t.startswith(abschnitt) for t in texte), abschnitt
    zeilen = {z[0]: z for z in werte if z[0]}
    for z in daten["ziele"]:
        zeile = zeilen[z["bezeichnung"]]
        assert zeile[5] == z["status"] and zeile[7] == z["status_pfad"]
        assert zeile[8] == pytest.approx(z["prognose"]) and zeile[9] == z["prognose_status"]
    assert len(ws._charts) == 2


def test_steuerungsdialog_prints_on_at_most_two_a4_pages(demo, tmp_path, cli):
    """The documented command renders it; LibreOffice lays it out as Excel prints it."""
    libreoffice_noetig("pdftoppm", "pdftotext", "pdfinfo")
    from zielsteuerung.mappe.libreoffice import umwandeln

    daten, mappe, _ = demo
    lauf = cli("bilder", mappe, "-o", tmp_path, "--blatt", "Steuerungsdialog")
    assert lauf.code == 0, lauf.err
    bilder = [Path(z) for z in lauf.out.split()]
    assert 1 <= len(bilder) <= 2
    for pfad in bilder:
        bild = png_lesen(pfad)
        assert bild.breite / bild.hoehe == pytest.approx(297 / 210, rel=0.01)  # A4 landscape
        assert bild.tinte > 0.01, (pfad.name, bild)
    # the whole workbook printed: the sheet's pages (named in their footer) and what they say
    pdf = umwandeln(mappe, "pdf", tmp_path / "pdf")
    seiten, text = pdf_text(pdf)
    dialog = [s for s in text.split("\f") if "Steuerungsdialog – Seite" in s]
    assert len(dialog) == len(bilder) and seiten > len(dialog)
    gedruckt = " ".join(" ".join(dialog).split())
    for seite in dialog:  # the banner heads every page, the title the first
        assert " ".join(seite.split()).startswith("Beispieldaten – keine amtlichen Werte")
    assert gedruckt.removeprefix("Beispieldaten – keine amtlichen Werte ").startswith(
        "Steuerungsdialog – Zielvereinbarung 2023 – Kreis Kleve (05154)"
    )
    for abschnitt in ("Gender-Datenblatt", "Monitoring", "Mittelausschöpfung", "Erläuterungen"):
        assert abschnitt in gedruckt
    for z in daten["ziele"]:
        assert z["bezeichnung"] in gedruckt and z["status"] in gedruckt
    k2 = next(z for z in daten["ziele"] if z["id"] == "k2")
    for wert in (k2["vorjahr"], k2["aktuell"]):  # German notation, one decimal
        assert f"{wert:.1f} %".replace(".", ",") in gedruckt
    # the funds' month („Dezember 2023“, centred) stands clear of the amount before it, as two
    # cells print (a space between words prints about 2 pt wide)
    woerter = [w for s in druckseiten(pdf) if s.blatt == "Steuerungsdialog" for w in s.woerter]
    luecken = [
        b.links - a.rechts
        for a, b in itertools.pairwise(woerter)
        if a.text == "€" and b.text == "Dezember" and abs(a.oben - b.oben) < 1
    ]
    assert len(luecken) == 3 and min(luecken) > 3, luecken


def test_plan_entered_on_the_sheet_survives_refresh_and_bad_plans_are_refused(
    demo, demo_store, tmp_path, cli
):
    mappe = _kopie(demo, tmp_path)
    wb = load_workbook(mappe)
    ws = wb["Planung"]
    kopf = [z.value for z in ws[5]]
    zeile = next(r for r in range(6, 12) if ws.cell(r, 1).value == "k3")
    for i, m in enumerate(MONATE):
        ws.cell(zeile, kopf.index(m) + 1).value = 6500 - 10 * i  # planned stock of LZB
    erl = wb["Erläuterungen"]
    for r in erl.iter_rows(min_row=5):
        if r[0].value == "k3":
            r[3].value = "Zugänge aus der Ukraine höher als geplant."
    wb.save(mappe)
    assert cli("arbeitsmappe", "-o", mappe, "--store", demo_store, "--bis-monat", 6).code == 0
    wb = load_workbook(mappe)
    prognose = {z["Ziel_ID"]: z for z in tabelle_lesen(wb, "tbl_Prognose")}
    assert prognose["k3"]["Zielpfad aus"] == "Planung"
    assert prognose["k3"]["Zielpfad"] == pytest.approx(sum(6500 - 10 * i for i in range(6)) / 6)
    plan = next(z for z in tabelle_lesen(wb, "tbl_Planung") if z["Ziel_ID"] == "k3")
    assert plan["Dezember"] == 6390 and plan["Eingabe"].startswith("Bestand im Monat")
    dialog = [[z.value for z in r] for r in wb["Steuerungsdialog"].iter_rows(max_col=2)]
    ziel_k3 = next(z.bezeichnung for z in beispiel().ziele if z.id == "k3")
    assert [ziel_k3, "Zugänge aus der Ukraine höher als geplant."] in dialog

    ws = wb["Planung"]
    ws.cell(zeile, kopf.index("Mai") + 1).value = "viel"
    ws.cell(zeile, kopf.index("Juni") + 1).value = None
    wb.save(mappe)
    vorher = mappe.read_bytes()
    lauf = cli("arbeitsmappe", "-o", mappe, "--store", demo_store)
    assert lauf.code != 0
    assert "Ziel „k3“, Mai: „viel“ ist keine Zahl" in lauf.err
    assert "es fehlen Werte für Juni" in lauf.err
    assert mappe.read_bytes() == vorher  # nothing written


def test_funds_imported_from_csv(demo, demo_store, tmp_path, cli):
    """Amounts as Excel saves cells in currency format as CSV ("1.200.000,00 €") are read."""
    mappe = _kopie(demo, tmp_path)
    datei = tmp_path / "mittel.csv"
    waehrung = "1.200.000,00 €;100.000 €;EUR 100.000;100.000"
    datei.write_text(
        "Posten;Jahr;Mittel;" + ";".join(MONATE) + "\n"
        "Eingliederungsleistungen;2023;" + waehrung + ";" * 9 + "\n"
        "Eingliederungsleistungen;2022;1.000.000;" + ";".join(["50000"] * 12) + "\n"
        "Sprachkurse;2023;60000;5000;5000;5000" + ";" * 9 + "\n",
        encoding="cp1252",
    )
    lauf = cli("arbeitsmappe", "-o", mappe, "--store", demo_store, "--mittel", datei)
    assert lauf.code == 0, lauf.err
    wb = load_workbook(mappe)
    assert tabelle_lesen(wb, "tbl_Mittel")[0]["Mittel"] == 1_200_000  # a number, not text
    assert [z["Posten"] for z in tabelle_lesen(wb, "tbl_Mittel")] == [
        "Eingliederungsleistungen", "Eingliederungsleistungen", "Sprachkurse"
    ]  # fmt: skip
    mittel = {z["Posten"]: z for z in tabelle_lesen(wb, "tbl_Mittel_Auswertung")}
    e = mittel["Eingliederungsleistungen"]
    assert e["Ausschöpfung"] == pytest.approx(25.0) and e["Pfad Vorjahr"] == pytest.approx(25.0)
    assert e["Prognose Dezember"] == pytest.approx(1_200_000)
    assert "keine Ausgaben 2022 erfasst" in mittel["Sprachkurse"]["Grund"]
    assert mittel["Gesamt"]["Mittel"] == 1_260_000

    # a blank after the decimal mark groups nothing: "1.200 000" is refused, not read as 1,2
    datei.write_text(
        "Posten;Jahr;Mittel;" + ";".join(MONATE) + "\nX;2023;1.200 000" + ";" * 12 + "\n",
        encoding="utf-8",
    )
    vorher = mappe.read_bytes()
    lauf = cli("arbeitsmappe", "-o", mappe, "--mittel", datei)
    assert lauf.code != 0 and "„1.200 000“" in lauf.err, lauf.err
    assert mappe.read_bytes() == vorher

    datei.write_text("Posten;Jahr;Mittel;Januar\nX;2023;10;5\n", encoding="utf-8")
    vorher = mappe.read_bytes()
    lauf = cli("arbeitsmappe", "-o", mappe, "--mittel", datei)
    assert lauf.code != 0 and "es fehlen die Spalten Februar" in lauf.err
    assert mappe.read_bytes() == vorher


def test_funds_in_english_notation_are_refused_not_read_a_thousand_times_too_small(
    demo, tmp_path, cli
):
    """A finance system's export in English notation: "1,200,000.00" was read as 1.2 and
    "45,000" as 45 euros, without a word. Each amount is named with its German spelling."""
    mappe = _kopie(demo, tmp_path)
    datei = tmp_path / "mittel-export.csv"
    datei.write_text(
        "Posten;Jahr;Mittel;" + ";".join(MONATE) + "\n"
        "Eingliederungsleistungen;2023;1,200,000.00;95,500.50;45,000" + ";" * 10 + "\n",
        encoding="utf-8",
    )
    vorher = mappe.read_bytes()
    lauf = cli("arbeitsmappe", "-o", mappe, "--mittel", datei)
    assert lauf.code == 2, lauf.err
    for text in (
        "„Eingliederungsleistungen“ 2023, Mittel: „1,200,000.00“ ist in englischer "
        "Schreibweise (Komma zwischen den Tausendern); bitte deutsch schreiben: 1.200.000,00.",
        "Januar: „95,500.50“ ist in englischer Schreibweise",
        "Februar: „45,000“ ist nicht eindeutig: Ein Betrag hat keine drei Nachkommastellen, in "
        "englischer Schreibweise wären es 45000 Euro. Bitte Tausender mit Punkt (45.000)",
    ):
        assert text in lauf.err, lauf.err
    assert mappe.read_bytes() == vorher  # nothing written


def test_workbook_of_the_first_template_gains_the_new_sheets_and_keeps_the_users_work(
    demo_store, tmp_path, cli
):
    mappe = tmp_path / "alt.xlsx"
    shutil.copy(Path(__file__).parent / "daten" / "vorlage-1.0.xlsx", mappe)
    wb = load_workbook(mappe)
    assert "Steuerungsdialog" not in wb.sheetnames
    notizen = wb.create_sheet("Meine Notizen")
    notizen["A1"] = "Notiz für den Steuerungsdialog"
    notizen["A2"] = "=SUM(tbl_Ziele[Veraenderung])"
    notizen["A3"] = "=tbl_Ziele[@Noch_benoetigt]"
    notizen["A4"] = "=MAX(tbl_Gender[Abstand])-MAX(tbl_Ziele[Abstand])"
    wb.save(mappe)
    lauf = cli("arbeitsmappe", "-o", mappe, "--store", demo_store, "--bis-monat", 6)
    assert lauf.code == 0, lauf.err
    wb = load_workbook(mappe)
    assert all(b in wb.sheetnames for b in NEUE_BLAETTER)
    assert wb.sheetnames.index("Steuerungsdialog") == 1
    assert wb["Meine Notizen"]["A1"].value == "Notiz für den Steuerungsdialog"
    # the columns got the names of template 2.0, and the user's formulas followed them
    assert wb["Meine Notizen"]["A2"].value == "=SUM(tbl_Ziele[Veränderung])"
    assert wb["Meine Notizen"]["A3"].value == "=tbl_Ziele[@[Noch benötigt]]"
    assert (  # another table's column of the same name stays
        wb["Meine Notizen"]["A4"].value
        == "=MAX(tbl_Gender[Abstand])-MAX(tbl_Ziele[Abstand zum Zielwert])"
    )
    assert tabelle_lesen(wb, "tbl_Monitoring")[0]["Größe"]
    ws = wb["Übersicht"]
    kopf = {c.value: c for c in ws[6]}
    assert ws.column_dimensions[kopf["Einheit"].column_letter].hidden
    assert kopf["Ziel_ID"].number_format == ";;;"  # kept for formulas, shown as nothing
    zeile = tabelle_lesen(wb, "tbl_Ziele")[0]
    assert zeile["Status Zielpfad"] in ("auf dem Zielpfad", "hinter dem Zielpfad")
    assert zeile["Prognose Dezember"] is not None
