"""What a user of the controlling workbook waits for: the ZIEL_ worksheet functions (cold,
warm, a sheet of 1,000 cells) and refreshing the workbook against a blank openpyxl write of the
same cells."""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import daten
from messen import abwechselnd, einmal, gerundet, log, median, verhaeltnis, ziel

CACHE = daten.CACHE
STORE = CACHE / "national.sqlite"
MAPPE = CACHE / "controlling-national.xlsx"
EINSTELLUNGEN = CACHE / "einstellungen.toml"
BASIS_MAPPE = CACHE / "openpyxl-basis.xlsx"
JAHR, BIS_MONAT, WARTEZEIT = 2023, 12, "T0"  # the built-in agreement: 2023, T0


# --- 4. worksheet functions ---------------------------------------------------------------------


def _zellen(traeger_id: str) -> list[tuple[Callable[..., Any], tuple[Any, ...]]]:
    """1,000 cells as a controlling sheet would hold them: every target and status per month,
    then year-to-date values of every indicator, geschlecht and month (Excel passes floats)."""
    from zielsteuerung.excel import udfs
    from zielsteuerung.kern.kennzahlen import JAHRESWERTE

    t, j, w = traeger_id, float(JAHR), WARTEZEIT
    ziele = [
        udfs.ZIEL_INTEGRATIONEN,
        udfs.ZIEL_K2,
        udfs.ZIEL_ABSTAND,
        udfs.ZIEL_K3,
        udfs.ZIEL_INTEGRATIONEN_LZB,
    ]
    ids = ["integrationen", "k2", "k2_abstand", "k3", "integrationen_lzb"]
    zellen: list[tuple[Callable[..., Any], tuple[Any, ...]]] = []
    for m in range(1, 13):
        zellen += [(f, (j, float(m), t, w)) for f in ziele]
        zellen += [(udfs.ZIEL_STATUS, (i, j, float(m), t, w)) for i in ids]
    for code in JAHRESWERTE:
        for g in ("gesamt", "frauen", "maenner"):
            zellen += [(udfs.ZIEL_WERT, (code, j, float(m), t, w, g)) for m in range(1, 13)]
    return zellen[:1000]


def udf_messen(traeger_id: str, runden: int = 5) -> dict[str, Any]:
    EINSTELLUNGEN.write_text(f"datenbestand = {json.dumps(str(STORE))}\n", encoding="utf-8")
    os.environ["ZIELSTEUERUNG_EINSTELLUNGEN"] = str(EINSTELLUNGEN)
    from zielsteuerung.excel import udfs
    from zielsteuerung.excel import zielfunktionen as zf

    argumente = (float(JAHR), 6.0, traeger_id, WARTEZEIT)
    log("worksheet functions: cold and warm calls …")

    def kalt() -> Any:
        zf.cache_leeren()
        return udfs.ZIEL_K2(*argumente)

    einzeln, letzte = abwechselnd(
        {"kalt": (kalt, 1), "warm": (lambda: udfs.ZIEL_K2(*argumente), 200)}, runden
    )
    zellen = _zellen(traeger_id)
    log(f"worksheet functions: {len(zellen)} cells, first pass after a cache clear and warm …")

    def erster_durchgang() -> list[Any]:
        zf.cache_leeren()  # as after an import
        return [f(*a) for f, a in zellen]

    blatt, werte = abwechselnd(
        {"erste": (erster_durchgang, 1), "warm": (lambda: [f(*a) for f, a in zellen], 2)}, runden
    )
    fehler = sum(isinstance(x, str) and x.startswith(zf.FEHLERZEICHEN) for x in werte["erste"])
    tab_argumente = (float(JAHR), float(BIS_MONAT), traeger_id, WARTEZEIT)

    def tabelle_kalt() -> Any:
        zf.cache_leeren()
        return udfs.ZIEL_TABELLE(*tab_argumente)

    tabelle, tab_letzte = abwechselnd(
        {"kalt": (tabelle_kalt, 1), "warm": (lambda: udfs.ZIEL_TABELLE(*tab_argumente), 20)}, runden
    )
    kalt_warm = einzeln["kalt"].min / einzeln["warm"].min
    erste_warm = verhaeltnis(blatt["erste"], blatt["warm"])
    log(
        f"  cold {einzeln['kalt'].min * 1e3:.1f} ms, warm {einzeln['warm'].min * 1e6:.0f} µs; "
        f"cells first {blatt['erste'].min:.2f} s, warm {blatt['warm'].min:.3f} s"
    )
    wert = letzte["kalt"]
    return {
        "call": f"ZIEL_K2({JAHR}.0, 6.0, {traeger_id!r}, {WARTEZEIT!r})",
        "value": wert if isinstance(wert, str) else gerundet(wert, 6),
        "warm_value_equal": wert == letzte["warm"],
        "cold": einzeln["kalt"].json(),
        "warm": einzeln["warm"].json(),
        "ratio_cold_to_warm": gerundet(kalt_warm, 4),
        **ziel("cold_vs_warm", kalt_warm),
        "cells": {
            "count": len(zellen),
            "mix": "60 target changes + 60 ZIEL_STATUS (5 targets x 12 months), "
            f"{len(zellen) - 120} ZIEL_WERT (indicator x geschlecht x month)",
            "cells_with_error": fehler,
            "first_pass_after_cache_clear": blatt["erste"].json(),
            "warm_pass": blatt["warm"].json(),
            **erste_warm,
            **ziel("cells_first_pass_vs_warm", erste_warm["ratio"]),
            "per_cell_warm_us": gerundet(blatt["warm"].min / len(zellen) * 1e6),
            "ziel_tabelle_cold": tabelle["kalt"].json(),
            "ziel_tabelle_warm": tabelle["warm"].json(),
            "ziel_tabelle_rows": len(tab_letzte["kalt"])
            if isinstance(tab_letzte["kalt"], list)
            else tab_letzte["kalt"],
            "ratio_cells_first_pass_to_tabelle_cold": gerundet(
                blatt["erste"].min / tabelle["kalt"].min, 4
            ),
        },
    }


