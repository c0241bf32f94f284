"""The standard controlling workbook: build it, and refresh it in place without losing anything.

The contract between code and workbook is defined names and table names, never cell addresses
(workbook_templates/README.md). A user may restyle, move and add; the refresh finds our tables
and named cells wherever they are, rewrites their contents, and leaves everything else alone.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import warnings
import zipfile
from collections.abc import Callable, Iterator
from copy import copy
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import LineChart, Reference
from openpyxl.chart.axis import ChartLines
from openpyxl.chart.series import SeriesLabel
from openpyxl.drawing.text import CharacterProperties, ParagraphProperties
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname, range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from . import __version__, einstellungen
from .ausgabe import zahl
from .auswertung import HINWEIS_BEISPIELDATEN, Auswertung
from .bericht import KENNZAHL_SPALTEN, Bericht, erstelle_bericht
from .datenbestand import Datenbestand
from .fehler import EingabeFehler
from .kennzahlen import JAHRESWERTE
from .merkmale import MERKMALE
from .mittel import SPALTEN as MITTEL_SPALTEN
from .mittel import STANDARD_POSTEN
from .steuerung import AUF_DEM_PFAD, HINTER_DEM_PFAD, MONATE, eingabeart
from .steuerungsdialog import BLATT as DIALOG
from .steuerungsdialog import BREITE as DIALOG_BREITE
from .steuerungsdialog import DATEN_SPALTE, bloecke, ziel_fuer_diagramm
from .traeger import TraegerAufloesung
from .vereinbarung import Ziel, Zielvereinbarung, aus_tabelle, beispiel
from .vergleich import vergleich_schreiben

VORLAGENVERSION = "1.1"
_FESTES_DATUM = dt.datetime(2026, 1, 1)  # template file properties: reproducible bytes

# --- look ------------------------------------------------------------------------------------

FORMATE = {
    "anzahl": "#,##0",
    "quote": '0.0" %"',
    "pp_wert": '0.0" pp"',
    "euro": '#,##0" €"',
    "%": '+0.0" %";-0.0" %";0.0" %"',
    "pp": '+0.0" pp";-0.0" pp";0.0" pp"',
    "abs": "+#,##0;-#,##0;0",
    "prozentwert": "0.0",
    "monat": "@",
    "janein": '"ja";"ja";"nein"',
}
_BLAU = "1F3864"
_TITEL = Font(size=16, bold=True, color=_BLAU)
_UNTERTITEL = Font(size=11, italic=True, color="595959")
_HINWEIS = Font(size=12, bold=True, color="C00000")
_FETT = Font(bold=True)
_GRUEN = PatternFill("solid", fgColor="C6EFCE")
_ROT = PatternFill("solid", fgColor="FFC7CE")
_GRAU = PatternFill("solid", fgColor="E7E6E6")
_GELB = PatternFill("solid", fgColor="FFEB9C")
FORMELZEICHEN = ("=", "+", "-", "@")  # text a spreadsheet would read as a formula
_UMBRUCH = {"Ziel", "Groesse", "Grund", "Erläuterung", "Hinweis"}

BLAETTER = (
    "Übersicht",
    "Steuerungsdialog",
    "Zielvereinbarung",
    "Planung",
    "Gender",
    "Monitoring",
    "Mittel",
    "Mittelausschöpfung",
    "Verlauf",
    "Zielpfad",
    "Kennzahlen",
    "Daten",
    "Erläuterungen",
    "Einstellungen",
    "Info",
)


@dataclass(frozen=True)
class Tabelle:
    """One table of the contract: where the template puts it, and its columns."""

    name: str
    blatt: str
    kopfzeile: int
    namen: tuple[str, ...]
    spalte: int = 1


#: Column widths where the header's length is not a good guide.
_BREITEN = {
    "Ziel_ID": 18, "Status": 17, "Monitoring_ID": 15, "Ziel": 46, "Groesse": 52, "Grund": 32,
    "Hinweis": 40, "Erläuterung": 90, "Quelle": 40, "Datei": 44, "SHA256": 68,
    "Datenstand": 20, "Art": 20, "Eingabe": 44, "Posten": 28, "Status_Pfad": 19,
    "Prognose_Status": 27, "Prognose_Dezember": 19, "Rest": 14, **dict.fromkeys(MONATE, 14),
}  # fmt: skip


def _breite(spalte: str) -> float:
    return _BREITEN.get(spalte, max(9, len(spalte) + 5))


TABELLEN = {
    t.name: t
    for t in (
        Tabelle("tbl_Ziele", "Übersicht", 6, (
            "Ziel_ID", "Ziel", "Vorjahr", "Aktuell", "Veraenderung", "Einheit", "Schwelle",
            "Zielwert", "Abstand", "Noch_benoetigt", "Status", "Ampel", "Knapp", "Pfad",
            "Status_Pfad", "Prognose", "Prognose_Status", "Grund")),
        Tabelle("tbl_Monitoring", "Monitoring", 4, (
            "Monitoring_ID", "Groesse", "Vorjahr", "Aktuell", "Veraenderung", "Einheit", "Grund")),
        Tabelle("tbl_Vereinbarung", "Zielvereinbarung", 5, (
            "Bereich", "Ziel_ID", "Ziel", "Kennzahl", "Art", "Vergleich", "Schwelle",
            "Geschlecht", "Hinweis")),
        Tabelle("tbl_Gender", "Gender", 5, (
            "Monat", "K2_Frauen_Vorjahr", "K2_Maenner_Vorjahr", "Abstand_Vorjahr", "K2_Frauen",
            "K2_Maenner", "Abstand", "Veraenderung_pp")),
        Tabelle("tbl_Verlauf", "Verlauf", 4, ("Monat",)),
        Tabelle("tbl_Kennzahlen", "Kennzahlen", 4,
                ("Monat", *(name for name, _, _ in KENNZAHL_SPALTEN))),
        Tabelle("tbl_Daten", "Daten", 4, (
            "Merkmal", "Geschlecht", "Monat", "Wert", "Fehlkennzeichen", "Wartezeit",
            "Datenstand", "Quelle")),
        Tabelle("tbl_Erlaeuterungen", "Erläuterungen", 4,
                ("Ziel_ID", "Ziel", "Status", "Erläuterung")),
        Tabelle("tbl_Quellen", "Info", 14, ("Datei", "SHA256", "Importiert_am", "Beispieldaten")),
        Tabelle("tbl_Planung", "Planung", 5, ("Ziel_ID", "Ziel", "Eingabe", *MONATE)),
        Tabelle("tbl_Mittel", "Mittel", 5, MITTEL_SPALTEN),
        Tabelle("tbl_Mittel_Auswertung", "Mittelausschöpfung", 4, (
            "Posten", "Mittel", "Stand", "Ausgaben", "Ausschoepfung", "Pfad_linear",
            "Pfad_Vorjahr", "Prognose_Dezember", "Prognose_Ausschoepfung", "Prognose_linear",
            "Rest", "Grund")),
        Tabelle("tbl_Mittel_Verlauf", "Mittelausschöpfung", 4,
                ("Monat", "Ist", "Linear", "Vorjahr"), spalte=14),
        Tabelle("tbl_Zielpfad", "Zielpfad", 4, ("Monat",)),
        Tabelle("tbl_Prognose", "Zielpfad", 19, (
            "Ziel_ID", "Ziel", "Quelle", "Zielwert_Jahr", "Pfad", "Aktuell", "Abstand_Pfad",
            "Status_Pfad", "Prognose", "Prognose_Veraenderung", "Einheit", "Prognose_Abstand",
            "Prognose_Status", "Grund")),
    )
}  # fmt: skip

#: Named cells: name -> (sheet, cell in the template, label, kind). "eingabe" cells are the
#: user's settings; the others are written by every refresh.
NAMEN: dict[str, tuple[str, str, str, str]] = {
    "Traeger_ID": ("Einstellungen", "B4", "Träger (Regionalschlüssel)", "eingabe"),
    "Traeger_Name": ("Einstellungen", "B5", "Name des Trägers", "eingabe"),
    "Jahr": ("Einstellungen", "B6", "Jahr der Zielvereinbarung", "eingabe"),
    "Bis_Monat_Vorgabe": (
        "Einstellungen",
        "B7",
        "Auswerten bis Monat (leer = letzter Monat mit Daten)",
        "eingabe",
    ),
    "Wartezeit": ("Einstellungen", "B8", "Wartezeit (T0 vorläufig, T3 final)", "eingabe"),
    "Datenordner": ("Einstellungen", "B9", "Datenordner (neue Dateien zum Import)", "eingabe"),
    "Datenbestand": ("Einstellungen", "B10", "Datenbestand (leer = Standardort)", "eingabe"),
    "Ministeriumskopie": ("Einstellungen", "B11", "Pfad der Kopie für das Ministerium", "eingabe"),
    "Vergleichsgruppe": (
        "Einstellungen",
        "B12",
        "Vergleichsgruppe (Regionalschlüssel; leer = zkT in NRW)",
        "eingabe",
    ),
    "Programmversion": ("Info", "B4", "Programmversion", "ausgabe"),
    "Vorlagenversion": ("Info", "B5", "Vorlagenversion", "ausgabe"),
    "Aktualisiert_am": ("Info", "B6", "Zuletzt aktualisiert", "ausgabe"),
    "Bis_Monat": ("Info", "B7", "Ausgewertet bis Monat", "ausgabe"),
    "Zeitraum": ("Info", "B8", "Zeitraum", "ausgabe"),
    "Datenstand": ("Info", "B9", "Datenstand (neueste verwendete Fassung)", "ausgabe"),
    "Wartezeit_ausgewertet": ("Info", "B10", "Ausgewertete Wartezeit", "ausgabe"),
    "Hinweis": ("Info", "B11", "Hinweis", "ausgabe"),
    "Untertitel": ("Übersicht", "A2", "", "ausgabe"),
    "Gender_Pruefung": ("Gender", "A3", "", "ausgabe"),
}

_DIAGRAMM_PRAEFIX = ("Verlauf – ", "Gender – ", "Zielpfad – ", "Mittelausschöpfung – ")


# --- small helpers ---------------------------------------------------------------------------


def setze(zelle: Cell, wert: Any, format_: str | None = None) -> None:
    """Write a value; text always stays text, even when it starts with =, +, - or @."""
    zelle.value = wert
    if isinstance(wert, str):
        zelle.data_type = "s"
        if wert.startswith(FORMELZEICHEN):
            zelle.quotePrefix = True
    if format_:
        zelle.number_format = format_


def _zelle_des_namens(wb: Workbook, name: str) -> Cell | None:
    definiert = wb.defined_names.get(name)
    if definiert is None:
        return None
    for blatt, bereich in definiert.destinations:
        if blatt in wb.sheetnames:
            return wb[blatt][bereich.replace("$", "").split(":")[0]]
    return None


def _name_lesen(wb: Workbook, name: str) -> Any:
    zelle = _zelle_des_namens(wb, name)
    wert = zelle.value if zelle is not None else None
    return wert.strip() if isinstance(wert, str) else wert


def _name_setzen(wb: Workbook, name: str, wert: Any, format_: str | None = None) -> None:
    zelle = _zelle_des_namens(wb, name)
    if zelle is None:
        raise EingabeFehler(
            f"Der Name „{name}“ fehlt in der Arbeitsmappe (Formeln > Namens-Manager). Er gehört "
            "zur Vorlage; bitte aus einer neuen Mappe übernehmen."
        )
    setze(zelle, wert, format_)


def _tabelle_finden(wb: Workbook, name: str) -> tuple[Worksheet, Table]:
    for ws in wb.worksheets:
        if name in ws.tables:
            return ws, ws.tables[name]
    raise EingabeFehler(f"Die Tabelle „{name}“ fehlt in der Arbeitsmappe.")


def _wertformat(kennzahl: str, art: str = "") -> str:
    if art == "geschlechterabstand":
        return FORMATE["pp_wert"]
    jahresart, zaehler, _ = JAHRESWERTE[kennzahl]
    if jahresart in ("jfw", "anteil"):
        return FORMATE["quote"]
    return FORMATE["euro"] if MERKMALE[zaehler][1] == "EUR" else FORMATE["anzahl"]


# --- tables ----------------------------------------------------------------------------------


def tabelle_schreiben(
    wb: Workbook,
    name: str,
    zeilen: list[dict[str, Any]],
    format_: Callable[[dict[str, Any], str], str | None] = lambda _z, _s: None,
    spalten: list[str] | None = None,
) -> tuple[Worksheet, int, int, int]:
    """Replace the body of a table by ``zeilen`` (dicts by column name); resize the table.

    Columns are found by their header, wherever the user moved them; columns the user added
    to our table are left alone. With ``spalten`` the header itself is rewritten (tables whose
    columns follow the agreement). Returns (sheet, header row, first column, last column).
    """
    ws, tabelle = _tabelle_finden(wb, name)
    erste_spalte, kopfzeile, letzte_spalte, letzte_zeile = range_boundaries(tabelle.ref)
    if spalten is not None:
        alt = [ws.cell(kopfzeile, c).value for c in range(erste_spalte, letzte_spalte + 1)]
        if alt != spalten:
            stil = copy(ws.cell(kopfzeile, erste_spalte)._style)
            for c in range(erste_spalte, max(letzte_spalte, erste_spalte + len(spalten) - 1) + 1):
                for r in range(kopfzeile, letzte_zeile + 1):
                    ws.cell(r, c).value = None
            for i, titel in enumerate(spalten):
                zelle = ws.cell(kopfzeile, erste_spalte + i)
                setze(zelle, titel)
                zelle._style = copy(stil)
                ws.column_dimensions[get_column_letter(erste_spalte + i)].width = _breite(titel)
            letzte_spalte = erste_spalte + len(spalten) - 1
            tabelle.tableColumns = []  # rebuilt from the header when saved
    kopf = {ws.cell(kopfzeile, c).value: c for c in range(erste_spalte, letzte_spalte + 1)}
    neue_letzte = kopfzeile + max(1, len(zeilen))
    for r in range(letzte_zeile + 1, neue_letzte + 1):  # growing must not overwrite anything
        for c in range(erste_spalte, letzte_spalte + 1):
            if ws.cell(r, c).value not in (None, ""):
                raise EingabeFehler(
                    f"Unter der Tabelle „{name}“ auf dem Blatt „{ws.title}“ stehen eigene Inhalte "
                    f"(Zelle {get_column_letter(c)}{r}); die Tabelle braucht {len(zeilen)} Zeilen. "
                    "Bitte diese Inhalte an eine andere Stelle verschieben."
                )
    stile = {c: copy(ws.cell(kopfzeile + 1, c)._style) for c in kopf.values()}
    for r in range(neue_letzte + 1, letzte_zeile + 1):
        for spalte, c in kopf.items():
            if name not in TABELLEN or spalte in TABELLEN[name].namen or spalten:
                ws.cell(r, c).value = None
                ws.cell(r, c).style = "Normal"
    for i in range(max(1, len(zeilen))):
        zeile = zeilen[i] if i < len(zeilen) else {}
        for spalte, c in kopf.items():
            if zeilen and spalte not in zeile:
                continue  # a column the user added: not ours
            zelle = ws.cell(kopfzeile + 1 + i, c)
            zelle._style = copy(stile[c])
            setze(zelle, zeile.get(spalte), format_(zeile, spalte) if zeile else None)
    tabelle.ref = (
        f"{get_column_letter(erste_spalte)}{kopfzeile}:{get_column_letter(letzte_spalte)}"
        f"{neue_letzte}"
    )
    if tabelle.autoFilter is not None:
        tabelle.autoFilter.ref = tabelle.ref
    return ws, kopfzeile, erste_spalte, letzte_spalte


def tabelle_lesen(wb: Workbook, name: str) -> list[dict[str, Any]]:
    ws, tabelle = _tabelle_finden(wb, name)
    erste_spalte, kopfzeile, letzte_spalte, letzte_zeile = range_boundaries(tabelle.ref)
    kopf = [ws.cell(kopfzeile, c).value for c in range(erste_spalte, letzte_spalte + 1)]
    zeilen = []
    for r in range(kopfzeile + 1, letzte_zeile + 1):
        werte = [ws.cell(r, c).value for c in range(erste_spalte, letzte_spalte + 1)]
        if any(w not in (None, "") for w in werte):
            zeilen.append(dict(zip(kopf, werte, strict=True)))
    return zeilen


# --- building a new workbook -----------------------------------------------------------------


def _tabelle_anlegen(ws: Worksheet, t: Tabelle, spalte: int = 1) -> None:
    for i, name in enumerate(t.namen):
        zelle = ws.cell(t.kopfzeile, spalte + i)
        setze(zelle, name)
        zelle.font = Font(bold=True, color="FFFFFF")
        zelle.fill = PatternFill("solid", fgColor=_BLAU)  # explicit: not every program draws
        zelle.alignment = Alignment(wrap_text=True, vertical="center")  # table styles
        ws.cell(t.kopfzeile + 1, spalte + i).alignment = Alignment(
            wrap_text=name in _UMBRUCH, vertical="center"
        )
        ws.column_dimensions[get_column_letter(spalte + i)].width = _breite(name)
    ws.row_dimensions[t.kopfzeile].height = 30
    ende = get_column_letter(spalte + len(t.namen) - 1)
    tabelle = Table(
        displayName=t.name, ref=f"{get_column_letter(spalte)}{t.kopfzeile}:{ende}{t.kopfzeile + 1}"
    )
    tabelle.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(tabelle)
    ws.freeze_panes = ws.cell(t.kopfzeile + 1, 1)


def _seite_einrichten(ws: Worksheet) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.oddFooter.center.text = "&A – Seite &P von &N"
    ws.oddFooter.right.text = "zielsteuerung"


def _titel(ws: Worksheet, text: str, erklaerung: str = "") -> None:
    setze(ws["A1"], text)
    ws["A1"].font = _TITEL
    if erklaerung:
        setze(ws["A2"], erklaerung)
        ws["A2"].font = _UNTERTITEL


#: Title and explanation of every sheet but "Übersicht" (whose title is a formula).
_BLATTTITEL = {
    "Steuerungsdialog": ("Steuerungsdialog", ""),
    "Zielvereinbarung": (
        "Zielvereinbarung",
        "Ziele und Monitoring der Vereinbarung; Änderungen hier gelten bei der nächsten "
        "Aktualisierung. Art: relativ (%), absolut oder geschlechterabstand (pp); "
        "Vergleich: >= mindestens, <= höchstens.",
    ),
    "Planung": (
        "Lokales Planungsdokument: geplante Monatswerte",
        "Optional: eigene Planwerte je Ziel für alle zwölf Monate. Eine ausgefüllte Zeile "
        "ersetzt den Zielpfad aus dem Vorjahresverlauf; eine leere Zeile lässt ihn gelten. "
        "Spalte „Eingabe“ sagt, welcher Wert je Monat gemeint ist.",
    ),
    "Gender": (
        "Gender-Datenblatt",
        "Jahresfortschrittswert der Integrationsquote (K2) von Frauen und Männern, Januar "
        "bis zum jeweiligen Monat, und der Abstand in Prozentpunkten.",
    ),
    "Monitoring": (
        "Monitoring",
        "Beobachtete Größen ohne Zielwert, jeweils gegenüber dem Vorjahr.",
    ),
    "Mittel": (
        "Mittel: Zuteilung und monatliche Ausgaben",
        "Je Haushaltsposten und Jahr die zugeteilten Mittel (€) und die Ausgaben je Monat (€), "
        "ab Januar ohne Lücken. Weitere Posten als neue Zeilen anfügen; für den "
        "Vorjahresverlauf auch das Vorjahr eintragen. Import: zielsteuerung arbeitsmappe "
        "--mittel DATEI.csv",
    ),
    "Mittelausschöpfung": (
        "Mittelausschöpfung",
        "Ausgegebener Anteil der zugeteilten Mittel bis zum letzten erfassten Monat, neben dem "
        "linearen Pfad (gleichmäßig über das Jahr) und dem Vorjahresverlauf (Anteil der "
        "Vorjahresausgaben bis zum selben Monat); Hochrechnung auf Dezember.",
    ),
    "Verlauf": (
        "Verlauf",
        "Veränderung gegenüber dem Vorjahr (Januar bis zum jeweiligen Monat) je Ziel und "
        "die vereinbarte Schwelle.",
    ),
    "Zielpfad": (
        "Zielpfad und Prognose",
        "Je Ziel der Wert Januar bis Monat: Ist, Zielpfad (Jahresziel im Verlauf des Vorjahres "
        "oder eigene Planung) und Vorjahr; darunter Stand zum Pfad und Hochrechnung auf "
        "Dezember.",
    ),
    "Kennzahlen": (
        "Kennzahlen nach § 48a SGB II",
        "Monatliche Werte der letzten 24 Monate in % (leer = nicht berechenbar).",
    ),
    "Daten": (
        "Grunddaten",
        "Die Grunddaten, auf denen die Auswertung beruht, mit Wartezeit, Datenstand und "
        "Quelldatei.",
    ),
    "Erläuterungen": (
        "Erläuterungen für den Steuerungsdialog",
        "Spalte „Erläuterung“ frei ausfüllen; sie wird bei keiner Aktualisierung überschrieben.",
    ),
    "Einstellungen": (
        "Einstellungen",
        "Grundlage jeder Aktualisierung (Menüband „Zielsteuerung“ oder "
        "zielsteuerung arbeitsmappe).",
    ),
    "Info": ("Info", "Herkunft der Zahlen und Versionen."),
}


def _blatt_anlegen(wb: Workbook, name: str) -> Worksheet:
    """One sheet of the template, placed after the template's sheets before it."""
    vorher = [b for b in BLAETTER[: BLAETTER.index(name)] if b in wb.sheetnames]
    position = wb.sheetnames.index(vorher[-1]) + 1 if vorher else 0
    ws = wb.create_sheet(name, position)
    _seite_einrichten(ws)
    if name in _BLATTTITEL:
        _titel(ws, *_BLATTTITEL[name])
    return ws


