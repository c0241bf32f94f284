"""The controlling workbook: built, refreshed in place with user additions, opened and
recalculated by LibreOffice, written safely."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import re
import shutil
import stat
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from zielsteuerung.kern.monate import MONATSNAMEN
from zielsteuerung.mappe.diagrammdaten import HILFSDATEN
from zielsteuerung.mappe.vorlage import vorlage_erzeugen
from zielsteuerung.mappe.zellen import name_lesen, tabelle_lesen

from conftest import (
    ART,
    BEREICH,
    PLAN,
    SCHWELLE,
    VERGLEICH,
    abbrechen_bei,
    libreoffice_noetig,
    name_setzen,
    pfad_der_integrationen,
    plan_eintragen,
    png_lesen,
    teile_vergleichen,
    vereinbarung_aendern,
    ziel_hinzufuegen,
)

WURZEL = Path(__file__).resolve().parents[1]
KLEVE = "05154"


@pytest.fixture
def teildaten(tmp_path, demo_daten):
    """Kreis Kleve's demo data, split as they arrive: through May 2023, June, July."""
    kleve = demo_daten[demo_daten["traeger_id"] == KLEVE]
    teile = {
        "bis-mai": kleve[kleve["berichtsmonat"] <= "2023-05"],
        "juni": kleve[kleve["berichtsmonat"] == "2023-06"],
        "juli": kleve[kleve["berichtsmonat"] == "2023-07"],
    }
    pfade = {}
    for name, teil in teile.items():
        pfade[name] = tmp_path / f"{name}.csv"
        teil.to_csv(pfade[name], sep=";", index=False)
    return pfade


def json_auswertung(cli, store, bis_monat) -> dict:
    lauf = cli("auswerten", "--store", store, "--bis-monat", bis_monat, "--format", "json")
    assert lauf.code == 0, lauf.err
    return lauf.json()


def pruefe_tbl_ziele(zeilen: list[dict], erwartet: dict) -> None:
    """tbl_Ziele holds the JSON's numbers, unrounded."""
    assert [z["Ziel_ID"] for z in zeilen] == [z["id"] for z in erwartet["ziele"]]
    paare = [
        ("Vorjahr", "vorjahr"),
        ("Aktuell", "aktuell"),
        ("Veränderung", "veraenderung"),
        ("Schwelle", "schwelle"),
        ("Zielwert", "zielwert"),
        ("Abstand zum Zielwert", "distanz"),
    ]
    for zeile, ziel in zip(zeilen, erwartet["ziele"], strict=True):
        for spalte, feld in paare:
            assert math.isclose(zeile[spalte], ziel[feld], rel_tol=1e-12, abs_tol=1e-12), (
                ziel["id"],
                spalte,
            )
        assert zeile["Status"] == ziel["status"]
        assert bool(zeile["Knapp"]) == ziel["knapp"]
        assert zeile["Einheit"] == ziel["einheit"]


def test_workbook_from_a_store_with_some_base_figures_only(tmp_path, cli):
    """Once "keine Daten … vor"; now the workbook shows what can be evaluated."""
    daten = tmp_path / "eckwerte.csv"
    daten.write_text(
        "traeger_id;berichtsmonat;merkmal;wert;wartezeit\n"
        + "".join(
            f"05154;{j}-{m:02d};{mk};{w};T0\n"
            for j in (2022, 2023)
            for m in range(1, 4)
            for mk, w in (("BG", 2700), ("ELB", 3700))
        ),
        encoding="utf-8",
    )
    store = tmp_path / "s.sqlite"
    assert cli("import", daten, "--store", store).code == 0
    lauf = cli("arbeitsmappe", "-o", tmp_path / "mappe.xlsx", "--store", store)
    assert lauf.code == 0, lauf.err
    wb = load_workbook(tmp_path / "mappe.xlsx")
    erwartet = json_auswertung(cli, store, 3)
    assert {z["Status"] for z in tabelle_lesen(wb, "tbl_Ziele")} == {"nicht berechenbar"}
    assert [z["Status"] for z in tabelle_lesen(wb, "tbl_Ziele")] == [
        z["status"] for z in erwartet["ziele"]
    ]


def test_demo_workbook_recalculated_by_libreoffice_matches_json(tmp_path, cli):
    libreoffice_noetig()
    from zielsteuerung.mappe.libreoffice import umwandeln

    assert cli("demo", "--ordner", tmp_path).code == 0
    mappe = tmp_path / "controlling-beispiel.xlsx"
    berechnet = umwandeln(mappe, "xlsx", tmp_path / "lo")
    wb = load_workbook(berechnet, data_only=True)
    store = tmp_path / "beispiel-datenbestand.sqlite"
    erwartet = json_auswertung(cli, store, 12)
    pruefe_tbl_ziele(tabelle_lesen(wb, "tbl_Ziele"), erwartet)
    # the formulas of the sheet were computed by LibreOffice from the defined names
    assert wb["Übersicht"]["A1"].value == "Zielvereinbarung 2023 – Kreis Kleve (05154)"
    assert wb["Übersicht"]["A3"].value == "Beispieldaten – keine amtlichen Werte"
    assert wb["Info"]["B11"].value == "Beispieldaten – keine amtlichen Werte"


