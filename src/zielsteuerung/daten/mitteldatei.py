"""The budget lines and monthly spending as a CSV file (``zielsteuerung arbeitsmappe --mittel``)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from ..fehler import EingabeFehler
from ..kern.mittel import SPALTEN, betrag_lesen, mittel_lesen
from ..textdatei import text_lesen


def csv_lesen(pfad: Path) -> list[dict[str, Any]]:
    """Rows of a CSV file with the columns of the sheet "Mittel" (``;`` or ``,`` separated),
    checked, with numbers as numbers."""
    try:
        if pfad.stat().st_size > 1_000_000:
            raise EingabeFehler(f"{pfad.name} ist größer als 1 MB; das ist keine Mitteltabelle.")
        text = text_lesen(pfad.read_bytes())
    except OSError as exc:
        raise EingabeFehler(f"{pfad.name} kann nicht gelesen werden ({exc.strerror}).") from None
    erste = text.splitlines()[0] if text.strip() else ""
    trenner = ";" if erste.count(";") >= erste.count(",") else ","
    leser = csv.DictReader(io.StringIO(text), delimiter=trenner)
    kopf = [k.strip() for k in leser.fieldnames or []]
    fehlend = [s for s in SPALTEN if s not in kopf]
    if fehlend:
        raise EingabeFehler(
            f"{pfad.name}: es fehlen die Spalten {', '.join(fehlend)}. Erwartet wird die "
            f"Kopfzeile: {';'.join(SPALTEN)}"
        )
    zeilen = [
        {k.strip(): v for k, v in z.items() if k is not None}
        for z in leser
        if any((v or "").strip() for v in z.values() if isinstance(v, str))
    ]
    mittel_lesen(zeilen, pfad.name)  # checked before anything is written
    return [
        {s: (z.get(s) or "").strip() if s == "Posten" else betrag_lesen(z.get(s)) for s in SPALTEN}
        for z in zeilen
    ]
