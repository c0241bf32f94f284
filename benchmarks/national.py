"""Benchmarks at national scale: one run, every figure side by side, one JSON object on stdout.

Run as ``benchmarks/run`` from the repository root. Progress goes to stderr. The synthetic
national history (benchmarks/daten.py) is generated once and cached in benchmarks/.cache/;
everything else (the store, the workbook) is rebuilt on every run, because building it is
what is measured. Nothing here asserts a time: our performance goals are reported with
"met": true/false.

Child processes: the import and the pandas baseline each run in a process of their own, so
that their peak memory (max RSS from ``os.wait4``) belongs to them alone.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import daten

HIER = Path(__file__).resolve().parent
CACHE = daten.CACHE
STORE = CACHE / "national.sqlite"
MAPPE = CACHE / "controlling-national.xlsx"
EINSTELLUNGEN = CACHE / "einstellungen.toml"
BASIS_MAPPE = CACHE / "openpyxl-basis.xlsx"
LETZTE = CACHE / "letzte-messung.json"
MIB = 1024 * 1024
JAHR, BIS_MONAT, WARTEZEIT = 2023, 12, "T0"  # the built-in agreement: 2023, T0

#: Performance goals (not assertions): name -> (text, test of the measured figure)
ZIELE: dict[str, tuple[str, Callable[[float], bool]]] = {
    "import_vs_read_csv": ("importiere <= 3 x pandas.read_csv", lambda r: r <= 3.0),
    "import_peak_memory": ("peak RSS of the national import < 1.5 GB (1.5e9 bytes)",
                           lambda b: b < 1.5e9),
    "all_vs_one": ("all 404 Jobcenters <= 20 x one", lambda r: r <= 20.0),
    "cold_vs_warm": ("warm call >= 100 x faster than a cold one", lambda r: r >= 100.0),
    "refresh_vs_blank_write": ("refresh <= 3 x openpyxl blank write", lambda r: r <= 3.0),
}  # fmt: skip


def log(text: str) -> None:
    print(f"[benchmark] {text}", file=sys.stderr, flush=True)


def ziel(name: str, wert: float) -> dict[str, Any]:
    text, test = ZIELE[name]
    return {"goal": text, "met": bool(test(wert))}


def median(werte: list[float]) -> float:
    return float(statistics.median(werte))


def gerundet(x: float, stellen: int = 4) -> float:
    return float(f"{x:.{stellen}g}") if x else 0.0


def messen(funktion: Callable[[], Any], n: int) -> tuple[list[float], Any]:
    """Seconds of n calls of funktion (each timed on its own) and the last result."""
    zeiten, ergebnis = [], None
    for _ in range(n):
        beginn = time.perf_counter()
        ergebnis = funktion()
        zeiten.append(time.perf_counter() - beginn)
    return zeiten, ergebnis


# --- child processes (peak memory of one task) ------------------------------------------------


def _rss_jetzt_mib() -> float:
    for zeile in Path("/proc/self/status").read_text().splitlines():
        if zeile.startswith("VmRSS:"):
            return int(zeile.split()[1]) / 1024
    return float("nan")


def kind(aufgabe: str, csv: Path, store: Path | None) -> None:
    """Run in a child process: one task, its seconds and baseline RSS as JSON on stdout."""
    import pandas as pd

    from zielsteuerung.daten.importer import importiere

    basis = _rss_jetzt_mib()  # interpreter + pandas + zielsteuerung, before the task
    beginn = time.perf_counter()
    if aufgabe == "import":
        assert store is not None
        ergebnis = importiere([csv], store)
        zeilen = ergebnis[0].neu
    elif aufgabe == "read_csv":
        zeilen = len(pd.read_csv(csv, sep=";"))
    elif aufgabe == "read_csv_str":  # what the importer asks of pandas: every column as text
        zeilen = len(pd.read_csv(csv, sep=";", dtype=str, keep_default_na=False))
    else:
        raise SystemExit(f"unknown task {aufgabe}")
    sekunden = time.perf_counter() - beginn
    print(json.dumps({"seconds": sekunden, "rows": zeilen, "rss_baseline_mib": basis}))


def im_kindprozess(aufgabe: str, csv: Path, store: Path | None = None) -> dict[str, Any]:
    befehl = [sys.executable, str(Path(__file__).resolve()), "--kind", aufgabe, str(csv)]
    if store is not None:
        befehl.append(str(store))
    prozess = subprocess.Popen(befehl, stdout=subprocess.PIPE, text=True)
    assert prozess.stdout is not None
    ausgabe = prozess.stdout.read()
    prozess.stdout.close()
    _, status, nutzung = os.wait4(prozess.pid, 0)  # this child's own resource usage
    prozess.returncode = os.waitstatus_to_exitcode(status)
    if prozess.returncode != 0:
        raise SystemExit(f"child process {aufgabe} failed with exit code {prozess.returncode}")
    ergebnis = json.loads(ausgabe)
    ergebnis["peak_rss_bytes"] = nutzung.ru_maxrss * 1024  # Linux: KiB
    return ergebnis


# --- 1. import against pandas.read_csv ---------------------------------------------------------


def _vorwaermen(pfad: Path) -> None:
    """Read the file once so that both contestants find it in the page cache."""
    with open(pfad, "rb") as datei:
        while datei.read(16 * MIB):
            pass


def _store_entfernen() -> None:
    for pfad in (STORE, STORE.with_name(STORE.name + "-wal"), STORE.with_name(STORE.name + "-shm")):
        pfad.unlink(missing_ok=True)


def _median_lauf(laeufe: list[dict[str, Any]]) -> dict[str, Any]:
    """Median seconds and peak memory of several child runs, with the single runs."""
    return {
        "seconds": median([lauf["seconds"] for lauf in laeufe]),
        "peak_rss_bytes": median([lauf["peak_rss_bytes"] for lauf in laeufe]),
        "runs_s": [gerundet(lauf["seconds"]) for lauf in laeufe],
    }


def import_messen(csv: Path, n_pandas: int = 3) -> dict[str, Any]:
    _vorwaermen(csv)
    log(f"pandas.read_csv of the national file ({n_pandas}x, child processes) …")
    pandas_ = _median_lauf([im_kindprozess("read_csv", csv) for _ in range(n_pandas)])
    log(f"  {pandas_['seconds']:.2f} s")
    log(f"pandas.read_csv with dtype=str ({n_pandas}x, child processes) …")
    pandas_str = _median_lauf([im_kindprozess("read_csv_str", csv) for _ in range(n_pandas)])
    log(f"  {pandas_str['seconds']:.2f} s")
    log("importiere into a fresh store (child process) …")
    _store_entfernen()
    imp = im_kindprozess("import", csv, STORE)
    log(f"  {imp['seconds']:.1f} s, peak RSS {imp['peak_rss_bytes'] / MIB:.0f} MiB")
    verhaeltnis = imp["seconds"] / pandas_["seconds"]
    return {
        "rows_stored": imp["rows"],
        "store_bytes": STORE.stat().st_size,
        "importiere_s": gerundet(imp["seconds"]),
        "read_csv_s": gerundet(pandas_["seconds"]),
        "read_csv_runs_s": pandas_["runs_s"],
        "ratio": gerundet(verhaeltnis, 3),
        **ziel("import_vs_read_csv", verhaeltnis),
        "read_csv_dtype_str_s": gerundet(pandas_str["seconds"]),
        "ratio_to_read_csv_dtype_str": gerundet(imp["seconds"] / pandas_str["seconds"], 3),
        "memory": {
            "import_peak_rss_mib": round(imp["peak_rss_bytes"] / MIB, 1),
            "import_peak_rss_gb": round(imp["peak_rss_bytes"] / 1e9, 3),
            "read_csv_peak_rss_mib": round(pandas_["peak_rss_bytes"] / MIB, 1),
            "read_csv_dtype_str_peak_rss_mib": round(pandas_str["peak_rss_bytes"] / MIB, 1),
            "baseline_rss_mib": round(imp["rss_baseline_mib"], 1),
            "ratio_to_read_csv": gerundet(imp["peak_rss_bytes"] / pandas_["peak_rss_bytes"], 3),
            **ziel("import_peak_memory", imp["peak_rss_bytes"]),
        },
        "repetitions": {"importiere": 1, "read_csv": n_pandas, "statistic": "median"},
        "note": "one import per run (it builds the store the other measurements use); "
        "both contestants read the file from the page cache",
    }


# --- 2. evaluating the agreement: all 404 against one ----------------------------------------


def auswertung_messen(traeger_id: str, n_alle: int = 3, n_einer: int = 5) -> dict[str, Any]:
    from zielsteuerung.daten.datenbestand import Datenbestand
    from zielsteuerung.daten.vereinbarungen import beispiel
    from zielsteuerung.kern.auswertung import auswerten_panel
    from zielsteuerung.kern.kennzahlen import Panel

    vereinbarung = beispiel()

    def alle() -> tuple[list[float], Any]:
        with Datenbestand(STORE) as db:
            t0 = time.perf_counter()
            werte = db.neueste_werte(WARTEZEIT)
            t1 = time.perf_counter()
            panel = Panel(werte, WARTEZEIT)
            t2 = time.perf_counter()
            tabelle = auswerten_panel(panel, vereinbarung, JAHR, BIS_MONAT)
            t3 = time.perf_counter()
        return [t1 - t0, t2 - t1, t3 - t2], tabelle

    def einer() -> tuple[list[float], Any]:
        eigene = dataclasses.replace(vereinbarung, traeger_id=traeger_id)
        with Datenbestand(STORE) as db:
            t0 = time.perf_counter()
            werte = db.neueste_werte(WARTEZEIT, [traeger_id])
            t1 = time.perf_counter()
            panel = Panel(werte, WARTEZEIT, [traeger_id])
            t2 = time.perf_counter()
            tabelle = auswerten_panel(panel, eigene, JAHR, BIS_MONAT)
            t3 = time.perf_counter()
        return [t1 - t0, t2 - t1, t3 - t2], tabelle

    log(f"evaluating the agreement for all Träger ({n_alle}x) and for one ({n_einer}x) …")
    teile_alle = [alle() for _ in range(n_alle)]
    teile_einer = [einer() for _ in range(n_einer)]
    summen_alle = [sum(t) for t, _ in teile_alle]
    summen_einer = [sum(t) for t, _ in teile_einer]
    tabelle_alle, tabelle_einer = teile_alle[-1][1], teile_einer[-1][1]
    kleve_alle = tabelle_alle[tabelle_alle["traeger_id"] == traeger_id].reset_index(drop=True)
    gleich = kleve_alle[["id", "veraenderung", "status"]].equals(
        tabelle_einer[["id", "veraenderung", "status"]].reset_index(drop=True)
    )

    def zerlegung(teile: list[tuple[list[float], Any]]) -> dict[str, float]:
        namen = ("neueste_werte_s", "panel_s", "auswerten_panel_s")
        return {n: gerundet(median([t[i] for t, _ in teile])) for i, n in enumerate(namen)}

    verhaeltnis = median(summen_alle) / median(summen_einer)
    log(f"  all {median(summen_alle):.2f} s, one {median(summen_einer):.3f} s")
    return {
        "traeger": int(tabelle_alle["traeger_id"].nunique()),
        "rows_evaluated": len(tabelle_alle),
        "jahr": JAHR,
        "bis_monat": BIS_MONAT,
        "wartezeit": WARTEZEIT,
        "all_s": gerundet(median(summen_alle)),
        "one_s": gerundet(median(summen_einer)),
        "ratio": gerundet(verhaeltnis, 3),
        **ziel("all_vs_one", verhaeltnis),
        "all_parts": zerlegung(teile_alle),
        "one_parts": zerlegung(teile_einer),
        "repetitions": {"all": n_alle, "one": n_einer, "statistic": "median"},
        "same_result_for_the_one_traeger": bool(gleich),
    }


# --- 3. one whole CLI process -------------------------------------------------------------------


def _cli() -> list[str]:
    skript = Path(sys.executable).with_name("zielsteuerung")
    return [str(skript)] if skript.exists() else [sys.executable, "-m", "zielsteuerung"]


def cli_messen(traeger_id: str, n: int = 3) -> dict[str, Any]:
    befehl = [*_cli(), "auswerten", "--store", str(STORE), "--traeger", traeger_id,
              "--format", "json"]  # fmt: skip
    log(f"one whole process: {' '.join(befehl[-7:])} ({n}x) …")

    def lauf(argumente: list[str]) -> Callable[[], subprocess.CompletedProcess[str]]:
        return lambda: subprocess.run(argumente, capture_output=True, text=True, check=False)

    zeiten, ergebnis = messen(lauf(befehl), n)
    ausgabe = json.loads(ergebnis.stdout) if ergebnis.returncode == 0 else {}
    start, _ = messen(lauf([sys.executable, "-c", "pass"]), n)
    importe, _ = messen(lauf([sys.executable, "-c", "import zielsteuerung.cli"]), n)
    log(f"  {median(zeiten):.2f} s")
    return {
        "command": " ".join(["zielsteuerung", *befehl[len(_cli()) :]]),
        "wall_s": gerundet(median(zeiten)),
        "runs_s": [gerundet(z) for z in zeiten],
        "exit_code": ergebnis.returncode,
        "bis_monat": ausgabe.get("bis_monat"),
        "python_start_s": gerundet(median(start)),
        "python_start_with_import_zielsteuerung_cli_s": gerundet(median(importe)),
        "repetitions": {"n": n, "statistic": "median"},
    }


# --- 4. worksheet functions ---------------------------------------------------------------------


def _zellen(traeger_id: str) -> list[tuple[Callable[..., Any], tuple[Any, ...]]]:
    """1,000 cells as a controlling sheet would hold them: every target and status per month,
    then year-to-date values of every indicator, geschlecht and month (Excel passes floats)."""
    from zielsteuerung.excel import udfs
    from zielsteuerung.kern.kennzahlen import JAHRESWERTE

    t, j, w = traeger_id, float(JAHR), WARTEZEIT
    ziele = [udfs.ZIEL_INTEGRATIONEN, udfs.ZIEL_K2, udfs.ZIEL_ABSTAND, udfs.ZIEL_K3,
             udfs.ZIEL_INTEGRATIONEN_LZB]  # fmt: skip
    ids = ["integrationen", "k2", "k2_abstand", "k3", "integrationen_lzb"]
    zellen: list[tuple[Callable[..., Any], tuple[Any, ...]]] = []
    for m in range(1, 13):
        zellen += [(f, (j, float(m), t, w)) for f in ziele]
        zellen += [(udfs.ZIEL_STATUS, (i, j, float(m), t, w)) for i in ids]
    for code in JAHRESWERTE:
        for g in ("gesamt", "frauen", "maenner"):
            zellen += [(udfs.ZIEL_WERT, (code, j, float(m), t, w, g)) for m in range(1, 13)]
    return zellen[:1000]


def udf_messen(traeger_id: str) -> dict[str, Any]:
    EINSTELLUNGEN.write_text(f"datenbestand = {json.dumps(str(STORE))}\n", encoding="utf-8")
    os.environ["ZIELSTEUERUNG_EINSTELLUNGEN"] = str(EINSTELLUNGEN)
    from zielsteuerung.excel import udfs
    from zielsteuerung.excel import zielfunktionen as zf

    argumente = (float(JAHR), 6.0, traeger_id, WARTEZEIT)
    log("worksheet functions: cold and warm calls …")

    def kalt() -> Any:
        zf.cache_leeren()
        return udfs.ZIEL_K2(*argumente)

    kalt_zeiten, wert = messen(kalt, 5)
    warm_zeiten, wert_warm = messen(lambda: udfs.ZIEL_K2(*argumente), 1000)
    kalt_s, warm_s = median(kalt_zeiten), median(warm_zeiten)

    zellen = _zellen(traeger_id)
    log(f"worksheet functions: {len(zellen)} single cells against one ZIEL_TABELLE …")

    def blatt() -> list[Any]:
        return [f(*a) for f, a in zellen]

    zf.cache_leeren()
    erste, werte = messen(blatt, 1)  # after a cache clear, e.g. after an import
    warm, _ = messen(blatt, 3)
    fehler = sum(isinstance(x, str) and x.startswith(zf.FEHLERZEICHEN) for x in werte)
    tab_argumente = (float(JAHR), float(BIS_MONAT), traeger_id, WARTEZEIT)

    def tabelle_kalt() -> Any:
        zf.cache_leeren()
        return udfs.ZIEL_TABELLE(*tab_argumente)

    tab_kalt, tabelle = messen(tabelle_kalt, 3)
    tab_warm, _ = messen(lambda: udfs.ZIEL_TABELLE(*tab_argumente), 100)
    zellen_warm = median(warm)
    log(f"  cold {kalt_s * 1e3:.1f} ms, warm {warm_s * 1e6:.0f} µs, cells {zellen_warm:.2f} s")
    return {
        "call": f"ZIEL_K2({JAHR}.0, 6.0, {traeger_id!r}, {WARTEZEIT!r})",
        "value": wert if isinstance(wert, str) else gerundet(wert, 6),
        "warm_value_equal": wert == wert_warm,
        "cold_ms": gerundet(kalt_s * 1e3),
        "warm_us": gerundet(warm_s * 1e6),
        "ratio_cold_to_warm": gerundet(kalt_s / warm_s, 4),
        **ziel("cold_vs_warm", kalt_s / warm_s),
        "repetitions": {"cold": 5, "warm": 1000, "statistic": "median"},
        "cells": {
            "count": len(zellen),
            "mix": "60 target changes + 60 ZIEL_STATUS (5 targets x 12 months), "
            f"{len(zellen) - 120} ZIEL_WERT (indicator x geschlecht x month)",
            "cells_with_error": fehler,
            "cells_warm_s": gerundet(zellen_warm),
            "cells_first_pass_after_cache_clear_s": gerundet(erste[0]),
            "per_cell_warm_us": gerundet(zellen_warm / len(zellen) * 1e6),
            "ziel_tabelle_cold_s": gerundet(median(tab_kalt)),
            "ziel_tabelle_warm_us": gerundet(median(tab_warm) * 1e6),
            "ziel_tabelle_rows": len(tabelle) if isinstance(tabelle, list) else tabelle,
            "ratio_cells_warm_to_tabelle_cold": gerundet(zellen_warm / median(tab_kalt), 4),
            "ratio_cells_first_pass_to_tabelle_cold": gerundet(erste[0] / median(tab_kalt), 4),
            "ratio_cells_warm_to_tabelle_warm": gerundet(zellen_warm / median(tab_warm), 4),
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


def arbeitsmappe_messen(traeger_id: str, n: int = 3) -> dict[str, Any]:
    from zielsteuerung.bericht.auswerten import Ausschnitt
    from zielsteuerung.bericht.bericht import erstelle_bericht
    from zielsteuerung.daten.datenbestand import Datenbestand
    from zielsteuerung.daten.vereinbarungen import beispiel
    from zielsteuerung.mappe.aktualisieren import arbeitsmappe, bericht_schreiben
    from zielsteuerung.mappe.datei import laden, speichern

    MAPPE.unlink(missing_ok=True)
    log("controlling workbook: create, refresh once, then time the refreshes …")
    anlegen, _ = messen(
        lambda: arbeitsmappe(MAPPE, STORE, beispiel(), traeger_id, JAHR, None, WARTEZEIT), 1
    )
    erste, _ = messen(lambda: arbeitsmappe(MAPPE), 1)
    zeiten, _ = messen(lambda: arbeitsmappe(MAPPE), n)  # the second refresh and later ones
    inhalt, zellen = _tabelleninhalt(MAPPE)
    basis, _ = messen(lambda: _basis_schreiben(inhalt), n)

    # where a refresh spends its time (the same steps arbeitsmappe() takes)
    teile: dict[str, float] = {}
    beginn = time.perf_counter()
    wb = laden(MAPPE)
    teile["load_workbook_s"] = time.perf_counter() - beginn
    v = beispiel()
    beginn = time.perf_counter()
    with Datenbestand(STORE) as db:
        bericht = erstelle_bericht(db, v, Ausschnitt(traeger_id, JAHR, None, WARTEZEIT))
    teile["erstelle_bericht_s"] = time.perf_counter() - beginn
    beginn = time.perf_counter()
    bericht_schreiben(wb, bericht)
    teile["bericht_schreiben_s"] = time.perf_counter() - beginn
    beginn = time.perf_counter()
    speichern(wb, MAPPE.with_name("zerlegung.xlsx"))
    teile["save_s"] = time.perf_counter() - beginn
    MAPPE.with_name("zerlegung.xlsx").unlink(missing_ok=True)

    verhaeltnis = median(zeiten) / median(basis)
    log(f"  refresh {median(zeiten):.2f} s, blank write {median(basis):.2f} s ({zellen} cells)")
    return {
        "traeger_id": traeger_id,
        "create_s": gerundet(anlegen[0]),
        "first_refresh_s": gerundet(erste[0]),
        "refresh_s": gerundet(median(zeiten)),
        "refresh_runs_s": [gerundet(z) for z in zeiten],
        "cells_in_tables": zellen,
        "tables": {name: len(zeilen) - 1 for name, zeilen in inhalt.items()},
        "blank_write_s": gerundet(median(basis)),
        "ratio": gerundet(verhaeltnis, 3),
        **ziel("refresh_vs_blank_write", verhaeltnis),
        "refresh_parts": {k: gerundet(s) for k, s in teile.items()},
        "workbook_bytes": MAPPE.stat().st_size,
        "repetitions": {"refresh": n, "blank_write": n, "statistic": "median"},
    }


# --- the whole run ------------------------------------------------------------------------------


def maschine() -> dict[str, Any]:
    import numpy
    import openpyxl
    import pandas

    import zielsteuerung

    speicher = None
    try:
        for zeile in Path("/proc/meminfo").read_text().splitlines():
            if zeile.startswith("MemTotal:"):
                speicher = round(int(zeile.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        verfuegbar = len(os.sched_getaffinity(0))
    except AttributeError:
        verfuegbar = os.cpu_count()
    last = os.getloadavg() if hasattr(os, "getloadavg") else None
    try:
        import pyarrow

        arrow: str | None = pyarrow.__version__
    except ImportError:
        arrow = None
    return {
        "cpu_count": os.cpu_count(),
        "cpus_available": verfuegbar,
        "load_average_at_start": [round(x, 2) for x in last] if last else None,
        "memory_gib": speicher,
        "platform": platform.platform(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "pandas": pandas.__version__,
        "numpy": numpy.__version__,
        "pyarrow": arrow,
        "pandas_string_storage": str(getattr(pandas.Series(["x"]).dtype, "storage", "object")),
        "openpyxl": openpyxl.__version__,
        "sqlite": sqlite3.sqlite_version,
        "zielsteuerung": zielsteuerung.__version__,
        "git": _git(),
    }


def _git() -> dict[str, Any] | None:
    """The commit measured, and whether src/ differed from it (work in progress)."""

    def git(*argumente: str) -> str:
        return subprocess.run(
            ["git", *argumente], cwd=HIER.parent, capture_output=True, text=True, check=True
        ).stdout.strip()

    try:
        return {
            "commit": git("rev-parse", "--short", "HEAD"),
            "src_changed_since_commit": [
                z.strip() for z in git("status", "--porcelain", "--", "src").splitlines()
            ],
        }
    except (OSError, subprocess.CalledProcessError):
        return None


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kind", nargs="+", help=argparse.SUPPRESS)  # child process: task, file …
    args = p.parse_args()
    if args.kind:
        aufgabe, csv, *store = args.kind
        kind(aufgabe, Path(csv), Path(store[0]) if store else None)
        return 0

    beginn = time.perf_counter()
    fakten = maschine()
    datei = daten.sicherstellen()
    traeger_id = daten.KLEVE
    ergebnis: dict[str, Any] = {
        "benchmark": "zielsteuerung at national scale (SYNTHETIC data, no official figures)",
        "started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": fakten,
        "data": {
            "file": str(daten.DATEI.relative_to(HIER.parent)),
            "synthetic": True,
            "rows": datei.get("rows"),
            "bytes": daten.DATEI.stat().st_size,
            "traeger": daten.ANZAHL,
            "months": "2020-01..2024-12",
            "from_cache": datei["from_cache"],
            "generated_in_s": datei.get("generated_in_s"),
        },
    }
    ergebnis["import"] = import_messen(daten.DATEI)
    ergebnis["evaluation"] = auswertung_messen(traeger_id)
    ergebnis["cli_auswerten"] = cli_messen(traeger_id)
    ergebnis["worksheet_functions"] = udf_messen(traeger_id)
    ergebnis["workbook_refresh"] = arbeitsmappe_messen(traeger_id)
    ziele = {
        "import_vs_read_csv": ergebnis["import"]["met"],
        "import_peak_memory": ergebnis["import"]["memory"]["met"],
        "all_vs_one": ergebnis["evaluation"]["met"],
        "cold_vs_warm": ergebnis["worksheet_functions"]["met"],
        "refresh_vs_blank_write": ergebnis["workbook_refresh"]["met"],
    }
    ergebnis["goals"] = {name: {"goal": ZIELE[name][0], "met": ok} for name, ok in ziele.items()}
    ergebnis["total_s"] = round(time.perf_counter() - beginn, 1)
    text = json.dumps(ergebnis, ensure_ascii=False, indent=2)
    LETZTE.write_text(text + "\n", encoding="utf-8")
    print(text)
    log(f"done in {ergebnis['total_s']:.0f} s; a copy of the JSON is in {LETZTE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
