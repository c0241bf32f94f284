"""The ministry's side: the values-only export with its checksum, the consolidation of all
Träger (also of hostile files from outside), and the overview as a person sees it."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import xlwings
from openpyxl import load_workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import PatternFill
from openpyxl.workbook.defined_name import DefinedName

from zielsteuerung.cli import main
from zielsteuerung.daten.beispieldaten import DEMO_TRAEGER
from zielsteuerung.daten.vereinbarungen import beispiel
from zielsteuerung.excel.mappenformeln import berechnen
from zielsteuerung.mappe.aktualisieren import arbeitsmappe
from zielsteuerung.mappe.vertrag import VORLAGENVERSION
from zielsteuerung.mappe.vorlage import neue_mappe
from zielsteuerung.mappe.zellen import tabelle_lesen
from zielsteuerung.ministerium.export import HINWEISFORMEL, TITELFORMEL, exportieren
from zielsteuerung.ministerium.pruefsumme import pruefsumme_berechnen, pruefsumme_gespeichert
from zielsteuerung.ministerium.pruefung import Abgelehnt, Grenzen, datei_pruefen

from conftest import libreoffice_noetig, png_lesen

KLEVE = "05154"
BEARBEITET = "05358"  # Kreis Düren: a value is changed after the export


@dataclass
class Traegerkopie:
    mappe: Path
    kopie: Path
    bis_monat: int


@pytest.fixture(scope="module")
def kopien(tmp_path_factory, demo_store) -> dict[str, Traegerkopie]:
    """Controlling workbook and ministry copy of each of the 18 demo Träger (built once);
    half of them evaluated through December, half through June."""
    ordner = tmp_path_factory.mktemp("ministerium")
    ergebnis = {}
    for nr, (traeger_id, _) in enumerate(DEMO_TRAEGER):
        monat = 12 if nr % 2 == 0 else 6
        mappe = ordner / "mappen" / f"controlling-{traeger_id}.xlsx"
        arbeitsmappe(mappe, demo_store, None, traeger_id=traeger_id, bis_monat=monat)
        kopie = exportieren(mappe, ordner / "kopien" / f"ministerium-{traeger_id}.xlsx", berechnen)
        ergebnis[traeger_id] = Traegerkopie(mappe, kopie, monat)
    return ergebnis


def hash_von(pfad: Path) -> str:
    return hashlib.sha256(pfad.read_bytes()).hexdigest()


def zelle_des_namens(wb, name: str):
    blatt, bereich = next(wb.defined_names[name].destinations)
    return wb[blatt][bereich.replace("$", "")]


def teile(pfad: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(pfad) as archiv:
        return {n: archiv.read(n) for n in archiv.namelist()}


def als_zip(pfad: Path, inhalt: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(pfad, "w", zipfile.ZIP_DEFLATED) as archiv:
        for name, daten in inhalt.items():
            archiv.writestr(name, daten)
    return pfad


def neu_versiegeln(pfad: Path) -> None:
    """Store a fresh checksum, as a forger (or a careful test) would."""
    wb = load_workbook(pfad)
    zelle_des_namens(wb, "Pruefsumme").value = None
    zelle_des_namens(wb, "Pruefsumme").value = pruefsumme_berechnen(wb)
    wb.save(pfad)


# --- the export ------------------------------------------------------------------------------


def test_export_is_values_only_and_carries_what_the_ministry_needs(kopien):
    k = kopien[KLEVE]
    inhalt = teile(k.kopie)
    assert not [n for n in inhalt if "vbaProject" in n or "externalLink" in n]
    for name, daten in inhalt.items():
        if name.startswith("xl/worksheets/"):
            assert b"<f>" not in daten and b"<f " not in daten, name
    assert b"macroEnabled" not in inhalt["[Content_Types].xml"]
    assert b'fullCalcOnLoad="1"' not in inhalt["xl/workbook.xml"]  # nothing to calculate

    quelle, wb = load_workbook(k.mappe), load_workbook(k.kopie)
    assert wb.sheetnames == quelle.sheetnames
    assert {t for ws in wb.worksheets for t in ws.tables} == {
        t for ws in quelle.worksheets for t in ws.tables
    }
    assert set(quelle.defined_names) <= set(wb.defined_names)
    for name, definiert in wb.defined_names.items():
        assert "ZIEL_" not in definiert.attr_text.upper() and "[" not in definiert.attr_text, name
    werte = {n: zelle_des_namens(wb, n).value for n in wb.defined_names}
    assert werte["Traeger_ID"] == KLEVE and werte["Traeger_Name"] == "Kreis Kleve"
    assert werte["Jahr"] == 2023 and werte["Bis_Monat"] == k.bis_monat
    assert werte["Zeitraum"] == "Januar bis Dezember 2023"
    assert werte["Wartezeit_ausgewertet"] == "T0"
    assert isinstance(werte["Datenstand"], dt.datetime)  # a date, shown as TT.MM.JJJJ
    assert datei_pruefen(k.kopie).datenstand == f"{werte['Datenstand']:%Y-%m-%d}"
    assert werte["Vorlagenversion"] == VORLAGENVERSION and werte["Programmversion"] == "0.1.0"
    assert werte["Hinweis"] == "Beispieldaten – keine amtlichen Werte"
    assert werte["Datenbestand"] is None  # a local path of the Träger's PC is not passed on
    assert re.fullmatch(r"[0-9a-f]{64}", werte["Pruefsumme"])
    assert werte["Exportiert_am"] is not None
    # the template's formulas became their values
    assert wb["Übersicht"]["A1"].value == "Zielvereinbarung 2023 – Kreis Kleve (05154)"
    assert wb["Übersicht"]["A3"].value == "Beispieldaten – keine amtlichen Werte"
    assert tabelle_lesen(wb, "tbl_Ziele") == tabelle_lesen(quelle, "tbl_Ziele")
    assert [z["Ziel_ID"] for z in tabelle_lesen(wb, "tbl_Erlaeuterungen")] == [
        z.id for z in beispiel().ziele
    ]
    assert pruefsumme_berechnen(wb) == pruefsumme_gespeichert(wb)
    # the summary for the Steuerungsdialog goes along, as values
    dialog, original = wb["Steuerungsdialog"], quelle["Steuerungsdialog"]
    assert dialog["A1"].value == "Steuerungsdialog – Zielvereinbarung 2023 – Kreis Kleve (05154)"
    assert [[z.value for z in r] for r in dialog.iter_rows()] == [
        [z.value for z in r] for r in original.iter_rows()
    ]
    assert len(dialog._charts) == 2


def test_template_formulas_known_to_the_export_are_the_templates():
    """The export computes the two formulas of the template itself; they must not drift."""
    u = neue_mappe(beispiel())["Übersicht"]
    assert {u["A1"].value, u["A3"].value} == {TITELFORMEL, HINWEISFORMEL}


def werte_aller_zellen(wb) -> dict[tuple[str, str], object]:
    return {
        (ws.title, c.coordinate): c.value
        for ws in wb.worksheets
        for reihe in ws.iter_rows()
        for c in reihe
        if c.value not in (None, "")
    }


def gleich(a: object, b: object) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(a, b, rel_tol=1e-13, abs_tol=1e-13)
    if hasattr(a, "timestamp") and hasattr(b, "timestamp"):
        return abs(a.timestamp() - b.timestamp()) < 1  # type: ignore[union-attr]
    return a == b


def test_export_recalculated_by_libreoffice_shows_identical_values(kopien, tmp_path):
    libreoffice_noetig()
    from zielsteuerung.mappe.libreoffice import umwandeln

    k = kopien[KLEVE]
    export = load_workbook(k.kopie, data_only=True)
    erwartet = werte_aller_zellen(export)
    assert len(erwartet) > 5000
    # the copy, opened and recalculated by LibreOffice
    berechnet = umwandeln(k.kopie, "xlsx", tmp_path / "kopie")
    lo = load_workbook(berechnet, data_only=True)
    gesehen = werte_aller_zellen(lo)
    assert gesehen.keys() == erwartet.keys()
    abweichend = [o for o in erwartet if not gleich(erwartet[o], gesehen[o])]
    assert not abweichend, abweichend[:5]
    formeln = load_workbook(berechnet)
    for ws in formeln.worksheets:
        for reihe in ws.iter_rows():
            for c in reihe:
                # LibreOffice saves a boolean as =TRUE() / =FALSE(); nothing else is a formula
                if c.data_type == "f":
                    assert c.value in ("=TRUE()", "=FALSE()"), (ws.title, c.coordinate, c.value)
    for name, definiert in formeln.defined_names.items():
        assert "ZIEL_" not in str(definiert.attr_text).upper(), name
    # so the consolidation refuses the copy LibreOffice saved, and says how that happens
    with pytest.raises(Abgelehnt) as info:
        datei_pruefen(berechnet, Grenzen())
    assert "Wurde sie in einem Tabellenprogramm gespeichert (LibreOffice" in str(info.value)
    # and the controlling workbook itself, recalculated by LibreOffice (its formulas computed
    # by a spreadsheet program, not by us), shows the same values
    quelle = werte_aller_zellen(
        load_workbook(umwandeln(k.mappe, "xlsx", tmp_path / "quelle"), data_only=True)
    )
    eigene_zeilen = zelle_des_namens(export, "Exportiert_am").row  # and below: the export's
    pfad = zelle_des_namens(export, "Datenbestand")
    assert quelle[(pfad.parent.title, pfad.coordinate)]  # a local path: not in the copy
    # LibreOffice lacks the add-in's functions (#NAME?); the copy has their values
    ziel_zellen = {
        (ws.title, c.coordinate)
        for ws in load_workbook(k.mappe).worksheets
        for reihe in ws.iter_rows()
        for c in reihe
        if c.data_type == "f" and "ZIEL_" in str(c.value)
    }
    assert ziel_zellen and all(quelle[ort] == "#NAME?" for ort in ziel_zellen)
    verglichen = 0
    for ort in quelle.keys() | erwartet.keys():
        blatt, zelle = ort
        if (blatt == "Info" and int(re.sub(r"\D", "", zelle)) >= eigene_zeilen) or ort in {
            (pfad.parent.title, pfad.coordinate),
            *ziel_zellen,
        }:
            continue
        assert gleich(quelle.get(ort), erwartet.get(ort)), (ort, quelle.get(ort), erwartet.get(ort))
        verglichen += 1
    assert verglichen > 5000


def mit_gespeichertem_wert(pfad: Path, formel: str, wert: str) -> None:
    """Store a value for a formula, as Excel does when it saves (openpyxl never does)."""
    inhalt = teile(pfad)
    treffer = 0
    for name, daten in inhalt.items():
        if name.startswith("xl/worksheets/") and f"<f>{formel}</f>".encode() in daten:
            neu = re.sub(
                rf"<f>{re.escape(formel)}</f>\s*<v\s*/>".encode(),
                f"<f>{formel}</f><v>{wert}</v>".encode(),
                daten,
            )
            treffer += neu != daten
            inhalt[name] = neu
    assert treffer == 1
    als_zip(pfad, inhalt)


def test_export_replaces_user_formulas_and_drops_what_points_elsewhere(kopien, tmp_path):
    libreoffice_noetig()
    mappe = tmp_path / "controlling.xlsx"
    shutil.copy(kopien[KLEVE].mappe, mappe)
    wb = load_workbook(mappe)
    eigen = wb.create_sheet("Eigene Analyse")
    eigen["A1"], eigen["B1"] = "Integrationen doppelt", "=Übersicht!D7*2"  # LibreOffice
    eigen["A2"], eigen["B2"] = "K2 aus dem Add-in", "=ZIEL_K2()"  # value stored by Excel
    eigen["A3"], eigen["B3"] = "darauf aufbauend", "=B2+1"  # LibreOffice, on the value
    wb.defined_names["Meine_Zahl"] = DefinedName("Meine_Zahl", attr_text="'Eigene Analyse'!$B$1")
    wb.defined_names["Meine_Quote"] = DefinedName("Meine_Quote", attr_text="ZIEL_K2()")
    wb.defined_names["Fremd"] = DefinedName("Fremd", attr_text="[1]Tabelle1!$A$1")
    eigen.conditional_formatting.add(
        "B1:B3", FormulaRule(formula=["ZIEL_K2()>20"], fill=PatternFill("solid", fgColor="00FF00"))
    )
    wb.save(mappe)
    mit_gespeichertem_wert(mappe, "ZIEL_K2()", "23.5")
    vorher = hash_von(mappe)

    kopie = tmp_path / "kopie.xlsx"
    exportieren(mappe, kopie, berechnen)
    assert hash_von(mappe) == vorher  # the controlling workbook is not touched
    wb = load_workbook(kopie)
    eigen = wb["Eigene Analyse"]
    aktuell = tabelle_lesen(wb, "tbl_Ziele")[0]["Aktuell"]
    assert eigen["B1"].value == pytest.approx(2 * aktuell)
    assert eigen["B2"].value == 23.5 and eigen["B3"].value == 24.5
    assert wb["Übersicht"]["A1"].value == "Zielvereinbarung 2023 – Kreis Kleve (05154)"
    assert wb.defined_names["Meine_Zahl"].attr_text == "'Eigene Analyse'!$B$1"
    assert "Meine_Quote" not in wb.defined_names and "Fremd" not in wb.defined_names
    for ws in wb.worksheets:
        for cf in ws.conditional_formatting:
            for regel in cf.rules:
                assert not any("ZIEL_" in f for f in regel.formula or []), ws.title
        for reihe in ws.iter_rows():
            for c in reihe:
                assert c.data_type != "f", (ws.title, c.coordinate)
    assert pruefsumme_berechnen(wb) == pruefsumme_gespeichert(wb)


def test_export_refuses_a_ziel_formula_without_a_value(kopien, tmp_path, cli):
    mappe = tmp_path / "controlling.xlsx"
    shutil.copy(kopien[KLEVE].mappe, mappe)
    wb = load_workbook(mappe)
    # never calculated in Excel with the add-in, and more than one plain call of a function
    wb["Übersicht"]["P3"] = "=ROUND(ZIEL_K2(),1)"
    wb.save(mappe)
    kopie = tmp_path / "kopie.xlsx"
    lauf = cli("export-ministerium", mappe, "-o", kopie)
    assert lauf.code == 2
    assert "Übersicht!P3" in lauf.err and "ROUND(ZIEL_K2(),1)" in lauf.err
    assert "in Excel mit geladenem Add-in" in lauf.err and "keine Kopie" in lauf.err
    assert not kopie.exists()


def test_export_refuses_a_formula_libreoffice_cannot_compute(kopien, tmp_path, cli):
    libreoffice_noetig()
    mappe = tmp_path / "controlling.xlsx"
    shutil.copy(kopien[KLEVE].mappe, mappe)
    wb = load_workbook(mappe)
    wb["Übersicht"]["P4"] = "=GIBTESNICHT(1)"  # an Excel function LibreOffice does not know
    wb.save(mappe)
    kopie = tmp_path / "kopie.xlsx"
    lauf = cli("export-ministerium", mappe, "-o", kopie)
    assert lauf.code == 2
    assert "Übersicht!P4 (=GIBTESNICHT(1))" in lauf.err and "in Excel öffnen, speichern" in lauf.err
    assert not kopie.exists()


def test_export_command(kopien, tmp_path, cli):
    mappe = tmp_path / "controlling.xlsx"
    shutil.copy(kopien[KLEVE].mappe, mappe)
    vorher = hash_von(mappe)

    lauf = cli("export-ministerium", mappe)
    assert lauf.code == 2 and "-o DATEI" in lauf.err  # neither -o nor a path in the workbook

    wb = load_workbook(mappe)
    zelle_des_namens(wb, "Ministeriumskopie").value = "ausgang/"
    wb.save(mappe)
    vorher = hash_von(mappe)
    lauf = cli("export-ministerium", mappe)
    assert lauf.code == 0, lauf.err
    kopie = tmp_path / "ausgang" / "controlling-ministerium.xlsx"
    assert f"Ministeriumskopie geschrieben: {kopie}" in lauf.out
    assert pruefsumme_gespeichert(load_workbook(kopie)) in lauf.out
    assert hash_von(mappe) == vorher

    for ziel, meldung in (
        (mappe, "nicht die Controlling-Arbeitsmappe selbst"),
        (tmp_path / "kopie.xlsm", "muss eine .xlsx-Datei sein"),
    ):
        lauf = cli("export-ministerium", mappe, "-o", ziel)
        assert lauf.code == 2 and meldung in lauf.err and "Traceback" not in lauf.err
    assert hash_von(mappe) == vorher
    lauf = cli("export-ministerium", tmp_path / "fehlt.xlsx", "-o", tmp_path / "k.xlsx")
    assert lauf.code == 2 and "nicht gefunden" in lauf.err


# --- the checksum ----------------------------------------------------------------------------


def test_checksum_detects_an_edit_after_the_export(kopien, tmp_path):
    def pruefen(aendern) -> bool:
        pfad = tmp_path / "k.xlsx"
        shutil.copy(kopien[KLEVE].kopie, pfad)
        wb = load_workbook(pfad)
        aendern(wb)
        wb.save(pfad)
        wb = load_workbook(pfad, data_only=True)
        return pruefsumme_berechnen(wb) == pruefsumme_gespeichert(wb)

    def zelle_in(tabelle: str, spalte: str, zeile: int = 0):
        def finden(wb):
            ws = next(w for w in wb.worksheets if tabelle in w.tables)
            ref = ws.tables[tabelle].ref
            kopf = int(re.sub(r"\D", "", ref.split(":")[0]))
            for c in ws[kopf]:
                if c.value == spalte:
                    return ws.cell(kopf + 1 + zeile, c.column)
            raise AssertionError(spalte)

        return finden

    def um(finden, neu):
        def aendern(wb):
            zelle = finden(wb)
            zelle.value = neu(zelle.value)

        return aendern

    def tabelle_kuerzen(wb):
        ws = wb["Übersicht"]
        anfang, ende = ws.tables["tbl_Ziele"].ref.split(":")
        ws.tables["tbl_Ziele"].ref = f"{anfang}:{ende[0]}{int(ende[1:]) - 1}"

    assert pruefen(lambda wb: None)  # saved again without a change: still valid
    assert not pruefen(
        um(zelle_in("tbl_Ziele", "Status"), lambda w: "erreicht" if w != "erreicht" else "x")
    )
    assert not pruefen(um(zelle_in("tbl_Ziele", "Aktuell", 1), lambda w: w + 0.001))
    assert not pruefen(um(zelle_in("tbl_Daten", "Wert", 40), lambda w: w + 1))
    assert not pruefen(um(zelle_in("tbl_Erlaeuterungen", "Erläuterung"), lambda _: "Neu."))
    assert not pruefen(tabelle_kuerzen)  # a row hidden from the consolidation
    assert not pruefen(lambda wb: wb["Info"].cell(90, 5, "Notiz"))  # anywhere, any sheet


# --- consolidation ---------------------------------------------------------------------------


def vba_projekt() -> bytes:
    """A real VBA project: the one of xlwings' quickstart workbook."""
    with zipfile.ZipFile(Path(xlwings.__file__).parent / "quickstart.xlsm") as archiv:
        daten = archiv.read("xl/vbaProject.bin")
    assert daten.startswith(b"\xd0\xcf\x11\xe0")  # an OLE file, as Excel writes it
    return daten


