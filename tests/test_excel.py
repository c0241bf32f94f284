"""The Excel side, tested without Excel: worksheet functions called as Excel calls them,
xlwings' own VBA generator, a workbook computed by the `formulas` engine and the ribbon button
against xlwings-shaped objects. The built add-in file: test_addin.py.

Excel itself runs only on Windows (and macOS); these machines run Linux, so every test below
uses the real code path up to the point where Excel would take over, and says where it stops.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import re
import shutil
import sqlite3
import sys
import types
from contextlib import closing
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

import zielsteuerung
from zielsteuerung.daten.datenbestand import Datenbestand
from zielsteuerung.excel import ribbon, udfs, zielfunktionen
from zielsteuerung.kern.monate import MONATE
from zielsteuerung.mappe.diagrammdaten import HILFSDATEN
from zielsteuerung.mappe.zellen import tabelle_lesen

from conftest import PLAN, name_setzen, pfad_der_integrationen, plan_eintragen, ziel_hinzufuegen


@pytest.fixture
def vorgaben(tmp_path, monkeypatch, demo_store):
    """The user's defaults point at the demo store (what `addin install` writes)."""
    datei = tmp_path / "einstellungen.toml"
    datei.write_text(f'datenbestand = "{demo_store}"\n', encoding="utf-8")
    monkeypatch.setenv("ZIELSTEUERUNG_EINSTELLUNGEN", str(datei))
    zielfunktionen.cache_leeren()
    return demo_store


def json_von(cli, store, *args) -> dict:
    lauf = cli("auswerten", "--store", store, "--format", "json", *args)
    assert lauf.code == 0, lauf.err
    return lauf.json()


def ziel(auswertung: dict, ziel_id: str) -> dict:
    return next(z for z in auswertung["ziele"] if z["id"] == ziel_id)


# --- worksheet functions, called with the values Excel passes ---------------------------------

FUNKTIONEN = {
    "ZIEL_INTEGRATIONEN": "integrationen",
    "ZIEL_K2": "k2",
    "ZIEL_ABSTAND": "k2_abstand",
    "ZIEL_K3": "k3",
    "ZIEL_INTEGRATIONEN_LZB": "integrationen_lzb",
}


@pytest.mark.parametrize("funktion", FUNKTIONEN)
def test_target_functions_equal_json(vorgaben, cli, funktion):
    f = getattr(udfs, funktion)
    erwartet = ziel(json_von(cli, vorgaben), FUNKTIONEN[funktion])["veraenderung"]
    assert f() == erwartet  # no arguments: defaults (Kleve 2023, T0, last month with data)
    juni = ziel(json_von(cli, vorgaben, "--bis-monat", 6), FUNKTIONEN[funktion])["veraenderung"]
    assert f(2023.0, 6.0, "05154", "T0") == juni  # numbers arrive as floats
    assert f(None, 6.0, None, None) == juni  # empty cells arrive as None
    assert f(dt.datetime(2023, 1, 1), dt.datetime(2023, 6, 30), 5154.0, "t0") == juni  # dates
    t3 = ziel(json_von(cli, vorgaben, "--bis-monat", 3, "--wartezeit", "T3", "--traeger",
                       "05113"), FUNKTIONEN[funktion])["veraenderung"]  # fmt: skip
    assert f(2023.0, 3.0, "Stadt Essen", "T3") == t3


def test_status_zielwert_wert_kennzahl_tabelle_equal_json(vorgaben, cli):
    juni = json_von(cli, vorgaben, "--bis-monat", 6)
    assert udfs.ZIEL_STATUS("k3", None, 6.0) == ziel(juni, "k3")["status"]
    assert (
        udfs.ZIEL_ZIELWERT("integrationen", 2023.0, 6.0) == ziel(juni, "integrationen")["zielwert"]
    )
    assert udfs.ZIEL_WERT("K2", None, 6.0) == ziel(juni, "k2")["aktuell"]
    assert (
        udfs.ZIEL_WERT("int", None, 6.0, None, None, "gesamt")
        == ziel(juni, "integrationen")["aktuell"]
    )
    assert udfs.ZIEL_WERT("LZB", None, 6.0) == ziel(juni, "k3")["aktuell"]
    frauen = udfs.ZIEL_WERT("K2", None, 6.0, None, None, "frauen")
    maenner = udfs.ZIEL_WERT("K2", None, 6.0, None, None, "Männer")
    assert abs(maenner - frauen) == pytest.approx(ziel(juni, "k2_abstand")["aktuell"], rel=1e-12)

    lauf = cli("kennzahlen", "--store", vorgaben, "--traeger", "05154", "--von", "2023-06",
               "--bis", "2023-06", "--kennzahl", "K2", "--geschlecht", "frauen",
               "--wartezeit", "T0", "--format", "json")  # fmt: skip
    k2_juni = lauf.json()["kennzahlen"][0]["wert"]
    assert udfs.ZIEL_KENNZAHL("K2", "2023-06", "05154", "frauen") == k2_juni
    assert udfs.ZIEL_KENNZAHL("k2", dt.datetime(2023, 6, 30), 5154.0, "frauen", "T0") == k2_juni

    tabelle = udfs.ZIEL_TABELLE(2023.0, 6.0)
    assert tabelle[0] == ["Ziel_ID", "Ziel", "Vorjahr", "Aktuell", "Veraenderung", "Einheit",
                          "Schwelle", "Zielwert", "Status", "Knapp"]  # fmt: skip
    for zeile, z in zip(tabelle[1:], juni["ziele"], strict=True):
        assert zeile == [z["id"], z["bezeichnung"], z["vorjahr"], z["aktuell"],
                         z["veraenderung"], z["einheit"], z["schwelle"], z["zielwert"],
                         z["status"], z["knapp"]]  # fmt: skip


