"""Commands on workbooks and the add-in: ``arbeitsmappe``, ``bilder``, ``vorlage``, ``addin``,
``paket`` (the offline bundle for IT)."""

from __future__ import annotations

import argparse
import sys

from ..daten.vereinbarungen import lade as lade_vereinbarung
from ..fehler import EingabeFehler
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
        f"{'Angelegt' if ergebnis.neu else 'Aktualisiert'}: {ergebnis.pfad} – {a.beschreibung}"
        + (f" ({HINWEIS_BEISPIELDATEN})" if a.beispieldaten else "")
    )
    for hinweis in ergebnis.hinweise:
        print(f"Hinweis: {hinweis}", file=sys.stderr)
    return 0


def befehl_bilder(args: argparse.Namespace) -> int:
    from ..mappe.libreoffice import als_bilder

    for bild in als_bilder(args.mappe, args.blatt, args.ordner):
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


def befehl_paket(args: argparse.Namespace) -> int:
    import re

    from ..excel.paket import PYTHON_VERSIONEN, paket_bauen

    versionen = tuple(args.python_versionen or PYTHON_VERSIONEN)
    falsch = [v for v in versionen if not re.fullmatch(r"3\.1[1-9]", v)]
    if falsch:
        raise EingabeFehler(f"--python {falsch[0]}: bitte eine Version ab 3.11, z. B. 3.12.")
    print(f"Paket bauen für Python {', '.join(versionen)} (Windows, 64 Bit) …", file=sys.stderr)
    paket = paket_bauen(args.ausgabe, versionen, args.quelle)
    print(
        f"Paket geschrieben: {paket.ordner} – {len(paket.raeder)} Pakete, "
        f"{paket.groesse / 1024 / 1024:.0f} MB. Installation auf dem PC: "
        f'"…\\python.exe" {paket.ordner / "installieren.py"}'
    )
    return 0


def befehl_vorlage(args: argparse.Namespace) -> int:
    from ..mappe.vorlage import vorlage_erzeugen

    vorlage_erzeugen(args.ausgabe)
    print(f"Vorlage geschrieben: {args.ausgabe}")
    return 0