def makro_datei(vorlage: Path, ziel: Path) -> Path:
    """A real macro workbook: the export plus the VBA project of xlwings' quickstart file,
    with the content type and relationship Excel uses for .xlsm."""
    inhalt = teile(vorlage)
    inhalt["xl/vbaProject.bin"] = vba_projekt()
    typen = inhalt["[Content_Types].xml"].decode()
    typen = typen.replace(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    ).replace(
        "</Types>",
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
    )
    assert "macroEnabled" in typen
    inhalt["[Content_Types].xml"] = typen.encode()
    beziehungen = (
        inhalt["xl/_rels/workbook.xml.rels"]
        .decode()
        .replace(
            "</Relationships>",
            '<Relationship Id="rIdVBA" Target="vbaProject.bin" Type="http://schemas.microsoft.com/'
            'office/2006/relationships/vbaProject"/></Relationships>',
        )
    )
    inhalt["xl/_rels/workbook.xml.rels"] = beziehungen.encode()
    return als_zip(ziel, inhalt)


def falsche_vorlagenversion(vorlage: Path, ziel: Path) -> Path:
    shutil.copy(vorlage, ziel)
    wb = load_workbook(ziel)
    zelle_des_namens(wb, "Vorlagenversion").value = "0.9"
    wb.save(ziel)
    neu_versiegeln(ziel)  # a valid checksum: only the version is wrong
    return ziel


