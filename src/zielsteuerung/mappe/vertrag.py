"""The contract between code and workbook: sheets, tables with their columns, and named cells.

The contract is defined names and table names, never cell addresses
(workbook_templates/README.md); ``VORLAGENVERSION`` is raised whenever it changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..bericht.bericht import KENNZAHL_SPALTEN
from ..kern.mittel import SPALTEN as MITTEL_SPALTEN
from ..kern.monate import MONATE

VORLAGENVERSION = "1.2"


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
        Tabelle("tbl_Live", "Live-Werte", 4, (
            "Ziel_ID", "Ziel", "Einheit", "Veraenderung", "Veraenderung_Live", "Status",
            "Status_Live")),
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