def test_rendering_command_writes_pictures(tmp_path, cli):
    """Landscape A4 pages (December's Verlauf: the table, then its five charts on two pages),
    each with the table and its traffic lights or the charts on it, not an empty page. Pages
    an earlier rendering left in the folder (a sheet had more pages then) do not stay beside
    the new ones; the user's own files do."""
    libreoffice_noetig("pdftoppm")
    assert cli("demo", "--ordner", tmp_path).code == 0
    ordner = tmp_path / "bilder"
    ordner.mkdir()
    for frueher in ("Verlauf-4.png", "Verlauf-01.png", "Gender-2.png", "Verlauf-Notizen.png"):
        (ordner / frueher).write_bytes(b"frueher")
    lauf = cli("bilder", tmp_path / "controlling-beispiel.xlsx", "-o", ordner)
    assert lauf.code == 0, lauf.err
    bilder = [Path(z) for z in lauf.out.split()]
    assert [b.name for b in bilder] == [
        "Uebersicht-1.png", "Gender-1.png", "Verlauf-1.png", "Verlauf-2.png", "Verlauf-3.png"
    ]  # fmt: skip
    assert {p.name for p in ordner.iterdir()} == {b.name for b in bilder} | {"Verlauf-Notizen.png"}
    for pfad in bilder:
        bild = png_lesen(pfad)
        assert bild.breite / bild.hoehe == pytest.approx(297 / 210, rel=0.01), pfad.name
        assert bild.tinte > 0.01, (pfad.name, bild)
    assert png_lesen(bilder[0]).farbe > 0.005  # the traffic lights of the Übersicht


def nutzer_ergaenzungen(pfad: Path) -> None:
    """What a controller adds by hand between two refreshes."""
    wb = load_workbook(pfad)
    eigen = wb.create_sheet("Eigene Analyse", 0)  # also changes the sheet order
    eigen["A1"] = "Integrationen doppelt"
    eigen["B1"] = "=Übersicht!D7*2"
    eigen["B2"] = "=SUM(B1,1)"
    eigen["A3"].comment = Comment("meine Notiz", "Controlling")
    regel = DataValidation(type="whole", operator="between", formula1="0", formula2="9")
    eigen.add_data_validation(regel)
    regel.add("C1:C5")
    eigen.conditional_formatting.add(
        "B1:B2",
        CellIsRule(
            operator="greaterThan", formula=["0"], fill=PatternFill("solid", fgColor="00FF00")
        ),
    )
    wb.defined_names["Meine_Zahl"] = DefinedName("Meine_Zahl", attr_text="'Eigene Analyse'!$B$2")
    ueb = wb["Übersicht"]
    ueb["A4"].font = Font(color="FF0000", italic=True)
    ueb.column_dimensions["B"].width = 71
    ueb["P2"] = "Notiz neben der Tabelle"
    ueb["B8"].comment = Comment("K2 im Blick behalten", "Controlling")
    _kopf(ueb, "Vorjahr").alignment = Alignment(horizontal="left", wrap_text=True)
    erl = wb["Erläuterungen"]
    for zeile in range(5, 10):
        if erl.cell(zeile, 1).value == "k2":
            erl.cell(zeile, 4).value = "Saisonaler Effekt im Frühjahr."
        if erl.cell(zeile, 1).value == "k3":
            erl.cell(zeile, 4).value = "=Zielwert wird im Herbst erreicht"
            erl.cell(zeile, 4).data_type = "s"
        if erl.cell(zeile, 1).value == "integrationen_lzb":
            erl.cell(zeile, 4).value = "+45 Integrationen fehlen noch"
            erl.cell(zeile, 4).data_type = "s"
    wb.save(pfad)


def _kopf(ws, titel: str):
    """The header cell of tbl_Ziele titled ``titel``."""
    ref = ws.tables["tbl_Ziele"].ref
    return next(z for z in ws[ref][0] if z.value == titel)


def pruefe_ergaenzungen(pfad: Path) -> None:
    wb = load_workbook(pfad)
    assert wb.sheetnames[0] == "Eigene Analyse"
    eigen = wb["Eigene Analyse"]
    assert eigen["B1"].value == "=Übersicht!D7*2" and eigen["B2"].value == "=SUM(B1,1)"
    assert eigen["A3"].comment.text == "meine Notiz"
    assert str(eigen.data_validations.dataValidation[0].sqref) == "C1:C5"
    assert any(str(cf.sqref) == "B1:B2" for cf in eigen.conditional_formatting)
    assert wb.defined_names["Meine_Zahl"].attr_text == "'Eigene Analyse'!$B$2"
    ueb = wb["Übersicht"]
    assert ueb["A4"].font.color.rgb.endswith("FF0000") and ueb["A4"].font.italic
    assert ueb.column_dimensions["B"].width == 71
    assert ueb["P2"].value == "Notiz neben der Tabelle"
    assert ueb["B8"].comment.text == "K2 im Blick behalten"
    assert _kopf(ueb, "Vorjahr").alignment.horizontal == "left"  # not set right again
    assert _kopf(ueb, "Aktuell").alignment.horizontal == "right"  # as its numbers
    erlaeuterungen = {
        z["Ziel_ID"]: z["Erläuterung"] for z in tabelle_lesen(wb, "tbl_Erlaeuterungen")
    }
    assert erlaeuterungen["k2"] == "Saisonaler Effekt im Frühjahr."
    assert erlaeuterungen["k3"] == "=Zielwert wird im Herbst erreicht"
    assert erlaeuterungen["integrationen_lzb"] == "+45 Integrationen fehlen noch"
    # a row with an explanation reads from its top, every cell of it (printed, a label in the
    # middle of a tall row stood beside the explanation's third line)
    k2 = next(z for z in wb["Erläuterungen"].iter_rows(max_col=4) if z[0].value == "k2")
    assert [z.alignment.vertical for z in k2[1:]] == ["top"] * 3
    dialog = next(z for z in wb["Steuerungsdialog"].iter_rows(max_col=2)
                  if z[1].value == "Saisonaler Effekt im Frühjahr.")  # fmt: skip
    assert [z.alignment.vertical for z in dialog] == ["top"] * 2
    with zipfile.ZipFile(pfad) as archiv:  # stored as text, not as a formula
        xml = b"".join(archiv.read(n) for n in archiv.namelist() if n.startswith("xl/worksheets/"))
        texte = archiv.read("xl/sharedStrings.xml")
        assert b"<f>Zielwert wird" not in xml and b"<f>+45" not in xml
        assert b"<t>=Zielwert wird im Herbst erreicht</t>" in texte


