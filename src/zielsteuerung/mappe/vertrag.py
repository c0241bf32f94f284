"""The contract between code and workbook: sheets, tables with their columns, and named cells.

The contract is defined names and table names, never cell addresses
(workbook_templates/README.md); ``VORLAGENVERSION`` is raised whenever it changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..bericht.bericht import KENNZAHL_SPALTEN
from ..kern.mittel import SPALTEN as MITTEL_SPALTEN
from ..kern.monate import MONATE

VORLAGENVERSION = "2.0"


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
    "Live-Werte",
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


TABELLEN = {
    t.name: t
    for t in (
        Tabelle("tbl_Ziele", "Übersicht", 6, (
            "Ziel_ID", "Ziel", "Vorjahr", "Aktuell", "Veränderung", "Einheit", "Schwelle",
            "Zielwert", "Abstand zum Zielwert", "Noch benötigt", "Status", "Ampel", "Knapp",
            "Zielpfad", "Status Zielpfad", "Prognose Dezember", "Status Prognose", "Grund")),
        Tabelle("tbl_Monitoring", "Monitoring", 4, (
            "Monitoring_ID", "Größe", "Vorjahr", "Aktuell", "Veränderung", "Einheit", "Grund")),
        Tabelle("tbl_Vereinbarung", "Zielvereinbarung", 5, (
            "Bereich", "Ziel_ID", "Ziel", "Kennzahl", "Art", "Vergleich", "Schwelle",
            "Geschlecht", "Hinweis")),
        Tabelle("tbl_Gender", "Gender", 5, (
            "Monat", "K2 Frauen Vorjahr", "K2 Männer Vorjahr", "Abstand Vorjahr", "K2 Frauen",
            "K2 Männer", "Abstand", "Veränderung Abstand")),
        Tabelle("tbl_Verlauf", "Verlauf", 4, ("Monat",)),
        Tabelle("tbl_Kennzahlen", "Kennzahlen", 4,
                ("Monat", *(name for name, _, _ in KENNZAHL_SPALTEN))),
        Tabelle("tbl_Daten", "Daten", 4, (
            "Merkmal", "Geschlecht", "Monat", "Wert", "Fehlkennzeichen", "Wartezeit",
            "Datenstand", "Quelle")),
        Tabelle("tbl_Erlaeuterungen", "Erläuterungen", 4,
                ("Ziel_ID", "Ziel", "Status", "Erläuterung")),
        Tabelle("tbl_Quellen", "Info", 14, ("Datei", "SHA-256", "Importiert am", "Beispieldaten")),
        Tabelle("tbl_Planung", "Planung", 5, ("Ziel_ID", "Ziel", "Eingabe", *MONATE)),
        Tabelle("tbl_Mittel", "Mittel", 5, MITTEL_SPALTEN),
        Tabelle("tbl_Mittel_Auswertung", "Mittelausschöpfung", 4, (
            "Posten", "Mittel", "Stand", "Ausgaben", "Ausschöpfung", "Pfad linear",
            "Pfad Vorjahr", "Prognose Dezember", "Prognose Ausschöpfung", "Prognose linear",
            "Rest", "Grund")),
        Tabelle("tbl_Mittel_Verlauf", "Mittelausschöpfung", 4,
                ("Monat", "Ist", "Pfad linear", "Pfad Vorjahr"), spalte=14),
        Tabelle("tbl_Prognose", "Zielpfad", 4, (
            "Ziel_ID", "Ziel", "Zielpfad aus", "Zielwert Jahr", "Zielpfad", "Aktuell",
            "Abstand zum Zielpfad", "Status Zielpfad", "Prognose Dezember",
            "Prognose Veränderung", "Prognose Abstand zum Zielwert", "Status Prognose", "Grund",
            "Einheit")),
        Tabelle("tbl_Zielpfad", "Zielpfad", 4, ("Monat",), spalte=16),
        Tabelle("tbl_Live", "Live-Werte", 4, (
            "Ziel_ID", "Ziel", "Einheit", "Veränderung", "Veränderung live", "Status",
            "Status live")),
    )
}  # fmt: skip


#: Columns renamed with template 2.0 (headers a person reads): table -> {old: new}. A
#: workbook of an older template gets the new names on its next refresh.
UMBENANNT: dict[str, dict[str, str]] = {
    "tbl_Ziele": {
        "Veraenderung": "Veränderung", "Abstand": "Abstand zum Zielwert",
        "Noch_benoetigt": "Noch benötigt", "Pfad": "Zielpfad", "Status_Pfad": "Status Zielpfad",
        "Prognose": "Prognose Dezember", "Prognose_Status": "Status Prognose",
    },
    "tbl_Monitoring": {"Groesse": "Größe", "Veraenderung": "Veränderung"},
    "tbl_Kennzahlen": {"K2_Frauen": "K2 Frauen", "K2_Maenner": "K2 Männer"},
    "tbl_Quellen": {"SHA256": "SHA-256", "Importiert_am": "Importiert am"},
    "tbl_Mittel_Auswertung": {
        "Ausschoepfung": "Ausschöpfung", "Pfad_linear": "Pfad linear",
        "Pfad_Vorjahr": "Pfad Vorjahr", "Prognose_Dezember": "Prognose Dezember",
        "Prognose_Ausschoepfung": "Prognose Ausschöpfung", "Prognose_linear": "Prognose linear",
    },
    "tbl_Mittel_Verlauf": {"Linear": "Pfad linear", "Vorjahr": "Pfad Vorjahr"},
    "tbl_Prognose": {
        "Quelle": "Zielpfad aus", "Zielwert_Jahr": "Zielwert Jahr", "Pfad": "Zielpfad",
        "Abstand_Pfad": "Abstand zum Zielpfad", "Status_Pfad": "Status Zielpfad",
        "Prognose": "Prognose Dezember", "Prognose_Veraenderung": "Prognose Veränderung",
        "Prognose_Abstand": "Prognose Abstand zum Zielwert", "Prognose_Status": "Status Prognose",
    },
    "tbl_Vergleich": {
        "Veraenderung": "Veränderung", "Anzahl": "Träger mit Wert", "Quartil_1": "1. Quartil",
        "Quartil_3": "3. Quartil", "Erreicht_in_Gruppe": "Erreicht oder auf Kurs",
    },
}  # fmt: skip


#: Columns that hold a machine key (kept for formulas and the ministry's consolidation, not
#: printed) and the unit code of a row (the number formats show the unit).
KENNUNGEN = frozenset({"Ziel_ID", "Monitoring_ID"})
#: the defined name the export adds: it marks a copy for the ministry (values only)
EXPORTIERT_AM = "Exportiert_am"

EINGABE_MIT_KENNUNG = "tbl_Vereinbarung"  # where the user writes the keys: they stay visible
EINHEIT = "Einheit"


#: Named cells: name -> (sheet, cell in the template, label (in the cell to its left), kind).
#: "eingabe" cells are the user's settings; the others are written by every refresh.
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
    "Planung_Jahr": ("Planung", "C3", "Planung für das Jahr", "eingabe"),
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
