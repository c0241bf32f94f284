"""What several commands share: progress on stderr, the store, Träger, agreement and month
as the user gave them, and where a result goes (the screen or a file).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..daten.datenbestand import standardpfad
from ..daten.traeger import TraegerAufloesung, unbekannt
from ..daten.vereinbarungen import beispiel
from ..daten.vereinbarungen import lade as lade_vereinbarung
from ..fehler import EingabeFehler
from ..kern import monate
from ..kern.vereinbarung import Zielvereinbarung
from ..textdatei import ersetzen

#: ``--traeger alle``: every Träger of the store (``zielsteuerung auswerten``)
ALLE = "alle"


class Fortschritt:
    """Progress on stderr: a line per stage, a percentage on a terminal. Used as a context
    manager, a percentage left open by work that stopped is marked „abgebrochen“, so that the
    message that follows stands on a line of its own."""

    def __init__(self) -> None:
        self.terminal = sys.stderr.isatty()
        self.letzte = ""

    def __enter__(self) -> Fortschritt:
        return self

    def __exit__(self, art: type[BaseException] | None, *_: object) -> None:
        if art and self.letzte:
            print(" – abgebrochen", end="", file=sys.stderr)
        self._ende()

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


def traeger_aus_text(text: str | None) -> str | None:
    """A Träger as the user typed it: Regionalschlüssel, BA Jobcenter number or name."""
    if text is None:
        return None
    traeger_id, _ = TraegerAufloesung().aufloesen(text)
    if traeger_id is None:
        raise EingabeFehler(
            f"{unbekannt(text)}. Bitte den 5-stelligen Regionalschlüssel (z. B. 05154) oder den "
            "vollen Namen angeben."
        )
    return traeger_id


def vereinbarung_aus_args(args: argparse.Namespace) -> Zielvereinbarung:
    return lade_vereinbarung(args.vereinbarung) if args.vereinbarung else beispiel()


def store_pfad(args: argparse.Namespace) -> Path:
    return args.store or standardpfad()


def monat_argument(text: str | None, name: str) -> int | None:
    if text is None:
        return None
    wert = monate.parse_monat(text)
    if wert is None:
        raise EingabeFehler(f"{name} „{text}“ ist kein Monat; erwartet JJJJ-MM.")
    return wert


#: the file name ending of each output format (``-o DATEI``)
ENDUNGEN = {"csv": ".csv", "json": ".json", "table": ".txt"}


def ausgabeformat(args: argparse.Namespace) -> str:
    """The output format: ``--format``, else the one the ending of ``-o DATEI`` names, else a
    table. A file whose ending names another format (or none) is refused: ``-o`` must not
    write a table into a workbook by a slip of the keyboard."""
    ziel: Path | None = args.ausgabe
    if ziel is None:
        return str(args.format or "table")
    endung = ziel.suffix.lower()
    gewaehlt = args.format or next((f for f, e in ENDUNGEN.items() if e == endung), None)
    if gewaehlt is None:
        raise EingabeFehler(
            f"-o {ziel.name}: Die Endung bestimmt das Format; bitte .csv, .json oder .txt "
            f"(Tabelle) angeben, z. B. {ziel.stem}.csv."
        )
    if ENDUNGEN[gewaehlt] != endung:
        raise EingabeFehler(
            f"-o {ziel.name}: Für --format {gewaehlt} bitte einen Namen mit der Endung "
            f"{ENDUNGEN[gewaehlt]} angeben, z. B. {ziel.stem}{ENDUNGEN[gewaehlt]}."
        )
    return gewaehlt


def ausgeben(text: str, format_: str, ziel: Path | None) -> None:
    """A command's result: on stdout, or written whole to ``ziel`` and said so on stderr. CSV
    begins with a byte order mark: German Excel reads a CSV file without one as Windows-1252
    and shows „gefÃ¤hrdet“ for „gefährdet“."""
    if format_ == "csv":
        text = "\ufeff" + text
    if ziel is None:
        sys.stdout.write(text)
        return
    with ersetzen(ziel, "w", encoding="utf-8") as datei:
        datei.write(text)
    print(f"Geschrieben: {ziel}", file=sys.stderr)
