"""Command line: ``zielsteuerung import|auswerten|kennzahlen|demo|...`` (German help texts).

Exit codes: 0 success, 1 internal error, 2 wrong input (file, mapping, agreement, argument),
3 store in use by another process.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Callable, Sequence

from ..fehler import ZielsteuerungFehler
from .auswertung import befehl_auswerten, befehl_demo, befehl_kennzahlen
from .daten import befehl_bestand, befehl_import, befehl_vereinbarung
from .mappe import befehl_addin, befehl_arbeitsmappe, befehl_bilder, befehl_paket, befehl_vorlage
from .ministerium import befehl_export, befehl_konsolidieren
from .parser import parser

_BEFEHLE: dict[str, Callable[[argparse.Namespace], int]] = {
    "import": befehl_import,
    "auswerten": befehl_auswerten,
    "kennzahlen": befehl_kennzahlen,
    "demo": befehl_demo,
    "arbeitsmappe": befehl_arbeitsmappe,
    "vorlage": befehl_vorlage,
    "bilder": befehl_bilder,
    "vereinbarung": befehl_vereinbarung,
    "bestand": befehl_bestand,
    "addin": befehl_addin,
    "paket": befehl_paket,
    "export-ministerium": befehl_export,
    "konsolidieren": befehl_konsolidieren,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        befehl = _BEFEHLE[args.befehl]
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