@pytest.fixture(scope="module")
def uebersicht(kopien, tmp_path_factory) -> tuple[Path, Path]:
    """18 exports (one edited afterwards), a macro file, a wrong template version:
    consolidated by the command."""
    ordner = tmp_path_factory.mktemp("konsolidierung")
    eingang = ordner / "eingang"
    eingang.mkdir()
    for traeger_id, k in kopien.items():
        shutil.copy(k.kopie, eingang / f"{traeger_id}.xlsx")
    bearbeitet = eingang / f"{BEARBEITET}.xlsx"
    wb = load_workbook(bearbeitet)
    ws = wb["Übersicht"]
    for reihe in ws.iter_rows(min_row=7, max_row=11):
        if reihe[0].value == "k3":
            reihe[10].value = "erreicht" if reihe[10].value != "erreicht" else "nicht erreicht"
    wb.save(bearbeitet)
    makro_datei(kopien[KLEVE].kopie, eingang / "kreis-kleve-mit-makro.xlsm")
    falsche_vorlagenversion(kopien[KLEVE].kopie, eingang / "alte-vorlage.xlsx")
    ausgabe = ordner / "uebersicht-2023.xlsx"
    assert main(["konsolidieren", str(eingang), "-o", str(ausgabe)]) == 0
    return ausgabe, eingang


