"""The data behind the charts that the openpyxl writer and the ribbon button both write (no
openpyxl here): the marker of a block of chart data, month names on an axis, a path split at
the evaluated month, and the series of the path and budget charts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..bericht.bericht import Bericht
from ..kern.zielpfad import Zielpfad

#: A block of chart data: its header and one row per month.
Block = tuple[list[str], list[list[Any]]]

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


def pfad_namen(jahr: int) -> list[str]:
    """The series of a target's path chart (``pfad_zeilen``)."""
    return [f"Ist {jahr}", "Zielpfad", "Zielpfad (weiter)", f"Vorjahr {jahr - 1}"]


def pfad_zeilen(pfad: Zielpfad | None, bis: int) -> list[list[Any]]:
    """Per month: actual, path through month ``bis``, path after it, prior year (all empty
    without a path)."""
    leer: list[float | None] = [None] * 12
    bisher, weiter = pfad_geteilt(pfad.pfad if pfad else leer, bis)
    ist, vorjahr = (pfad.ist, pfad.vorjahr) if pfad else (leer, leer)
    return [[ist[m], bisher[m], weiter[m], vorjahr[m]] for m in range(12)]


def mittel_namen(jahr: int) -> list[str]:
    """The series of the budget chart (``mittel_zeilen``)."""
    return [f"Ist {jahr}", "Pfad linear", "Pfad linear (weiter)", f"Pfad Vorjahr {jahr - 1}",
            "Pfad Vorjahr (weiter)"]  # fmt: skip


def mittel_zeilen(verlauf: Sequence[dict[str, Any]], bis: int) -> list[list[Any]]:
    """Per month: the share spent of all lines, and the linear and the prior year's path, each
    split after the last month with a share spent (month ``bis`` where there is none)."""
    leer: list[float | None] = [None] * 12
    ist_bis = max((m + 1 for m, z in enumerate(verlauf) if z["Ist"] is not None), default=bis)
    linear = pfad_geteilt([z["Pfad linear"] for z in verlauf] or leer, ist_bis)
    vorjahr = pfad_geteilt([z["Pfad Vorjahr"] for z in verlauf] or leer, ist_bis)
    ist = [z["Ist"] for z in verlauf] or leer
    return [[ist[m], linear[0][m], linear[1][m], vorjahr[0][m], vorjahr[1][m]] for m in range(12)]


def zielpfad_block(bericht: Bericht) -> Block:
    """The chart data of the sheet "Zielpfad": per month every target's ``pfad_zeilen``."""
    a = bericht.auswertung
    zeilen: list[list[Any]] = [[m] for m in MONATE_KURZ]
    for p in a.pfade:
        for zeile, werte in zip(zeilen, pfad_zeilen(p, a.bis_monat), strict=True):
            zeile += werte
    return ["Monat", *(s for _ in a.pfade for s in pfad_namen(a.jahr))], zeilen


def mittel_block(bericht: Bericht) -> Block | None:
    """The chart data of the sheet "Mittelausschöpfung" (None without spending)."""
    mittel, a = bericht.mittel, bericht.auswertung
    if mittel is None or not mittel.verlauf:
        return None
    zeilen = mittel_zeilen(mittel.verlauf, a.bis_monat)
    return ["Monat", *mittel_namen(a.jahr)], [
        [m, *w] for m, w in zip(MONATE_KURZ, zeilen, strict=True)
    ]