@pytest.mark.parametrize(
    ("aufruf", "text"),
    [
        (lambda: udfs.ZIEL_K2(None, 13.0), "Monat „13“"),
        (lambda: udfs.ZIEL_K2(None, None, "Hamburg"), "Träger „Hamburg“ unbekannt"),
        (lambda: udfs.ZIEL_K2(None, None, None, "T9"), "bitte T0 oder T3"),
        (lambda: udfs.ZIEL_K2("zweitausend"), "keine Jahreszahl"),
        (lambda: udfs.ZIEL_K2(2031.0), "nicht berechenbar: 2030: INT (gesamt) fehlt"),
        (lambda: udfs.ZIEL_STATUS("k9"), "Ziel „k9“ nicht in der Zielvereinbarung"),
        (lambda: udfs.ZIEL_WERT("XYZ"), "Kennzahl „XYZ“ unbekannt"),
        (lambda: udfs.ZIEL_KENNZAHL("K2", "Juli"), "Monat „Juli“ nicht lesbar"),
        (lambda: udfs.ZIEL_KENNZAHL("K3", "2021-03", "05154"), "nicht berechenbar: LZB"),
    ],
)
def test_problems_come_back_as_short_german_text(vorgaben, aufruf, text):
    ergebnis = aufruf()
    assert isinstance(ergebnis, str) and ergebnis.startswith("#ZIEL! ")
    assert text in ergebnis and "Traceback" not in ergebnis and len(ergebnis) < 256


def test_missing_store_is_a_message_not_a_trace(tmp_path, monkeypatch):
    datei = tmp_path / "einstellungen.toml"
    datei.write_text(f'datenbestand = "{tmp_path / "fehlt.sqlite"}"\n', encoding="utf-8")
    monkeypatch.setenv("ZIELSTEUERUNG_EINSTELLUNGEN", str(datei))
    zielfunktionen.cache_leeren()
    assert udfs.ZIEL_K2().startswith("#ZIEL! Datenbestand nicht gefunden")


def test_store_is_read_once_until_it_changes(vorgaben, tmp_path, monkeypatch, cli, demo_daten):
    store = tmp_path / "kopie.sqlite"
    shutil.copy(vorgaben, store)
    (tmp_path / "einstellungen.toml").write_text(f'datenbestand = "{store}"\n', encoding="utf-8")
    geoeffnet = []
    original = zielfunktionen.Datenbestand

    def zaehlend(*args: Any, **kwargs: Any) -> Any:
        geoeffnet.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(zielfunktionen, "Datenbestand", zaehlend)
    erster = udfs.ZIEL_K2(None, 6.0)
    for _ in range(200):
        assert udfs.ZIEL_K2(None, 6.0) == erster
    assert len(geoeffnet) == 1
    # an import changes the store: the next call reads it again and sees the new vintage
    revision = demo_daten[(demo_daten["traeger_id"] == "05154")
                          & (demo_daten["berichtsmonat"] == "2023-06")
                          & (demo_daten["wartezeit"] == "T0")].copy()  # fmt: skip
    revision["datenstand"] = "2023-12-24"
    revision.loc[revision["merkmal"] == "INT", "wert"] += 10
    revision.to_csv(tmp_path / "revision.csv", sep=";", index=False)
    assert cli("import", tmp_path / "revision.csv", "--store", store).code == 0
    assert udfs.ZIEL_K2(None, 6.0) != erster
    assert len(geoeffnet) == 2


# --- xlwings' own VBA generator ---------------------------------------------------------------


@pytest.fixture
def xlwings_windows_teile(monkeypatch):
    """xlwings.udfs imports Windows-only modules at the top: stub exactly those (the rest of
    xlwings' generator runs for real), and use its real decorators instead of the no-ops
    xlwings installs on Linux."""
    for name in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
        monkeypatch.setitem(sys.modules, name, mock.MagicMock(name=name))
    monkeypatch.delitem(sys.modules, "xlwings.udfs", raising=False)
    import xlwings

    xl_udfs = importlib.import_module("xlwings.udfs")
    monkeypatch.setattr(xlwings, "func", xl_udfs.xlfunc, raising=False)
    monkeypatch.setattr(xlwings, "arg", xl_udfs.xlarg, raising=False)
    monkeypatch.setattr(xlwings, "ret", xl_udfs.xlret, raising=False)
    modul = importlib.reload(udfs)
    yield xl_udfs, modul
    monkeypatch.undo()
    importlib.reload(udfs)


def test_vba_wrappers_generated_by_xlwings(xlwings_windows_teile):
    xl_udfs, modul = xlwings_windows_teile
    puffer = io.StringIO()
    addin = types.SimpleNamespace(Name="zielsteuerung.xlam")
    xl_udfs.generate_vba_wrapper("zielsteuerung.excel.udfs", modul, puffer, addin)
    vba = puffer.getvalue()
    signaturen = set(re.findall(r"^Function (.+)$", vba, flags=re.MULTILINE))
    standard = "Optional jahr, Optional bis_monat, Optional traeger, Optional wartezeit"
    assert signaturen == {
        f"ZIEL_INTEGRATIONEN({standard})",
        f"ZIEL_K2({standard})",
        f"ZIEL_ABSTAND({standard})",
        f"ZIEL_K3({standard})",
        f"ZIEL_INTEGRATIONEN_LZB({standard})",
        f"ZIEL_STATUS(ziel_id, {standard})",
        f"ZIEL_ZIELWERT(ziel_id, {standard})",
        f"ZIEL_WERT(kennzahl, {standard}, Optional geschlecht)",
        "ZIEL_KENNZAHL(code, monat, Optional traeger, Optional geschlecht, Optional wartezeit)",
        f"ZIEL_TABELLE({standard})",
    }
    assert 'XLPy.CallUDF("zielsteuerung.excel.udfs", "ZIEL_K2"' in vba
    assert "ActiveWorkbook, Application.Caller" in vba  # an add-in works on the caller's book
    k2 = modul.ZIEL_K2.__xlfunc__
    assert k2["category"] == "Zielsteuerung"
    assert k2["ret"]["doc"].startswith("Veränderung der Integrationsquote K2")
    assert [a["doc"] for a in k2["args"][:2]] == [udfs._JAHR, udfs._MONAT]
    assert all(a["doc"] and not a["doc"].startswith("Positional")
               for f in signaturen for a in getattr(modul, f.split("(")[0]).__xlfunc__["args"]
               if a["name"] != "caller")  # fmt: skip


# --- a workbook with ZIEL_ formulas, computed by the formulas engine --------------------------


