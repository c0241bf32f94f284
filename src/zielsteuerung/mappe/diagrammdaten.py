"""The data behind the charts that the openpyxl writer and the ribbon button both write (no
openpyxl here): the marker of a block of chart data, month names on an axis, a path split at
the evaluated month."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: The first cell of a block of chart data we write (and rewrite) beside the tables.
HILFSDATEN = "Daten der Diagramme (bei jeder Aktualisierung neu geschrieben)"

#: Month names on the axis of a chart over the whole year (the year stands in the legend).
MONATE_KURZ = ("Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez")


def pfad_geteilt(werte: Sequence[float | None], bis: int) -> tuple[list[Any], list[Any]]:
    """A path as two series: through month ``bis`` and (dotted) from there to December."""
    return (
        [w if m < bis else None for m, w in enumerate(werte)],
        [w if m >= bis - 1 else None for m, w in enumerate(werte)],
    )