# --- 5. refreshing the controlling workbook -----------------------------------------------------


def _tabelleninhalt(pfad: Path) -> tuple[dict[str, list[list[Any]]], int]:
    """Every table of the workbook as rows of values, and its count of non-empty cells."""
    from openpyxl import load_workbook
    from openpyxl.utils import range_boundaries

    wb = load_workbook(pfad)
    inhalt: dict[str, list[list[Any]]] = {}
    anzahl = 0
    for ws in wb.worksheets:
        for tabelle in ws.tables.values():
            c1, r1, c2, r2 = range_boundaries(tabelle.ref)
            zeilen = [[ws.cell(r, c).value for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]
            inhalt[tabelle.displayName] = zeilen
            anzahl += sum(v not in (None, "") for z in zeilen for v in z)
    return inhalt, anzahl


def _basis_schreiben(inhalt: dict[str, list[list[Any]]]) -> None:
    """The same values into a blank workbook, one sheet per table, and save."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, zeilen in inhalt.items():
        ws = wb.create_sheet(name[:31])
        for r, zeile in enumerate(zeilen, start=1):
            for c, wert in enumerate(zeile, start=1):
                if wert not in (None, ""):
                    ws.cell(r, c, wert)
    wb.save(BASIS_MAPPE)


def arbeitsmappe_messen(traeger_id: str, runden: int = 5) -> dict[str, Any]:
    from zielsteuerung.bericht.auswerten import Ausschnitt
    from zielsteuerung.bericht.bericht import erstelle_bericht
    from zielsteuerung.daten.datenbestand import Datenbestand
    from zielsteuerung.daten.vereinbarungen import beispiel
    from zielsteuerung.mappe.aktualisieren import arbeitsmappe, bericht_schreiben
    from zielsteuerung.mappe.datei import laden, speichern

    MAPPE.unlink(missing_ok=True)
    log("controlling workbook: create, refresh once, then refresh and blank write in turns …")
    anlegen, _, _ = einmal(
        lambda: arbeitsmappe(MAPPE, STORE, beispiel(), traeger_id, JAHR, None, WARTEZEIT)
    )
    erste, _, _ = einmal(lambda: arbeitsmappe(MAPPE))
    inhalt, zellen = _tabelleninhalt(MAPPE)
    reihen, _ = abwechselnd(
        {
            "refresh": (lambda: arbeitsmappe(MAPPE), 1),
            "blank": (lambda: _basis_schreiben(inhalt), 1),
        },
        runden,
        aufraeumen=True,
    )

    # where a refresh spends its time (the steps arbeitsmappe() takes)
    zerlegung = MAPPE.with_name("zerlegung.xlsx")
    v = beispiel()

    def bericht() -> Any:
        with Datenbestand(STORE) as db:
            return erstelle_bericht(db, v, Ausschnitt(traeger_id, JAHR, None, WARTEZEIT))

    teile: dict[str, list[float]] = {
        k: [] for k in ("load_workbook_s", "erstelle_bericht_s", "bericht_schreiben_s", "save_s")
    }
    gc.disable()  # as arbeitsmappe() runs these steps: without the search for reference cycles
    for _ in range(runden):
        sekunden, _, wb = einmal(lambda: laden(MAPPE))
        teile["load_workbook_s"].append(sekunden)
        sekunden, _, b = einmal(bericht)
        teile["erstelle_bericht_s"].append(sekunden)
        teile["bericht_schreiben_s"].append(einmal(partial(bericht_schreiben, wb, b))[0])
        teile["save_s"].append(einmal(partial(speichern, wb, zerlegung))[0])
        del wb, b  # the next round loads with nothing of this one left, as a refresh does
        gc.collect()
    gc.enable()
    zerlegung.unlink(missing_ok=True)

    v_ = verhaeltnis(reihen["refresh"], reihen["blank"])
    log(
        f"  refresh {reihen['refresh'].min:.2f} s, blank write {reihen['blank'].min:.2f} s "
        f"({zellen} cells)"
    )
    return {
        "traeger_id": traeger_id,
        "create_s": gerundet(anlegen),
        "first_refresh_s": gerundet(erste),
        "refresh": reihen["refresh"].json(),
        "blank_write": reihen["blank"].json(),
        "cells_in_tables": zellen,
        "tables": {name: len(zeilen) - 1 for name, zeilen in inhalt.items()},
        **v_,
        **ziel("refresh_vs_blank_write", v_["ratio"]),
        "refresh_parts": {
            k: {"min_s": gerundet(min(s)), "median_s": gerundet(median(s))}
            for k, s in teile.items()
        },
        "workbook_bytes": MAPPE.stat().st_size,
        "repetitions": {"rounds": runden, "statistic": "minimum (median beside it)"},
    }