def test_workbook_with_ziel_formulas_computed(vorgaben, cli, tmp_path):
    import formulas
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Controlling"
    zellen = {
        "A1": "=ZIEL_INTEGRATIONEN()", "A2": "=ZIEL_K2()", "A3": "=ZIEL_ABSTAND()",
        "A4": "=ZIEL_K3()", "A5": "=ZIEL_INTEGRATIONEN_LZB()",
        "B1": "=ZIEL_K2(2023,6)", "B2": '=ZIEL_STATUS("k3",2023,6)',
        "B3": '=ZIEL_ZIELWERT("integrationen",2023,6)', "B4": '=ZIEL_WERT("K2",2023,6)',
        "B5": '=ZIEL_KENNZAHL("K2","2023-06","05154","gesamt","T0")',
        "C1": "=B1*2",
    }  # fmt: skip
    for adresse, formel in zellen.items():
        ws[adresse] = formel
    pfad = tmp_path / "formeln.xlsx"
    wb.save(pfad)
    funktionen = formulas.get_functions()
    for name in ("ZIEL_INTEGRATIONEN", "ZIEL_K2", "ZIEL_ABSTAND", "ZIEL_K3",
                 "ZIEL_INTEGRATIONEN_LZB", "ZIEL_STATUS", "ZIEL_ZIELWERT", "ZIEL_WERT",
                 "ZIEL_KENNZAHL"):  # fmt: skip
        funktionen[name] = getattr(udfs, name)
    ergebnis = formulas.ExcelModel().loads(str(pfad)).finish().calculate()
    werte = {k.split("!")[1]: v.value[0][0] for k, v in ergebnis.items() if "!" in k}
    alle, juni = json_von(cli, vorgaben), json_von(cli, vorgaben, "--bis-monat", 6)
    for zeile, ziel_id in enumerate(FUNKTIONEN.values(), start=1):
        assert werte[f"A{zeile}"] == ziel(alle, ziel_id)["veraenderung"]
    assert werte["B1"] == ziel(juni, "k2")["veraenderung"]
    assert werte["B2"] == ziel(juni, "k3")["status"]
    assert werte["B3"] == ziel(juni, "integrationen")["zielwert"]
    assert werte["B4"] == ziel(juni, "k2")["aktuell"]
    assert isinstance(werte["B5"], float) and 5 < werte["B5"] < 60
    assert werte["C1"] == pytest.approx(2 * werte["B1"])


# --- the ribbon button against xlwings-shaped objects -----------------------------------------


class Bereich:
    """The part of xlwings' Range that the button uses, on an openpyxl sheet. Values are
    entered as Excel enters them: text starting with = becomes a formula, an apostrophe in
    front keeps it text."""

    def __init__(self, blatt: Blatt, r1: int, c1: int, r2: int | None = None,
                 c2: int | None = None) -> None:  # fmt: skip
        self.blatt, self.row, self.column = blatt, r1, c1
        self.r2, self.c2 = r2 or r1, c2 or c1

    @property
    def shape(self) -> tuple[int, int]:
        return self.r2 - self.row + 1, self.c2 - self.column + 1

    def _zellen(self) -> list[list[Any]]:
        return [[self.blatt.ws.cell(r, c) for c in range(self.column, self.c2 + 1)]
                for r in range(self.row, self.r2 + 1)]  # fmt: skip

    @property
    def value(self) -> Any:
        werte = [[z.value for z in zeile] for zeile in self._zellen()]
        if self.shape == (1, 1):
            return werte[0][0]
        if 1 in self.shape:
            return [w for zeile in werte for w in zeile]
        return werte

    @value.setter
    def value(self, werte: Any) -> None:
        if not isinstance(werte, list):
            werte = [[werte]]
        elif werte and not isinstance(werte[0], list):
            werte = [werte]
        for i, zeile in enumerate(werte):
            for j, wert in enumerate(zeile):
                zelle = self.blatt.ws.cell(self.row + i, self.column + j)
                if isinstance(wert, str) and wert.startswith("'"):
                    zelle.value, zelle.data_type, zelle.quotePrefix = wert[1:], "s", True
                else:
                    zelle.value = wert  # "=..." becomes a formula, as in Excel

    @property
    def number_format(self) -> str:
        return self._zellen()[0][0].number_format

    @number_format.setter
    def number_format(self, format_: str) -> None:
        for zeile in self._zellen():
            for zelle in zeile:
                zelle.number_format = format_

    def clear_contents(self) -> None:
        for zeile in self._zellen():
            for zelle in zeile:
                zelle.value = None


class Tabelle:
    def __init__(self, blatt: Blatt, tabelle: Any) -> None:
        self.blatt, self._t, self.name = blatt, tabelle, tabelle.displayName

    @property
    def range(self) -> Bereich:
        c1, r1, c2, r2 = range_boundaries(self._t.ref)
        return Bereich(self.blatt, r1, c1, r2, c2)

    def resize(self, bereich: Bereich) -> None:
        self._t.ref = (f"{get_column_letter(bereich.column)}{bereich.row}:"
                       f"{get_column_letter(bereich.c2)}{bereich.r2}")  # fmt: skip
        if self._t.autoFilter is not None:
            self._t.autoFilter.ref = self._t.ref


class Blatt:
    def __init__(self, buch: Buch, ws: Any) -> None:
        self.book, self.ws, self.name = buch, ws, ws.title

    @property
    def tables(self) -> dict[str, Tabelle] | Any:
        return _Sammlung([Tabelle(self, t) for t in self.ws.tables.values()])

    def range(self, a: tuple[int, int], b: tuple[int, int] | None = None) -> Bereich:
        return Bereich(self, a[0], a[1], *(b or a))

    @property
    def used_range(self) -> Bereich:
        return Bereich(self, 1, 1, self.ws.max_row, self.ws.max_column)


class _Sammlung(list):  # type: ignore[type-arg]
    """xlwings' collections: iterable, and indexable by name."""

    def __getitem__(self, schluessel: Any) -> Any:
        if isinstance(schluessel, str):
            return next(x for x in self if x.name == schluessel)
        return super().__getitem__(schluessel)


class Programm:
    def __init__(self) -> None:
        self.statuszeilen: list[Any] = []
        self.meldungen: list[tuple[str, str]] = []
        self.arten: list[str] = []  # of each message box: "info" or "critical"
        self.berechnet = 0
        self.api = types.SimpleNamespace(CalculateFull=self.calculate)  # Excel's COM object

    @property
    def status_bar(self) -> Any:
        return self.statuszeilen[-1] if self.statuszeilen else False

    @status_bar.setter
    def status_bar(self, text: Any) -> None:
        self.statuszeilen.append(text)

    def alert(self, prompt: str, title: str = "", mode: str = "") -> None:
        self.meldungen.append((title, prompt))
        self.arten.append(mode)

    def calculate(self) -> None:
        self.berechnet += 1