PAARE = [("Vorjahr", "vorjahr"), ("Aktuell", "aktuell"), ("Veränderung", "veraenderung"),
         ("Schwelle", "schwelle")]  # fmt: skip


def status_ohne_zusatz(text: str) -> str:
    return text.removesuffix(" (knapp)")


KURZ = {"integrationen": "Integrationen", "k2": "K2", "k2_abstand": "K2 Abstand", "k3": "K3",
        "integrationen_lzb": "Integrationen LZB"}  # fmt: skip


def pruefe_uebersicht(pfad: Path, kopien, monat: int, demo_store, cli) -> None:
    """The overview holds exactly the valid copies of one report month, with the statuses of
    the evaluation; "erreicht" and "auf Kurs" are counted apart."""
    wb = load_workbook(pfad)
    assert wb.sheetnames == ["Übersicht", "Ergebnisse", "Abgelehnt", "Info"]
    matrix = tabelle_lesen(wb, "tbl_Matrix")
    ergebnisse = tabelle_lesen(wb, "tbl_Ergebnisse")
    erwartet_traeger = sorted(
        t for t, k in kopien.items() if k.bis_monat == monat and t != BEARBEITET
    )
    assert [z["Regionalschlüssel"] for z in matrix] == erwartet_traeger
    assert len(ergebnisse) == len(erwartet_traeger) * 5
    stand = "Januar bis Dezember 2023" if monat == 12 else "Januar bis Juni 2023"
    assert wb["Übersicht"]["A1"].value.endswith(f"Stand {stand}")
    # the matrix scrolls under its frozen header (not under the summary's further down)
    kopf = wb["Übersicht"].tables["tbl_Matrix"].ref.split(":")[0]
    assert wb["Übersicht"].freeze_panes == f"A{int(kopf[1:]) + 1}"
    for zeile in matrix:
        traeger_id = zeile["Regionalschlüssel"]
        lauf = cli(
            "auswerten", "--store", demo_store, "--traeger", traeger_id,
            "--bis-monat", monat, "--format", "json",
        )  # fmt: skip
        assert lauf.code == 0, lauf.err
        erwartet = lauf.json()
        assert zeile["Träger"] == erwartet["traeger_name"]
        eigene = [e for e in ergebnisse if e["Regionalschlüssel"] == traeger_id]
        assert [e["Ziel_ID"] for e in eigene] == [z["id"] for z in erwartet["ziele"]]
        for ziel, e in zip(erwartet["ziele"], eigene, strict=True):
            assert status_ohne_zusatz(zeile[KURZ[ziel["id"]]]) == ziel["status"]
            assert zeile[KURZ[ziel["id"]]].endswith(" (knapp)") == ziel["knapp"]
            assert e["Status"] == ziel["status"]
            for spalte, feld in PAARE:
                assert e[spalte] == pytest.approx(ziel[feld], rel=1e-12), (traeger_id, spalte)
        status = [z["status"] for z in erwartet["ziele"]]
        assert zeile["Erreicht"] == f"{status.count('erreicht')} von 5"
        assert zeile["Auf Kurs"] == f"{status.count('auf Kurs')} von 5"
    # the summary counts the matrix, every status on its own
    zusammen = {z["Ziel"]: z for z in tabelle_lesen(wb, "tbl_Zusammenfassung")}
    for titel in KURZ.values():
        spalte = [status_ohne_zusatz(z[titel]) for z in matrix]
        for zaehler in ("erreicht", "auf Kurs", "gefährdet", "nicht erreicht"):
            assert zusammen[titel][zaehler[:1].upper() + zaehler[1:]] == spalte.count(zaehler)
    assert zusammen["K2"]["Schwelle"] == "≥ +2,7 %"
    assert wb["Übersicht"]["A3"].value == "Beispieldaten – keine amtlichen Werte"
    # the copies of the other month are not mixed in, and the sheet says so at the top
    abgelehnt = {z["Datei"]: z["Grund"] for z in tabelle_lesen(wb, "tbl_Abgelehnt")}
    andere = [t for t, k in kopien.items() if k.bis_monat != monat and t != BEARBEITET]
    for traeger_id in andere:
        assert f"zusammengeführt wird {stand}" in abgelehnt[f"{traeger_id}.xlsx"]
    assert f"{len(andere)} Kopie(n) mit anderem Stand" in wb["Übersicht"]["A4"].value


