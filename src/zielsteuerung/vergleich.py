"""Peer comparison ("Vergleich"): the Träger's target values ranked within a group."""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook

from .auswertung import Auswertung
from .datenbestand import Datenbestand
from .vereinbarung import Zielvereinbarung


def vergleich_berechnen(
    db: Datenbestand, vereinbarung: Zielvereinbarung, auswertung: Auswertung, gruppe: list[str]
) -> Any:
    """The comparison data for the sheet "Vergleich", or None where there is nothing to compare."""
    return None


def vergleich_schreiben(wb: Workbook, vergleich: Any) -> None:
    """Write (or refresh) the sheet "Vergleich" of the controlling workbook."""