class Buch:
    def __init__(self, pfad: Path) -> None:
        self.fullname, self.wb, self.app = str(pfad), load_workbook(pfad), Programm()
        self.sheets = _Sammlung([Blatt(self, ws) for ws in self.wb.worksheets])

    @property
    def names(self) -> dict[str, Any]:
        namen = {}
        for name, definiert in self.wb.defined_names.items():
            blatt, zelle = next(definiert.destinations)
            c1, r1, _, _ = range_boundaries(zelle.replace("$", ""))
            namen[name] = types.SimpleNamespace(refers_to_range=Bereich(self.sheets[blatt], r1, c1))
        return namen

    def save(self) -> None:
        self.wb.save(self.fullname)


@pytest.fixture
def zwei_mappen(tmp_path, cli, demo_daten):
    """One store with Kleve's data through May, and two identical controlling workbooks;
    June's file waits in the Datenordner."""
    kleve = demo_daten[demo_daten["traeger_id"] == "05154"]
    kleve[kleve["berichtsmonat"] <= "2023-05"].to_csv(
        tmp_path / "bis-mai.csv", sep=";", index=False
    )
    ordner = tmp_path / "datenordner"
    ordner.mkdir()
    kleve[kleve["berichtsmonat"] == "2023-06"].to_csv(ordner / "juni.csv", sep=";", index=False)
    store = tmp_path / "s.sqlite"
    assert cli("import", tmp_path / "bis-mai.csv", "--store", store).code == 0
    kommandozeile, excel = tmp_path / "kommandozeile.xlsx", tmp_path / "excel.xlsx"
    assert cli("arbeitsmappe", "-o", kommandozeile, "--store", store).code == 0
    wb = load_workbook(kommandozeile)
    blatt, zelle = next(wb.defined_names["Datenordner"].destinations)
    wb[blatt][zelle.replace("$", "")] = str(ordner)
    erl = wb["Erläuterungen"]
    for zeile in erl.iter_rows(min_row=5):
        if zeile[0].value == "k2":
            zeile[3].value, zeile[3].data_type = "=Nachfrage im Juni schwach", "s"
    wb.save(kommandozeile)
    shutil.copy(kommandozeile, excel)
    return store, ordner, kommandozeile, excel


def test_ribbon_button_refreshes_like_the_command_line(zwei_mappen, cli, monkeypatch):
    """main() is what the ribbon button runs. Excel cannot run here, so it gets objects with
    the part of xlwings' Book/Sheet/Range/Table API it uses, backed by the workbook file."""
    store, ordner, kommandozeile, excel = zwei_mappen
    # a download open in Excel leaves its lock file beside it: not a file to import
    (ordner / "~$download.xlsx").write_bytes(b"\x0bMax Muster" + b"\x20" * 154)
    buch = Buch(excel)
    monkeypatch.setattr(ribbon, "aufrufende_mappe", lambda: buch)
    zielsteuerung.main()
    assert buch.app.meldungen == []
    buch.save()
    # the same June data reach the command-line workbook through a plain import
    assert cli("import", ordner / "juni.csv", "--store", store).code == 0
    assert cli("arbeitsmappe", "-o", kommandozeile).code == 0

    per_excel, per_cli = load_workbook(excel), load_workbook(kommandozeile)
    assert tabelle_lesen(per_excel, "tbl_Ziele") == tabelle_lesen(per_cli, "tbl_Ziele")
    assert per_excel["Info"]["B7"].value == 6 == per_cli["Info"]["B7"].value
    for name in (
        "tbl_Monitoring",
        "tbl_Gender",
        "tbl_Verlauf",
        "tbl_Erlaeuterungen",
        "tbl_Daten",
        "tbl_Zielpfad",
        "tbl_Prognose",
        "tbl_Planung",
        "tbl_Mittel_Auswertung",
        "tbl_Live",  # with the ZIEL_ formulas, written as formulas through Excel too
    ):
        assert tabelle_lesen(per_excel, name) == tabelle_lesen(per_cli, name), name
    for wb in (per_excel, per_cli):  # formulas, not text that looks like one
        live = [c for r in wb["Live-Werte"].iter_rows() for c in r if "=ZIEL_" in str(c.value)]
        assert len(live) == 10 and all(c.data_type == "f" for c in live)
    dialog_excel, dialog_cli = (
        [[z.value for z in r] for r in wb["Steuerungsdialog"].iter_rows(max_col=18)]
        for wb in (per_excel, per_cli)
    )
    assert dialog_excel == dialog_cli  # the sheet's values, as the file refresh writes them
    for blatt in ("Zielpfad", "Mittelausschöpfung"):  # the charts' data show June too
        werte_excel, werte_cli = (
            [[z.value for z in r] for r in wb[blatt].iter_rows()] for wb in (per_excel, per_cli)
        )
        assert werte_excel == werte_cli, blatt
    erl = {z["Ziel_ID"]: z["Erläuterung"] for z in tabelle_lesen(per_excel, "tbl_Erlaeuterungen")}
    assert erl["k2"] == "=Nachfrage im Juni schwach"  # still text, not a formula
    zeilen = buch.app.statuszeilen
    assert any("Datenordner" in str(z) for z in zeilen) and any(
        "Tabellen" in str(z) for z in zeilen
    )
    # the import's stages, as the command line shows them
    assert "Zielsteuerung: Lese juni.csv …" in zeilen
    assert "Zielsteuerung: Speichere: 100% …" in zeilen
    assert str(zeilen[-1]).startswith("Aktualisiert: Kreis Kleve (05154), Januar bis Juni 2023")
    assert buch.app.berechnet == 1


def spalte_entfernen(datei: Path, name: str) -> None:
    """A CSV file of the Datenordner without one of its columns."""
    zeilen = [z.split(";") for z in datei.read_text(encoding="utf-8").splitlines()]
    nr = zeilen[0].index(name)
    datei.write_text("\n".join(";".join(z[:nr] + z[nr + 1 :]) for z in zeilen), encoding="utf-8")