def tabelle_ergaenzen(ws: Worksheet, t: Tabelle) -> None:
    """Add a missing table of the contract at its place on ``ws``, if that place is free."""
    belegt = [
        ws.cell(r, c).coordinate
        for r in (t.kopfzeile, t.kopfzeile + 1)
        for c in range(t.spalte, t.spalte + len(t.namen))
        if ws.cell(r, c).value not in (None, "")
    ]
    if belegt:
        raise EingabeFehler(
            f"Die Tabelle „{t.name}“ fehlt, und auf dem Blatt „{ws.title}“ ist ihr Platz belegt "
            f"(Zelle {belegt[0]}). Bitte das Blatt „{ws.title}“ umbenennen; es wird bei der "
            "nächsten Aktualisierung neu angelegt. Die Datei wurde nicht verändert."
        )
    _tabelle_anlegen(ws, t, t.spalte)


def _ergaenzen(wb: Workbook) -> None:
    """Add what a workbook of an older template lacks: tables (with their sheets) and columns."""
    for t in TABELLEN.values():
        if any(t.name in ws.tables for ws in wb.worksheets):
            continue
        ws = wb[t.blatt] if t.blatt in wb.sheetnames else _blatt_anlegen(wb, t.blatt)
        tabelle_ergaenzen(ws, t)
    ws, tabelle = _tabelle_finden(wb, "tbl_Ziele")
    erste, kopf, letzte, unten = range_boundaries(tabelle.ref)
    vorhanden = {ws.cell(kopf, c).value for c in range(erste, letzte + 1)}
    for name in (n for n in TABELLEN["tbl_Ziele"].namen if n not in vorhanden):
        letzte += 1
        if any(ws.cell(r, letzte).value not in (None, "") for r in range(kopf, unten + 1)):
            raise EingabeFehler(
                f"Die Tabelle „tbl_Ziele“ braucht die neue Spalte „{name}“, doch rechts daneben "
                f"(Spalte {get_column_letter(letzte)}) stehen eigene Inhalte. Bitte verschieben; "
                "die Datei wurde nicht verändert."
            )
        zelle = ws.cell(kopf, letzte)
        setze(zelle, name)
        zelle._style = copy(ws.cell(kopf, erste)._style)
        ws.column_dimensions[get_column_letter(letzte)].width = _breite(name)
        tabelle.tableColumns = []  # rebuilt from the header when saved
    tabelle.ref = f"{get_column_letter(erste)}{kopf}:{get_column_letter(letzte)}{unten}"
    if tabelle.autoFilter is not None:
        tabelle.autoFilter.ref = tabelle.ref


