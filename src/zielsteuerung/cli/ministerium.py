"""Command line of the ministry's side: export-ministerium, konsolidieren."""

from __future__ import annotations

import argparse
import sys

from ..fehler import EingabeFehler


def befehl_export(args: argparse.Namespace) -> int:
    from ..excel.mappenformeln import berechnen
    from ..mappe.datei import nicht_tragbare_inhalte
    from ..ministerium.export import export_erstellen, zielpfad_aus_mappe

    ziel = args.ausgabe or (zielpfad_aus_mappe(args.mappe) if args.mappe.is_file() else None)
    if ziel is None:
        raise EingabeFehler(
            "Bitte mit -o DATEI angeben, wohin die Kopie für das Ministerium geschrieben wird "
            "(oder in der Arbeitsmappe unter Einstellungen > „Pfad der Kopie für das "
            "Ministerium“ eintragen)."
        )
    export = export_erstellen(args.mappe, ziel, berechnen)
    try:
        weggelassen = [t for t in nicht_tragbare_inhalte(args.mappe) if "Makros" not in t]
    except Exception:  # only a hint; the export itself succeeded
        weggelassen = []
    for text in weggelassen:
        print(f"Hinweis: nicht in die Kopie übernommen: {text}", file=sys.stderr)
    for text in export.entfernt:
        print(f"Hinweis: entfernt (Formel oder Bezug auf andere Dateien): {text}", file=sys.stderr)
    if export.ziel_berechnet:
        print(
            f"Hinweis: {export.ziel_berechnet} Zelle(n) mit Funktionen ZIEL_… aus dem "
            "Datenbestand berechnet, wie das Add-in in Excel sie zeigt.",
            file=sys.stderr,
        )
    if export.neu_berechnet:
        print(
            f"Hinweis: {export.neu_berechnet} eigene Formel(n) ohne gespeicherten Wert mit "
            "LibreOffice berechnet.",
            file=sys.stderr,
        )
    print(f"Ministeriumskopie geschrieben: {export.pfad}")
    print(f"Prüfsumme (SHA-256): {export.pruefsumme}")
    return 0


def befehl_konsolidieren(args: argparse.Namespace) -> int:
    from ..ministerium.konsolidierung import konsolidieren
    from ..ministerium.pruefung import Grenzen
    from ..ministerium.uebersicht import stand

    if not args.max_mb > 0:
        raise EingabeFehler("--max-mb muss größer als 0 sein.")
    max_bytes = int(args.max_mb * 1024 * 1024)
    grenzen = Grenzen(max_bytes=max_bytes, max_entpackt=max(10 * max_bytes, Grenzen().max_entpackt))
    ergebnis = konsolidieren(
        args.eingaben, args.ausgabe, args.jahr, args.wartezeit, grenzen, args.bis_monat
    )
    for a in ergebnis.abgelehnt:
        print(f"Abgelehnt: {a.datei.name}: {a.grund}", file=sys.stderr)
    print(
        f"Übersicht geschrieben: {ergebnis.pfad} – {len(ergebnis.kopien)} Träger übernommen, "
        f"{len(ergebnis.abgelehnt)} Datei(en) abgelehnt; Jahr {ergebnis.jahr or '–'}, "
        f"Stand {stand(ergebnis)}, Wartezeit {ergebnis.wartezeit or '–'}."
    )
    if not ergebnis.kopien:
        raise EingabeFehler(
            "Keine der Dateien wurde übernommen; die Übersicht nennt nur die Gründe der "
            "Ablehnung (Blatt „Abgelehnt“)."
        )
    return 0