def test_refresh_twice_keeps_everything_the_user_added(tmp_path, cli, teildaten):
    store = tmp_path / "s.sqlite"
    assert cli("import", teildaten["bis-mai"], "--store", store).code == 0
    mappe = tmp_path / "controlling.xlsx"
    assert cli("arbeitsmappe", "-o", mappe, "--store", store).code == 0
    pruefe_tbl_ziele(
        tabelle_lesen(load_workbook(mappe), "tbl_Ziele"), json_auswertung(cli, store, 5)
    )
    nutzer_ergaenzungen(mappe)

    for neu, monat in (("juni", 6), ("juli", 7)):
        assert cli("import", teildaten[neu], "--store", store).code == 0
        lauf = cli("arbeitsmappe", "-o", mappe)  # settings and agreement from the workbook
        assert lauf.code == 0, lauf.err
        assert "Aktualisiert" in lauf.out
        wb = load_workbook(mappe)
        blatt, zelle = next(wb.defined_names["Bis_Monat"].destinations)
        assert wb[blatt][zelle].value == monat
        pruefe_tbl_ziele(tabelle_lesen(wb, "tbl_Ziele"), json_auswertung(cli, store, monat))
        assert len(tabelle_lesen(wb, "tbl_Verlauf")) == monat
        assert len(wb["Verlauf"]._charts) == 5 and len(wb["Gender"]._charts) == 1
        pruefe_ergaenzungen(mappe)


def test_committed_template_is_what_the_command_generates(tmp_path, cli):
    assert cli("vorlage", "-o", tmp_path / "neu.xlsx").code == 0
    teile_vergleichen(
        WURZEL / "workbook_templates" / "zielsteuerung-controlling.xlsx", tmp_path / "neu.xlsx"
    )
    wb = load_workbook(tmp_path / "neu.xlsx")
    for name in ("Traeger_ID", "Jahr", "Bis_Monat", "Wartezeit", "Datenstand"):
        assert name in wb.defined_names
    ziele = next(ws.tables["tbl_Ziele"] for ws in wb.worksheets if "tbl_Ziele" in ws.tables)
    kopf = [c.value for c in wb["Übersicht"][ziele.ref.split(":")[0][1:]]]
    assert kopf[:10] == [
        "Ziel_ID",
        "Ziel",
        "Vorjahr",
        "Aktuell",
        "Veränderung",
        "Einheit",
        "Schwelle",
        "Zielwert",
        "Abstand zum Zielwert",
        "Noch benötigt",
    ]
    vorlage_erzeugen(tmp_path / "direkt.xlsx")
    teile_vergleichen(tmp_path / "neu.xlsx", tmp_path / "direkt.xlsx")


@pytest.fixture
def mappe_mit_store(tmp_path, cli, teildaten):
    store = tmp_path / "s.sqlite"
    assert cli("import", teildaten["bis-mai"], "--store", store).code == 0
    mappe = tmp_path / "controlling.xlsx"
    assert cli("arbeitsmappe", "-o", mappe, "--store", store).code == 0
    return mappe, store


def test_settings_come_from_the_workbook(mappe_mit_store, cli):
    mappe, store = mappe_mit_store
    name_setzen(mappe, "Bis_Monat_Vorgabe", 3)
    name_setzen(mappe, "Wartezeit", "T3")
    assert cli("arbeitsmappe", "-o", mappe).code == 0
    wb = load_workbook(mappe)
    erwartet = cli(
        "auswerten", "--store", store, "--bis-monat", 3, "--wartezeit", "T3", "--format", "json"
    ).json()
    pruefe_tbl_ziele(tabelle_lesen(wb, "tbl_Ziele"), erwartet)
    assert wb["Info"]["B10"].value == "T3"


def test_a_budget_line_without_allocated_funds_is_explained_not_a_crash(mappe_mit_store, cli):
    """Spending entered, the allocation not yet: no share can be computed, and the refresh
    says why instead of stopping (it used to fail with an internal error)."""
    mappe, _ = mappe_mit_store
    monate = ";".join(MONATSNAMEN)
    mittel = mappe.with_name("mittel.csv")
    mittel.write_text(
        f"Posten;Jahr;Mittel;{monate}\nEingliederung;2023;;100;100;;;;;;;;;;\n", encoding="utf-8"
    )
    lauf = cli("arbeitsmappe", "-o", mappe, "--mittel", mittel, "--bis-monat", 5)
    assert lauf.code == 0, lauf.err
    (zeile,) = tabelle_lesen(load_workbook(mappe), "tbl_Mittel_Auswertung")
    assert zeile["Ausgaben"] == 200
    assert zeile["Ausschöpfung"] is None
    assert "keine Mittel eingetragen" in zeile["Grund"]