def neue_mappe(vereinbarung: Zielvereinbarung) -> Workbook:
    """A fresh controlling workbook with empty tables and the agreement filled in."""
    wb = Workbook()
    wb.remove(wb.active)
    for name in BLAETTER:
        _blatt_anlegen(wb, name)
    wb["Übersicht"].sheet_properties.tabColor = _BLAU
    for t in TABELLEN.values():
        _tabelle_anlegen(wb[t.blatt], t, t.spalte)

    u = wb["Übersicht"]
    setze(u["A1"], '="Zielvereinbarung "&Jahr&" – "&Traeger_Name&" ("&Traeger_ID&")"')
    u["A1"].data_type = "f"
    u["A1"].font = _TITEL
    u["A2"].font = _UNTERTITEL
    setze(u["A3"], '=IF(Hinweis="","",Hinweis)')
    u["A3"].data_type = "f"
    u["A3"].font = _HINWEIS
    setze(
        u["A4"],
        "Ampel: grün = erreicht / auf Kurs, rot = nicht erreicht / gefährdet, "
        "grau = nicht berechenbar. „Knapp“: die gerundete Anzeige läge auf der "
        "anderen Seite der Schwelle. Pfad und Prognose: siehe Blatt „Zielpfad“.",
    )
    u["A4"].font = _UNTERTITEL
    wb["Gender"]["A3"].font = _FETT
    for name, (blatt, zelle, beschriftung, art) in NAMEN.items():
        ws = wb[blatt]
        if beschriftung:
            spalte, zeile = re.match(r"([A-Z]+)(\d+)", zelle).groups()  # type: ignore[union-attr]
            setze(ws[f"A{zeile}"], beschriftung)
            ws[f"A{zeile}"].font = _FETT
            ws[zelle].alignment = Alignment(horizontal="left")
            if art == "eingabe":
                ws[zelle].fill = _GELB
        wb.defined_names[name] = DefinedName(
            name, attr_text=f"{quote_sheetname(blatt)}!${zelle[0]}${zelle[1:]}"
        )
    for blatt in ("Einstellungen", "Info"):
        wb[blatt].column_dimensions["A"].width = 52
        wb[blatt].column_dimensions["B"].width = 60
    wb["Info"]["B11"].font = _HINWEIS
    setze(wb["Info"]["A13"], "Quellen der verwendeten Grunddaten")
    wb["Info"]["A13"].font = _FETT
    mittel_zeilen = [
        {"Posten": posten, "Jahr": jahr}
        for jahr in (vereinbarung.jahr - 1, vereinbarung.jahr)
        for posten in STANDARD_POSTEN
    ]
    tabelle_schreiben(wb, "tbl_Mittel", mittel_zeilen, _mittel_format)

    e = wb["Einstellungen"]
    liste = DataValidation(type="list", formula1='"T0,T3"', allow_blank=False)
    liste.error, liste.errorTitle = "Bitte T0 oder T3 wählen.", "Wartezeit"
    e.add_data_validation(liste)
    liste.add("B8")
    monat = DataValidation(
        type="whole", operator="between", formula1="1", formula2="12", allow_blank=True
    )
    monat.error, monat.errorTitle = "Bitte einen Monat von 1 bis 12 eingeben.", "Monat"
    e.add_data_validation(monat)
    monat.add("B7")
    z = wb["Zielvereinbarung"]
    for formel, spalte in (
        ('"Ziel,Monitoring"', "A"),
        ('"relativ,absolut,geschlechterabstand"', "E"),
        ('">=,<="', "F"),
        ('"gesamt,frauen,maenner"', "H"),
    ):
        dv = DataValidation(type="list", formula1=formel, allow_blank=True)
        z.add_data_validation(dv)
        dv.add(f"{spalte}6:{spalte}200")

    _einstellungen_schreiben(
        wb,
        vereinbarung.traeger_id,
        vereinbarung.traeger_name,
        vereinbarung.jahr,
        vereinbarung.wartezeit,
    )
    vereinbarung_schreiben(wb, vereinbarung)
    _name_setzen(wb, "Vorlagenversion", VORLAGENVERSION)
    wb.calculation.fullCalcOnLoad = True
    return wb