def test_consolidation_never_mixes_report_months(uebersicht, kopien, demo_store, cli):
    ausgabe, eingang = uebersicht
    # by default the most frequent month: 9 June copies against 8 valid December ones
    pruefe_uebersicht(ausgabe, kopien, 6, demo_store, cli)
    dezember = ausgabe.with_name("uebersicht-dezember.xlsx")
    lauf = cli("konsolidieren", eingang, "-o", dezember, "--bis-monat", 12)
    assert lauf.code == 0, lauf.err
    assert "Stand Januar bis Dezember 2023" in lauf.out
    pruefe_uebersicht(dezember, kopien, 12, demo_store, cli)


def test_consolidation_lists_the_bad_files_with_their_reasons(uebersicht):
    ausgabe, _ = uebersicht
    zeilen = tabelle_lesen(load_workbook(ausgabe), "tbl_Abgelehnt")
    abgelehnt = {z["Datei"]: z["Grund"] for z in zeilen}
    traeger = {z["Datei"]: z["Träger"] for z in zeilen}
    assert traeger[f"{BEARBEITET}.xlsx"] == "Kreis Düren (05358)"
    assert traeger["alte-vorlage.xlsx"] == "Kreis Kleve (05154)"
    schlecht = {n: g for n, g in abgelehnt.items() if "weicht ab" not in g}
    assert set(schlecht) == {
        f"{BEARBEITET}.xlsx",
        "kreis-kleve-mit-makro.xlsm",
        "alte-vorlage.xlsx",
    }
    assert "Prüfsumme stimmt nicht" in abgelehnt[f"{BEARBEITET}.xlsx"]
    assert "nach dem Export verändert" in abgelehnt[f"{BEARBEITET}.xlsx"]
    assert "Makros" in abgelehnt["kreis-kleve-mit-makro.xlsm"]
    assert "Vorlagenversion „0.9“" in abgelehnt["alte-vorlage.xlsx"]
    assert f"erwartet {VORLAGENVERSION}" in abgelehnt["alte-vorlage.xlsx"]