@pytest.mark.parametrize(
    ("name", "wert", "meldung"),
    [
        ("Wartezeit", None, "Einstellungen: Wartezeit ist leer"),  # used to become T3 silently
        ("Bis_Monat_Vorgabe", dt.datetime(2022, 3, 1), "Monat 03/2022 liegt nicht im Jahr 2023"),
        ("Jahr", "2023/24", "Einstellungen: Jahr „2023/24“ ist keine Jahreszahl"),
        (
            "Datenbestand",
            "bestand.sqlite",
            "Einstellungen: Datenbestand „bestand.sqlite“ ist kein vollständiger Pfad",
        ),
    ],
    ids=["wartezeit-leer", "monat-anderes-jahr", "jahr-unlesbar", "pfad-relativ"],
)
def test_a_setting_that_cannot_be_used_stops_the_refresh(
    mappe_mit_store, cli, name, wert, meldung, monkeypatch
):
    """The refresh of the file reads the Einstellungen as the ZIEL_ cells and the ribbon button
    do: an empty or unreadable setting is named, never replaced by a default. A relative path
    is not read from wherever the program runs, even where a file of that name lies there."""
    mappe, store = mappe_mit_store
    monkeypatch.chdir(store.parent)
    shutil.copy(store, "bestand.sqlite")
    name_setzen(mappe, name, wert)
    vorher = hash_von(mappe)
    lauf = cli("arbeitsmappe", "-o", mappe)
    assert lauf.code == 2, lauf.out
    assert meldung in lauf.err
    assert hash_von(mappe) == vorher


@pytest.mark.parametrize("wert", [dt.datetime(2023, 3, 1), "März", "Mrz", "03/2023"])
def test_a_report_month_given_as_a_date_or_a_name_is_that_month(mappe_mit_store, cli, wert):
    mappe, store = mappe_mit_store
    name_setzen(mappe, "Bis_Monat_Vorgabe", wert)
    assert cli("arbeitsmappe", "-o", mappe).code == 0
    erwartet = cli("auswerten", "--store", store, "--bis-monat", 3, "--format", "json").json()
    pruefe_tbl_ziele(tabelle_lesen(load_workbook(mappe), "tbl_Ziele"), erwartet)


def abgelehnt(cli, mappe: Path) -> str:
    """The refresh stops with exit code 2 and leaves the file as it was; its message."""
    vorher = hash_von(mappe)
    lauf = cli("arbeitsmappe", "-o", mappe)
    assert lauf.code == 2, lauf.out
    assert hash_von(mappe) == vorher
    return lauf.err


def test_agreement_comes_from_its_sheet(mappe_mit_store, cli):
    mappe, _ = mappe_mit_store
    vereinbarung_aendern(mappe, {("k2", SCHWELLE): -50.0})  # a threshold everyone reaches
    assert cli("arbeitsmappe", "-o", mappe).code == 0
    k2 = next(z for z in tabelle_lesen(load_workbook(mappe), "tbl_Ziele") if z["Ziel_ID"] == "k2")
    assert k2["Schwelle"] == -50.0
    assert k2["Zielwert"] == pytest.approx(k2["Vorjahr"] * 0.5)
    assert k2["Status"] == "auf Kurs"


def hash_von(pfad: Path) -> str:
    return hashlib.sha256(pfad.read_bytes()).hexdigest()


def test_bad_agreement_on_sheet_is_reported_and_file_untouched(mappe_mit_store, cli):
    """The message names the row by its Ziel_ID and the column by its title, with numbers in
    German notation, as the sheet shows them (not as an agreement file would)."""
    mappe, _ = mappe_mit_store
    vereinbarung_aendern(
        mappe,
        {("k3", SCHWELLE): "-2,7 %", ("k2", ART): None, ("k2_abstand", VERGLEICH): "=<"},
    )
    err = abgelehnt(cli, mappe)
    assert "Blatt „Zielvereinbarung“ ist fehlerhaft:\n" in err
    assert (
        "- Ziel „k3“: Spalte „Schwelle“ muss eine Zahl sein, nicht „-2,7 %“ (z. B. 2,7 oder -0,4, "
        "ohne %-Zeichen und Einheit).\n"
    ) in err
    assert "- Ziel „k2“: Spalte „Art“ ist leer.\n" in err
    assert "- Ziel „k2_abstand“: Spalte „Vergleich“ muss „>=“ (mindestens) oder „<=“" in err


def test_a_row_whose_area_is_unclear_is_reported_not_guessed(mappe_mit_store, cli):
    """A threshold typed into a monitoring row (a target meant?) was dropped without a word; an
    unknown area („Monitorring“) made the row a target."""
    mappe, _ = mappe_mit_store
    vereinbarung_aendern(
        mappe, {("llu", VERGLEICH): ">=", ("llu", SCHWELLE): 3, ("bg", BEREICH): "Monitorring"}
    )
    err = abgelehnt(cli, mappe)
    assert "- Monitoring „llu“ hat Vergleich oder Schwelle; für ein Ziel bitte" in err
    assert "- „bg“: Spalte „Bereich“ „Monitorring“ unbekannt" in err