def _einstellungen_schreiben(
    wb: Workbook, traeger_id: str, traeger_name: str, jahr: int, wartezeit: str
) -> None:
    _name_setzen(wb, "Traeger_ID", traeger_id, "@")
    _name_setzen(wb, "Traeger_Name", traeger_name)
    _name_setzen(wb, "Jahr", jahr, "0")
    _name_setzen(wb, "Wartezeit", wartezeit)


# --- the agreement on its sheet --------------------------------------------------------------


def vereinbarung_schreiben(wb: Workbook, v: Zielvereinbarung) -> None:
    def zeile(bereich: str, z: Ziel) -> dict[str, Any]:
        return {
            "Bereich": bereich,
            "Ziel_ID": z.id,
            "Ziel": z.bezeichnung,
            "Kennzahl": z.kennzahl,
            "Art": z.art,
            "Vergleich": z.vergleich,
            "Schwelle": z.schwelle,
            "Geschlecht": z.geschlecht,
            "Hinweis": z.hinweis or None,
        }

    zeilen = [zeile("Ziel", z) for z in v.ziele] + [zeile("Monitoring", z) for z in v.monitoring]
    tabelle_schreiben(
        wb, "tbl_Vereinbarung", zeilen, lambda _z, s: "0.0##" if s == "Schwelle" else None
    )


def vereinbarung_aus_mappe(
    wb: Workbook, traeger_id: str, jahr: Any, wartezeit: str
) -> Zielvereinbarung:
    """The agreement as the sheet "Zielvereinbarung" states it, checked like a file."""
    name = str(_name_lesen(wb, "Traeger_Name") or "")
    return aus_tabelle(tabelle_lesen(wb, "tbl_Vereinbarung"), traeger_id, jahr, wartezeit, name)


# --- refreshing ------------------------------------------------------------------------------


def _ziel_format(z: dict[str, Any], spalte: str) -> str | None:
    if spalte in ("Vorjahr", "Aktuell", "Zielwert", "Abstand", "Pfad", "Prognose"):
        return _wertformat(z["_kennzahl"], z["_art"])
    if spalte in ("Veraenderung", "Schwelle"):
        return FORMATE[z["Einheit"]]
    if spalte == "Noch_benoetigt":
        return FORMATE["anzahl"]
    return FORMATE["janein"] if spalte == "Knapp" else None


_AMPEL = (
    (("erreicht", "auf Kurs", AUF_DEM_PFAD, "voraussichtlich erreicht"), _GRUEN, "006100"),
    (
        ("nicht erreicht", "gefährdet", HINTER_DEM_PFAD, "voraussichtlich nicht erreicht"),
        _ROT,
        "9C0006",
    ),
    (("nicht berechenbar",), _GRAU, "595959"),
)


def ampel_regeln(ws: Worksheet, bereich: str, bedingung: Callable[[str], str]) -> None:
    """Green, red and grey by the status text; ``bedingung`` tests one text, e.g. '$K7="x"'."""
    for texte, fuellung, farbe in _AMPEL:
        ws.conditional_formatting.add(
            bereich,
            FormulaRule(
                formula=[f"OR({','.join(bedingung(t) for t in texte)})"],
                fill=fuellung,
                font=Font(color=farbe, bold=True),
                stopIfTrue=True,
            ),
        )


def _ampel(ws: Worksheet, kopfzeile: int, letzte: int, status: int, bereiche: list[int]) -> None:
    """Traffic lights by conditional formatting, keyed on the status text of the row."""
    buchstabe = get_column_letter(status)

    def status_gleich(text: str) -> str:
        return f'${buchstabe}{kopfzeile + 1}="{text}"'

    for c in bereiche:
        buchstabe_c = get_column_letter(c)
        bereich = f"{buchstabe_c}{kopfzeile + 1}:{buchstabe_c}{max(letzte, kopfzeile + 1)}"
        for cf in list(ws.conditional_formatting):
            if str(cf.sqref).startswith(f"{buchstabe_c}{kopfzeile + 1}:"):
                del ws.conditional_formatting._cf_rules[cf]  # our rule of the last refresh
        ampel_regeln(ws, bereich, status_gleich)


_FARBEN = {
    "Frauen": "7030A0", "Männer": "2E75B6", "Veränderung": "1F3864", "Schwelle": "C00000",
    "Ist": "1F3864", "Zielpfad": "C00000", "Vorjahr": "7F7F7F", "Linear": "ED7D31",
}  # fmt: skip


