"""Command line of the ministry's side: export-ministerium, konsolidieren."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any


def registrieren(sub: Any, auswahl: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add the ministry's subcommands; each sets ``funktion`` (args -> exit code)."""