def test_a_target_added_on_the_sheet_widens_the_path_table_and_its_charts(mappe_mit_store, cli):
    """tbl_Zielpfad grows by the target's columns into the space of the charts' data: those
    are our own and written anew beside it (the refresh stopped, calling them the user's);
    a note of the user's right of the table stops it, and nothing is overwritten."""
    mappe, _ = mappe_mit_store
    ziel_hinzufuegen(mappe)
    notiz = mappe.with_name("mit-notiz.xlsx")
    shutil.copy(mappe, notiz)
    assert cli("arbeitsmappe", "-o", mappe).code == 0
    wb = load_workbook(mappe)
    ws = wb["Zielpfad"]
    kopf = [z.value for z in ws[ws.tables["tbl_Zielpfad"].ref][0]]
    assert len(kopf) == 1 + 3 * 6
    assert len(ws._charts) == 6
    marken = [z for r in ws.iter_rows() for z in r if z.value == HILFSDATEN]
    rechts = range_boundaries(ws.tables["tbl_Zielpfad"].ref)[2]
    assert len(marken) == 1 and marken[0].column > rechts  # beside the wider table

    wb = load_workbook(notiz)
    ws = wb["Zielpfad"]
    rechts = range_boundaries(ws.tables["tbl_Zielpfad"].ref)[2] + 2
    marke = next(z for r in ws.iter_rows() for z in r if z.value == HILFSDATEN)
    for zeile in ws.iter_rows(min_row=marke.row, max_row=marke.row + 14):
        for zelle in zeile:
            if zelle.column >= marke.column:
                zelle.value = None  # no chart data: the note is what stands right of the table
    ws.cell(6, rechts).value = "Notiz: Pfad mit der Geschäftsführung abgestimmt"
    wb.save(notiz)
    err = abgelehnt(cli, notiz)
    assert "Rechts neben der Tabelle „tbl_Zielpfad“ auf dem Blatt „Zielpfad“ stehen eigene" in err


def test_a_threshold_typed_as_text_is_read_in_german_notation(mappe_mit_store, cli):
    """A cell formatted as text keeps „-2,7“ as text: it is read as the number it shows, as on
    the sheets Planung and Mittel."""
    mappe, _ = mappe_mit_store
    vereinbarung_aendern(mappe, {("k3", SCHWELLE): "-2,7"})
    assert cli("arbeitsmappe", "-o", mappe).code == 0
    k3 = next(z for z in tabelle_lesen(load_workbook(mappe), "tbl_Ziele") if z["Ziel_ID"] == "k3")
    assert k3["Schwelle"] == -2.7