def test_overview_rendered_by_the_documented_command(uebersicht, tmp_path, cli):
    libreoffice_noetig("pdftoppm")
    ausgabe, _ = uebersicht
    lauf = cli("bilder", ausgabe, "-o", tmp_path / "bilder", "--blatt", "Übersicht")
    assert lauf.code == 0, lauf.err
    bilder = [Path(z) for z in lauf.out.split()]
    # the matrix, then the summary per target: readable, not squeezed onto one page
    assert [b.name for b in bilder] == ["Uebersicht-1.png", "Uebersicht-2.png"]
    for pfad in bilder:
        bild = png_lesen(pfad)
        assert bild.breite / bild.hoehe == pytest.approx(297 / 210, rel=0.01)  # A4 landscape
    assert png_lesen(bilder[0]).tinte > 0.02 and png_lesen(bilder[0]).farbe > 0.005  # lights


def test_overview_rendered_without_naming_a_sheet(uebersicht, tmp_path, cli):
    """Without --blatt, the standard sheets the workbook has (here the Übersicht); a sheet it
    lacks is named with the sheets it has, before anything is rendered."""
    libreoffice_noetig("pdftoppm")
    ausgabe, _ = uebersicht
    lauf = cli("bilder", ausgabe, "-o", tmp_path / "bilder")
    assert lauf.code == 0, lauf.err
    assert [Path(z).name for z in lauf.out.split()] == ["Uebersicht-1.png", "Uebersicht-2.png"]
    lauf = cli("bilder", ausgabe, "-o", tmp_path / "mehr", "--blatt", "Info", "--blatt", "Gender")
    assert lauf.code == 2
    assert f"Blatt „Gender“ fehlt in {ausgabe.name}." in lauf.err
    assert "„Übersicht“, „Ergebnisse“, „Abgelehnt“, „Info“; mit --blatt NAME" in lauf.err
    assert not (tmp_path / "mehr").exists()  # not even the Info page


def test_overview_prints_readably_with_the_banner_on_every_page(uebersicht, tmp_path):
    libreoffice_noetig()
    from druckbild import BANNER, seiten

    from zielsteuerung.mappe.libreoffice import umwandeln

    ausgabe, _ = uebersicht
    gedruckt = seiten(umwandeln(ausgabe, "pdf", tmp_path))
    assert {s.blatt for s in gedruckt} == {"Übersicht", "Ergebnisse", "Abgelehnt", "Info"}
    for seite in gedruckt:
        wo = f"{seite.blatt}, Seite {seite.nummer}"
        assert "###" not in seite.text and seite.kopfzeile() == BANNER, wo
        hoehen = [w.hoehe for w in seite.woerter]
        assert sum(h >= 9.5 for h in hoehen) >= 0.98 * len(hoehen), wo  # 8 pt and more
        assert not [w.text for w in seite.woerter if "_" in w.text], wo


def test_year_wartezeit_and_duplicates(kopien, demo_store, tmp_path, cli):
    eingang = tmp_path / "eingang"
    eingang.mkdir()
    for traeger_id in ("05113", "05754", KLEVE):  # all three through December
        shutil.copy(kopien[traeger_id].kopie, eingang / f"{traeger_id}.xlsx")
    t3 = tmp_path / "t3.xlsx"
    arbeitsmappe(t3, demo_store, None, traeger_id="05122", bis_monat=12, wartezeit="T3")
    exportieren(t3, eingang / "solingen-t3.xlsx", berechnen)
    vorjahr = tmp_path / "vorjahr.xlsx"
    arbeitsmappe(vorjahr, demo_store, None, traeger_id="05358", jahr=2022, bis_monat=12)
    exportieren(vorjahr, eingang / "dueren-2022.xlsx", berechnen)
    exportieren(kopien[KLEVE].mappe, eingang / "kleve-neu.xlsx", berechnen)  # again, later

    lauf = cli("konsolidieren", eingang, "-o", tmp_path / "u.xlsx")
    assert lauf.code == 0, lauf.err
    wb = load_workbook(tmp_path / "u.xlsx")
    matrix = tabelle_lesen(wb, "tbl_Matrix")
    assert [z["Regionalschlüssel"] for z in matrix] == ["05113", KLEVE, "05754"]
    abgelehnt = {z["Datei"]: z["Grund"] for z in tabelle_lesen(wb, "tbl_Abgelehnt")}
    assert (
        "Wartezeit T3 weicht ab (zusammengeführt wird T0); für diese Wartezeit eine eigene "
        "Übersicht erstellen (--wartezeit T3)." in abgelehnt["solingen-t3.xlsx"]
    )
    assert (
        "Jahr 2022 weicht ab (zusammengeführt wird 2023); für dieses Jahr eine eigene "
        "Übersicht erstellen (--jahr 2022)." in abgelehnt["dueren-2022.xlsx"]
    )
    assert (
        "Träger doppelt; übernommen wird die neuere Kopie kleve-neu.xlsx"
        in abgelehnt[f"{KLEVE}.xlsx"]
    )
    dateien = {z["Regionalschlüssel"]: z["Datei"] for z in tabelle_lesen(wb, "tbl_Dateien")}
    assert dateien[KLEVE] == "kleve-neu.xlsx"

    lauf = cli("konsolidieren", eingang, "-o", tmp_path / "u2022.xlsx", "--jahr", 2022)
    assert lauf.code == 0, lauf.err
    matrix = tabelle_lesen(load_workbook(tmp_path / "u2022.xlsx"), "tbl_Matrix")
    assert [z["Regionalschlüssel"] for z in matrix] == ["05358"]
    assert (
        "Zielvereinbarungen 2022" in load_workbook(tmp_path / "u2022.xlsx")["Übersicht"]["A1"].value
    )


# --- hostile files from outside --------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
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


