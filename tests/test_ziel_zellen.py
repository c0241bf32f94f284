"""The ZIEL_ cells of a controlling workbook (sheet "Live-Werte"): they reference the settings
cells, follow a change there, never show a number computed from anything but the workbook's
own settings, and reach the ministry copy as values.

Excel cannot run here. The workbook the command line writes is computed by the `formulas`
engine with our functions registered, each called as xlwings calls it: arguments as Excel
passes them (numbers as floats, empty cells as None, dates from DATE() as serial numbers) and
``caller``, the calling cell, as an object with the part of xlwings' Range API the functions
read, backed by the same file (the xlwings-shaped objects of test_excel.py).
"""

from __future__ import annotations

import datetime as dt
import types
from pathlib import Path
from typing import Any

import formulas
import numpy as np
import pytest
from formulas.ranges import Ranges
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries
from test_excel import Bereich, Buch, json_von, ziel

from zielsteuerung.excel import mappenformeln, udfs, zielfunktionen
from zielsteuerung.mappe.livewerte import FUNKTIONEN
from zielsteuerung.mappe.zellen import tabelle_lesen

WURZEL = Path(__file__).resolve().parents[1]
EINSTELLUNGEN = ("Jahr", "Bis_Monat_Vorgabe", "Traeger_ID", "Wartezeit")
FUNKTIONSNAMEN = [*FUNKTIONEN.values(), "ZIEL_STATUS", "ZIEL_ZIELWERT", "ZIEL_WERT"]


