"""Commands on workbooks and the add-in: ``arbeitsmappe``, ``bilder``, ``vorlage``, ``addin``."""

from __future__ import annotations

import argparse

from ..daten.vereinbarungen import lade as lade_vereinbarung
from ..kern.auswertung import HINWEIS_BEISPIELDATEN
from .hilfen import traeger_aus_text


def befehl_arbeitsmappe(args: argparse.Namespace) -> int:
    from ..daten.mitteldatei import csv_lesen
    from ..mappe.aktualisieren import arbeitsmappe

    ergebnis = arbeitsmappe(
        args.ausgabe,
        args.store,
        lade_vereinbarung(args.vereinbarung) if args.vereinbarung else None,
        traeger_aus_text(args.traeger),
        args.jahr,
        args.bis_monat,
        args.wartezeit,
        mittel=csv_lesen(args.mittel) if args.mittel else None,
    )
    a = ergebnis.bericht.auswertung
    print(
        f"{'Angelegt' if ergebnis.neu else 'Aktualisiert'}: {ergebnis.pfad} – "
        f"{a.traeger_name} ({a.traeger_id}), {a.als_json()['zeitraum']}, Wartezeit {a.wartezeit}"
        + (f" ({HINWEIS_BEISPIELDATEN})" if a.beispieldaten else "")
    )
    return 0


def befehl_bilder(args: argparse.Namespace) -> int:
    from ..mappe.libreoffice import als_bilder

    for bild in als_bilder(
        args.mappe, args.blatt or ["Übersicht", "Gender", "Verlauf"], args.ordner
    ):
        print(bild)
    return 0


def befehl_addin(args: argparse.Namespace) -> int:
    from ..excel import addin, installation

    if args.addin_befehl == "build":
        print(f"Add-in gebaut: {addin.bauen(args.ausgabe, args.interpreter)}")
        return 0
    if args.addin_befehl == "bas":
        bas = addin.vba_modul_schreiben(args.ausgabe)
        print(f"VBA-Modul geschrieben: {bas}\n{addin.MANUELL.format(bas=bas)}")
        return 0
    if args.addin_befehl == "install":
        zeilen = installation.installieren(args.store, args.dry_run, args.addin)
    else:
        zeilen = installation.deinstallieren(args.dry_run)
    print("\n".join(zeilen))
    return 0


def befehl_vorlage(args: argparse.Namespace) -> int:
    from ..mappe.vorlage import vorlage_erzeugen

    vorlage_erzeugen(args.ausgabe)
    print(f"Vorlage geschrieben: {args.ausgabe}")
    return 0