def _diagramme(
    wb: Workbook,
    bericht: Bericht,
    verlauf: tuple[Worksheet, int, int, int],
    gender: tuple[Worksheet, int, int, int],
) -> None:
    """Line charts below the tables: every target's change against its threshold (two per row)
    and the quota of women and men. Ours are replaced on every refresh; others stay."""
    for ws in (verlauf[0], gender[0]):
        ws._charts = [c for c in ws._charts if not _diagrammtitel(c).startswith(_DIAGRAMM_PRAEFIX)]
    ws, kopf, erste, _ = verlauf
    n = len(bericht.verlauf)
    unten = kopf + max(n, 1) + 3
    kategorien = Reference(ws, min_col=erste, min_row=kopf + 1, max_row=kopf + n)
    for i, ziel in enumerate(bericht.vereinbarung.ziele):
        spalte = erste + 1 + 2 * i
        diagramm = _liniendiagramm(f"Verlauf – {ziel.bezeichnung}", f"Veränderung ({ziel.einheit})")
        diagramm.add_data(
            Reference(ws, min_col=spalte, max_col=spalte + 1, min_row=kopf + 1, max_row=kopf + n)
        )
        _reihen(diagramm, [("Veränderung", False), ("Schwelle", True)])
        diagramm.set_categories(kategorien)
        ws.add_chart(diagramm, f"{get_column_letter(1 + 8 * (i % 2))}{unten + 17 * (i // 2)}")
    zeilen = 17 * ((len(bericht.vereinbarung.ziele) + 1) // 2)
    _druckbereich(ws, kopf, max(verlauf[3], 16), unten + zeilen)

    ws, kopf, erste, letzte = gender
    n = len(bericht.gender)
    diagramm = _liniendiagramm("Gender – Integrationsquote (JFW) von Frauen und Männern", "in %")
    for c in (erste + 1, erste + 2, erste + 4, erste + 5):
        diagramm.add_data(Reference(ws, min_col=c, min_row=kopf + 1, max_row=kopf + n))
    j = bericht.auswertung.jahr
    _reihen(
        diagramm,
        [
            (f"Frauen {j - 1}", True),
            (f"Männer {j - 1}", True),
            (f"Frauen {j}", False),
            (f"Männer {j}", False),
        ],
    )
    diagramm.set_categories(Reference(ws, min_col=erste, min_row=kopf + 1, max_row=kopf + n))
    diagramm.height, diagramm.width = 9, 17
    ws.add_chart(diagramm, f"{get_column_letter(letzte + 2)}{kopf}")
    _druckbereich(ws, kopf, letzte + 11, max(kopf + n, kopf + 18))


def _dreierdiagramm(
    titel: str, achse: str, ws: Worksheet, kopf: int, spalte: int, namen: list[str]
) -> LineChart:
    """Three adjacent monthly columns (12 rows below ``kopf``): the first solid, two dashed.
    The caller sets the categories (month names)."""
    diagramm = _liniendiagramm(titel, achse)
    diagramm.add_data(
        Reference(ws, min_col=spalte, max_col=spalte + 2, min_row=kopf + 1, max_row=kopf + 12)
    )
    _reihen(diagramm, [(namen[0], False), (namen[1], True), (namen[2], True)])
    return diagramm


def _steuerungsdiagramme(
    bericht: Bericht,
    pfad: tuple[Worksheet, int, int, int],
    prognose: tuple[Worksheet, int, int, int],
    mittel: tuple[Worksheet, int, int, int],
) -> None:
    """Path charts below tbl_Prognose, and the utilisation chart below tbl_Mittel_Verlauf."""
    for ws in (pfad[0], mittel[0]):
        ws._charts = [c for c in ws._charts if not _diagrammtitel(c).startswith(_DIAGRAMM_PRAEFIX)]
    ws, kopf, erste, letzte = pfad
    j = bericht.auswertung.jahr
    n = len(bericht.auswertung.ziele)
    unten = prognose[1] + n + 3 if prognose[0] is ws else kopf + 15
    kopfzeile = [ws.cell(kopf, c).value for c in range(erste, letzte + 1)]
    monate_ = Reference(ws, min_col=erste, min_row=kopf + 1, max_row=kopf + 12)
    for i, ziel in enumerate(bericht.vereinbarung.ziele):
        diagramm = _dreierdiagramm(
            f"Zielpfad – {ziel.bezeichnung}", "Januar bis Monat", ws, kopf,
            erste + kopfzeile.index(ziel.id), [f"Ist {j}", "Zielpfad", f"Vorjahr {j - 1}"],
        )  # fmt: skip
        diagramm.set_categories(monate_)
        ws.add_chart(diagramm, f"{get_column_letter(1 + 8 * (i % 2))}{unten + 17 * (i // 2)}")
    breiten: dict[int, float] = {}  # the two tables may share columns: wide enough for both
    for blatt, t_kopf, t_erste, t_letzte in (pfad, prognose):
        for c in range(t_erste, t_letzte + 1) if blatt is ws else ():
            name = str(ws.cell(t_kopf, c).value)
            breiten[c] = max(breiten.get(c, 0), 30 if name == "Ziel" else _breite(name))
    for c, breite in breiten.items():
        ws.column_dimensions[get_column_letter(c)].width = breite
    for r in range(prognose[1] + 1, prognose[1] + n + 1):
        prognose[0].row_dimensions[r].height = 30  # two lines of the wrapped target label
    zeilen = 17 * ((len(bericht.vereinbarung.ziele) + 1) // 2)
    ws.print_area = f"A1:{get_column_letter(max(letzte, 16))}{unten + zeilen}"
    ws, kopf, erste, letzte = mittel
    if bericht.mittel is not None and bericht.mittel.verlauf:
        diagramm = _dreierdiagramm(
            "Mittelausschöpfung – alle Posten", "in % der Mittel", ws, kopf, erste + 1,
            [f"Ist {j}", "Linear", f"Vorjahr {j - 1}"],
        )  # fmt: skip
        diagramm.set_categories(Reference(ws, min_col=erste, min_row=kopf + 1, max_row=kopf + 12))
        diagramm.width = 14
        ws.add_chart(diagramm, f"{get_column_letter(erste)}{kopf + 15}")
    _druckbereich(ws, 1, letzte + 4, kopf + 32)


def dialog_formate(v: Zielvereinbarung) -> dict[str, str]:
    """Number formats of the sheet "Steuerungsdialog": by target id, and by unit."""
    formate = {z.id: _wertformat(z.kennzahl, z.art) for z in v.ziele}
    formate.update({m.id: _wertformat(m.kennzahl) for m in v.monitoring})
    return {**formate, **FORMATE}


def _dialog_schreiben(wb: Workbook, bericht: Bericht, erlaeuterungen: dict[str, Any]) -> None:
    """Rebuild the sheet "Steuerungsdialog" (it holds nothing of the user's)."""
    if DIALOG in wb.sheetnames:
        position = wb.sheetnames.index(DIALOG)
        wb.remove(wb[DIALOG])
        ws = wb.create_sheet(DIALOG, position)
        _seite_einrichten(ws)
    else:
        ws = _blatt_anlegen(wb, DIALOG)
    ws.page_setup.fitToHeight = 2
    ws.sheet_properties.tabColor = _BLAU
    formate = dialog_formate(bericht.vereinbarung)
    stile = {
        "titel": (_TITEL, None), "untertitel": (_UNTERTITEL, None), "hinweis": (_HINWEIS, None),
        "abschnitt": (Font(size=12, bold=True, color=_BLAU), None),
        "kopf": (Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor=_BLAU)),
    }  # fmt: skip
    inhalt = bloecke(bericht, erlaeuterungen, formate)
    for spalte, block in inhalt:
        for r, zeile in enumerate(block, start=1):
            for c, z in enumerate(zeile, start=spalte):
                zelle = ws.cell(r, c)
                setze(zelle, z.wert, z.format_)
                schrift, fuellung = stile.get(z.stil or "", (None, None))
                if schrift is not None:
                    zelle.font = schrift
                if fuellung is not None:
                    zelle.fill = fuellung
                zelle.alignment = Alignment(
                    wrap_text=z.stil in ("kopf", "umbruch", "erlaeuterung", "status"),
                    vertical="top" if z.stil == "erlaeuterung" else "center",
                    horizontal="center" if z.stil == "status" else None,
                )
                if z.stil == "status":
                    ampel_regeln(
                        ws, zelle.coordinate, partial('{0}="{1}"'.format, zelle.coordinate)
                    )
                if z.stil == "erlaeuterung":
                    ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=DIALOG_BREITE)
                    ws.row_dimensions[r].height = 15 * (len(str(z.wert)) // 130 + 1)
            if zeile and (zeile[0].stil == "kopf" or len(str(zeile[0].wert)) > 50):
                ws.row_dimensions[r].height = 30
    ws.column_dimensions["A"].width = 48
    for c in range(2, DATEN_SPALTE + 8):
        ws.column_dimensions[get_column_letter(c)].width = {8: 19, 10: 27}.get(c, 15)
    j, unten = bericht.auswertung.jahr, len(inhalt[0][1]) + 2
    monate_ = Reference(ws, min_col=DATEN_SPALTE, min_row=3, max_row=14)
    ziel = ziel_fuer_diagramm(bericht)
    bezeichnung = next((z.bezeichnung for z in bericht.vereinbarung.ziele if z.id == ziel), "")
    diagramme = [
        _dreierdiagramm(f"Zielpfad – {bezeichnung}", "Januar bis Monat", ws, 2, DATEN_SPALTE + 1,
                        [f"Ist {j}", "Zielpfad", f"Vorjahr {j - 1}"]),
        _dreierdiagramm("Mittelausschöpfung – alle Posten", "in % der Mittel", ws, 2,
                        DATEN_SPALTE + 4, [f"Ist {j}", "Linear", f"Vorjahr {j - 1}"]),
    ]  # fmt: skip
    for i, diagramm in enumerate(diagramme):
        diagramm.set_categories(monate_)
        diagramm.width, diagramm.height = 16.5, 8
        ws.add_chart(diagramm, f"{'A' if i == 0 else 'E'}{unten}")
    ws.print_area = f"A1:{get_column_letter(DIALOG_BREITE)}{unten + 17}"


def _reihen(diagramm: LineChart, namen: list[tuple[str, bool]]) -> None:
    """Name the series, colour them by meaning, dash the prior year and thresholds."""
    for reihe, (name, gestrichelt) in zip(diagramm.series, namen, strict=True):
        reihe.tx = SeriesLabel(v=name)
        reihe.smooth = False
        reihe.marker.symbol = "none"
        linie = reihe.graphicalProperties.line
        linie.solidFill = _FARBEN[name.split()[0]]
        linie.width = 22000
        if gestrichelt:
            linie.dashStyle = "dash"


def _liniendiagramm(titel: str, achse: str) -> LineChart:
    diagramm = LineChart()
    diagramm.title = titel
    text = CharacterProperties(sz=1100, b=True)
    diagramm.title.tx.rich.p[0].pPr = ParagraphProperties(defRPr=text)
    diagramm.y_axis.title = achse
    diagramm.y_axis.majorGridlines = ChartLines()
    diagramm.x_axis.tickLblPos = "low"
    diagramm.x_axis.delete = False
    diagramm.y_axis.delete = False
    diagramm.height, diagramm.width = 8, 15
    diagramm.legend.position = "b"
    return diagramm


def _diagrammtitel(diagramm: Any) -> str:
    try:
        return "".join(r.t for p in diagramm.title.tx.rich.p for r in (p.r or []))
    except AttributeError:
        return ""


def _druckbereich(ws: Worksheet, kopfzeile: int, letzte_spalte: int, letzte_zeile: int) -> None:
    """Print area over the table (and charts); a long table repeats its header on every page."""
    ws.print_area = f"A1:{get_column_letter(letzte_spalte)}{letzte_zeile}"
    if letzte_zeile - kopfzeile > 30:
        ws.print_title_rows = f"{kopfzeile}:{kopfzeile}"


def _gender_pruefung(a: Auswertung) -> str:
    abstand = next((z for z in a.ziele if z["einheit"] == "pp"), None)
    if abstand is None:
        return "Die Zielvereinbarung enthält kein Ziel zum Geschlechterabstand."
    if abstand["veraenderung"] is None:
        return f"Ziel zum Geschlechterabstand nicht berechenbar: {abstand['grund']}"
    return (
        f"Ziel: Abstand {abstand['vergleich']} {zahl(abstand['schwelle'], 1, True)} pp gegenüber "
        f"dem Vorjahr – Veränderung {zahl(abstand['veraenderung'], 1, True)} pp – "
        f"{abstand['status']}"
    )


@dataclass
class Inhalt:
    """What one table of the contract holds after a refresh."""

    tabelle: str
    zeilen: list[dict[str, Any]]
    format_: Callable[[dict[str, Any], str], str | None] = lambda _z, _s: None
    spalten: list[str] | None = None  # the header, where it follows the agreement


def _wie(formate: dict[str, str]) -> Callable[[dict[str, Any], str], str | None]:
    return lambda _z, s: formate.get(s)


_PROGNOSE_WERTE = (
    "Zielwert_Jahr",
    "Pfad",
    "Aktuell",
    "Abstand_Pfad",
    "Prognose",
    "Prognose_Abstand",
)
_MITTEL_FORMATE = {
    **dict.fromkeys(("Mittel", "Ausgaben", "Prognose_Dezember", "Prognose_linear", "Rest"),
                    FORMATE["euro"]),
    **dict.fromkeys(("Ausschoepfung", "Pfad_linear", "Pfad_Vorjahr", "Prognose_Ausschoepfung",
                     "Ist", "Linear", "Vorjahr"), FORMATE["quote"]),
    "Monat": FORMATE["monat"],
}  # fmt: skip


def _mittel_format(_z: dict[str, Any], s: str) -> str | None:
    if s == "Jahr":
        return "0"
    return FORMATE["euro"] if s in MITTEL_SPALTEN[2:] else None


def inhalte(
    bericht: Bericht, erlaeuterungen: dict[str, Any]
) -> tuple[list[Inhalt], dict[str, tuple[Any, str | None]]]:
    """Every table's rows and every named cell's value for one evaluation.

    Shared by the file refresh (openpyxl) and the ribbon button (xlwings), so both write
    the same. ``erlaeuterungen`` are the texts the workbook holds now (by Ziel_ID).
    """
    a, v = bericht.auswertung, bericht.vereinbarung
    arten = {z.id: z.art for z in v.ziele}
    ziele = [
        {
            "Ziel_ID": z["id"], "Ziel": z["bezeichnung"], "Vorjahr": z["vorjahr"],
            "Aktuell": z["aktuell"], "Veraenderung": z["veraenderung"], "Einheit": z["einheit"],
            "Schwelle": z["schwelle"], "Zielwert": z["zielwert"], "Abstand": z["distanz"],
            "Noch_benoetigt": z["noch_benoetigt"], "Status": z["status"], "Ampel": "●",
            "Knapp": z["knapp"], "Pfad": z["pfad_aktuell"], "Status_Pfad": z["status_pfad"],
            "Prognose": z["prognose"], "Prognose_Status": z["prognose_status"],
            "Grund": "; ".join(g for g in (z["grund"], z["pfad_grund"]) if g) or None,
            "_kennzahl": z["kennzahl"], "_art": arten[z["id"]],
        }
        for z in a.ziele
    ]  # fmt: skip
    monitoring = [
        {
            "Monitoring_ID": m["id"], "Groesse": m["bezeichnung"], "Vorjahr": m["vorjahr"],
            "Aktuell": m["aktuell"], "Veraenderung": m["veraenderung"], "Einheit": m["einheit"],
            "Grund": m["grund"], "_kennzahl": m["kennzahl"],
        }
        for m in a.monitoring
    ]  # fmt: skip

    def monitoring_format(z: dict[str, Any], s: str) -> str | None:
        if s in ("Vorjahr", "Aktuell"):
            return _wertformat(z["_kennzahl"])
        return FORMATE[z["Einheit"]] if s == "Veraenderung" else None

    def gender_format(_z: dict[str, Any], s: str) -> str | None:
        if s == "Monat":
            return FORMATE["monat"]
        if s == "Veraenderung_pp":
            return FORMATE["pp"]
        return FORMATE["pp_wert"] if s.startswith("Abstand") else FORMATE["quote"]

    einheiten = {z.id: z.einheit for z in v.ziele}

    def verlauf_format(_z: dict[str, Any], s: str) -> str:
        return FORMATE["monat"] if s == "Monat" else FORMATE[einheiten[s.removesuffix("_Schwelle")]]

    offen = dict(erlaeuterungen)
    erlaeuterungen_neu = [
        {"Ziel_ID": z["id"], "Ziel": z["bezeichnung"], "Status": z["status"],
         "Erläuterung": offen.pop(z["id"], None)}
        for z in a.ziele
    ] + [  # texts of targets no longer agreed are kept, never dropped
        {"Ziel_ID": i, "Ziel": None, "Status": "nicht mehr in der Vereinbarung", "Erläuterung": t}
        for i, t in offen.items()
        if t not in (None, "")
    ]  # fmt: skip
    ziele_nach_id = {z.id: z for z in v.ziele}
    wertformate = {z.id: _wertformat(z.kennzahl, z.art) for z in v.ziele}

    def zielpfad_format(_z: dict[str, Any], s: str) -> str:
        if s == "Monat":
            return FORMATE["monat"]
        return wertformate[s.removesuffix("_Pfad").removesuffix("_Vorjahr")]

    def prognose_format(z: dict[str, Any], s: str) -> str | None:
        if s in _PROGNOSE_WERTE:
            return wertformate[z["Ziel_ID"]]
        return FORMATE[z["Einheit"]] if s == "Prognose_Veraenderung" else None

    prognose = [
        {
            "Ziel_ID": z["id"], "Ziel": z["bezeichnung"], "Quelle": z["pfad_quelle"],
            "Zielwert_Jahr": z["zielwert_jahr"], "Pfad": z["pfad_aktuell"],
            "Aktuell": z["aktuell"], "Abstand_Pfad": z["abstand_pfad"],
            "Status_Pfad": z["status_pfad"], "Prognose": z["prognose"],
            "Prognose_Veraenderung": z["prognose_veraenderung"], "Einheit": z["einheit"],
            "Prognose_Abstand": z["prognose_abstand"], "Prognose_Status": z["prognose_status"],
            "Grund": z["pfad_grund"],
        }
        for z in a.ziele
    ]  # fmt: skip
    geplant = {str(z.get("Ziel_ID")): z for z in bericht.planung}
    planung = [
        {"Ziel_ID": z.id, "Ziel": z.bezeichnung, "Eingabe": eingabeart(z),
         **{m: geplant.get(z.id, {}).get(m) for m in MONATE}}
        for z in v.ziele
    ] + [  # plans of targets no longer agreed are kept, never dropped
        {"Ziel_ID": i, "Ziel": None, "Eingabe": "nicht mehr in der Vereinbarung",
         **{m: z.get(m) for m in MONATE}}
        for i, z in geplant.items()
        if i not in ziele_nach_id and any(z.get(m) not in (None, "") for m in MONATE)
    ]  # fmt: skip

    def planung_format(z: dict[str, Any], s: str) -> str | None:
        ziel = ziele_nach_id.get(str(z.get("Ziel_ID")))
        if s not in MONATE or ziel is None:
            return None
        return _wertformat(ziel.kennzahl, ziel.art)

    mittel = bericht.mittel
    tabellen = [
        Inhalt("tbl_Ziele", ziele, _ziel_format),
        Inhalt("tbl_Monitoring", monitoring, monitoring_format),
        Inhalt("tbl_Gender", bericht.gender, gender_format,
               list(bericht.gender[0]) if bericht.gender else None),
        Inhalt("tbl_Verlauf", bericht.verlauf, verlauf_format,
               ["Monat", *(s for z in v.ziele for s in (z.id, f"{z.id}_Schwelle"))]),
        Inhalt("tbl_Kennzahlen", bericht.kennzahlen,
               lambda _z, s: FORMATE["monat"] if s == "Monat" else FORMATE["prozentwert"]),
        Inhalt("tbl_Daten", bericht.daten,
               _wie({"Monat": FORMATE["monat"], "Wert": FORMATE["anzahl"]})),
        Inhalt("tbl_Erlaeuterungen", erlaeuterungen_neu),
        Inhalt("tbl_Quellen", bericht.quellen),
        Inhalt("tbl_Planung", planung, planung_format),
        Inhalt("tbl_Zielpfad", bericht.zielpfad, zielpfad_format,
               ["Monat", *(s for z in v.ziele for s in (z.id, f"{z.id}_Pfad", f"{z.id}_Vorjahr"))]),
        Inhalt("tbl_Prognose", prognose, prognose_format),
        Inhalt("tbl_Mittel_Auswertung", mittel.zeilen if mittel else [], _wie(_MITTEL_FORMATE)),
        Inhalt("tbl_Mittel_Verlauf", mittel.verlauf if mittel else [], _wie(_MITTEL_FORMATE)),
    ]  # fmt: skip
    zeitraum = a.als_json()["zeitraum"]
    hinweis = HINWEIS_BEISPIELDATEN if a.beispieldaten else None
    namen: dict[str, tuple[Any, str | None]] = {
        "Traeger_ID": (a.traeger_id, "@"),
        "Traeger_Name": (a.traeger_name, None),
        "Jahr": (a.jahr, "0"),
        "Wartezeit": (a.wartezeit, None),
        "Gender_Pruefung": (_gender_pruefung(a), None),
        "Programmversion": (__version__, None),
        "Vorlagenversion": (VORLAGENVERSION, None),
        "Aktualisiert_am": (dt.datetime.now().replace(microsecond=0), "DD.MM.YYYY HH:MM"),
        "Bis_Monat": (a.bis_monat, "0"),
        "Zeitraum": (zeitraum, None),
        "Datenstand": (a.datenstand, None),
        "Wartezeit_ausgewertet": (a.wartezeit, None),
        "Hinweis": (hinweis, None),
        "Untertitel": (
            f"{zeitraum}, Wartezeit {a.wartezeit}, Datenstand {a.datenstand or '–'}"
            + (f" – {hinweis}" if hinweis else ""),
            None,
        ),
    }
    return tabellen, namen


def bericht_schreiben(wb: Workbook, bericht: Bericht) -> None:
    """Write one evaluation into the workbook's tables and named cells, with its layout."""
    alt = {
        str(z.get("Ziel_ID")): z.get("Erläuterung") for z in tabelle_lesen(wb, "tbl_Erlaeuterungen")
    }
    tabellen, namen = inhalte(bericht, alt)
    orte = {
        i.tabelle: tabelle_schreiben(wb, i.tabelle, i.zeilen, i.format_, i.spalten)
        for i in tabellen
    }
    anzahl = {i.tabelle: len(i.zeilen) for i in tabellen}
    for name, (wert, format_) in namen.items():
        _name_setzen(wb, name, wert, format_)

    ws, kopf, erste, letzte = orte["tbl_Ziele"]
    spalten = {ws.cell(kopf, c).value: c for c in range(erste, letzte + 1)}
    n = anzahl["tbl_Ziele"]
    _ampel(ws, kopf, kopf + n, spalten["Status"], [spalten["Status"], spalten["Ampel"]])
    for r in range(kopf + 1, kopf + n + 1):
        ws.row_dimensions[r].height = 30  # two lines of the wrapped target label
    _druckbereich(ws, kopf, letzte, kopf + n + 1)

    ws, kopf, erste, letzte = orte["tbl_Erlaeuterungen"]
    spalten = {ws.cell(kopf, c).value: c for c in range(erste, letzte + 1)}
    n = anzahl["tbl_Erlaeuterungen"]
    for r in range(kopf + 1, kopf + n + 1):
        ws.cell(r, spalten["Erläuterung"]).alignment = Alignment(wrap_text=True, vertical="top")
    _ampel(ws, kopf, kopf + n, spalten["Status"], [spalten["Status"]])

    for tabelle in ("tbl_Monitoring", "tbl_Kennzahlen", "tbl_Daten", "tbl_Erlaeuterungen"):
        ws, kopf, _, letzte = orte[tabelle]
        _druckbereich(ws, kopf, letzte, kopf + anzahl[tabelle])
    ws, kopf, _, letzte = orte["tbl_Quellen"]
    _druckbereich(ws, 1, letzte, kopf + anzahl["tbl_Quellen"])
    _diagramme(wb, bericht, orte["tbl_Verlauf"], orte["tbl_Gender"])
    for tabelle, status in (("tbl_Ziele", ("Status_Pfad", "Prognose_Status")),
                            ("tbl_Prognose", ("Status_Pfad", "Prognose_Status"))):  # fmt: skip
        ws, kopf, erste, letzte = orte[tabelle]
        spalten = {ws.cell(kopf, c).value: c for c in range(erste, letzte + 1)}
        for name in status:
            _ampel(ws, kopf, kopf + anzahl[tabelle], spalten[name], [spalten[name]])
    ws, kopf, _, letzte = orte["tbl_Planung"]
    _druckbereich(ws, kopf, letzte, kopf + anzahl["tbl_Planung"])
    for r in range(kopf + 1, kopf + anzahl["tbl_Planung"] + 1):
        ws.row_dimensions[r].height = 30
    _steuerungsdiagramme(
        bericht, orte["tbl_Zielpfad"], orte["tbl_Prognose"], orte["tbl_Mittel_Verlauf"]
    )
    _dialog_schreiben(wb, bericht, alt)
    vergleich_schreiben(wb, bericht.vergleich)
    wb.calculation.fullCalcOnLoad = True


# --- safety: what openpyxl cannot carry, locks, atomic save ----------------------------------

_NICHT_TRAGBAR = (
    ("xl/vbaProject.bin", "Makros (VBA)"),
    ("xl/pivotTables/", "Pivot-Tabellen"),
    ("xl/pivotCache/", "Pivot-Tabellen"),
    ("xl/slicers/", "Datenschnitte"),
    ("xl/slicerCaches/", "Datenschnitte"),
    ("xl/timelines/", "Zeitachsen"),
    ("xl/threadedComments/", "Kommentare mit Unterhaltung (neue Kommentare)"),
    ("xl/ctrlProps/", "Formularsteuerelemente"),
    ("xl/activeX/", "ActiveX-Steuerelemente"),
    ("xl/embeddings/", "eingebettete Objekte"),
    ("xl/media/", "Bilder"),
    ("xl/chartsheets/", "Diagrammblätter"),
    ("customXml/", "benutzerdefinierte XML-Daten (z. B. Vertraulichkeitsbezeichnungen)"),
)
_WARNUNGEN = {
    "Data Validation extension": "erweiterte Datenüberprüfung (Listen aus anderen Blättern)",
    "Conditional Formatting extension": "erweiterte bedingte Formatierung (z. B. Datenbalken)",
    "Slicer List extension": "Datenschnitte",
    "Sparkline Group extension": "Sparklines",
}


def nicht_tragbare_inhalte(pfad: Path) -> list[str]:
    """What a refresh through openpyxl would drop from this workbook (German descriptions)."""
    gefunden: list[str] = []
    with zipfile.ZipFile(pfad) as archiv:
        namen = archiv.namelist()
        for praefix, text in _NICHT_TRAGBAR:
            if any(n.startswith(praefix) for n in namen) and text not in gefunden:
                gefunden.append(text)
        for n in namen:
            if n.startswith("xl/drawings/drawing") and n.endswith(".xml"):
                xml = archiv.read(n)
                if b"<xdr:sp>" in xml or b"<xdr:sp " in xml or b"<xdr:grpSp" in xml:
                    gefunden.append("Formen oder Textfelder")
            if n.startswith("xl/worksheets/sheet") and b"sparklineGroup" in archiv.read(n):
                gefunden.append("Sparklines")
    return list(dict.fromkeys(gefunden))


def _sperrdateien(pfad: Path) -> Iterator[Path]:
    name = pfad.name
    yield pfad.with_name("~$" + name)
    yield pfad.with_name("~$" + name[2:])  # Excel shortens long names this way
    yield pfad.with_name(f".~lock.{name}#")  # LibreOffice


def pruefe_schreibbar(pfad: Path) -> None:
    for sperre in _sperrdateien(pfad):
        if sperre.exists():
            raise EingabeFehler(
                f"Die Arbeitsmappe {pfad.name} ist gerade geöffnet (Sperrdatei {sperre.name}). "
                "Bitte in Excel schließen und erneut versuchen; die Datei wurde nicht verändert."
            )


def laden(pfad: Path) -> Workbook:
    """Open an existing controlling workbook, refusing what would lose the user's work."""
    if pfad.suffix.lower() != ".xlsx":
        raise EingabeFehler(
            f"{pfad.name}: Controlling-Arbeitsmappen sind .xlsx-Dateien (ohne Makros)."
        )
    try:
        verloren = nicht_tragbare_inhalte(pfad)
        with warnings.catch_warnings(record=True) as gewarnt:
            warnings.simplefilter("always")
            wb = load_workbook(pfad, keep_links=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise EingabeFehler(
            f"{pfad.name} ist keine gültige Excel-Arbeitsmappe (.xlsx) oder ist beschädigt "
            f"({type(exc).__name__}); die Datei wurde nicht verändert."
        ) from None
    for w in gewarnt:
        for schluessel, text in _WARNUNGEN.items():
            if schluessel in str(w.message) and text not in verloren:
                verloren.append(text)
    if not any("tbl_Ziele" in ws.tables for ws in wb.worksheets):
        raise EingabeFehler(
            f"{pfad.name} ist keine Controlling-Arbeitsmappe von zielsteuerung (die Tabelle "
            "tbl_Ziele fehlt); die Datei wurde nicht verändert. Für eine neue Arbeitsmappe bitte "
            "einen anderen Dateinamen wählen."
        )
    if verloren:
        raise EingabeFehler(
            f"{pfad.name} enthält Inhalte, die beim Aktualisieren verloren gingen: "
            + ", ".join(verloren)
            + ". Die Datei wurde nicht verändert. Bitte diese Inhalte in eine eigene Datei "
            "verschieben (oder die Mappe unter neuem Namen ohne sie speichern) und erneut "
            "aktualisieren."
        )
    return wb


def speichern(wb: Workbook, pfad: Path) -> None:
    """Write to a temporary file beside the target, then move it into place in one step."""
    pfad.parent.mkdir(parents=True, exist_ok=True)
    praefix = f".~zs-{pfad.stem}-"
    for rest in pfad.parent.glob(f"{praefix}*.xlsx"):  # left by a crash, more than an hour ago
        if rest.stat().st_mtime < dt.datetime.now().timestamp() - 3600:
            rest.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(dir=pfad.parent, prefix=praefix, suffix=".xlsx")
    try:
        with os.fdopen(fd, "wb") as datei:
            wb.save(datei)
            datei.flush()
            os.fsync(datei.fileno())
        os.replace(tmp, pfad)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- entry point -----------------------------------------------------------------------------


@dataclass
class Ergebnis:
    pfad: Path
    neu: bool
    bericht: Bericht


def arbeitsmappe(
    pfad: Path,
    store: Path | None = None,
    vereinbarung: Zielvereinbarung | None = None,
    traeger_id: str | None = None,
    jahr: int | None = None,
    bis_monat: int | None = None,
    wartezeit: str | None = None,
    mittel: list[dict[str, Any]] | None = None,
    planung: list[dict[str, Any]] | None = None,
) -> Ergebnis:
    """Create the controlling workbook at ``pfad``, or refresh it in place.

    On a refresh the settings and the agreement come from the workbook itself unless given.
    ``mittel`` and ``planung`` (rows as on the sheets "Mittel" and "Planung", e.g. from a CSV
    file) replace those sheets' tables.
    """
    neu = not pfad.exists()
    if neu:
        wb = neue_mappe(vereinbarung or beispiel())
    else:
        pruefe_schreibbar(pfad)
        wb = laden(pfad)
        _ergaenzen(wb)
    if mittel is not None:  # checked with the sheet's rows below, before anything is saved
        tabelle_schreiben(wb, "tbl_Mittel", mittel, _mittel_format)
    if vereinbarung is None:
        vereinbarung = vereinbarung_aus_mappe(
            wb,
            traeger_id or _traeger(_name_lesen(wb, "Traeger_ID")),
            jahr or _jahr(_name_lesen(wb, "Jahr")),
            wartezeit or str(_name_lesen(wb, "Wartezeit") or "T3"),
        )
    else:
        vereinbarung_schreiben(wb, vereinbarung)
    if bis_monat is not None:
        _name_setzen(wb, "Bis_Monat_Vorgabe", bis_monat, "0")
    else:
        bis_monat = _monat(_name_lesen(wb, "Bis_Monat_Vorgabe"))
    if store is not None:  # remembered for the next refresh (and the ribbon button)
        _name_setzen(wb, "Datenbestand", str(store.resolve()))
    else:
        store = einstellungen.datenbestand(_name_lesen(wb, "Datenbestand"))
    gruppe = re.findall(r"\d{5}", str(_name_lesen(wb, "Vergleichsgruppe") or ""))
    with Datenbestand(store) as db:
        bericht = erstelle_bericht(
            db,
            vereinbarung,
            traeger_id,
            jahr,
            bis_monat,
            wartezeit,
            gruppe or None,
            tabelle_lesen(wb, "tbl_Planung") if planung is None else planung,
            tabelle_lesen(wb, "tbl_Mittel"),
        )
    bericht_schreiben(wb, bericht)
    speichern(wb, pfad)
    return Ergebnis(pfad, neu, bericht)


def _traeger(wert: Any) -> str:
    text = "" if wert is None else str(wert)
    traeger_id, _ = TraegerAufloesung().aufloesen(text)
    if traeger_id is None:
        raise EingabeFehler(
            f"Einstellungen: Träger „{text}“ ist kein Regionalschlüssel (z. B. 05154)."
        )
    return traeger_id


def _jahr(wert: Any) -> int:
    try:
        jahr = int(wert)
    except (TypeError, ValueError):
        raise EingabeFehler(f"Einstellungen: Jahr „{wert}“ ist keine Jahreszahl.") from None
    return jahr


def _monat(wert: Any) -> int | None:
    if wert in (None, ""):
        return None
    try:
        monat = int(wert)
    except (TypeError, ValueError):
        raise EingabeFehler(
            f"Einstellungen: „Auswerten bis Monat“ = „{wert}“ ist kein Monat (1–12)."
        ) from None
    if not 1 <= monat <= 12:
        raise EingabeFehler("Einstellungen: „Auswerten bis Monat“ muss zwischen 1 und 12 liegen.")
    return monat


def vorlage_erzeugen(pfad: Path) -> None:
    """The committed template: empty tables, the built-in agreement, fixed file properties."""
    wb = neue_mappe(beispiel())
    wb.properties.creator = "zielsteuerung"
    wb.properties.created = _FESTES_DATUM
    wb.properties.modified = _FESTES_DATUM
    _name_setzen(wb, "Programmversion", "")
    speichern(wb, pfad)