@pytest.fixture
def vorgaben(tmp_path, monkeypatch, demo_store):
    """Complete user defaults (Träger, year, Wartezeit, store): outside a controlling workbook
    they give a number, so a cell that fell back to them would show one."""
    datei = tmp_path / "einstellungen.toml"
    datei.write_text(
        f'datenbestand = "{demo_store}"\ntraeger_id = "05154"\njahr = 2023\nwartezeit = "T0"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("ZIELSTEUERUNG_EINSTELLUNGEN", str(datei))
    zielfunktionen.cache_leeren()
    return demo_store


@pytest.fixture
def mappe(tmp_path, cli, vorgaben) -> Path:
    pfad = tmp_path / "controlling.xlsx"
    lauf = cli("arbeitsmappe", "-o", pfad, "--store", vorgaben)
    assert lauf.code == 0, lauf.err
    return pfad


class Aufrufer(Bereich):
    """The calling cell as xlwings' caller Range: its sheet, the sheet's book and so on."""

    @property
    def sheet(self) -> Any:
        return self.blatt


def als_excel(x: Any) -> Any:
    """An argument of the formulas engine as xlwings passes it: one value, numbers as floats,
    an empty cell as None."""
    wert = np.asarray(x.value if isinstance(x, Ranges) else x, dtype=object).ravel()[0]
    if str(wert) == "empty":
        return None
    if isinstance(wert, int | float | np.number) and not isinstance(wert, bool):
        return float(wert)
    return wert


class Rechner:
    """The workbook in the formulas engine, our functions registered as Excel calls them."""

    def __init__(self, pfad: Path) -> None:
        self.pfad, self.buch = pfad, Buch(pfad)
        caller = Aufrufer(self.buch.sheets["Live-Werte"], 1, 1)
        funktionen = formulas.get_functions()
        for name in FUNKTIONSNAMEN:
            f = getattr(udfs, name)
            funktionen[name] = lambda *a, _f=f: _f(*map(als_excel, a), caller=caller)
        self.modell = formulas.ExcelModel().loads(str(pfad)).finish()

    def werte(self, eingaben: dict[str, Any] | None = None) -> dict[str, Any]:
        """Every formula cell (``"BLATT!A1"``); ``eingaben`` change cells (by defined name)
        as a user types into them, and every cell that depends on them is computed again."""
        zellen = {}
        for name, wert in (eingaben or {}).items():
            blatt, zelle = next(self.buch.wb.defined_names[name].destinations)
            zellen[f"'[{self.pfad.name}]{blatt.upper()}'!{zelle.replace('$', '')}"] = wert
        return {
            k.split("]", 1)[1].replace("'", ""): v.value[0][0]
            for k, v in self.modell.calculate(inputs=zellen).items()
            if "!" in k and ":" not in k
        }


def berechnen(pfad: Path) -> dict[str, Any]:
    return Rechner(pfad).werte()


def live_zellen(pfad: Path) -> list[tuple[str, str, str]]:
    """(Ziel_ID, address of „Veränderung live“, address of „Status live“) per row of tbl_Live."""
    wb = load_workbook(pfad)
    ws = wb["Live-Werte"]
    c1, r1, c2, r2 = range_boundaries(ws.tables["tbl_Live"].ref)
    kopf = {ws.cell(r1, c).value: c for c in range(c1, c2 + 1)}
    return [
        (
            ws.cell(r, kopf["Ziel_ID"]).value,
            f"LIVE-WERTE!{ws.cell(r, kopf['Veränderung live']).coordinate}",
            f"LIVE-WERTE!{ws.cell(r, kopf['Status live']).coordinate}",
        )
        for r in range(r1 + 1, r2 + 1)
    ]


def test_live_cells_reference_the_settings_cells(mappe):
    wb = load_workbook(mappe)
    for name in EINSTELLUNGEN:
        blatt, _ = next(wb.defined_names[name].destinations)
        assert blatt == "Einstellungen", name
    zeilen = tabelle_lesen(wb, "tbl_Live")
    assert [z["Ziel_ID"] for z in zeilen] == list(FUNKTIONEN)
    for z in zeilen:
        # stored in Excel's English syntax (commas); Excel shows ZIEL_K2(Jahr;Bis_Monat_…)
        assert z["Veränderung live"] == (
            f"={FUNKTIONEN[z['Ziel_ID']]}(Jahr,Bis_Monat_Vorgabe,Traeger_ID,Wartezeit)"
        )
        assert z["Status live"] == (
            f'=ZIEL_STATUS("{z["Ziel_ID"]}",Jahr,Bis_Monat_Vorgabe,Traeger_ID,Wartezeit)'
        )
        assert isinstance(z["Veränderung"], int | float) and z["Status"]  # refreshed values
    vorlage = load_workbook(WURZEL / "workbook_templates" / "zielsteuerung-controlling.xlsx")
    assert [z["Veränderung live"] for z in tabelle_lesen(vorlage, "tbl_Live")] == [
        z["Veränderung live"] for z in zeilen
    ]


def test_live_cells_computed_and_recalculated_when_einstellungen_change(mappe, cli, vorgaben):
    zellen = live_zellen(mappe)
    rechner = Rechner(mappe)
    werte = rechner.werte()
    alle = json_von(cli, vorgaben)
    refresh = {z["Ziel_ID"]: z for z in tabelle_lesen(load_workbook(mappe), "tbl_Live")}
    for ziel_id, veraenderung, status in zellen:
        assert werte[veraenderung] == ziel(alle, ziel_id)["veraenderung"]
        # nothing changed since the refresh (the file keeps 16 digits)
        assert werte[veraenderung] == pytest.approx(refresh[ziel_id]["Veränderung"], rel=1e-14)
        assert werte[status] == ziel(alle, ziel_id)["status"] == refresh[ziel_id]["Status"]

    # a user types into Einstellungen: the cells that reference them follow
    for eingaben, optionen in (
        ({"Bis_Monat_Vorgabe": 6}, ["--bis-monat", 6]),
        ({"Bis_Monat_Vorgabe": 45107}, ["--bis-monat", 6]),  # =DATUM(2023;6;30)
        ({"Wartezeit": "T3", "Bis_Monat_Vorgabe": 3}, ["--wartezeit", "T3", "--bis-monat", 3]),
        ({"Traeger_ID": "05113"}, ["--traeger", "05113"]),
    ):
        werte = rechner.werte(eingaben)
        erwartet = json_von(cli, vorgaben, *optionen)
        for ziel_id, veraenderung, status in zellen:
            assert werte[veraenderung] == ziel(erwartet, ziel_id)["veraenderung"], eingaben
            assert werte[status] == ziel(erwartet, ziel_id)["status"], eingaben


def _leeren(name: str):
    def aendern(wb: Any) -> None:
        blatt, zelle = next(wb.defined_names[name].destinations)
        wb[blatt][zelle.replace("$", "")] = None

    return aendern


def _setzen(name: str, wert: Any):
    def aendern(wb: Any) -> None:
        blatt, zelle = next(wb.defined_names[name].destinations)
        wb[blatt][zelle.replace("$", "")] = wert

    return aendern


def _schwelle_in_prozent(wb: Any) -> None:
    """k2's threshold typed as "2,7 %": Excel keeps 0.027 in a cell formatted as percent."""
    ws = wb["Zielvereinbarung"]
    c1, r1, c2, r2 = range_boundaries(ws.tables["tbl_Vereinbarung"].ref)
    kopf = [ws.cell(r1, c).value for c in range(c1, c2 + 1)]
    r = next(r for r in range(r1, r2 + 1) if ws.cell(r, c1 + kopf.index("Ziel_ID")).value == "k2")
    zelle = ws.cell(r, c1 + kopf.index("Schwelle"))
    zelle.value, zelle.number_format = 0.027, "0.0%"


def _name_loeschen(wb: Any) -> None:
    del wb.defined_names["Datenbestand"]


def _vereinbarung_loeschen(wb: Any) -> None:
    del wb["Zielvereinbarung"].tables["tbl_Vereinbarung"]


@pytest.mark.parametrize(
    ("aendern", "grund"),
    [
        (_leeren("Jahr"), "Einstellungen: Jahr ist leer"),
        (_leeren("Traeger_ID"), "Einstellungen: Träger ist leer"),
        (_leeren("Wartezeit"), "Einstellungen: Wartezeit ist leer"),
        (_setzen("Jahr", "2023/24"), "Jahr „2023/24“ ist keine Jahreszahl"),
        (_setzen("Bis_Monat_Vorgabe", dt.datetime(2024, 6, 30)), "06/2024 liegt nicht im Jahr"),
        (_name_loeschen, "Einstellung „Datenbestand“ nicht lesbar"),
        (_vereinbarung_loeschen, "Tabelle „tbl_Vereinbarung“ fehlt"),
        (_schwelle_in_prozent, "Zelle G7: als Prozent formatiert, Excel hält „2,7 %“ dort als"),
        (_setzen("Datenbestand", "bestand.sqlite"), "„bestand.sqlite“ ist kein vollständiger"),
    ],
    ids=["jahr-leer", "traeger-leer", "wartezeit-leer", "jahr-text", "monat-anderes-jahr",
         "name-fehlt", "vereinbarung-fehlt", "schwelle-in-prozent", "pfad-relativ"],
)  # fmt: skip
def test_unreadable_setting_shows_ziel_error_not_a_number(mappe, aendern, grund):
    wb = load_workbook(mappe)
    aendern(wb)
    eigen = wb.create_sheet("Eigene")
    eigen["A1"] = "=ZIEL_K2()"  # no arguments: the workbook's settings
    wb.save(mappe)
    # the user's defaults alone would give a number: the cells must not fall back to them
    assert isinstance(udfs.ZIEL_K2(), float)
    werte = berechnen(mappe)
    zellen = [z for _, *paar in live_zellen(mappe) for z in paar] + ["EIGENE!A1"]
    for zelle in zellen:
        assert isinstance(werte[zelle], str) and werte[zelle].startswith("#ZIEL! "), zelle
        assert grund in werte[zelle], (zelle, werte[zelle])
    # the ministry export computes these cells the same way: the same message, no number
    wb = load_workbook(mappe)
    assert mappenformeln.berechnen(wb, wb["Eigene"], "=ZIEL_K2()") == (True, werte["EIGENE!A1"])


def test_months_from_dates_and_date_numbers(vorgaben, cli):
    juni = ziel(json_von(cli, vorgaben, "--bis-monat", 6), "k2")["veraenderung"]
    assert udfs.ZIEL_K2(2023.0, 45107.0) == juni  # =DATUM(2023;6;30) passes 45107
    assert udfs.ZIEL_K2(2023.0, dt.datetime(2023, 6, 30)) == juni  # a date cell
    assert udfs.ZIEL_K2(None, 45107.0) == juni
    assert udfs.ZIEL_K2(2023.0, 45473.0) == "#ZIEL! Monat 06/2024 liegt nicht im Jahr 2023"
    assert udfs.ZIEL_K2(2023.0, 1000.0).startswith("#ZIEL! Monat „1000“ unlesbar")
    # the month as a controller writes it
    for text in ("Juni", "Jun.", "juni", "Juni 2023", "06/2023", "2023-06"):
        assert udfs.ZIEL_K2(2023.0, text) == juni, text
    assert udfs.ZIEL_K2(2023.0, "Juni 2024") == "#ZIEL! Monat 06/2024 liegt nicht im Jahr 2023"
    assert udfs.ZIEL_K2(2023.0, "Juno").startswith("#ZIEL! Monat „Juno“ unlesbar")
    k2 = udfs.ZIEL_KENNZAHL("K2", "2023-06", "05154")
    assert udfs.ZIEL_KENNZAHL("K2", 45107.0, "05154") == k2 == udfs.ZIEL_KENNZAHL("K2", 45092, 5154)


def _blatt(dynamische_arrays: bool) -> Any:
    """The sheet of the calling cell, in a workbook that is not a controlling workbook, in an
    Excel with or without dynamic arrays: a stand-in for xlwings' objects (Excel cannot run
    here). Like xlwings, the functions tell the two apart by whether Unique exists."""
    funktionen = types.SimpleNamespace(
        **({"Unique": lambda *_: ["x"]} if dynamische_arrays else {})
    )
    app = types.SimpleNamespace(api=types.SimpleNamespace(WorksheetFunction=funktionen))
    buch = types.SimpleNamespace(fullname="Mappe1", names={}, sheets=[], app=app)
    return types.SimpleNamespace(book=buch)


def test_ziel_tabelle_in_excel_with_and_without_dynamic_arrays(vorgaben):
    tabelle = udfs.ZIEL_TABELLE()
    hoehe, breite = len(tabelle), len(tabelle[0])
    assert (hoehe, breite) == (6, 10)

    def aufruf(form: tuple[int, int], dynamisch: bool) -> Any:
        zielfunktionen.cache_leeren()
        caller = types.SimpleNamespace(shape=form, sheet=_blatt(dynamisch))
        return udfs.ZIEL_TABELLE(caller=caller)

    assert aufruf((1, 1), dynamisch=True) == tabelle  # spills
    meldung = aufruf((1, 1), dynamisch=False)
    assert meldung == (
        "#ZIEL! dieses Excel hat keine dynamischen Arrays: 6 Zeilen × 10 Spalten markieren, "
        "Formel eingeben und mit Strg+Umschalt+Eingabe abschließen"
    )
    for dynamisch in (True, False):  # an array formula over a selected range
        gross = aufruf((8, 12), dynamisch)
        assert [z[:breite] for z in gross[:hoehe]] == tabelle
        assert all(w == "" for z in gross for w in z[breite:]) and gross[hoehe:] == [[""] * 12] * 2
        klein = aufruf((3, 10), dynamisch)
        assert klein[0][0] == "#ZIEL! Bereich zu klein: die Tabelle braucht 6 Zeilen × 10 Spalten"
        assert [w for z in klein for w in z][1:] == [""] * 29  # nothing silently cut off


def test_export_of_a_workbook_refreshed_here_carries_the_live_values(mappe, cli, tmp_path):
    """openpyxl stores no values for formulas: the export computes our ZIEL_ cells with the
    functions themselves, against the store the workbook names."""
    kopie = tmp_path / "kopie.xlsx"
    lauf = cli("export-ministerium", mappe, "-o", kopie)
    assert lauf.code == 0, lauf.err
    assert "10 Zelle(n) mit Funktionen ZIEL_… aus dem Datenbestand berechnet" in lauf.err
    werte = berechnen(mappe)
    wb = load_workbook(kopie)
    zeilen = {z["Ziel_ID"]: z for z in tabelle_lesen(wb, "tbl_Live")}
    for ziel_id, veraenderung, status in live_zellen(mappe):
        z = zeilen[ziel_id]
        assert z["Veränderung live"] == pytest.approx(werte[veraenderung], rel=1e-14)
        assert z["Veränderung live"] == pytest.approx(z["Veränderung"], rel=1e-14)
        assert z["Status live"] == werte[status] == z["Status"]
    assert not any(c.data_type == "f" for ws in wb for r in ws.iter_rows() for c in r)


def test_export_computes_only_what_excel_would_show(mappe, vorgaben):
    wb = load_workbook(mappe)
    ws = wb.create_sheet("Eigene")
    ws["A1"], ws["A2"], ws["A3"] = 2023, "=2022+1", "05154"
    assert mappenformeln.berechnen(wb, ws, "=ZIEL_K2(A1,6,'Eigene'!A3)") == (
        True,
        udfs.ZIEL_K2(2023.0, 6.0, "05154", caller=mappenformeln.mappenwerte(wb)),
    )
    for unbekannt in (
        "=ZIEL_K2(A2)",  # an argument that is itself a formula: Excel's value is not known
        "=ROUND(ZIEL_K2(),1)",  # more than one call
        "=ZIEL_K2(SUM(A1))",
        "=ZIEL_TABELLE()",  # fills a range
        "=ZIEL_K2(1,2,3,4,5)",  # too many arguments
    ):
        assert mappenformeln.berechnen(wb, ws, unbekannt) == (False, None), unbekannt
    anderswo = load_workbook(mappe)
    del anderswo.defined_names["Traeger_ID"], anderswo.defined_names["Bis_Monat_Vorgabe"]
    del anderswo.defined_names["Vorlagenversion"]
    del anderswo["Zielvereinbarung"].tables["tbl_Vereinbarung"]
    assert mappenformeln.mappenwerte(anderswo) is None  # no longer a controlling workbook
