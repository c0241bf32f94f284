"""A new controlling workbook (and the committed template), and what a workbook of an older
template gets on its next refresh.
"""

from __future__ import annotations

import datetime as dt
from copy import copy
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment
from openpyxl.utils import (
    absolute_coordinate,
    coordinate_to_tuple,
    get_column_letter,
    quote_sheetname,
    range_boundaries,
)
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..daten.vereinbarungen import beispiel
from ..fehler import EingabeFehler
from ..kern.mittel import STANDARD_POSTEN
from ..kern.vereinbarung import Zielvereinbarung
from . import livewerte
from .datei import nicht_ueberschreiben, speichern
from .inhalte import mittel_format
from .stil import BLAU, FETT, GELB, HINWEIS, TITEL, UNTERTITEL, seite_einrichten, spaltenbreite
from .vereinbarungsblatt import vereinbarung_schreiben
from .vertrag import BLAETTER, EXPORTIERT_AM, NAMEN, TABELLEN, VORLAGENVERSION
from .zellen import (
    name_lesen,
    name_setzen,
    setze,
    spalten_umbenennen,
    tabelle_anlegen,
    tabelle_ergaenzen,
    tabelle_finden,
    tabelle_schreiben,
    titel_setzen,
)

_FESTES_DATUM = dt.datetime(2026, 1, 1)  # template file properties: reproducible bytes