def test_ribbon_button_shows_the_warnings_of_the_files_it_imports(zwei_mappen, monkeypatch):
    """A file in the Datenordner that imports with warnings (here: it names no Datenstand, so
    the import's time stands in): the refresh is done and the warnings come in a message box,
    once, when the file comes in. They used to be dropped: on the command line only."""
    _, ordner, _, excel = zwei_mappen
    spalte_entfernen(ordner / "juni.csv", "datenstand")
    buch = Buch(excel)
    monkeypatch.setattr(ribbon, "aufrufende_mappe", lambda: buch)
    zielsteuerung.main()
    ((titel, text),) = buch.app.meldungen
    assert titel == "Zielsteuerung" and buch.app.arten == ["info"]
    assert text.startswith("Aktualisiert. Die neuen Dateien aus dem Datenordner sind importiert")
    assert "• juni.csv: Die Datei nennt keinen Datenstand" in text
    assert str(buch.app.status_bar).startswith("Aktualisiert: Kreis Kleve (05154), Januar bis Juni")

    zielsteuerung.main()  # the next click: nothing new, nothing to warn about
    assert len(buch.app.meldungen) == 1


def test_ribbon_button_reads_a_file_with_the_mapping_beside_it(
    zwei_mappen, monkeypatch, cli, demo_daten
):
    """A download that needs a mapping can go into the Datenordner with it: the file's own
    (juni.csv: juni.toml) or the folder's spaltenzuordnung.toml, the file's own first. Without
    one the click stops and names the column; nothing is imported."""
    store, ordner, _, excel = zwei_mappen
    kleve = demo_daten[demo_daten["traeger_id"] == "05154"]
    juli = kleve[kleve["berichtsmonat"] == "2023-07"].rename(columns={"wert": "Fälle"})
    juli.to_csv(ordner / "juli.csv", sep=";", index=False)
    juni = ordner / "juni.csv"
    juni.write_text(juni.read_text(encoding="utf-8").replace(";wert;", ";Personen;", 1))
    buch = Buch(excel)
    monkeypatch.setattr(ribbon, "aufrufende_mappe", lambda: buch)
    zielsteuerung.main()
    ((_, text),) = buch.app.meldungen
    assert "juni.csv, Zeile 1, Spalte „Personen“: Unbekannte Spalte" in text

    (ordner / "spaltenzuordnung.toml").write_text('[spalten]\n"Fälle" = "wert"\n')
    (ordner / "juni.toml").write_text('[spalten]\n"Personen" = "wert"\n')
    zielsteuerung.main()
    assert len(buch.app.meldungen) == 1, buch.app.meldungen[1:]
    status = str(buch.app.status_bar)
    assert "Januar bis Juli 2023" in status and status.endswith("– 2 neue Dateien importiert")
    bestand = cli("bestand", "--store", store).out
    assert re.search(r"juni\.csv .* juni\.toml", bestand)
    assert re.search(r"juli\.csv .* spaltenzuordnung\.toml", bestand)


def test_ribbon_button_skips_files_imported_before_without_reading_them(
    zwei_mappen, monkeypatch, cli
):
    """A file imported before (here on the command line, with a mapping) that stays in the
    Datenordner is skipped by its content, unread: the button neither stumbles over the
    mapping it lacks nor spends a click reading every month's file again."""
    store, ordner, _, excel = zwei_mappen
    juni = ordner / "juni.csv"
    juni.write_text(juni.read_text(encoding="utf-8").replace(";wert;", ";Personen;", 1))
    mapping = ordner.parent / "juni-zuordnung.toml"
    mapping.write_text('[spalten]\n"Personen" = "wert"\n')
    assert cli("import", juni, "--store", store, "--mapping", mapping).code == 0
    buch = Buch(excel)
    monkeypatch.setattr(ribbon, "aufrufende_mappe", lambda: buch)
    zielsteuerung.main()
    assert buch.app.meldungen == []
    assert "importiert" not in str(buch.app.status_bar)
    assert "Januar bis Juni 2023" in str(buch.app.status_bar)


def test_ribbon_button_does_not_bring_back_an_import_removed(zwei_mappen, monkeypatch, cli):
    """June's file was imported, found wrong and removed (``bestand entfernen``), but stays in
    the Datenordner: the next click must not import it again without a word. It is skipped,
    and the message says so; named on the command line, the file is imported again."""
    store, ordner, _, excel = zwei_mappen
    assert cli("import", ordner, "--store", store).code == 0
    nr = next(i["nr"] for i in bestand_json(cli, store)["importe"] if i["datei"] == "juni.csv")
    assert cli("bestand", "entfernen", nr, "--store", store).code == 0
    buch = Buch(excel)
    monkeypatch.setattr(ribbon, "aufrufende_mappe", lambda: buch)
    zielsteuerung.main()
    assert buch.app.meldungen == []
    meldung = str(buch.app.status_bar)
    assert "Januar bis Mai 2023" in meldung and "neue Datei" not in meldung
    assert "1 Datei nicht erneut importiert, da mit „bestand entfernen“ entfernt: juni.csv" in (
        meldung
    )
    assert [i["datei"] for i in bestand_json(cli, store)["importe"]] == ["bis-mai.csv"]
    # the folder on the command line skips it too; the file itself is imported again
    lauf = cli("import", ordner, "--store", store)
    assert lauf.code == 0 and "juni.csv: nicht importiert, ihr Import wurde am" in lauf.out
    assert cli("import", ordner / "juni.csv", "--store", store).code == 0
    assert bestand_json(cli, store)["entfernt"] == []
    zielsteuerung.main()
    assert "Januar bis Juni 2023" in str(buch.app.status_bar)


def bestand_json(cli, store: Path) -> dict:
    lauf = cli("bestand", "--store", store, "--format", "json")
    assert lauf.code == 0, lauf.err
    return lauf.json()


