"""What several commands share: progress on stderr, and the store, Träger, agreement and month
as the user gave them.
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