def _makro_getarnt(v: Path, z: Path) -> Path:
    """The VBA project inside a file named .xlsx, without the macro content type."""
    inhalt = teile(v)
    inhalt["xl/vbaProject.bin"] = vba_projekt()
    return als_zip(z, inhalt)


def _externe_verknuepfung(v: Path, z: Path) -> Path:
    inhalt = teile(v)
    inhalt["xl/externalLinks/externalLink1.xml"] = (
        b'<?xml version="1.0"?><externalLink xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><externalBook r:id="rId1" xmlns:r="http://schemas.'
        b'openxmlformats.org/officeDocument/2006/relationships"/></externalLink>'
    )
    inhalt["xl/externalLinks/_rels/externalLink1.xml.rels"] = (
        b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/externalLinkPath" Target="file:///C:/geheim/'
        b'quelle.xlsx" TargetMode="External"/></Relationships>'
    )
    return als_zip(z, inhalt)


def _externer_bezug_im_blatt(v: Path, z: Path) -> Path:
    inhalt = teile(v)
    inhalt["xl/worksheets/_rels/sheet1.xml.rels"] = inhalt[
        "xl/worksheets/_rels/sheet1.xml.rels"
    ].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdOle" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/oleObject" Target="\\\\server\\freigabe\\x.exe" '
        b'TargetMode="External"/></Relationships>',
    )
    return als_zip(z, inhalt)


def _zu_gross(v: Path, z: Path) -> Path:
    inhalt = teile(v)
    inhalt["xl/media/image1.png"] = os.urandom(600 * 1024)  # incompressible
    return als_zip(z, inhalt)


def _zip_bombe(v: Path, z: Path) -> Path:
    inhalt = teile(v)
    inhalt["xl/worksheets/sheet20.xml"] = bytes(50 * 1024 * 1024)  # zeros: about 50 KB packed
    return als_zip(z, inhalt)


def _xml_bombe(v: Path, z: Path) -> Path:
    inhalt = teile(v)
    inhalt["xl/worksheets/sheet1.xml"] = BILLION_LAUGHS
    return als_zip(z, inhalt)


def _mit_formel(v: Path, z: Path) -> Path:
    shutil.copy(v, z)
    wb = load_workbook(z)
    wb["Übersicht"]["P1"] = "=1+1"
    wb.save(z)
    neu_versiegeln(z)
    return z


def _datenstand_fehlt(v: Path, z: Path) -> Path:
    shutil.copy(v, z)
    wb = load_workbook(z)
    zelle_des_namens(wb, "Datenstand").value = None
    wb.save(z)
    neu_versiegeln(z)
    return z


def _ohne_pruefsumme(v: Path, z: Path) -> Path:
    shutil.copy(v, z)
    wb = load_workbook(z)
    zelle_des_namens(wb, "Pruefsumme").value = None
    wb.save(z)
    return z


def _text(_v: Path, z: Path) -> Path:
    z.write_text("keine Arbeitsmappe")
    return z


def _altes_xls(_v: Path, z: Path) -> Path:
    z.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))  # OLE: .xls or encrypted
    return z


def _notiz(_v: Path, z: Path) -> Path:
    z.write_text("Hallo")
    return z


FEINDLICH = [
    ("makro.xlsm", makro_datei, "Dateityp .xlsm (Arbeitsmappe mit Makros)"),
    ("makro-getarnt.xlsx", _makro_getarnt, "enthält Makros (VBA-Projekt) (xl/vbaProject.bin)"),
    ("extern.xlsx", _externe_verknuepfung,
     "enthält externe Verknüpfungen zu anderen Arbeitsmappen (xl/externalLinks/"),
    ("ole-extern.xlsx", _externer_bezug_im_blatt,
     "enthält externe Verknüpfungen (xl/worksheets/_rels/sheet1.xml.rels: oleObject"),
    ("gross.xlsx", _zu_gross, "Datei ist zu groß"),
    ("zipbombe.xlsx", _zip_bombe,
     "ZIP-Bombe vermutet: xl/worksheets/sheet20.xml entpackt 50,0 MB"),
    ("xmlbombe.xlsx", _xml_bombe,
     "XML-Bombe oder unzulässige DTD/Entitäten in xl/worksheets/sheet1.xml"),
    ("text.xlsx", _text, "die Datei ist kein ZIP-Archiv"),
    ("alt.xlsx", _altes_xls, "altes Excel-Format (.xls)"),
    ("notiz.txt", _notiz, "keine Excel-Arbeitsmappe (.xlsx), sondern „.txt“"),
    ("formel.xlsx", _mit_formel, "enthält Formeln"),
    ("ohne-datenstand.xlsx", _datenstand_fehlt, "Datenstand fehlt"),
    ("ohne-pruefsumme.xlsx", _ohne_pruefsumme, "Prüfsumme fehlt"),
]  # fmt: skip
GRENZEN = Grenzen(max_bytes=512 * 1024)


@pytest.mark.parametrize(("name", "bauen", "grund"), FEINDLICH, ids=[f[0] for f in FEINDLICH])
def test_hostile_file_is_rejected_with_a_clear_reason(kopien, tmp_path, name, bauen, grund):
    pfad = bauen(kopien[KLEVE].kopie, tmp_path / name)
    with pytest.raises(Abgelehnt) as info:
        datei_pruefen(pfad, GRENZEN)
    assert grund in str(info.value)


