"""Command line of the ministry's side: export-ministerium, konsolidieren."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..fehler import EingabeFehler
from ..kern.merkmale import WARTEZEITEN


def registrieren(sub: Any, auswahl: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add the ministry's subcommands; each sets ``funktion`` (args -> exit code)."""
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
    export.set_defaults(funktion=_export)

    kons = sub.add_parser(
        "konsolidieren",
        help="Ministeriumskopien aller Träger prüfen und zu einer Übersicht zusammenführen",
        description="Prüft die Ministeriumskopien (Vorlagenversion, Jahr, Wartezeit, "
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
        "--max-mb",
        type=float,
        default=20.0,
        metavar="MB",
        help="größte angenommene Datei in MB (Standard: 20)",
    )
    kons.set_defaults(funktion=_konsolidieren)


def _export(args: argparse.Namespace) -> int:
    from ..mappe.datei import nicht_tragbare_inhalte
    from ..ministerium.ministerium import export_erstellen, zielpfad_aus_mappe

    ziel = args.ausgabe or (zielpfad_aus_mappe(args.mappe) if args.mappe.is_file() else None)
    if ziel is None:
        raise EingabeFehler(
            "Bitte mit -o DATEI angeben, wohin die Kopie für das Ministerium geschrieben wird "
            "(oder in der Arbeitsmappe unter Einstellungen > „Pfad der Kopie für das "
            "Ministerium“ eintragen)."
        )
    export = export_erstellen(args.mappe, ziel)
    try:
        weggelassen = [t for t in nicht_tragbare_inhalte(args.mappe) if "Makros" not in t]
    except Exception:  # only a hint; the export itself succeeded
        weggelassen = []
    for text in weggelassen:
        print(f"Hinweis: nicht in die Kopie übernommen: {text}", file=sys.stderr)
    for text in export.entfernt:
        print(f"Hinweis: entfernt (Formel oder Bezug auf andere Dateien): {text}", file=sys.stderr)
    if export.neu_berechnet:
        print(
            f"Hinweis: {export.neu_berechnet} eigene Formel(n) ohne gespeicherten Wert mit "
            "LibreOffice berechnet.",
            file=sys.stderr,
        )
    print(f"Ministeriumskopie geschrieben: {export.pfad}")
    print(f"Prüfsumme (SHA-256): {export.pruefsumme}")
    return 0


def _konsolidieren(args: argparse.Namespace) -> int:
    from ..ministerium.ministerium import Grenzen, konsolidieren

    if not args.max_mb > 0:
        raise EingabeFehler("--max-mb muss größer als 0 sein.")
    max_bytes = int(args.max_mb * 1024 * 1024)
    grenzen = Grenzen(max_bytes=max_bytes, max_entpackt=max(10 * max_bytes, Grenzen().max_entpackt))
    ergebnis = konsolidieren(args.eingaben, args.ausgabe, args.jahr, args.wartezeit, grenzen)
    for a in ergebnis.abgelehnt:
        print(f"Abgelehnt: {a.datei.name}: {a.grund}", file=sys.stderr)
    print(
        f"Übersicht geschrieben: {ergebnis.pfad} – {len(ergebnis.kopien)} Träger übernommen, "
        f"{len(ergebnis.abgelehnt)} Datei(en) abgelehnt; Jahr {ergebnis.jahr or '–'}, "
        f"Wartezeit {ergebnis.wartezeit or '–'}."
    )
    if not ergebnis.kopien:
        raise EingabeFehler(
            "Keine der Dateien wurde übernommen; die Übersicht nennt nur die Gründe der "
            "Ablehnung (Blatt „Abgelehnt“)."
        )
    return 0
