"""Fixed values a mapping takes from the title rows above a table, where BA's downloads state
them: „Berichtsmonat Juli 2023, Wartezeit 3 Monate, Datenstand 20.11.2023“.

A mapping asks for it with ``"titel"`` as the fixed value (``datenstand = "titel"``), so that
one mapping serves every month's file. Only a label followed by its value counts; no label,
an unreadable value or two different ones are an error naming the title rows: a guess would
be silently wrong.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

import pandas as pd

from ..kern.monate import (
    als_name,
    als_text,
    aus_yyyymm,
    datum_text,
    parse_datum,
    parse_monat,
)
from .sammler import Sammler
from .zuordnung import AUS_DEM_TITEL, Spaltenzuordnung

_DATUM = r"(\d{1,2}\.\d{1,2}\.\d{2,4}|\d{4}-\d{2}-\d{2})"
_MONAT = r"([A-Za-zÄÖÜäöü]+\.?\s*\d{4}|\d{1,2}[./]\d{4}|\d{4}-\d{1,2})"


def _wartezeit(text: str) -> str | None:
    return {"0": "T0", "3": "T3"}.get(text)


#: per dimension: the label, an example of the fixed value for a message, and the patterns
#: of label and value with how the value is read (None: not readable)
_ANGABEN: dict[str, tuple[str, str, list[tuple[re.Pattern[str], Callable[[str], object]]]]] = {
    "datenstand": (
        "Datenstand",
        "2023-11-20",
        [(re.compile(rf"datenstand\W*(?:vom\W*)?{_DATUM}", re.I), parse_datum)],
    ),
    "berichtsmonat": (
        "Berichtsmonat",
        "2023-07",
        [(re.compile(rf"berichts(?:monat|zeitraum)\W*{_MONAT}", re.I), parse_monat)],
    ),
    "wartezeit": (
        "Wartezeit",
        "T3",
        [
            (re.compile(r"(ohne) wartezeit", re.I), lambda _: "T0"),
            (re.compile(r"wartezeit\W*(?:von\W*)?(\d+)\s*monat", re.I), _wartezeit),
            (re.compile(r"wartezeit\W*t\s*-?\s*(\d+)\b", re.I), _wartezeit),
        ],
    ),
}


def _zeigen(dim: str, wert: object) -> str:
    if dim == "datenstand":
        return datum_text(str(wert))
    if dim == "berichtsmonat":
        return als_name(int(str(wert)))
    return str(wert)


def aus_dem_titel(
    titel: list[tuple[int, str]], z: Spaltenzuordnung, s: Sammler
) -> tuple[Spaltenzuordnung, dict[str, str]]:
    """The mapping with each fixed value ``"titel"`` replaced by the value the title rows
    (row number, text) state; and what was taken, for the summary („Datenstand 20.11.2023
    (Zeile 3)“)."""
    gefragt = [d for d in _ANGABEN if z.feste_werte.get(d, "").strip().lower() == AUS_DEM_TITEL]
    if not gefragt:
        return z, {}
    feste = dict(z.feste_werte)
    genommen: dict[str, str] = {}
    zeilen = "; ".join(f"Zeile {nr}: „{text}“" for nr, text in titel) or "keine"
    for dim in gefragt:
        name, beispiel, muster = _ANGABEN[dim]
        gefunden: dict[object, int] = {}
        unlesbar = []
        for nr, text in titel:
            for regel, lesen in muster:
                for treffer in regel.finditer(text):
                    wert = lesen(treffer.group(1))
                    if wert is None:
                        unlesbar.append(f"„{treffer.group(0)}“ (Zeile {nr})")
                    else:
                        gefunden.setdefault(wert, nr)
        if len(gefunden) == 1 and not unlesbar:
            ((wert, nr),) = gefunden.items()
            feste[dim] = als_text(int(str(wert))) if dim == "berichtsmonat" else str(wert)
            genommen[dim] = f"{name} {_zeigen(dim, wert)} (Zeile {nr})"
            continue
        if unlesbar:
            grund = f"nicht lesbar: {', '.join(unlesbar)}"
        elif gefunden:
            werte = ", ".join(f"{_zeigen(dim, w)} (Zeile {n})" for w, n in gefunden.items())
            grund = f"mehrere Angaben: {werte}"
        else:
            grund = f"keine Angabe „{name} …“ gefunden (Titelzeilen: {zeilen})"
        s.fehler(
            f'{dim} = "titel" in der Spaltenzuordnung: {grund}. Bitte den Wert dort angeben '
            f'(z. B. {dim} = "{beispiel}").'
        )
    s.abbrechen_falls_noetig()
    return dataclasses.replace(z, feste_werte=feste), genommen


def gegen_spalten(
    daten: pd.DataFrame,
    fest: dict[str, str],
    genommen: dict[str, str],
    kopf: dict[str, str],
    s: Sammler,
) -> None:
    """Where a value was taken from the title but a column of the file gives it too (the
    column counts for its rows), every row must agree with the title: a file of another month
    or vintage than its title says is ambiguous, and an error naming both."""
    for dim, wie in genommen.items():
        if dim not in kopf:
            continue
        werte: set[object]
        if dim == "berichtsmonat":  # stored as YYYYMM, fixed as YYYY-MM
            werte = {aus_yyyymm(int(m)) for m in daten["monat"].unique()}
            erwartet: object = parse_monat(fest[dim])
        else:
            werte = {str(w) for w in pd.unique(daten[dim].dropna())}
            erwartet = fest[dim]
        if andere := [_zeigen(dim, w) for w in sorted(werte - {erwartet}, key=str)]:
            s.fehler(
                f"Der Titel nennt {wie}, die Spalte aber auch {', '.join(andere[:5])}"
                f"{' …' if len(andere) > 5 else ''}. Was gilt, ist nicht eindeutig: Gilt die "
                f'Spalte, {dim} = "titel" aus der Spaltenzuordnung nehmen; sonst die Datei '
                "prüfen.",
                None,
                kopf[dim],
            )