#: Title and explanation of every sheet but "Übersicht" (whose title is a formula).
BLATTTITEL = {
    "Steuerungsdialog": ("Steuerungsdialog", ""),
    "Zielvereinbarung": (
        "Zielvereinbarung",
        "Ziele und Monitoring der Vereinbarung; Änderungen hier gelten bei der nächsten "
        "Aktualisierung. Art: relativ (%), absolut oder geschlechterabstand (pp); "
        "Vergleich: >= mindestens, <= höchstens.",
    ),
    "Planung": (
        "Lokales Planungsdokument: geplante Monatswerte",
        "Optional: eigene Planwerte je Ziel für alle zwölf Monate des Jahres darunter (für "
        "ein anderes Jahr gilt die Planung nicht). Eine ausgefüllte Zeile ersetzt den Zielpfad "
        "aus dem Vorjahresverlauf; eine leere Zeile lässt ihn gelten. Spalte „Eingabe“ sagt, "
        "welcher Wert je Monat gemeint ist.",
    ),
    "Gender": (
        "Gender-Datenblatt",
        "Jahresfortschrittswert der Integrationsquote (K2) von Frauen und Männern: "
        "Integrationen Januar bis Monat über den durchschnittlichen Bestand; der Abstand "
        "in Prozentpunkten. Das Blatt „Kennzahlen“ zeigt dagegen die K2 über zwölf Monate.",
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
        "Ausgegebener Anteil der zugeteilten Mittel bis zum ausgewerteten Monat, neben dem "
        "linearen Pfad (gleichmäßig über das Jahr) und dem Vorjahresverlauf (Anteil der "
        "Vorjahresausgaben bis zum selben Monat); Prognose für Dezember nach dem "
        "Vorjahresverlauf und linear.",
    ),
    "Verlauf": (
        "Verlauf",
        "Veränderung gegenüber dem Vorjahr (Januar bis zum jeweiligen Monat) je Ziel und "
        "die vereinbarte Schwelle.",
    ),
    "Zielpfad": (
        "Zielpfad und Prognose",
        "Je Ziel der Stand zum Zielpfad (Jahresziel im Verlauf des Vorjahres oder nach der "
        "eigenen Planung) und die Prognose für Dezember; die Diagramme zeigen Januar bis Monat "
        "Ist, Zielpfad (nach dem ausgewerteten Monat gepunktet) und Vorjahr. Die Monatswerte "
        "stehen rechts daneben.",
    ),
    "Kennzahlen": (
        "Kennzahlen nach § 48a SGB II",
        "Monatliche Werte der letzten 24 Monate in %, je Monat über die zwölf Monate bis "
        "dahin bzw. gegenüber dem Vorjahresmonat (leer = nicht berechenbar); Erklärung der "
        "Kennzahlen unter der Tabelle. Die Zielvereinbarung rechnet dagegen Januar bis Monat.",
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
    "Live-Werte": (
        "Live-Werte (Funktionen ZIEL_…)",
        "„Veränderung“ und „Status“ stehen so da, wie die letzte Aktualisierung sie schrieb. "
        "Die Spalten „… live“ rechnet das Excel-Add-in mit den Funktionen ZIEL_… direkt aus dem "
        "Datenbestand, mit Jahr, „Auswerten bis Monat“, Träger und Wartezeit vom Blatt "
        "„Einstellungen“: Eine Änderung dort rechnet sie sofort neu. Ist eine Einstellung leer "
        "oder nicht lesbar, zeigen sie #ZIEL! mit dem Grund. Ohne Add-in (oder in LibreOffice) "
        "zeigen sie #NAME?.",
    ),
    "Einstellungen": (
        "Einstellungen",
        "Grundlage jeder Aktualisierung (Menüband „Zielsteuerung“ oder "
        "zielsteuerung arbeitsmappe).",
    ),
    "Info": ("Info", "Herkunft der Zahlen und Versionen."),
}


def blatt_anlegen(wb: Workbook, name: str) -> Worksheet:
    """One sheet of the template, placed after the template's sheets before it."""
    vorher = [b for b in BLAETTER[: BLAETTER.index(name)] if b in wb.sheetnames]
    position = wb.sheetnames.index(vorher[-1]) + 1 if vorher else 0
    ws = wb.create_sheet(name, position)
    seite_einrichten(ws)
    if name in BLATTTITEL:
        titel_setzen(ws, *BLATTTITEL[name])
    return ws


def ergaenzen(wb: Workbook) -> None:
    """Bring a workbook of an older template to this one: column names, and the tables (with
    their sheets), named cells and columns it lacks."""
    spalten_umbenennen(wb)
    for t in TABELLEN.values():
        if any(t.name in ws.tables for ws in wb.worksheets):
            continue
        ws = wb[t.blatt] if t.blatt in wb.sheetnames else blatt_anlegen(wb, t.blatt)
        tabelle_ergaenzen(ws, t)
    for name, (blatt, zelle, beschriftung, _) in NAMEN.items():
        if name in wb.defined_names or blatt not in wb.sheetnames:
            continue
        ws = wb[blatt]
        zellen = [_beschriftung(zelle), zelle] if beschriftung else [zelle]  # label, value
        if belegt := [z for z in zellen if ws[z].value not in (None, "")]:
            raise EingabeFehler(
                f"Die Vorlage braucht auf dem Blatt „{blatt}“ {' und '.join(zellen)} für den "
                f"Namen „{name}“, doch in {belegt[0]} steht etwas. Bitte verschieben; die Datei "
                "wurde nicht verändert."
            )
        _name_anlegen(wb, name)
    ws, tabelle = tabelle_finden(wb, "tbl_Ziele")
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
        ws.column_dimensions[get_column_letter(letzte)].width = spaltenbreite(name)
        tabelle.tableColumns = []  # rebuilt from the header when saved
    tabelle.ref = f"{get_column_letter(erste)}{kopf}:{get_column_letter(letzte)}{unten}"
    if tabelle.autoFilter is not None:
        tabelle.autoFilter.ref = tabelle.ref


def _beschriftung(zelle: str) -> str:
    """The cell left of a named cell, which holds its label."""
    zeile, spalte = coordinate_to_tuple(zelle)
    return f"{get_column_letter(spalte - 1)}{zeile}"


def _name_anlegen(wb: Workbook, name: str) -> None:
    """A named cell of the contract (``NAMEN``) with its label, input cells marked yellow."""
    blatt, zelle, beschriftung, art = NAMEN[name]
    ws = wb[blatt]
    if beschriftung:
        links = ws[_beschriftung(zelle)]
        setze(links, beschriftung)
        links.font = FETT
        links.alignment = Alignment(wrap_text=True, vertical="top")
        ws[zelle].alignment = Alignment(horizontal="left", vertical="top")
        if art == "eingabe":
            ws[zelle].fill = GELB
    wb.defined_names[name] = DefinedName(
        name, attr_text=f"{quote_sheetname(blatt)}!{absolute_coordinate(zelle)}"
    )


def neue_mappe(vereinbarung: Zielvereinbarung) -> Workbook:
    """A fresh controlling workbook with empty tables and the agreement filled in."""
    wb = Workbook()
    wb.remove(wb.active)
    for name in BLAETTER:
        blatt_anlegen(wb, name)
    wb["Übersicht"].sheet_properties.tabColor = BLAU
    for t in TABELLEN.values():
        tabelle_anlegen(wb[t.blatt], t)

    u = wb["Übersicht"]
    setze(u["A1"], '="Zielvereinbarung "&Jahr&" – "&Traeger_Name&" ("&Traeger_ID&")"')
    u["A1"].data_type = "f"
    u["A1"].font = TITEL
    u["A2"].font = UNTERTITEL
    setze(u["A3"], '=IF(Hinweis="","",Hinweis)')
    u["A3"].data_type = "f"
    u["A3"].font = HINWEIS
    setze(
        u["A4"],
        "Ampel: grün = erreicht / auf Kurs, rot = nicht erreicht / gefährdet, "
        "grau = nicht berechenbar. „Knapp“: die gerundete Anzeige läge auf der "
        "anderen Seite der Schwelle. Zielpfad und Prognose: siehe Blatt „Zielpfad“.",
    )
    u["A4"].font = UNTERTITEL
    wb["Gender"]["A3"].font = FETT
    for name in NAMEN:
        _name_anlegen(wb, name)
    for blatt, links, rechts in (("Einstellungen", 58, 60), ("Info", 45, 68)):
        wb[blatt].column_dimensions["A"].width = links
        wb[blatt].column_dimensions["B"].width = rechts
    wb["Info"]["B11"].font = HINWEIS
    setze(wb["Info"]["A13"], "Quellen der verwendeten Grunddaten")
    wb["Info"]["A13"].font = FETT
    mittel_zeilen = [
        {"Posten": posten, "Jahr": jahr}
        for jahr in (vereinbarung.jahr - 1, vereinbarung.jahr)
        for posten in STANDARD_POSTEN
    ]
    tabelle_schreiben(wb, "tbl_Mittel", mittel_zeilen, mittel_format)

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
    tabelle_schreiben(wb, livewerte.TABELLE, livewerte.zeilen(vereinbarung), livewerte.format_)
    name_setzen(wb, "Vorlagenversion", VORLAGENVERSION)
    wb.calculation.fullCalcOnLoad = True
    return wb


def _einstellungen_schreiben(
    wb: Workbook, traeger_id: str, traeger_name: str, jahr: int, wartezeit: str
) -> None:
    name_setzen(wb, "Traeger_ID", traeger_id, "@")
    name_setzen(wb, "Traeger_Name", traeger_name)
    name_setzen(wb, "Jahr", jahr, "0")
    name_setzen(wb, "Wartezeit", wartezeit)


def vorlage_erzeugen(pfad: Path) -> None:
    """The committed template: empty tables, the built-in agreement, fixed file properties.
    It replaces a template, never a workbook refreshed since."""

    def vorlage(namen: set[str], tabellen: set[str]) -> bool:
        if "tbl_Ziele" not in tabellen or EXPORTIERT_AM in namen:
            return False
        return name_lesen(load_workbook(pfad), "Aktualisiert_am") is None

    nicht_ueberschreiben(pfad, "leere Vorlage", vorlage)
    wb = neue_mappe(beispiel())
    wb.properties.creator = "zielsteuerung"
    wb.properties.created = _FESTES_DATUM
    wb.properties.modified = _FESTES_DATUM
    name_setzen(wb, "Programmversion", "")
    speichern(wb, pfad)
