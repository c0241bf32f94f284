"""Commands on the store: ``import``, ``bestand``, and ``vereinbarung`` (the built-in agreement)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..daten.datenbestand import Datenbestand
from ..daten.ordner import DATENDATEIEN, dateien_im_ordner, zuordnungen_im_ordner
from ..daten.sammler import anzahl
from ..daten.vereinbarungen import beispiel_text
from ..daten.vereinbarungen import lade as lade_vereinbarung
from ..daten.zuordnung import Spaltenzuordnung, liste
from ..fehler import EingabeFehler
from ..kern.auswertung import HINWEIS_BEISPIELDATEN
from ..kern.monate import datum_text
from ..kern.zahlen import zahl
from .ausgabe import tabelle
from .hilfen import Fortschritt, store_pfad


def befehl_import(args: argparse.Namespace) -> int:
    from ..daten.importer import importiere
    from ..daten.zuordnung import lade

    zuordnung = lade(args.mapping) if args.mapping else None
    dateien: list[Path] = []
    je_datei: dict[Path, Spaltenzuordnung] = {}
    aus_ordnern: list[Path] = []
    for angabe in args.dateien:  # a folder: its files, as the ribbon reads the Datenordner,
        if not angabe.is_dir():  # each with the mapping beside it unless --mapping is given
            dateien.append(angabe)
        elif gefunden := dateien_im_ordner(angabe, DATENDATEIEN):
            dateien += gefunden
            aus_ordnern += gefunden
            je_datei |= {} if zuordnung else zuordnungen_im_ordner(gefunden)
        else:
            raise EingabeFehler(f"Im Ordner {angabe} liegen keine .csv- oder .xlsx-Dateien.")
    with Fortschritt() as fortschritt:
        ergebnisse = importiere(
            dateien,
            store_pfad(args),
            zuordnung,
            fortschritt,
            je_datei=je_datei,
            aus_ordnern=aus_ordnern,
        )
    for e in ergebnisse:
        for w in e.warnungen:
            print(f"Warnung: {w}", file=sys.stderr)
        if e.bereits_importiert:
            print(
                f"{e.datei}: bereits importiert (gleicher Inhalt, gleiche Spaltenzuordnung"
                + (f"; Import Nr. {e.nr}" if e.nr else "")
                + "), nichts hinzugefügt."
            )
            continue
        if e.entfernt_am:
            print(
                f"{e.datei}: nicht importiert, ihr Import wurde am {datum_text(e.entfernt_am)} "
                f"entfernt; wieder aufnehmen nur einzeln: zielsteuerung import {e.datei}"
            )
            continue
        if e.ersetzt:
            print(
                f"{e.datei}: ersetzt Import Nr. {e.ersetzt} derselben Datei (andere "
                f"Spaltenzuordnung); dessen {anzahl(e.entfernt, 'Wert', 'Werte')} entfernt."
            )
        print(
            f"{e.datei}: {anzahl(e.zeilen, 'Wert', 'Werte')} geprüft, {zahl(e.neu)} neu "
            "gespeichert" + (f" ({HINWEIS_BEISPIELDATEN})" if e.beispieldaten else "") + "."
        )
        if e.zuordnung_datei and not zuordnung:  # found beside the file in its folder
            print(f"  Spaltenzuordnung: {e.zuordnung_datei}")
        if e.aus_titel:
            print(f"  aus dem Titel: {', '.join(e.aus_titel.values())}")
        if e.ignoriert:
            print(f"  nicht gelesene Spalten: {liste(e.ignoriert)}")
        for was, gezaehlt in e.uebersprungen.items():
            if not gezaehlt:
                continue
            zeilen = anzahl(sum(gezaehlt.values()), "Zeile", "Zeilen")
            arten = [f"„{text}“ ({n})" for text, n in gezaehlt.items()]
            print(
                f"  {zeilen} übersprungen, {was} nicht benötigt: "
                + ", ".join(arten[:12])
                + (f" und {len(arten) - 12} weitere" if len(arten) > 12 else "")
            )
    print(f"Datenbestand: {store_pfad(args)}")
    return 0


def befehl_vereinbarung(args: argparse.Namespace) -> int:
    if args.datei is None:
        if args.ausgabe:
            text = beispiel_text()
            if args.ausgabe.exists() and args.ausgabe.read_bytes() != text.encode("utf-8"):
                raise EingabeFehler(
                    f"{args.ausgabe} gibt es schon und wird nicht überschrieben (etwa eine "
                    "eigene Zielvereinbarung). Für die Vorlage bitte einen anderen Dateinamen "
                    f"angeben; prüfen lässt sich die Datei mit „zielsteuerung vereinbarung "
                    f"{args.ausgabe}“."
                )
            args.ausgabe.write_text(text, encoding="utf-8")
            print(f"Vorlage geschrieben: {args.ausgabe}")
        else:
            print(beispiel_text(), end="")
        return 0
    v = lade_vereinbarung(args.datei)
    print(
        f"{args.datei}: gültig – Träger {v.traeger_id}, Jahr {v.jahr}, Wartezeit {v.wartezeit}, "
        f"{len(v.ziele)} Ziele, {len(v.monitoring)} Monitoring-Größen."
    )
    return 0


def befehl_bestand(args: argparse.Namespace) -> int:
    if getattr(args, "bestand_befehl", None) == "entfernen":
        return _entfernen(args)
    with Datenbestand(store_pfad(args)) as db:
        importe, entfernte = db.importe(), db.entfernte()
    if args.format == "json":
        eintraege = [
            {
                "nr": i.import_id,
                "datei": i.dateiname,
                "sha256": i.sha256,
                "importiert_am": i.importiert_am,
                "werte": i.zeilen,
                "zuordnung": i.zuordnung,
                "zuordnung_datei": i.zuordnung_datei,
                "beispieldaten": i.beispieldaten,
            }
            for i in importe
        ]
        daten = {
            "datenbestand": str(store_pfad(args)),
            "importe": eintraege,
            "entfernt": [
                {"datei": d, "sha256": sha, "entfernt_am": am} for d, sha, am in entfernte
            ],
        }
        print(json.dumps(daten, ensure_ascii=False, indent=2))
        return 0
    print(f"Datenbestand: {store_pfad(args)}")
    print(
        tabelle(
            ["Nr.", "Datei", "importiert am", "Werte", "SHA-256", "Spaltenzuordnung", "Hinweis"],
            (
                [
                    str(i.import_id),
                    i.dateiname,
                    datum_text(i.importiert_am),
                    zahl(i.zeilen),
                    i.sha256[:16] + "…",
                    i.zuordnung_datei or ("eingebaut" if i.zuordnung else "unbekannt"),
                    HINWEIS_BEISPIELDATEN if i.beispieldaten else "",
                ]
                for i in importe
            ),
            {0, 3},
        )
    )
    if entfernte:
        print(
            "\nEntfernte Importe (aus einem Ordner nicht erneut importiert; einzeln wieder "
            "aufnehmen: zielsteuerung import DATEI):"
        )
        for datei, sha256, am in entfernte:
            print(f"  {datei}, entfernt am {datum_text(am)} (SHA-256 {sha256[:16]}…)")
    return 0


def _entfernen(args: argparse.Namespace) -> int:
    with Datenbestand(store_pfad(args)) as db:
        info, entfernt, sicherung = db.entfernen(args.nr)
    print(
        f"Import Nr. {info.import_id} ({info.dateiname}, "
        f"importiert am {datum_text(info.importiert_am)}) "
        f"entfernt: {anzahl(entfernt, 'Wert', 'Werte')}."
    )
    print(f"Sicherung des vorherigen Stands: {sicherung}")
    print(  # the button imports what it finds there and has not stored, but not this file
        f"Hinweis: Liegt {info.dateiname} in einem Datenordner, importieren die Schaltfläche "
        "„Aktualisieren“ und „zielsteuerung import ORDNER“ sie nicht erneut; wieder aufnehmen "
        f"lässt sie sich nur einzeln: zielsteuerung import {info.dateiname}"
    )
    return 0
