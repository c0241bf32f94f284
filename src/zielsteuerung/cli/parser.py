"""The command line's arguments and German help texts (argparse, its own texts translated)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..daten.datenbestand import standardpfad
from ..kern.auswertung import HINWEIS_BEISPIELDATEN
from ..kern.kennzahlen import KENNZAHLEN
from ..kern.merkmale import GESCHLECHTER, WARTEZEITEN
from ..version import __version__

# argparse's own texts in German (it looks them up through gettext at call time).
_ARGPARSE_DEUTSCH = {
    "usage: ": "Aufruf: ",
    "positional arguments": "Argumente",
    "options": "Optionen",
    "optional arguments": "Optionen",
    "show this help message and exit": "diese Hilfe anzeigen und beenden",
    "%(prog)s: error: %(message)s\n": "%(prog)s: Fehler: %(message)s\n",
    "the following arguments are required: %s": "diese Angaben fehlen: %s",
    "argument %(argument_name)s: %(message)s": "Angabe %(argument_name)s: %(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "ungültige Auswahl: %(value)r (möglich: %(choices)s)"
    ),
    "invalid %(type)s value: %(value)r": "ungültiger Wert: %(value)r",
    "unrecognized arguments: %s": "unbekannte Angaben: %s",
    "expected one argument": "erwartet einen Wert",
    "ambiguous option: %(option)s could match %(matches)s": (
        "mehrdeutige Angabe: %(option)s passt zu %(matches)s"
    ),
}


def _deutsch(text: str) -> str:
    return _ARGPARSE_DEUTSCH.get(text, text)


argparse._ = _deutsch  # type: ignore[attr-defined]


def store_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--store",
        type=Path,
        default=None,
        metavar="PFAD",
        help=f"Datenbestand (SQLite-Datei); Standard: {standardpfad()} "
        "oder die Umgebungsvariable ZIELSTEUERUNG_STORE",
    )


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="zielsteuerung",
        description="Zielsteuerung nach § 48b SGB II: Grunddaten importieren, Kennzahlen nach "
        "§ 48a berechnen und Zielvereinbarungen auswerten.",
        epilog="Rückgabewerte: 0 = erfolgreich, 2 = fehlerhafte Eingabe, 3 = Datenbestand "
        "belegt, 1 = interner Fehler.",
    )
    p.add_argument(
        "--version",
        action="version",
        version=f"zielsteuerung {__version__}",
        help="Programmversion anzeigen und beenden",  # argparse of Python 3.11 keeps its own
    )
    p.add_argument("--debug", action="store_true", help="bei internen Fehlern die Details zeigen")
    sub = p.add_subparsers(dest="befehl", metavar="BEFEHL", required=True)

    imp = sub.add_parser(
        "import",
        help="Grunddaten-Dateien (CSV, .xlsx) in den Datenbestand übernehmen",
        description="Übernimmt Grunddaten (CSV oder .xlsx) in den Datenbestand. Jede Datei "
        "wird vollständig geprüft, bevor etwas gespeichert wird; bei Fehlern bleibt der "
        "Datenbestand unverändert. Eine bereits importierte Datei wird übersprungen.",
    )
    imp.add_argument(
        "dateien",
        nargs="+",
        type=Path,
        metavar="DATEI_ODER_ORDNER",
        help="Dateien, oder ein Ordner: seine .csv- und .xlsx-Dateien, jede mit der "
        "Spaltenzuordnung daneben (NAME.toml, sonst spaltenzuordnung.toml), wie die "
        "Schaltfläche den Datenordner liest",
    )
    store_argument(imp)
    imp.add_argument(
        "--mapping",
        type=Path,
        metavar="DATEI",
        help="Spaltenzuordnung (TOML) für Tabellen in anderem Aufbau, siehe "
        "docs/spaltenzuordnung.md",
    )

    def auswahl(q: argparse.ArgumentParser, alle: bool = False) -> None:
        store_argument(q)
        q.add_argument(
            "--vereinbarung",
            type=Path,
            metavar="DATEI",
            help="Zielvereinbarung (TOML); Standard: Kreis Kleve 2023 (eingebaut)",
        )
        q.add_argument(
            "--traeger",
            metavar="ID",
            help="Regionalschlüssel des Trägers, z. B. 05154"
            + ("; „alle“: jeder Träger des Datenbestands mit Daten im Jahr" if alle else ""),
        )
        q.add_argument("--jahr", type=int, metavar="JJJJ", help="Jahr der Auswertung")
        q.add_argument(
            "--bis-monat",
            type=int,
            choices=range(1, 13),
            metavar="M",
            help="letzter ausgewerteter Monat (1–12); Standard: letzter Monat mit Daten",
        )
        q.add_argument("--wartezeit", choices=WARTEZEITEN, help="T0 (vorläufig) oder T3 (final)")

    def ausgabe(q: argparse.ArgumentParser) -> None:
        q.add_argument(
            "--format",
            choices=("table", "json", "csv"),
            help="Ausgabeformat; Standard: nach der Endung von -o, sonst table",
        )
        q.add_argument(
            "-o",
            "--ausgabe",
            type=Path,
            metavar="DATEI",
            help="in diese Datei schreiben (.csv, .json oder .txt) statt auf den Bildschirm; "
            "CSV mit BOM, damit Excel Umlaute richtig liest",
        )

    ausw = sub.add_parser(
        "auswerten",
        help="eine Zielvereinbarung auswerten",
        description="Wertet eine Zielvereinbarung aus: Vorjahr, aktueller Wert, Veränderung, "
        "Zielwert, Abstand und Status je Ziel. Träger, Jahr und Wartezeit kommen aus der "
        "Vereinbarung, sofern nicht angegeben. Mit --traeger alle wird die Vereinbarung auf "
        "jeden Träger des Datenbestands angewandt (eine Zeile je Träger und Ziel).",
    )
    auswahl(ausw, alle=True)
    ausgabe(ausw)

    kz = sub.add_parser(
        "kennzahlen",
        help="monatliche Kennzahlen nach § 48a eines Trägers",
        description="Zeigt die monatlichen Kennzahlen nach § 48a SGB II eines Trägers.",
    )
    store_argument(kz)
    kz.add_argument("--traeger", required=True, metavar="ID", help="Regionalschlüssel")
    kz.add_argument("--von", metavar="JJJJ-MM", help="erster Monat; Standard: 23 Monate vor --bis")
    kz.add_argument("--bis", metavar="JJJJ-MM", help="letzter Monat; Standard: letzter mit Daten")
    kz.add_argument("--wartezeit", choices=WARTEZEITEN, default="T3", help="Standard: T3")
    kz.add_argument("--geschlecht", choices=GESCHLECHTER, default=None, help="Standard: alle")
    kz.add_argument(
        "--kennzahl",
        action="append",
        choices=list(KENNZAHLEN),
        metavar="CODE",
        help="nur diese Kennzahl (mehrfach möglich), z. B. K2",
    )
    ausgabe(kz)

    mappe = sub.add_parser(
        "arbeitsmappe",
        help="Controlling-Arbeitsmappe anlegen oder aktualisieren",
        description="Legt die Controlling-Arbeitsmappe an oder aktualisiert eine vorhandene an "
        "Ort und Stelle. Ohne Angaben gelten die Einstellungen und die Zielvereinbarung aus der "
        "Arbeitsmappe selbst; eigene Blätter, Kommentare und Erläuterungen bleiben erhalten.",
    )
    mappe.add_argument("-o", "--ausgabe", type=Path, required=True, metavar="DATEI",
                       help="die Arbeitsmappe (.xlsx)")  # fmt: skip
    auswahl(mappe)
    mappe.add_argument(
        "--mittel",
        type=Path,
        metavar="CSV",
        help="Mittel und monatliche Ausgaben aus einer CSV-Datei übernehmen (ersetzt die "
        "Tabelle auf dem Blatt „Mittel“; Spalten: Posten;Jahr;Mittel;Januar;…;Dezember)",
    )

    vorlage = sub.add_parser(
        "vorlage",
        help="die leere Standard-Arbeitsmappe erzeugen (workbook_templates/)",
        description="Erzeugt die leere Standard-Controlling-Arbeitsmappe, reproduzierbar.",
    )
    vorlage.add_argument(
        "-o", "--ausgabe", type=Path, required=True, metavar="DATEI", help="die Vorlage (.xlsx)"
    )

    bilder = sub.add_parser(
        "bilder",
        help="Blätter einer Arbeitsmappe als PNG-Bilder ausgeben (mit LibreOffice)",
        description="Öffnet die Arbeitsmappe in LibreOffice (ohne Bildschirm), rechnet neu, "
        "druckt die gewählten Blätter als PDF und wandelt die Seiten in PNG-Bilder um.",
    )
    bilder.add_argument("mappe", type=Path, metavar="MAPPE", help="die Arbeitsmappe (.xlsx)")
    bilder.add_argument(
        "-o",
        "--ordner",
        type=Path,
        required=True,
        metavar="ORDNER",
        help="Ordner für die PNG-Bilder (wird angelegt)",
    )
    bilder.add_argument(
        "--blatt",
        action="append",
        metavar="NAME",
        help="Blatt (mehrfach möglich); Standard: Übersicht, Gender und Verlauf, soweit die "
        "Mappe sie hat",
    )

    demo = sub.add_parser(
        "demo",
        help="Beispieldatenbestand anlegen und die Zielvereinbarung Kreis Kleve 2023 auswerten",
        description=f"Erzeugt synthetische Beispieldaten ({HINWEIS_BEISPIELDATEN}) für 18 "
        "Träger 2021–2024, importiert sie in einen neuen Datenbestand und wertet die "
        "Zielvereinbarung Kreis Kleve 2023 aus.",
    )
    demo.add_argument(
        "--ordner",
        type=Path,
        default=Path("zielsteuerung-demo"),
        metavar="ORDNER",
        help="Zielordner für Beispieldaten und Datenbestand (Standard: ./zielsteuerung-demo)",
    )
    demo.add_argument(
        "--store",
        type=Path,
        metavar="PFAD",
        help="Datenbestand für die Beispieldaten (Standard: ORDNER/beispiel-datenbestand.sqlite)",
    )
    demo.add_argument("--format", choices=("table", "json"), default="table", help="Ausgabeformat")

    ver = sub.add_parser(
        "vereinbarung",
        help="Vorlage einer Zielvereinbarung ausgeben oder eine Datei prüfen",
        description="Ohne DATEI: gibt die eingebaute Zielvereinbarung Kreis Kleve 2023 als "
        "Vorlage aus. Mit DATEI: prüft die Datei und meldet alle Fehler.",
    )
    ver.add_argument(
        "datei", nargs="?", type=Path, metavar="DATEI", help="zu prüfende Zielvereinbarung (TOML)"
    )
    ver.add_argument(
        "-o",
        "--ausgabe",
        type=Path,
        metavar="DATEI",
        help="Vorlage in diese Datei schreiben (UTF-8)",
    )

    addin = sub.add_parser(
        "addin",
        help="Excel-Add-in zielsteuerung.xlam bauen, installieren oder entfernen",
        description="Das Excel-Add-in mit dem Menüband „Zielsteuerung“ und den Funktionen ZIEL_*.",
    )
    addin_sub = addin.add_subparsers(dest="addin_befehl", metavar="AKTION", required=True)
    bau = addin_sub.add_parser("build", help="zielsteuerung.xlam aus der xlwings-Vorlage bauen")
    bau.add_argument("-o", "--ausgabe", type=Path, default=Path("addin") / "zielsteuerung.xlam",
                     metavar="DATEI", help="Standard: addin/zielsteuerung.xlam")  # fmt: skip
    bau.add_argument("--interpreter", default="", metavar="PFAD",
                     help="pythonw.exe für Excel fest ins Add-in eintragen (Standard: aus der "
                          "Datei, die „addin install“ schreibt)")  # fmt: skip
    inst = addin_sub.add_parser(
        "install", help="Add-in unter Windows installieren (ohne Excel, ohne Trust Center)"
    )
    inst.add_argument("--store", metavar="PFAD", help="Datenbestand für die Funktionen ZIEL_*")
    inst.add_argument("--addin", type=Path, metavar="DATEI",
                      help="dieses zielsteuerung.xlam kopieren (z. B. das signierte der IT), "
                           "statt es zu bauen")  # fmt: skip
    inst.add_argument("--dry-run", action="store_true", help="nur anzeigen, was geschähe")
    bas = addin_sub.add_parser(
        "bas", help="die Funktionen ZIEL_* als VBA-Modul zum Import von Hand schreiben"
    )
    bas.add_argument("-o", "--ausgabe", type=Path, default=Path("zielsteuerung_udfs.bas"),
                     metavar="DATEI", help="Standard: zielsteuerung_udfs.bas")  # fmt: skip
    deinst = addin_sub.add_parser("uninstall", help="Add-in entfernen")
    deinst.add_argument("--dry-run", action="store_true", help="nur anzeigen, was geschähe")

    paket = sub.add_parser(
        "paket",
        help="Installationspaket ohne Internet für die IT schreiben (Windows, 64 Bit)",
        description="Schreibt einen Ordner mit dem Add-in, allen Paketen für Windows (64 Bit) und "
        "einem Installationsskript: Damit installiert die IT auf PCs ohne Internet. Zum Bauen "
        "ist der Paketindex nötig (pip). 32-Bit-Python: nicht möglich, weil es pandas dafür "
        "nicht als fertiges Paket gibt; 64-Bit-Python geht auch mit 32-Bit-Office.",
    )
    paket.add_argument("-o", "--ausgabe", type=Path, required=True, metavar="ORDNER",
                       help="neuer oder leerer Ordner für das Paket")  # fmt: skip
    paket.add_argument(
        "--python",
        action="append",
        metavar="VERSION",
        dest="python_versionen",
        help="Python-Version der PCs, mehrfach möglich; Standard: 3.11 bis 3.14",
    )
    paket.add_argument("--quelle", type=Path, metavar="ORDNER",
                       help="Quellcode von zielsteuerung (Ordner mit pyproject.toml); Standard: "
                       "der Ordner, aus dem das Programm läuft")  # fmt: skip

    _ministerium(sub)

    best = sub.add_parser(
        "bestand",
        help="importierte Dateien mit Herkunft (Dateiname, SHA-256, Zeitpunkt) zeigen oder einen "
        "Import entfernen",
        description="Zeigt alle Importe mit Nummer, Datei, Zeitpunkt, Zahl der Werte, Prüfsumme "
        "und Spaltenzuordnung. „bestand entfernen NR“ entfernt einen Import mit seinen Werten; "
        "vorher wird der Datenbestand gesichert.",
    )
    store_argument(best)
    best.add_argument("--format", choices=("table", "json"), default="table", help="Ausgabeformat")
    best_sub = best.add_subparsers(dest="bestand_befehl", metavar="AKTION")
    entf = best_sub.add_parser(
        "entfernen",
        help="einen Import und seine Werte entfernen (nach einer Sicherung)",
        description="Entfernt den Import NR (siehe „zielsteuerung bestand“) und alle seine "
        "Werte in einem Schritt. Vorher wird der Datenbestand neben sich gesichert; die "
        "Sicherung wird genannt.",
    )
    entf.add_argument("nr", type=int, metavar="NR", help="Nummer des Imports")
    entf.add_argument(
        "--store", type=Path, default=argparse.SUPPRESS, metavar="PFAD", help="Datenbestand"
    )
    return p


def _ministerium(sub: Any) -> None:
    """The ministry's subcommands."""
    export = sub.add_parser(
        "export-ministerium",
        help="Wertekopie der Controlling-Arbeitsmappe für das Ministerium schreiben",
        description="Schreibt eine Kopie der Controlling-Arbeitsmappe, die ohne Python und "
        "ohne Add-in richtig öffnet: jede Formel durch ihren Wert ersetzt, keine Makros, keine "
        "externen Verknüpfungen, mit Prüfsumme über alle Werte (siehe docs/ministerium.md). "
        "Die Arbeitsmappe selbst bleibt unverändert.",
    )
    export.add_argument("mappe", type=Path, metavar="MAPPE", help="die Controlling-Arbeitsmappe")
    export.add_argument(
        "-o",
        "--ausgabe",
        type=Path,
        metavar="DATEI",
        help="die Kopie (.xlsx); Standard: der Pfad in Einstellungen > „Pfad der Kopie für das "
        "Ministerium“",
    )

    kons = sub.add_parser(
        "konsolidieren",
        help="Ministeriumskopien aller Träger prüfen und zu einer Übersicht zusammenführen",
        description="Prüft die Ministeriumskopien (Vorlagenversion, Jahr, Wartezeit, Stand, "
        "Datenstand, Prüfsumme; Dateien mit Makros, externen Verknüpfungen, Übergröße oder "
        "XML-Bomben werden abgelehnt) und schreibt eine Übersicht: Ampelmatrix Träger × Ziel, "
        "Zusammenfassung, alle Ergebnisse mit Erläuterungen und die abgelehnten Dateien mit "
        "Grund. Eine abgelehnte Datei hält die Zusammenführung nicht auf.",
    )
    kons.add_argument(
        "eingaben",
        nargs="+",
        type=Path,
        metavar="DATEI_ODER_ORDNER",
        help="Ministeriumskopien oder Ordner (alle .xlsx/.xlsm/.xlam darin, ohne Unterordner)",
    )
    kons.add_argument(
        "-o", "--ausgabe", type=Path, required=True, metavar="DATEI", help="die Übersicht (.xlsx)"
    )
    kons.add_argument(
        "--jahr", type=int, metavar="JJJJ", help="nur dieses Jahr; Standard: das häufigste"
    )
    kons.add_argument(
        "--wartezeit", choices=WARTEZEITEN, help="nur diese Wartezeit; Standard: die häufigste"
    )
    kons.add_argument(
        "--bis-monat",
        type=int,
        choices=range(1, 13),
        metavar="M",
        help="nur Kopien, die bis zu diesem Monat auswerten (1–12); Standard: der häufigste "
        "Stand. Kopien mit anderem Stand werden nie gemischt, sondern als abgelehnt aufgeführt.",
    )
    kons.add_argument(
        "--max-mb",
        type=float,
        default=20.0,
        metavar="MB",
        help="größte angenommene Datei in MB (Standard: 20)",
    )