def test_a_download_in_a_format_the_import_does_not_read_is_named_not_skipped(
    zwei_mappen, monkeypatch, cli
):
    """July saved in the old Excel format (.xls) beside June's CSV: left aside, July would be
    missing from the evaluation without a word. The click stops and says how to convert it;
    nothing of the folder is imported (as for any file that cannot be read)."""
    store, ordner, _, excel = zwei_mappen
    (ordner / "juli.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    buch = Buch(excel)
    monkeypatch.setattr(ribbon, "aufrufende_mappe", lambda: buch)
    zielsteuerung.main()
    ((_, text),) = buch.app.meldungen
    assert "juli.xls: Altes Excel-Format (.xls)" in text and "„Excel-Arbeitsmappe (.xlsx)“" in text
    lauf = cli("import", ordner, "--store", store)
    assert lauf.code == 2 and "juli.xls: Altes Excel-Format (.xls)" in lauf.err
    assert cli("bestand", "--store", store).out.count(".csv") == 1  # June's file waits still


def test_ribbon_button_takes_paths_pasted_with_quotes(zwei_mappen, monkeypatch):
    """Windows Explorer's „Als Pfad kopieren“ puts quotes around a path; pasted into the
    settings, the paths still name the folder and the store."""
    store, ordner, _, excel = zwei_mappen
    wb = load_workbook(excel)
    for name, pfad in (("Datenordner", ordner), ("Datenbestand", store)):
        blatt, zelle = next(wb.defined_names[name].destinations)
        wb[blatt][zelle.replace("$", "")] = f' "{pfad}" '
    wb.save(excel)
    buch = Buch(excel)
    monkeypatch.setattr(ribbon, "aufrufende_mappe", lambda: buch)
    zielsteuerung.main()
    assert buch.app.meldungen == []
    assert str(buch.app.status_bar).endswith("– 1 neue Datei importiert")


def test_ribbon_button_leaves_a_new_target_to_the_command_line(zwei_mappen, monkeypatch, cli):
    """A sixth target on the sheet widens tbl_Zielpfad into the space of its charts' data:
    the button says to run the command-line refresh (which lays the sheet out anew) and
    changes no table, rather than overwrite what stands right of it."""
    _, _, _, excel = zwei_mappen
    ziel_hinzufuegen(excel)
    vorher = {n: tabelle_lesen(load_workbook(excel), n) for n in ("tbl_Ziele", "tbl_Zielpfad")}
    buch = Buch(excel)
    monkeypatch.setattr(ribbon, "aufrufende_mappe", lambda: buch)
    zielsteuerung.main()
    ((_, text),) = buch.app.meldungen
    assert "Rechts neben der Tabelle „tbl_Zielpfad“ auf dem Blatt „Zielpfad“ stehen" in text
    assert "„zielsteuerung arbeitsmappe -o DATEI“" in text
    buch.save()
    assert {n: tabelle_lesen(load_workbook(excel), n) for n in vorher} == vorher
    assert cli("arbeitsmappe", "-o", excel).code == 0  # as the message says


def test_ribbon_button_clears_the_budget_chart_when_nothing_is_spent(
    demo_store, cli, tmp_path, monkeypatch
):
    """The year's spending taken out of the sheet „Mittel“ (a new year, nothing spent yet):
    the chart's numbers of the last refresh go, rather than stand as this year's."""
    mappe, mittel = tmp_path / "mappe.xlsx", tmp_path / "mittel.csv"
    mittel.write_text(
        "Posten;Jahr;Mittel;" + ";".join(MONATE) + "\nEingliederung;2023;1200;"
        + ";".join(["100"] * 6) + ";" * 6 + "\n",
        encoding="utf-8",
    )  # fmt: skip
    assert cli("arbeitsmappe", "-o", mappe, "--store", demo_store, "--mittel", mittel).code == 0
    wb = load_workbook(mappe)
    for zeile in wb["Mittel"].iter_rows():
        for zelle in zeile:
            if zelle.value == 100:
                zelle.value = None
    wb.save(mappe)
    buch = Buch(mappe)
    monkeypatch.setattr(ribbon, "aufrufende_mappe", lambda: buch)
    zielsteuerung.main()
    assert buch.app.meldungen == []
    buch.save()
    ws = load_workbook(mappe)["Mittelausschöpfung"]
    marke = next(z for r in ws.iter_rows() for z in r if z.value == HILFSDATEN)
    daten = [
        ws.cell(r, c).value
        for r in range(marke.row + 2, marke.row + 14)
        for c in range(marke.column + 1, marke.column + 6)
    ]
    assert daten == [None] * 60


def test_ribbon_button_refuses_a_relative_datenordner(zwei_mappen, monkeypatch):
    """ "datenordner" without its drive: read from wherever Excel's process stands (here a
    folder that holds one of that name, with June's file), it would import from there."""
    store, ordner, _, excel = zwei_mappen
    name_setzen(excel, "Datenordner", ordner.name)
    monkeypatch.chdir(ordner.parent)
    buch = Buch(excel)
    monkeypatch.setattr(ribbon, "aufrufende_mappe", lambda: buch)
    zielsteuerung.main()
    ((_, text),) = buch.app.meldungen
    assert f"Einstellungen: Datenordner „{ordner.name}“ ist kein vollständiger Pfad" in text
    with Datenbestand(store) as db:
        assert len(db.importe()) == 1  # June's file was not imported


def test_ribbon_button_reads_a_file_again_when_its_own_mapping_appears(zwei_mappen, monkeypatch):
    """A file imported without a Datenstand (the import's time stands in; the button warns)
    is corrected from Excel: its own mapping beside it (juni.toml, with the Datenstand) and a
    click read it again and replace its import. A changed folder mapping reads no file again."""
    store, ordner, _, excel = zwei_mappen
    spalte_entfernen(ordner / "juni.csv", "datenstand")

    def staende() -> list[str]:
        with closing(sqlite3.connect(store)) as con:
            abfrage = "SELECT DISTINCT datenstand FROM grunddaten WHERE monat = 202306"
            return [z[0] for z in con.execute(abfrage)]

    buch = Buch(excel)
    monkeypatch.setattr(ribbon, "aufrufende_mappe", lambda: buch)
    zielsteuerung.main()
    assert "keinen Datenstand" in buch.app.meldungen[0][1]
    (importiert,) = staende()

    mapping = '[feste_werte]\ndatenstand = "2023-07-20"\n'
    (ordner / "spaltenzuordnung.toml").write_text(mapping)
    zielsteuerung.main()
    assert staende() == [importiert] and "importiert" not in str(buch.app.status_bar)

    (ordner / "juni.toml").write_text(mapping)
    zielsteuerung.main()
    assert len(buch.app.meldungen) == 1  # no new warning, no problem
    assert str(buch.app.status_bar).endswith(
        "– 1 Datei mit eigener Spaltenzuordnung neu gelesen (früherer Import ersetzt)"
    )
    assert staende() == ["2023-07-20"]


def test_ribbon_button_reports_problems_in_a_message_box(zwei_mappen, monkeypatch, tmp_path):
    _, _, _, excel = zwei_mappen
    wb = load_workbook(excel)
    blatt, zelle = next(wb.defined_names["Datenbestand"].destinations)
    wb[blatt][zelle.replace("$", "")] = str(tmp_path / "gibt-es-nicht.sqlite")
    blatt, zelle = next(wb.defined_names["Datenordner"].destinations)
    wb[blatt][zelle.replace("$", "")] = None
    wb.save(excel)
    buch = Buch(excel)
    monkeypatch.setattr(ribbon, "aufrufende_mappe", lambda: buch)
    zielsteuerung.main()
    ((titel, text),) = buch.app.meldungen
    assert titel == "Zielsteuerung"
    assert text.startswith("Datenbestand nicht gefunden") and "Traceback" not in text
    assert "unter „Datenordner“ den Ordner mit den heruntergeladenen Dateien" in text  # not the
    assert "zielsteuerung import" not in text  # command line's way
    assert buch.app.status_bar is False
    # a Datenordner without files yet: said so
    name_setzen(excel, "Datenordner", str(tmp_path / "leer"))
    (tmp_path / "leer").mkdir()
    buch = Buch(excel)
    monkeypatch.setattr(ribbon, "aufrufende_mappe", lambda: buch)
    zielsteuerung.main()
    ((_, text),) = buch.app.meldungen
    assert f"(in {tmp_path / 'leer'} liegt noch keine CSV- oder .xlsx-Datei)" in text


def test_ribbon_button_refuses_a_report_month_of_another_year(zwei_mappen, monkeypatch):
    """A date in "Auswerten bis Monat" that lies in another year than "Jahr": the button says
    so, as the ZIEL_ cells do, and writes nothing (it used to evaluate that month of 2023)."""
    _, _, _, excel = zwei_mappen
    wb = load_workbook(excel)
    blatt, zelle = next(wb.defined_names["Bis_Monat_Vorgabe"].destinations)
    wb[blatt][zelle.replace("$", "")] = dt.datetime(2022, 3, 1)
    wb.save(excel)
    buch = Buch(excel)
    monkeypatch.setattr(ribbon, "aufrufende_mappe", lambda: buch)
    zielsteuerung.main()
    ((_, text),) = buch.app.meldungen
    assert "Monat 03/2022 liegt nicht im Jahr 2023" in text
    buch.save()
    assert tabelle_lesen(load_workbook(excel), "tbl_Ziele") == tabelle_lesen(wb, "tbl_Ziele")


def prozent_eintragen(mappe: Path, tabelle: str, zeile: str, spalte: str, wert: float) -> str:
    """Format one cell of the table's first row starting with ``zeile`` as percent and put
    ``wert`` in it, as Excel does when a user types "2,7 %" (or 2,7 into a cell formatted as
    percent); the cell's sheet and address."""
    wb = load_workbook(mappe)
    ws = next(ws for ws in wb.worksheets if tabelle in ws.tables)
    c1, r1, c2, r2 = range_boundaries(ws.tables[tabelle].ref)
    kopf = [ws.cell(r1, c).value for c in range(c1, c2 + 1)]
    r = next(r for r in range(r1 + 1, r2 + 1) if zeile in (ws.cell(r, c1).value,
                                                          ws.cell(r, c1 + 1).value))  # fmt: skip
    zelle = ws.cell(r, c1 + kopf.index(spalte))
    zelle.value, zelle.number_format = wert, "0.0%"
    wb.save(mappe)
    return f"Blatt „{ws.title}“, Zelle {zelle.coordinate}"


@pytest.mark.parametrize(
    ("tabelle", "zeile", "spalte", "wert", "gemeint"),
    [
        ("tbl_Vereinbarung", "k2", "Schwelle", 0.027, "„2,7 %“ dort als 0,027"),
        ("tbl_Planung", "k2", "März", 0.042, "„4,2 %“ dort als 0,042"),
        ("tbl_Mittel", "Eingliederungsleistungen", "Januar", 0.5, "„50 %“ dort als 0,5"),
    ],
    ids=["schwelle", "planung", "mittel"],
)
def test_a_number_in_a_cell_formatted_as_percent_is_refused(
    zwei_mappen, monkeypatch, cli, tabelle, zeile, spalte, wert, gemeint
):
    """Typed "2,7 %" (or 2,7 into a cell formatted as percent), Excel keeps 0.027: the sheets
    take percent as plain numbers, so the threshold would be a hundredth of the agreed one. The
    button and the command line name the cell instead (the ZIEL_ cells: test_ziel_zellen)."""
    _, _, kommandozeile, excel = zwei_mappen
    vorher = tabelle_lesen(load_workbook(excel), "tbl_Ziele")
    ort = prozent_eintragen(excel, tabelle, zeile, spalte, wert)
    meldung = f"{ort}: als Prozent formatiert, Excel hält {gemeint}."
    buch = Buch(excel)
    monkeypatch.setattr(ribbon, "aufrufende_mappe", lambda: buch)
    zielsteuerung.main()
    ((_, text),) = buch.app.meldungen
    assert meldung in text and "ohne %-Zeichen eintragen" in text, text
    buch.save()
    assert tabelle_lesen(load_workbook(excel), "tbl_Ziele") == vorher
    prozent_eintragen(kommandozeile, tabelle, zeile, spalte, wert)
    inhalt = kommandozeile.read_bytes()
    lauf = cli("arbeitsmappe", "-o", kommandozeile)
    assert lauf.code == 2 and meldung in lauf.err, lauf.err
    assert kommandozeile.read_bytes() == inhalt


def test_ribbon_button_writes_the_ministry_copy_where_the_settings_say(zwei_mappen, monkeypatch):
    """ "Pfad der Kopie für das Ministerium" = a folder beside the workbook: the button saves
    the workbook and writes the values-only copy there."""
    _, _, _, excel = zwei_mappen
    wb = load_workbook(excel)
    blatt, zelle = next(wb.defined_names["Ministeriumskopie"].destinations)
    wb[blatt][zelle.replace("$", "")] = "ausgang/"
    wb.save(excel)
    buch = Buch(excel)
    monkeypatch.setattr(ribbon, "aufrufende_mappe", lambda: buch)
    zielsteuerung.main()
    assert buch.app.meldungen == []
    kopie = excel.parent / "ausgang" / "excel-ministerium.xlsx"
    assert f"Kopie für das Ministerium: {kopie}" in str(buch.app.status_bar)
    ziele = tabelle_lesen(load_workbook(kopie), "tbl_Ziele")
    assert ziele == tabelle_lesen(load_workbook(excel), "tbl_Ziele")


def test_without_arguments_the_table_function_shows_what_the_cli_shows(vorgaben, cli):
    """Both use the same defaults (agreement, Träger, year, Wartezeit, last month with data):
    =ZIEL_TABELLE() without arguments is the JSON of `auswerten` without options, row by row."""
    ergebnis = json_von(cli, vorgaben)
    assert ergebnis["bis_monat"] == 12 and ergebnis["wartezeit"] == "T0"
    zeilen = udfs.ZIEL_TABELLE()
    assert [z[0] for z in zeilen[1:]] == list(FUNKTIONEN.values())
    for zeile, z in zip(zeilen[1:], ergebnis["ziele"], strict=True):
        assert zeile == [z["id"], z["bezeichnung"], z["vorjahr"], z["aktuell"],
                         z["veraenderung"], z["einheit"], z["schwelle"], z["zielwert"],
                         z["status"], z["knapp"]]  # fmt: skip


def test_ribbon_button_names_a_missing_table_of_the_comparison(
    cli, demo_store, tmp_path, monkeypatch
):
    """A workbook whose ranking table was deleted: the button says which table is missing,
    not "Interner Fehler"."""
    mappe = tmp_path / "ohne-rangliste.xlsx"
    assert cli("arbeitsmappe", "-o", mappe, "--store", demo_store).code == 0
    wb = load_workbook(mappe)
    ws = next(ws for ws in wb.worksheets if "tbl_Vergleich_Rangliste" in ws.tables)
    del ws.tables["tbl_Vergleich_Rangliste"]
    wb.save(mappe)
    buch = Buch(mappe)
    monkeypatch.setattr(ribbon, "aufrufende_mappe", lambda: buch)
    zielsteuerung.main()
    ((_, text),) = buch.app.meldungen
    assert "Die Tabelle „tbl_Vergleich_Rangliste“ fehlt" in text, text


def test_ribbon_button_on_a_workbook_of_the_first_template(demo_store, tmp_path, monkeypatch):
    """An older workbook open in Excel: the button refreshes what the workbook has and says
    how the new sheets come in; it does not fail."""
    mappe = tmp_path / "alt.xlsx"
    shutil.copy(Path(__file__).parent / "daten" / "vorlage-1.0.xlsx", mappe)
    wb = load_workbook(mappe)
    blatt, zelle = next(wb.defined_names["Datenbestand"].destinations)
    wb[blatt][zelle.replace("$", "")] = str(demo_store)
    wb.save(mappe)
    buch = Buch(mappe)
    monkeypatch.setattr(ribbon, "aufrufende_mappe", lambda: buch)
    zielsteuerung.main()
    assert buch.app.meldungen == []
    assert (
        "tbl_Planung" in buch.app.status_bar and "zielsteuerung arbeitsmappe" in buch.app.status_bar
    )
    buch.save()
    ziele = tabelle_lesen(load_workbook(mappe), "tbl_Ziele")
    assert [z["Ziel_ID"] for z in ziele][:2] == ["integrationen", "k2"]
    assert ziele[0]["Status"] == "erreicht"


def test_ribbon_button_holds_back_the_copy_when_the_explanations_are_of_another_year(
    zwei_mappen, monkeypatch
):
    """Last year's workbook set to a new year (every January): its explanations went to the
    ministry as this year's, without a word. The button says so and writes the copy only on
    the next click, once the user has seen them."""
    _, _, _, excel = zwei_mappen
    name_setzen(excel, "Ministeriumskopie", "ausgang/")
    name_setzen(excel, "Jahr", 2022)
    kopie = excel.parent / "ausgang" / "excel-ministerium.xlsx"
    buch = Buch(excel)
    monkeypatch.setattr(ribbon, "aufrufende_mappe", lambda: buch)
    zielsteuerung.main()
    ((_, text),) = buch.app.meldungen
    assert text.startswith("Die Mappe war zuletzt für 2023 ausgewertet, jetzt für 2022")
    assert "diesmal nicht geschrieben" in str(buch.app.status_bar) and not kopie.exists()
    buch.wb.save(excel)  # the workbook as it stays open in Excel
    buch = Buch(excel)
    monkeypatch.setattr(ribbon, "aufrufende_mappe", lambda: buch)
    zielsteuerung.main()  # the next click
    assert buch.app.meldungen == [] and kopie.exists()
    erlaeuterungen = tabelle_lesen(load_workbook(kopie), "tbl_Erlaeuterungen")
    assert "=Nachfrage im Juni schwach" in {z["Erläuterung"] for z in erlaeuterungen}


def test_ribbon_button_does_not_apply_last_years_plan_to_the_new_year(zwei_mappen, monkeypatch):
    """The button evaluates a workbook set to another year than its plan was made for: the
    plan stays on the sheet, is not applied, and a message box says so and what to do."""
    _, _, _, excel = zwei_mappen
    plan_eintragen(excel, PLAN)
    name_setzen(excel, "Planung_Jahr", 2023)
    name_setzen(excel, "Jahr", 2022)
    buch = Buch(excel)
    monkeypatch.setattr(ribbon, "aufrufende_mappe", lambda: buch)
    zielsteuerung.main()
    ((_, text),) = buch.app.meldungen
    assert text.startswith(
        "Die Planung auf dem Blatt „Planung“ gilt für 2023, ausgewertet wird 2022"
    )
    buch.save()
    assert pfad_der_integrationen(excel)[0] == "Vorjahresverlauf"
    name_setzen(excel, "Planung_Jahr", 2022)
    buch = Buch(excel)
    monkeypatch.setattr(ribbon, "aufrufende_mappe", lambda: buch)
    zielsteuerung.main()
    assert buch.app.meldungen == []
    buch.save()
    assert pfad_der_integrationen(excel) == ("Planung", sum(PLAN))
