"""Command line: ``zielsteuerung import|auswerten|kennzahlen|demo|...`` (German help texts).

Exit codes: 0 success, 1 internal error, 2 wrong input (file, mapping, agreement, argument),
3 store in use by another process.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ..bericht.auswerten import auswerten
from ..daten.datenbestand import Datenbestand, standardpfad
from ..daten.traeger import TraegerAufloesung
from ..daten.vereinbarungen import beispiel, beispiel_text
from ..daten.vereinbarungen import lade as lade_vereinbarung
from ..fehler import EingabeFehler, ZielsteuerungFehler
from ..kern import monate
from ..kern.auswertung import HINWEIS_BEISPIELDATEN, Auswertung
from ..kern.kennzahlen import KENNZAHLEN, Panel, monatskennzahlen
from ..kern.merkmale import GESCHLECHTER, WARTEZEITEN
from ..kern.vereinbarung import Zielvereinbarung
from ..kern.zahlen import zahl
from ..version import __version__
from .ausgabe import auswertung_als_csv, auswertung_als_text, csv_text, tabelle

# argparse's own texts in German (it looks them up through gettext at call time).
_ARGPARSE_DEUTSCH = {
    "usage: ": "Aufruf: ",
    "positional arguments": "Argumente",
    "options": "Optionen",
    "optional arguments": "Optionen",
    "show this help message and exit": "diese Hilfe anzeigen und beenden",
    "show program's version number and exit": "Programmversion anzeigen und beenden",
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


class _Fortschritt:
    """Progress on stderr: a line per stage, a percentage on a terminal."""

    def __init__(self) -> None:
        self.terminal = sys.stderr.isatty()
        self.letzte = ""

    def __call__(self, text: str, anteil: float | None) -> None:
        if anteil is None:
            self._ende()
            print(f"{text} …", file=sys.stderr, flush=True)
        elif self.terminal:
            self.letzte = f"\r{text}: {anteil:4.0%}"
            print(self.letzte, end="", file=sys.stderr, flush=True)
            if anteil >= 1:
                self._ende()
        elif anteil >= 1:
            print(f"{text}: fertig", file=sys.stderr, flush=True)

    def _ende(self) -> None:
        if self.letzte:
            print(file=sys.stderr)
            self.letzte = ""


def _store_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--store",
        type=Path,
        default=None,
        metavar="PFAD",
        help=f"Datenbestand (SQLite-Datei); Standard: {standardpfad()} "
        "oder die Umgebungsvariable ZIELSTEUERUNG_STORE",
    )


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="zielsteuerung",
        description="Zielsteuerung nach § 48b SGB II: Grunddaten importieren, Kennzahlen nach "
        "§ 48a berechnen und Zielvereinbarungen auswerten.",
        epilog="Rückgabewerte: 0 = erfolgreich, 2 = fehlerhafte Eingabe, 3 = Datenbestand "
        "belegt, 1 = interner Fehler.",
    )
    p.add_argument("--version", action="version", version=f"zielsteuerung {__version__}")
    p.add_argument("--debug", action="store_true", help="bei internen Fehlern die Details zeigen")
    sub = p.add_subparsers(dest="befehl", metavar="BEFEHL", required=True)

    imp = sub.add_parser(
        "import",
        help="Grunddaten-Dateien (CSV, .xlsx) in den Datenbestand übernehmen",
        description="Übernimmt Grunddaten (CSV oder .xlsx) in den Datenbestand. Jede Datei "
        "wird vollständig geprüft, bevor etwas gespeichert wird; bei Fehlern bleibt der "
        "Datenbestand unverändert. Eine bereits importierte Datei wird übersprungen.",
    )
    imp.add_argument("dateien", nargs="+", type=Path, metavar="DATEI")
    _store_argument(imp)
    imp.add_argument(
        "--mapping",
        type=Path,
        metavar="DATEI",
        help="Spaltenzuordnung (TOML) für Tabellen in anderem Aufbau, siehe "
        "docs/spaltenzuordnung.md",
    )

    def auswahl(q: argparse.ArgumentParser) -> None:
        _store_argument(q)
        q.add_argument(
            "--vereinbarung",
            type=Path,
            metavar="DATEI",
            help="Zielvereinbarung (TOML); Standard: Kreis Kleve 2023 (eingebaut)",
        )
        q.add_argument("--traeger", metavar="ID", help="Regionalschlüssel des Trägers, z. B. 05154")
        q.add_argument("--jahr", type=int, metavar="JJJJ", help="Jahr der Auswertung")
        q.add_argument(
            "--bis-monat",
            type=int,
            choices=range(1, 13),
            metavar="M",
            help="letzter ausgewerteter Monat (1–12); Standard: letzter Monat mit Daten",
        )
        q.add_argument("--wartezeit", choices=WARTEZEITEN, help="T0 (vorläufig) oder T3 (final)")
        q.add_argument(
            "--format", choices=("table", "json", "csv"), default="table", help="Ausgabeformat"
        )

    ausw = sub.add_parser(
        "auswerten",
        help="eine Zielvereinbarung auswerten",
        description="Wertet eine Zielvereinbarung aus: Vorjahr, aktueller Wert, Veränderung, "
        "Zielwert, Abstand und Status je Ziel. Träger, Jahr und Wartezeit kommen aus der "
        "Vereinbarung, sofern nicht angegeben.",
    )
    auswahl(ausw)

    kz = sub.add_parser(
        "kennzahlen",
        help="monatliche Kennzahlen nach § 48a eines Trägers",
        description="Zeigt die monatlichen Kennzahlen nach § 48a SGB II eines Trägers.",
    )
    _store_argument(kz)
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
    kz.add_argument("--format", choices=("table", "json", "csv"), default="table")

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
    mappe.set_defaults(format="table")

    vorlage = sub.add_parser(
        "vorlage",
        help="die leere Standard-Arbeitsmappe erzeugen (workbook_templates/)",
        description="Erzeugt die leere Standard-Controlling-Arbeitsmappe, reproduzierbar.",
    )
    vorlage.add_argument("-o", "--ausgabe", type=Path, required=True, metavar="DATEI")

    bilder = sub.add_parser(
        "bilder",
        help="Blätter einer Arbeitsmappe als PNG-Bilder ausgeben (mit LibreOffice)",
        description="Öffnet die Arbeitsmappe in LibreOffice (ohne Bildschirm), rechnet neu, "
        "druckt die gewählten Blätter als PDF und wandelt die Seiten in PNG-Bilder um.",
    )
    bilder.add_argument("mappe", type=Path, metavar="MAPPE")
    bilder.add_argument("-o", "--ordner", type=Path, required=True, metavar="ORDNER")
    bilder.add_argument(
        "--blatt",
        action="append",
        metavar="NAME",
        help="Blatt (mehrfach möglich); Standard: Übersicht, Gender, Verlauf",
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
    demo.add_argument("--format", choices=("table", "json"), default="table")

    ver = sub.add_parser(
        "vereinbarung",
        help="Vorlage einer Zielvereinbarung ausgeben oder eine Datei prüfen",
        description="Ohne DATEI: gibt die eingebaute Zielvereinbarung Kreis Kleve 2023 als "
        "Vorlage aus. Mit DATEI: prüft die Datei und meldet alle Fehler.",
    )
    ver.add_argument("datei", nargs="?", type=Path, metavar="DATEI")
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
                     help="pythonw.exe für Excel (leer: aus den Einstellungen)")  # fmt: skip
    inst = addin_sub.add_parser("install", help="Add-in unter Windows installieren")
    inst.add_argument("--store", metavar="PFAD", help="Datenbestand für die Funktionen ZIEL_*")
    inst.add_argument("--dry-run", action="store_true", help="nur anzeigen, was geschähe")
    deinst = addin_sub.add_parser("uninstall", help="Add-in entfernen")
    deinst.add_argument("--dry-run", action="store_true", help="nur anzeigen, was geschähe")
    addin.set_defaults(funktion=_addin)

    from .ministerium import registrieren

    registrieren(sub, auswahl)

    best = sub.add_parser(
        "bestand", help="importierte Dateien mit Herkunft (Dateiname, SHA-256, Zeitpunkt) zeigen"
    )
    _store_argument(best)
    return p


def _traeger(text: str | None) -> str | None:
    """A Träger as the user typed it: Regionalschlüssel, BA Jobcenter number or name."""
    if text is None:
        return None
    traeger_id, _ = TraegerAufloesung().aufloesen(text)
    if traeger_id is None:
        raise EingabeFehler(
            f"Träger „{text}“ unbekannt; bitte den 5-stelligen Regionalschlüssel angeben "
            "(z. B. 05154)."
        )
    return traeger_id


def _vereinbarung(args: argparse.Namespace) -> Zielvereinbarung:
    return lade_vereinbarung(args.vereinbarung) if args.vereinbarung else beispiel()


def _store(args: argparse.Namespace) -> Path:
    return args.store or standardpfad()


def _import(args: argparse.Namespace) -> int:
    from ..daten.importer import importiere
    from ..daten.zuordnung import lade

    zuordnung = lade(args.mapping) if args.mapping else None
    ergebnisse = importiere(args.dateien, _store(args), zuordnung, _Fortschritt())
    for e in ergebnisse:
        for w in e.warnungen:
            print(f"Warnung: {w}", file=sys.stderr)
        if e.bereits_importiert:
            print(f"{e.datei}: bereits importiert (gleicher Inhalt), nichts hinzugefügt.")
        else:
            print(
                f"{e.datei}: {zahl(e.zeilen)} Werte geprüft, {zahl(e.neu)} neu gespeichert"
                + (f" ({HINWEIS_BEISPIELDATEN})" if e.beispieldaten else "")
                + "."
            )
    print(f"Datenbestand: {_store(args)}")
    return 0


def _ausgeben(a_format: str, auswertung: Auswertung) -> None:
    if a_format == "json":
        print(json.dumps(auswertung.als_json(), ensure_ascii=False, indent=2))
    elif a_format == "csv":
        sys.stdout.write(auswertung_als_csv(auswertung))
    else:
        print(auswertung_als_text(auswertung))


def _auswerten(args: argparse.Namespace) -> int:
    vereinbarung = _vereinbarung(args)
    with Datenbestand(_store(args)) as db:
        ergebnis = auswerten(
            db, vereinbarung, _traeger(args.traeger), args.jahr, args.bis_monat, args.wartezeit
        )
    _ausgeben(args.format, ergebnis)
    return 0


def _monat_argument(text: str | None, name: str) -> int | None:
    if text is None:
        return None
    wert = monate.parse_monat(text)
    if wert is None:
        raise EingabeFehler(f"{name} „{text}“ ist kein Monat; erwartet JJJJ-MM.")
    return wert


def _kennzahlen(args: argparse.Namespace) -> int:
    args.traeger = _traeger(args.traeger)
    with Datenbestand(_store(args)) as db:
        werte = db.neueste_werte(args.wartezeit, [args.traeger])
        beispiel = any(
            i.beispieldaten for i in db.importe() if i.import_id in set(werte["import_id"])
        )
    if werte.empty:
        raise EingabeFehler(
            f"Für Träger {args.traeger} liegen keine Daten mit Wartezeit {args.wartezeit} vor."
        )
    panel = Panel(werte, args.wartezeit, [args.traeger])
    bis = _monat_argument(args.bis, "--bis") or panel.letzter
    von = _monat_argument(args.von, "--von") or bis - 23
    if von > bis:
        raise EingabeFehler("--von liegt nach --bis.")
    geschlechter = (args.geschlecht,) if args.geschlecht else GESCHLECHTER
    lang = monatskennzahlen(panel, args.traeger, von, bis, args.kennzahl, geschlechter)
    lang["monat"] = lang["monat"].map(monate.als_text)
    if args.format == "json":
        eintraege = [
            {
                "traeger_id": args.traeger,
                "monat": z["monat"],
                "kennzahl": z["code"],
                "geschlecht": z["geschlecht"],
                "wert": None if z["wert"] != z["wert"] else z["wert"],
                "grund": z["grund"] if isinstance(z["grund"], str) else None,
            }
            for z in lang.to_dict("records")
        ]
        print(
            json.dumps(
                {"wartezeit": args.wartezeit, "kennzahlen": eintraege}, ensure_ascii=False, indent=2
            )
        )
    elif args.format == "csv":
        hinweis = [HINWEIS_BEISPIELDATEN if beispiel else ""]
        sys.stdout.write(
            csv_text(
                ["traeger_id", "monat", "kennzahl", "geschlecht", "wert", "grund", "hinweis"],
                ([args.traeger, *z, *hinweis] for z in lang.itertuples(index=False, name=None)),
            )
        )
    else:
        breit = lang.pivot_table(
            index=["code", "geschlecht"],
            columns="monat",
            values="wert",
            aggfunc="first",
            dropna=False,
            sort=False,
        )
        if beispiel:
            print(f"*** {HINWEIS_BEISPIELDATEN} ***")
        print(
            f"Kennzahlen nach § 48a SGB II (in %), Träger {args.traeger}, Wartezeit "
            f"{args.wartezeit}; – = nicht berechenbar (Gründe mit --format csv)"
        )
        print(
            tabelle(
                ["Kennzahl", "Geschlecht", *breit.columns],
                (
                    [code, g, *(zahl(v, 1) for v in zeile)]
                    for (code, g), zeile in zip(breit.index, breit.to_numpy(), strict=True)
                ),
                set(range(2, len(breit.columns) + 2)),
            )
        )
    return 0


def _demo(args: argparse.Namespace) -> int:
    from ..daten.beispieldaten import BEISPIEL_PLANUNG as PLAN
    from ..daten.beispieldaten import beispiel_mittel, erzeuge_beispieldaten
    from ..daten.importer import importiere
    from ..kern.monate import MONATE
    from ..mappe.aktualisieren import arbeitsmappe

    ordner: Path = args.ordner
    ordner.mkdir(parents=True, exist_ok=True)
    csv_pfad = ordner / "beispieldaten-keine-amtlichen-werte.csv"
    store: Path = args.store or ordner / "beispiel-datenbestand.sqlite"
    print(f"{HINWEIS_BEISPIELDATEN}: erzeuge synthetische Grunddaten …", file=sys.stderr)
    erzeuge_beispieldaten().to_csv(csv_pfad, sep=";", index=False, encoding="utf-8")
    store.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=store.parent) as tmp:  # a fresh store, swapped in whole
        neu = Path(tmp) / store.name
        importiere([csv_pfad], neu, None, _Fortschritt())
        for rest in (store.with_name(store.name + "-wal"), store.with_name(store.name + "-shm")):
            rest.unlink(missing_ok=True)
        os.replace(neu, store)
    with Datenbestand(store) as db:
        ergebnis = auswerten(db, beispiel(), plaene=PLAN)
    _ausgeben(args.format, ergebnis)
    mappe = ordner / "controlling-beispiel.xlsx"
    mappe.unlink(missing_ok=True)  # the demo workbook is always built fresh
    planung = [{"Ziel_ID": i, **dict(zip(MONATE, w, strict=True))} for i, w in PLAN.items()]
    arbeitsmappe(mappe, store, beispiel(), mittel=beispiel_mittel(2023), planung=planung)
    print(
        f"\nBeispieldaten: {csv_pfad}\nDatenbestand: {store}\nArbeitsmappe: {mappe}\n"
        f"Weiter z. B. mit: zielsteuerung auswerten --store {store} --bis-monat 6",
        file=sys.stderr,
    )
    return 0


def _arbeitsmappe(args: argparse.Namespace) -> int:
    from ..daten.mitteldatei import csv_lesen
    from ..mappe.aktualisieren import arbeitsmappe

    ergebnis = arbeitsmappe(
        args.ausgabe,
        args.store,
        lade_vereinbarung(args.vereinbarung) if args.vereinbarung else None,
        _traeger(args.traeger),
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


def _bilder(args: argparse.Namespace) -> int:
    from ..mappe.libreoffice import als_bilder

    for bild in als_bilder(
        args.mappe, args.blatt or ["Übersicht", "Gender", "Verlauf"], args.ordner
    ):
        print(bild)
    return 0


def _addin(args: argparse.Namespace) -> int:
    from ..excel import addin

    if args.addin_befehl == "build":
        print(f"Add-in gebaut: {addin.bauen(args.ausgabe, args.interpreter)}")
        return 0
    if args.addin_befehl == "install":
        zeilen = addin.installieren(args.store, args.dry_run)
    else:
        zeilen = addin.deinstallieren(args.dry_run)
    print("\n".join(zeilen))
    return 0


def _vorlage(args: argparse.Namespace) -> int:
    from ..mappe.vorlage import vorlage_erzeugen

    vorlage_erzeugen(args.ausgabe)
    print(f"Vorlage geschrieben: {args.ausgabe}")
    return 0


def _vereinbarung_befehl(args: argparse.Namespace) -> int:
    if args.datei is None:
        if args.ausgabe:
            args.ausgabe.write_text(beispiel_text(), encoding="utf-8")
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


def _bestand(args: argparse.Namespace) -> int:
    with Datenbestand(_store(args)) as db:
        importe = db.importe()
    print(f"Datenbestand: {_store(args)}")
    print(
        tabelle(
            ["Nr.", "Datei", "importiert am", "Werte", "SHA-256", "Hinweis"],
            (
                [
                    str(i.import_id),
                    i.dateiname,
                    i.importiert_am,
                    zahl(i.zeilen),
                    i.sha256[:16] + "…",
                    HINWEIS_BEISPIELDATEN if i.beispieldaten else "",
                ]
                for i in importe
            ),
            {0, 3},
        )
    )
    return 0


_BEFEHLE = {
    "import": _import,
    "auswerten": _auswerten,
    "kennzahlen": _kennzahlen,
    "demo": _demo,
    "arbeitsmappe": _arbeitsmappe,
    "vorlage": _vorlage,
    "bilder": _bilder,
    "vereinbarung": _vereinbarung_befehl,
    "bestand": _bestand,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        befehl = getattr(args, "funktion", None) or _BEFEHLE[args.befehl]
        return int(befehl(args))
    except ZielsteuerungFehler as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("Abgebrochen.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into a program that stopped reading (e.g. head)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        if args.debug:
            raise
        print(
            f"Interner Fehler ({type(exc).__name__}: {exc}). Bitte mit --debug erneut "
            "ausführen und die Ausgabe an den Support senden.",
            file=sys.stderr,
        )
        return 1


def run() -> None:
    """Console-script entry point."""
    for strom in (sys.stdout, sys.stderr):
        if not strom.isatty() and isinstance(strom, io.TextIOWrapper):
            strom.reconfigure(encoding="utf-8")  # redirected output is UTF-8, also on Windows
    sys.exit(main())