def test_hostile_files_never_stop_the_consolidation(kopien, tmp_path, cli):
    eingang = tmp_path / "eingang"
    eingang.mkdir()
    shutil.copy(kopien[KLEVE].kopie, eingang / "kleve.xlsx")
    dateien = [bauen(kopien[KLEVE].kopie, eingang / name) for name, bauen, _ in FEINDLICH]
    notiz = next(d for d in dateien if d.suffix == ".txt")
    (eingang / "~$kleve.xlsx").write_bytes(b"lock")  # Excel's lock file: not an input
    lauf = cli("konsolidieren", eingang, notiz, "-o", eingang / "uebersicht.xlsx", "--max-mb", 0.5)
    assert lauf.code == 0, lauf.err
    assert "Traceback" not in lauf.err
    wb = load_workbook(eingang / "uebersicht.xlsx")
    assert [z["Regionalschlüssel"] for z in tabelle_lesen(wb, "tbl_Matrix")] == [KLEVE]
    abgelehnt = {z["Datei"]: z["Grund"] for z in tabelle_lesen(wb, "tbl_Abgelehnt")}
    assert set(abgelehnt) == {name for name, _, _ in FEINDLICH}
    for name, _, grund in FEINDLICH:
        assert grund in abgelehnt[name], name
        assert f"Abgelehnt: {name}: " in lauf.err


def test_only_bad_files_is_an_error_but_the_reasons_are_written(tmp_path, cli):
    (tmp_path / "a.xlsx").write_text("x")
    lauf = cli("konsolidieren", tmp_path / "a.xlsx", "-o", tmp_path / "u.xlsx")
    assert lauf.code == 2 and "Keine der Dateien wurde übernommen" in lauf.err
    abgelehnt = tabelle_lesen(load_workbook(tmp_path / "u.xlsx"), "tbl_Abgelehnt")
    assert abgelehnt[0]["Datei"] == "a.xlsx"
    leer = tmp_path / "leer"
    leer.mkdir()
    lauf = cli("konsolidieren", leer, "-o", tmp_path / "u2.xlsx")
    assert lauf.code == 2 and "Keine Dateien gefunden" in lauf.err
    assert not (tmp_path / "u2.xlsx").exists()
    lauf = cli("konsolidieren", tmp_path / "gibt-es-nicht", "-o", tmp_path / "u3.xlsx")
    assert lauf.code == 2 and "nicht gefunden" in lauf.err


def test_unpacked_size_limit_and_defusedxml(kopien, tmp_path):
    import openpyxl

    assert openpyxl.DEFUSEDXML is True  # openpyxl itself parses through defusedxml too
    bombe = _zip_bombe(kopien[KLEVE].kopie, tmp_path / "b.xlsx")
    grenzen = Grenzen(max_verhaeltnis=1e9, max_entpackt=10 * 1024 * 1024)
    with pytest.raises(Abgelehnt, match=r"entpackt insgesamt 5\d,\d MB \(erlaubt 10,0 MB\)"):
        datei_pruefen(bombe, grenzen)


def test_foreign_text_stays_text_in_the_overview(kopien, tmp_path):
    kopie = tmp_path / "k.xlsx"
    shutil.copy(kopien[KLEVE].kopie, kopie)
    wb = load_workbook(kopie)
    ws = wb["Erläuterungen"]
    for reihe in ws.iter_rows(min_row=5, max_row=9):
        if reihe[0].value == "k2":
            reihe[3].value = '=HYPERLINK("http://example.invalid","klicken")'
            reihe[3].data_type = "s"
    wb.save(kopie)
    neu_versiegeln(kopie)
    from zielsteuerung.ministerium.konsolidierung import konsolidieren

    konsolidieren([kopie], tmp_path / "u.xlsx")
    with zipfile.ZipFile(tmp_path / "u.xlsx") as archiv:
        xml = b"".join(archiv.read(n) for n in archiv.namelist() if n.startswith("xl/worksheets/"))
        texte = archiv.read("xl/sharedStrings.xml")  # the cells' texts
    assert b"<f>" not in xml and b"HYPERLINK" in texte
    zeilen = tabelle_lesen(load_workbook(tmp_path / "u.xlsx"), "tbl_Ergebnisse")
    assert next(z for z in zeilen if z["Ziel_ID"] == "k2")["Erläuterung"].startswith("=HYPERLINK")


def test_no_command_writes_over_a_file_of_another_kind(kopien, tmp_path, cli):
    """A controlling workbook named as the output of the consolidation, the export or the
    template was replaced without a word (its explanations and own sheets lost), and a copy
    for the ministry named for a refresh was refreshed into a workbook again."""
    mappe = tmp_path / "controlling.xlsx"
    shutil.copy(kopien[KLEVE].mappe, mappe)
    kopie = tmp_path / "kopie.xlsx"
    shutil.copy(kopien[KLEVE].kopie, kopie)
    eingang = tmp_path / "eingang"
    eingang.mkdir()
    shutil.copy(kopien[KLEVE].kopie, eingang / "kleve.xlsx")
    vorher = hash_von(mappe)
    for befehl, art in (
        (("konsolidieren", eingang, "-o", mappe), "keine Übersicht der Zusammenführung"),
        (("export-ministerium", kopien["05554"].mappe, "-o", mappe), "keine Kopie für das"),
        (("vorlage", "-o", mappe), "keine leere Vorlage"),
    ):
        lauf = cli(*befehl)
        assert lauf.code == 2, befehl
        assert (
            f"controlling.xlsx gibt es schon; die Datei ist eine Controlling-Arbeitsmappe, {art}"
            in lauf.err
        )
        assert hash_von(mappe) == vorher
    lauf = cli("arbeitsmappe", "-o", kopie)
    assert (
        lauf.code == 2 and "kopie.xlsx ist eine Kopie für das Ministerium (nur Werte)" in lauf.err
    )
    # a file of their own kind they replace, as before
    assert cli("export-ministerium", kopien["05554"].mappe, "-o", kopie).code == 0
    uebersicht = tmp_path / "uebersicht.xlsx"
    for _ in range(2):
        assert cli("konsolidieren", eingang, "-o", uebersicht).code == 0
    vorlage = tmp_path / "vorlage.xlsx"
    for _ in range(2):
        assert cli("vorlage", "-o", vorlage).code == 0