def bild_einfuegen(pfad: Path) -> None:
    """Add a picture the way Excel stores one (openpyxl without Pillow could not keep it)."""
    with zipfile.ZipFile(pfad, "a") as archiv:
        archiv.writestr("xl/media/image1.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)


@pytest.mark.parametrize(
    ("vorbereitung", "meldung"),
    [
        (bild_einfuegen, "Bilder"),
        (lambda p: p.with_name("~$" + p.name).write_text("x"), "gerade geöffnet"),
        (lambda p: p.write_bytes(p.read_bytes()[:3000]), "keine gültige Excel-Arbeitsmappe"),
    ],
    ids=["bild", "in-excel-geoeffnet", "beschaedigt"],
)
def test_refresh_refuses_and_leaves_file_untouched(mappe_mit_store, cli, vorbereitung, meldung):
    mappe, _ = mappe_mit_store
    vorbereitung(mappe)
    vorher = hash_von(mappe)
    lauf = cli("arbeitsmappe", "-o", mappe)
    assert lauf.code == 2, lauf.err
    assert meldung in lauf.err and "nicht verändert" in lauf.err
    assert "Traceback" not in lauf.err
    assert hash_von(mappe) == vorher
    assert not list(mappe.parent.glob(".~zs-*"))  # no temporary file left behind


def test_workbook_file_gets_the_permissions_a_user_expects(mappe_mit_store, cli):
    """The workbook is written to a private temporary file (0600) first. Moved into place, a
    new workbook is readable as the user's other new files are (umask), and a refreshed one
    keeps the permissions it had, e.g. for colleagues on a shared drive."""
    _, store = mappe_mit_store
    mappe = store.with_name("fuer-das-team.xlsx")
    vorher = os.umask(0o002)
    try:
        assert cli("arbeitsmappe", "-o", mappe, "--store", store).code == 0
        assert stat.S_IMODE(mappe.stat().st_mode) == 0o664
        mappe.chmod(0o640)
        assert cli("arbeitsmappe", "-o", mappe).code == 0
        assert stat.S_IMODE(mappe.stat().st_mode) == 0o640
    finally:
        os.umask(vorher)


def test_foreign_workbook_is_not_touched(tmp_path, cli, mappe_mit_store):
    _, store = mappe_mit_store
    fremd = tmp_path / "haushalt.xlsx"
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "Haushalt 2023"
    wb.save(fremd)
    vorher = hash_von(fremd)
    lauf = cli("arbeitsmappe", "-o", fremd, "--store", store)
    assert lauf.code == 2
    assert "keine Controlling-Arbeitsmappe" in lauf.err
    assert hash_von(fremd) == vorher


def test_growing_table_never_overwrites_user_content(mappe_mit_store, cli, teildaten):
    mappe, store = mappe_mit_store
    wb = load_workbook(mappe)
    ws = wb["Daten"]
    ende = int(ws.tables["tbl_Daten"].ref.split(":")[1].lstrip("ABCDEFGH"))
    ws.cell(ende + 5, 1).value = "Meine Summe"
    wb.save(mappe)
    vorher = hash_von(mappe)
    assert cli("import", teildaten["juni"], "--store", store).code == 0
    lauf = cli("arbeitsmappe", "-o", mappe)
    assert lauf.code == 2
    assert "tbl_Daten" in lauf.err and f"A{ende + 5}" in lauf.err
    assert hash_von(mappe) == vorher


def test_moved_table_and_restyled_cells_still_refresh(mappe_mit_store, cli, teildaten):
    mappe, store = mappe_mit_store
    wb = load_workbook(mappe)
    ws = wb["Monitoring"]
    tabelle = ws.tables["tbl_Monitoring"]
    ws.move_range(tabelle.ref, rows=3, cols=2)
    tabelle.ref = "C7:I13"
    tabelle.autoFilter.ref = tabelle.ref
    ws["C8"].font = Font(bold=True, color="0000FF")
    wb.save(mappe)
    assert cli("import", teildaten["juni"], "--store", store).code == 0
    assert cli("arbeitsmappe", "-o", mappe).code == 0
    wb = load_workbook(mappe)
    ws = wb["Monitoring"]
    assert ws.tables["tbl_Monitoring"].ref == "C7:I13"
    erwartet = json_auswertung(cli, store, 6)["monitoring"]
    assert [ws.cell(r, 3).value for r in range(8, 14)] == [m["id"] for m in erwartet]
    assert [ws.cell(r, 6).value for r in range(8, 14)] == pytest.approx(
        [m["aktuell"] for m in erwartet]
    )
    assert ws["C8"].font.bold and ws["C8"].font.color.rgb.endswith("0000FF")
    assert ws["A4"].value is None  # the old place stays empty


def test_each_text_is_stored_once_as_excel_does(mappe_mit_store):
    """Cell texts are in one table of shared strings, each once, the cells refer to it; the
    workbook reads back with the same texts (LibreOffice opening it: the rendering tests)."""
    mappe, _ = mappe_mit_store
    with zipfile.ZipFile(mappe) as archiv:
        blaetter = [archiv.read(n) for n in archiv.namelist() if n.startswith("xl/worksheets/")]
        tabelle = archiv.read("xl/sharedStrings.xml")
        assert b"sharedStrings" in archiv.read("[Content_Types].xml")
        assert b"sharedStrings.xml" in archiv.read("xl/_rels/workbook.xml.rels")
    texte = re.findall(rb"<si><t[^>]*>(.*?)</t></si>", tabelle)
    assert len(texte) == len(set(texte)) > 100
    assert not any(b"<is><t" in blatt for blatt in blaetter)
    assert sum(blatt.count(b't="s"') for blatt in blaetter) > len(texte)  # shared by cells
    wb = load_workbook(mappe)
    ziele = tabelle_lesen(wb, "tbl_Ziele")
    assert ziele[1]["Ziel"] == "Veränderung der Integrationsquote (K2)"
    assert wb["Einstellungen"]["B5"].value == "Kreis Kleve"


def test_text_from_data_stays_text(tmp_path, cli):
    daten = tmp_path / "d.csv"
    daten.write_text(
        "traeger_id;traeger_name;berichtsmonat;merkmal;wert;wartezeit\n"
        '05154;=HYPERLINK("http://example.invalid");2022-01;INT;10;T0\n'
        '05154;=HYPERLINK("http://example.invalid");2023-01;INT;12;T0\n',
        encoding="utf-8",
    )
    store = tmp_path / "s.sqlite"
    assert cli("import", daten, "--store", store).code == 0
    mappe = tmp_path / "m.xlsx"
    assert cli("arbeitsmappe", "-o", mappe, "--store", store, "--bis-monat", 1).code == 0
    wb = load_workbook(mappe)
    zelle = wb["Einstellungen"]["B5"]
    assert zelle.value == '=HYPERLINK("http://example.invalid")'
    assert zelle.data_type == "s"


KIND = """
import os, signal, sys, tempfile, zipfile, pathlib
from zielsteuerung.mappe.aktualisieren import arbeitsmappe

mappe, monat, phase = pathlib.Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]


def halt(name):
    print(name, flush=True)
    signal.pause()  # until the test kills this process


if phase == "vor dem Speichern":
    tempfile.mkstemp = lambda *a, **k: halt(phase)
elif phase == "mitten im Schreiben":
    writestr, teile = zipfile.ZipFile.writestr, []

    def schreiben(self, *a, **k):
        teile.append(1)
        if len(teile) == 8:  # some parts are in the temporary file, others not yet
            halt(phase)
        return writestr(self, *a, **k)

    zipfile.ZipFile.writestr = schreiben
else:
    ersetzen = os.replace

    def replace(quelle, ziel):
        if phase == "nach dem Ersetzen":
            ersetzen(quelle, ziel)
        halt(phase)

    os.replace = replace
arbeitsmappe(mappe, bis_monat=monat)
print("nicht angehalten", flush=True)
"""


def test_killed_during_save_leaves_old_or_new_workbook(mappe_mit_store, cli, teildaten):
    """kill -9 at each step of a refresh, at the moment the refreshing process reports it has
    reached that step: before saving, with the temporary file half written, with it complete
    but not yet moved into place, and just after the move. The file on disk always opens and
    holds a complete evaluation: the old one until the move, the new one after it."""
    import sys

    mappe, store = mappe_mit_store
    for teil in ("juni", "juli"):
        assert cli("import", teildaten[teil], "--store", store).code == 0
    erwartet = {
        m: [z["aktuell"] for z in json_auswertung(cli, store, m)["ziele"]] for m in (5, 6, 7)
    }

    def stand() -> int:
        wb = load_workbook(mappe)
        blatt, zelle = next(wb.defined_names["Bis_Monat"].destinations)
        monat = wb[blatt][zelle.replace("$", "")].value
        assert [z["Aktuell"] for z in tabelle_lesen(wb, "tbl_Ziele")] == pytest.approx(
            erwartet[monat]
        )
        return monat

    reste = set()
    for phase, monat, danach, rest in [
        ("vor dem Speichern", 6, 5, False),
        ("mitten im Schreiben", 6, 5, True),
        ("vor dem Ersetzen", 6, 5, True),
        ("nach dem Ersetzen", 6, 6, False),
        ("mitten im Schreiben", 7, 6, True),
    ]:
        abbrechen_bei([sys.executable, "-c", KIND, str(mappe), str(monat), phase], phase)
        assert stand() == danach, phase
        neu = set(mappe.parent.glob(".~zs-controlling-*.xlsx")) - reste
        assert len(neu) == rest, phase  # the half-written copy stays beside the workbook
        reste |= neu
    # the next refresh works despite the remnants and does not take them for the workbook
    assert cli("arbeitsmappe", "-o", mappe, "--bis-monat", 7).code == 0
    assert stand() == 7


def test_a_remnant_that_cannot_be_removed_does_not_stop_the_refresh(mappe_mit_store, cli):
    """Copies an interrupted save left more than an hour ago are removed by the next save.
    One that cannot be removed (here a folder of that name; on a shared drive, say, another
    user's file) stays where it is, and the refresh goes on."""
    mappe, _ = mappe_mit_store
    vor_zwei_stunden = dt.datetime.now().timestamp() - 2 * 3600
    weg, bleibt = (mappe.parent / f".~zs-controlling-{n}.xlsx" for n in ("weg", "ordner"))
    weg.write_bytes(b"halb geschrieben")
    bleibt.mkdir()
    for rest in (weg, bleibt):
        os.utime(rest, (vor_zwei_stunden, vor_zwei_stunden))
    lauf = cli("arbeitsmappe", "-o", mappe)
    assert lauf.code == 0, lauf.err
    assert not weg.exists() and bleibt.is_dir()


def test_a_new_workbook_is_written_only_under_a_name_ending_in_xlsx(demo_store, tmp_path, cli):
    """„controlling.xlsm“ gave an .xlsx workbook under that name, which Excel refuses to open
    (a refresh of one was already refused)."""
    lauf = cli("arbeitsmappe", "-o", tmp_path / "controlling.xlsm", "--store", demo_store)
    assert lauf.code == 2
    assert "bitte einen Namen mit der Endung .xlsx angeben, z. B. controlling.xlsx" in lauf.err
    assert list(tmp_path.iterdir()) == []  # nothing written, no temporary file left


def test_a_plan_of_another_year_is_not_applied_and_said_so(demo_store, cli, tmp_path):
    """Every January the controller copies last year's workbook and sets the new year: last
    year's plan drove the new year's Zielpfad and its status ("auf dem Zielpfad" beside "nicht
    erreicht") without a word. The plan now has its year; for another year it is kept on the
    sheet, not applied, and the refresh says what to do."""
    mappe = tmp_path / "controlling.xlsx"
    assert cli("arbeitsmappe", "-o", mappe, "--store", demo_store).code == 0
    plan_eintragen(mappe, PLAN)
    lauf = cli("arbeitsmappe", "-o", mappe)
    assert lauf.code == 0 and "Hinweis" not in lauf.err
    assert pfad_der_integrationen(mappe) == ("Planung", sum(PLAN))
    assert name_lesen(load_workbook(mappe), "Planung_Jahr") == 2023  # the year it was made for

    name_setzen(mappe, "Jahr", 2024)
    lauf = cli("arbeitsmappe", "-o", mappe)
    assert lauf.code == 0
    assert (
        "Hinweis: Die Planung auf dem Blatt „Planung“ gilt für 2023, ausgewertet wird 2024: Sie "
        "ist nicht angewandt, der Zielpfad folgt dem Vorjahresverlauf." in lauf.err
    )
    quelle, pfad = pfad_der_integrationen(mappe)
    (ziel,) = [z for z in tabelle_lesen(load_workbook(mappe), "tbl_Ziele")
               if z["Ziel_ID"] == "integrationen"]  # fmt: skip
    assert quelle == "Vorjahresverlauf" and pfad == pytest.approx(ziel["Zielwert"])
    wb = load_workbook(mappe)
    assert name_lesen(wb, "Planung_Jahr") == 2023  # the user's plan and its year stay
    plan = next(z for z in tabelle_lesen(wb, "tbl_Planung") if z["Ziel_ID"] == "integrationen")
    assert [plan[m] for m in MONATSNAMEN] == PLAN

    name_setzen(mappe, "Planung_Jahr", 2024)  # the plan checked for the new year
    lauf = cli("arbeitsmappe", "-o", mappe)
    assert lauf.code == 0 and "Hinweis" not in lauf.err
    assert pfad_der_integrationen(mappe) == ("Planung", sum(PLAN))

    name_setzen(mappe, "Planung_Jahr", "nächstes")
    lauf = cli("arbeitsmappe", "-o", mappe)
    assert lauf.code == 2
    assert "Blatt „Planung“, Planung für das Jahr: „nächstes“ ist keine Jahreszahl" in lauf.err


def test_a_workbook_of_the_template_before_gets_the_plan_year_from_its_last_refresh(
    demo_store, cli, tmp_path
):
    """A workbook refreshed for 2023 by the release before has no cell for the plan's year:
    the refresh adds it; the plan counts as made for the year last evaluated (2023), so set
    to 2024 it is not applied."""
    mappe = tmp_path / "controlling.xlsx"
    assert cli("arbeitsmappe", "-o", mappe, "--store", demo_store).code == 0
    plan_eintragen(mappe, PLAN)
    assert cli("arbeitsmappe", "-o", mappe).code == 0
    wb = load_workbook(mappe)
    blatt, zelle = next(wb.defined_names["Planung_Jahr"].destinations)
    del wb.defined_names["Planung_Jahr"]
    wb[blatt]["B3"] = wb[blatt][zelle.replace("$", "")] = None
    blatt, zelle = next(wb.defined_names["Jahr"].destinations)
    wb[blatt][zelle.replace("$", "")] = 2024
    wb.save(mappe)
    lauf = cli("arbeitsmappe", "-o", mappe)
    assert lauf.code == 0
    assert "Die Planung auf dem Blatt „Planung“ gilt für 2023, ausgewertet wird 2024" in lauf.err
    wb = load_workbook(mappe)
    assert wb["Planung"]["B3"].value == "Planung für das Jahr"
    assert name_lesen(wb, "Planung_Jahr") == 2023  # written down: "Zeitraum" now says 2024
    assert pfad_der_integrationen(mappe)[0] == "Vorjahresverlauf"
    assert "gilt für 2023, ausgewertet wird 2024" in cli("arbeitsmappe", "-o", mappe).err


def test_a_named_cell_without_label_missing_is_added_again_or_refused_with_its_place(
    mappe_mit_store, cli
):
    """A workbook lacking a named cell that has no label (Gender_Pruefung on Gender!A3): the
    refresh adds it where its cell is free, and otherwise names the cell; before, it stopped
    with an internal error (the cell "left of column A")."""
    mappe, _ = mappe_mit_store
    wb = load_workbook(mappe)
    del wb.defined_names["Gender_Pruefung"]
    wb["Gender"]["A3"] = "eigene Notiz"
    wb.save(mappe)
    lauf = cli("arbeitsmappe", "-o", mappe)
    assert lauf.code == 2 and "Traceback" not in lauf.err
    assert (
        "Die Vorlage braucht auf dem Blatt „Gender“ A3 für den Namen „Gender_Pruefung“, doch in "
        "A3 steht etwas." in lauf.err
    )
    assert load_workbook(mappe)["Gender"]["A3"].value == "eigene Notiz"  # file unchanged
    wb = load_workbook(mappe)
    wb["Gender"]["A3"] = None
    wb.save(mappe)
    assert cli("arbeitsmappe", "-o", mappe).code == 0
    wb = load_workbook(mappe)
    assert "Gender_Pruefung" in wb.defined_names and wb["Gender"]["A3"].value


def test_a_new_year_points_to_the_targets_and_the_explanations_kept(mappe_mit_store, cli):
    """A copy of last year's workbook set to the new year: its targets and thresholds, and its
    explanations, stay (they are the user's); the refresh says that they may be last year's:
    the targets always, the explanations where there are any."""
    mappe, _ = mappe_mit_store
    assert cli("arbeitsmappe", "-o", mappe).code == 0
    lauf = cli("arbeitsmappe", "-o", mappe, "--jahr", 2022)
    assert lauf.code == 0
    assert (
        "Hinweis: Die Mappe war zuletzt für 2023 ausgewertet, jetzt für 2022. Bitte prüfen, ob "
        "Ziele und Schwellen auf dem Blatt „Zielvereinbarung“ die für 2022 sind. Erst danach "
        in lauf.err
    )
    assert "Erläuterungen" not in lauf.err  # none written
    wb = load_workbook(mappe)
    ws = wb["Erläuterungen"]
    erste, kopf, _, _ = range_boundaries(ws.tables["tbl_Erlaeuterungen"].ref)
    ws.cell(kopf + 1, erste + 3).value = "Maßnahme X beginnt im Mai"
    wb.save(mappe)
    lauf = cli("arbeitsmappe", "-o", mappe, "--jahr", 2023)
    assert lauf.code == 0
    assert "Hinweis: Die Mappe war zuletzt für 2022 ausgewertet, jetzt für 2023" in lauf.err
    assert "die Erläuterungen auf dem Blatt „Erläuterungen“ wurden für 2022 geschrieben" in lauf.err
    texte = [z["Erläuterung"] for z in tabelle_lesen(load_workbook(mappe), "tbl_Erlaeuterungen")]
    assert "Maßnahme X beginnt im Mai" in texte
    assert "Hinweis" not in cli("arbeitsmappe", "-o", mappe).err  # the same year again
