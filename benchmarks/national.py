"""Benchmarks at national scale: one run, every figure side by side, one JSON object on stdout.

Run as ``benchmarks/run`` from the repository root. Progress goes to stderr. The synthetic
national history (benchmarks/daten.py) is generated once and cached in benchmarks/.cache/;
everything else (the store, the workbook) is rebuilt on every run, because building it is
what is measured. Nothing here asserts a time: our performance goals are reported with
"met": true/false.

The machine may be shared and noisy, so every ratio is measured side by side: the two
contestants run in turns (``abwechselnd``), short phases more often, and each figure is
reported as minimum and median of its runs, wall clock and CPU time. A goal is judged on the
ratio of the minima (the run least disturbed by others); the ratio of the medians and of CPU
time are reported beside it. The import's goal and that of all Träger against one carry a
floor: the ratio that the libraries' part of the work alone reaches (reading the file and
storing its rows; fetching the rows the evaluation of all Träger reads), below which no change
of our own code can bring that figure.

Child processes: the import, the pandas baseline, the command line and the ribbon button each
run in a process of their own, so that their peak memory (max RSS from ``os.wait4``) and CPU
time belong to them alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import daten
import knopf
from messen import (
    ZIELE,
    Reihe,
    abwechselnd,
    gerundet,
    kindprozess,
    log,
    median,
    verhaeltnis,
    ziel,
)
from tabellenblatt import JAHR, MAPPE, STORE, WARTEZEIT, arbeitsmappe_messen, udf_messen

HIER = Path(__file__).resolve().parent
SCHNAPPSCHUSS = daten.CACHE / "controlling-national.json"
LETZTE = daten.CACHE / "letzte-messung.json"
MIB = 1024 * 1024

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
    elif aufgabe == "insert_floor":
        return _insert_floor(csv, store)
    else:
        raise SystemExit(f"unknown task {aufgabe}")
    sekunden = time.perf_counter() - beginn
    print(json.dumps({"seconds": sekunden, "rows": zeilen, "rss_baseline_mib": basis}))


def _insert_floor(quelle: Path, ziel_: Path | None) -> None:
    """Run in a child process: only storing the rows the import stored, nothing else. The rows
    (keys and values) are taken from the store the import built (not timed) and inserted into
    a fresh store by the importer's own insert, within one transaction."""
    from zielsteuerung.daten.bestandsformat import SCHLUESSEL, WERTE
    from zielsteuerung.daten.datenbestand import Datenbestand
    from zielsteuerung.daten.schreiben import zeilen_einfuegen

    assert ziel_ is not None
    with closing(sqlite3.connect(quelle)) as con:
        zeilen = con.execute(f"SELECT {', '.join([*SCHLUESSEL, *WERTE])} FROM grunddaten")
        spalten: list[list[object]] = [list(spalte) for spalte in zip(*zeilen, strict=True)]
    with Datenbestand(ziel_, anlegen=True):
        pass
    with closing(sqlite3.connect(ziel_, isolation_level=None)) as con:
        beginn = time.perf_counter()
        con.execute("BEGIN")
        zeilen_einfuegen(con, "grunddaten", spalten, 1)
        con.execute("COMMIT")
        sekunden = time.perf_counter() - beginn
    print(json.dumps({"seconds": sekunden, "rows": len(spalten[0])}))


def im_kindprozess(aufgabe: str, csv: Path, store: Path | None = None) -> dict[str, Any]:
    befehl = [sys.executable, str(Path(__file__).resolve()), "--kind", aufgabe, str(csv)]
    if store is not None:
        befehl.append(str(store))
    _, cpu, ausgabe, spitze = kindprozess(befehl)
    return {**json.loads(ausgabe), "cpu_s": cpu, "peak_rss_bytes": spitze}


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
    """Minimum and median seconds and median peak memory of several child runs."""
    return {
        "seconds": min(lauf["seconds"] for lauf in laeufe),
        "median_s": median([lauf["seconds"] for lauf in laeufe]),
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
    log("storing the same rows alone, without reading or checking (child process) …")
    leer = STORE.with_name("national-floor.sqlite")
    leer.unlink(missing_ok=True)
    speichern = im_kindprozess("insert_floor", STORE, leer)
    for pfad in (leer, leer.with_name(leer.name + "-wal"), leer.with_name(leer.name + "-shm")):
        pfad.unlink(missing_ok=True)
    untergrenze = (pandas_["seconds"] + speichern["seconds"]) / pandas_["seconds"]
    log(f"  {speichern['seconds']:.2f} s for {speichern['rows']} rows")
    log("the same file with one suppressed cell: its values read as text (child process) …")
    text_csv = daten.text_variante()
    _vorwaermen(text_csv)
    text_store = STORE.with_name("national-text.sqlite")
    text_store.unlink(missing_ok=True)
    text = im_kindprozess("import", text_csv, text_store)
    text_store.unlink(missing_ok=True)
    log(f"  {text['seconds']:.1f} s, peak RSS {text['peak_rss_bytes'] / MIB:.0f} MiB")
    return {
        "rows_stored": imp["rows"],
        "store_bytes": STORE.stat().st_size,
        "importiere_s": gerundet(imp["seconds"]),
        "read_csv_s": gerundet(pandas_["seconds"]),
        "read_csv_median_s": gerundet(pandas_["median_s"]),
        "read_csv_runs_s": pandas_["runs_s"],
        "ratio": gerundet(verhaeltnis, 3),
        **ziel("import_vs_read_csv", verhaeltnis),
        "floor": {
            "what": "reading the file (pandas.read_csv) plus storing its rows alone (the same "
            "rows, inserted as the importer inserts them, no checks): what any import of this "
            "file into this store layout costs, one after the other",
            "store_rows": speichern["rows"],
            "store_rows_s": gerundet(speichern["seconds"]),
            "ratio": gerundet(untergrenze, 3),
        },
        "read_csv_dtype_str_s": gerundet(pandas_str["seconds"]),
        "ratio_to_read_csv_dtype_str": gerundet(imp["seconds"] / pandas_str["seconds"], 3),
        "memory": {
            "import_peak_rss_mib": round(imp["peak_rss_bytes"] / MIB, 1),
            "import_peak_rss_gb": round(imp["peak_rss_bytes"] / 1e9, 3),
            "read_csv_peak_rss_mib": round(pandas_["peak_rss_bytes"] / MIB, 1),
            "read_csv_dtype_str_peak_rss_mib": round(pandas_str["peak_rss_bytes"] / MIB, 1),
            "baseline_rss_mib": round(imp["rss_baseline_mib"], 1),
            "ratio_to_read_csv": gerundet(imp["peak_rss_bytes"] / pandas_["peak_rss_bytes"], 3),
            **ziel("import_peak_memory", imp["peak_rss_bytes"] / pandas_["peak_rss_bytes"]),
        },
        "values_as_text": {
            "what": "the same file with the value of its first row written as '*': every "
            "value is read as text and parsed (whole numbers otherwise are read as numbers)",
            "importiere_s": gerundet(text["seconds"]),
            "ratio": gerundet(text["seconds"] / pandas_["seconds"], 3),
            "peak_rss_mib": round(text["peak_rss_bytes"] / MIB, 1),
        },
        "store_format": _store_format(),
        "repetitions": {"importiere": 1, "read_csv": n_pandas, "statistic": "minimum"},
        "note": "one import per run (it builds the store the other measurements use); "
        "both contestants read the file from the page cache",
    }


def _store_format() -> str | None:
    with closing(sqlite3.connect(STORE)) as con:
        zeile = con.execute("SELECT wert FROM meta WHERE schluessel = 'schema_version'")
        return next(iter(zeile.fetchone() or ()), None)


# --- 2. evaluating the agreement: all 404 against one ----------------------------------------


def auswertung_messen(traeger_id: str, runden: int = 5) -> dict[str, Any]:
    """What ``auswerten --traeger ID`` and ``auswerten --traeger alle`` compute (the contract's
    objects, with path and projection), step by step as ``bericht.auswerten`` takes them."""
    from zielsteuerung.bericht.auswerten import (
        Ausschnitt,
        Grundlage,
        auswerten,
        auswertungen,
        zeitraum,
    )
    from zielsteuerung.daten.bestandsformat import IMPORTE, KENNZEICHEN, SCHLUESSEL, WERTE
    from zielsteuerung.daten.datenbestand import Datenbestand
    from zielsteuerung.daten.vereinbarungen import beispiel
    from zielsteuerung.kern.kennzahlen import Panel

    vereinbarung = beispiel()
    merkmale = vereinbarung.merkmale(mit_monitoring=True)
    teile: dict[str, dict[str, list[float]]] = {"alle": {}, "einer": {}}
    gelesen: dict[str, int] = {}

    def lauf(wer: str, traeger: list[str] | None) -> Any:
        schritte = teile[wer]
        with Datenbestand(STORE) as db:
            t0 = time.perf_counter()
            werte = db.neueste_werte(WARTEZEIT, traeger, *zeitraum(JAHR), merkmale)
            t1 = time.perf_counter()
            gelesen[wer] = len(werte)
            panel = Panel(werte, WARTEZEIT, traeger)
            t2 = time.perf_counter()
            ergebnis = auswertungen(
                db,
                vereinbarung,
                Grundlage(werte, panel),
                traeger or panel.traeger,
                JAHR,
                None,
                WARTEZEIT,
            )
            t3 = time.perf_counter()
        for name, s in (
            ("neueste_werte_s", t1 - t0),
            ("panel_s", t2 - t1),
            ("auswertungen_s", t3 - t2),
        ):
            schritte.setdefault(name, []).append(s)
        return ergebnis

    with Datenbestand(STORE) as db:
        alle_ids = db.traeger_ids()

    def nur_lesen() -> int:
        """The floor: fetching the rows the evaluation of all Träger reads (the same query
        plan: each Träger and figure sought in the key, its months in order) through Python's
        sqlite3, and nothing else."""
        von, bis = zeitraum(JAHR)
        spalten = ", ".join([*SCHLUESSEL, *WERTE, *KENNZEICHEN, *IMPORTE])
        with closing(sqlite3.connect(f"file:{STORE}?mode=ro", uri=True)) as con:
            return len(
                con.execute(
                    f"SELECT {spalten} FROM grunddaten WHERE traeger_id IN "
                    f"({','.join('?' * len(alle_ids))}) AND merkmal IN "
                    f"({','.join('?' * len(merkmale))}) AND wartezeit = ? AND monat BETWEEN ? "
                    f"AND ? ORDER BY {', '.join(SCHLUESSEL)}",
                    [*alle_ids, *merkmale, WARTEZEIT, von, bis],
                ).fetchall()
            )

    log(f"evaluating the agreement for all Träger and for one, in turns ({runden} rounds) …")
    reihen, letzte = abwechselnd(
        {
            "einer": (lambda: lauf("einer", [traeger_id]), 3),
            "alle": (lambda: lauf("alle", None), 1),
            "lesen": (nur_lesen, 1),
        },
        runden,
    )
    alle, einer = letzte["alle"].auswertungen, letzte["einer"].auswertungen
    with Datenbestand(STORE) as db:
        befehl = auswerten(db, vereinbarung, Ausschnitt(traeger_id, JAHR, None, WARTEZEIT))
    eigene = next(a for a in alle if a.traeger_id == traeger_id)
    v = verhaeltnis(reihen["alle"], reihen["einer"])
    log(f"  all {reihen['alle'].min:.2f} s, one {reihen['einer'].min * 1e3:.1f} ms")

    def zerlegung(wer: str) -> dict[str, dict[str, float]]:
        return {
            n: {"min_s": gerundet(min(w)), "median_s": gerundet(median(w))}
            for n, w in teile[wer].items()
        }

    return {
        "traeger": len(alle),
        "rows_evaluated": sum(len(a.ziele) + len(a.monitoring) for a in alle),
        "rows_read": gelesen,
        "jahr": JAHR,
        "bis_monat": eigene.bis_monat,
        "wartezeit": WARTEZEIT,
        "all": reihen["alle"].json(),
        "one": reihen["einer"].json(),
        **v,
        **ziel("all_vs_one", v["ratio"]),
        "floor": {
            "what": "fetching the rows the evaluation of all Träger reads (the same rows and "
            "columns, in key order, through Python's sqlite3) and nothing else, against one "
            "Träger's whole evaluation: what any evaluation of all Träger from this store "
            "layout costs before it computes anything",
            "store_rows": letzte["lesen"],
            "fetch": reihen["lesen"].json(),
            "ratio": round(reihen["lesen"].min / reihen["einer"].min, 2),
        },
        "all_parts": zerlegung("alle"),
        "one_parts": zerlegung("einer"),
        "same_result_for_the_one_traeger": eigene.als_json()
        == einer[0].als_json()
        == befehl.als_json(),
        "note": "both compute the contract's objects with path and projection, as "
        "'auswerten --traeger ID' and '--traeger alle' do; in turns, one 3x per round",
    }


# --- 3. whole processes: the command line and the ribbon button --------------------------------


def _cli() -> list[str]:
    skript = Path(sys.executable).with_name("zielsteuerung")
    return [str(skript)] if skript.exists() else [sys.executable, "-m", "zielsteuerung"]


def importzeiten(programm: str) -> dict[str, Any]:
    """``python -X importtime``: seconds of importing, by top-level package (self times)."""
    lauf = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", programm],
        capture_output=True,
        text=True,
        check=True,
    )
    je_paket: dict[str, float] = {}
    for zeile in lauf.stderr.splitlines():
        if treffer := re.match(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)", zeile):
            paket = treffer[2].split(".")[0]
            je_paket[paket] = je_paket.get(paket, 0.0) + int(treffer[1]) / 1e6
    wichtig = ("pandas", "numpy", "pyarrow", "zielsteuerung", "openpyxl", "xlwings")
    ergebnis = {f"{p}_s": gerundet(je_paket.get(p, 0.0)) for p in wichtig}
    ergebnis["other_s"] = gerundet(sum(s for p, s in je_paket.items() if p not in wichtig))
    ergebnis["total_s"] = gerundet(sum(je_paket.values()))
    ergebnis["imported"] = sorted(p for p in ("openpyxl", "xlwings") if p in je_paket)
    return ergebnis


def prozesse_messen(traeger_id: str, runden: int = 7) -> dict[str, Any]:
    """One ``zielsteuerung auswerten`` process and the ribbon button's process, each in turn
    with ``python -c "import pandas"`` (the floor every command stands on)."""
    befehl = [
        *_cli(),
        "auswerten",
        "--store",
        str(STORE),
        "--traeger",
        traeger_id,
        "--format",
        "json",
    ]
    knopf.schnappschuss(MAPPE, SCHNAPPSCHUSS)
    ausgaben: dict[str, str] = {}

    def kind(name: str, argumente: list[str]) -> Callable[[], None]:
        def lauf() -> None:
            wand, cpu, ausgaben[name], _ = kindprozess(argumente)
            reihen[name].wand.append(wand)
            reihen[name].cpu.append(cpu)

        return lauf

    reihen = {n: Reihe() for n in ("pass", "import_pandas", "auswerten", "ribbon")}
    laeufe = [
        kind("pass", [sys.executable, "-c", "pass"]),
        kind("import_pandas", [sys.executable, "-c", "import pandas"]),
        kind("auswerten", befehl),
        kind("ribbon", [sys.executable, str(HIER / "knopf.py"), str(SCHNAPPSCHUSS)]),
    ]
    log(f"whole processes: auswerten, the ribbon button and import pandas, in turns ({runden}x) …")
    for _ in range(runden):
        for lauf in laeufe:
            lauf()
    cli_v = verhaeltnis(reihen["auswerten"], reihen["import_pandas"])
    knopf_v = verhaeltnis(reihen["ribbon"], reihen["import_pandas"])
    log(
        f"  auswerten {reihen['auswerten'].min:.2f} s, ribbon {reihen['ribbon'].min:.2f} s, "
        f"import pandas {reihen['import_pandas'].min:.2f} s"
    )
    knopf_ausgabe = json.loads(ausgaben["ribbon"])
    return {
        "python_start": reihen["pass"].json(),
        "import_pandas": reihen["import_pandas"].json(),
        "cli_auswerten": {
            "command": " ".join(["zielsteuerung", *befehl[len(_cli()) :]]),
            **reihen["auswerten"].json(),
            **cli_v,
            **ziel("cli_vs_import_pandas", cli_v["ratio"]),
            "bis_monat": json.loads(ausgaben["auswerten"]).get("bis_monat"),
            "imports": importzeiten(
                f"from zielsteuerung.cli import main; main({befehl[len(_cli()) :]!r})"
            ),
        },
        "ribbon": {
            "what": "fresh process: import xlwings and zielsteuerung, zielsteuerung.main() on "
            "the national workbook held in memory (Excel's own writing not included)",
            **reihen["ribbon"].json(),
            **knopf_v,
            **ziel("ribbon_vs_import_pandas", knopf_v["ratio"]),
            "last_run": {
                k: gerundet(v) if isinstance(v, float) else v for k, v in knopf_ausgabe.items()
            },
            "imports": importzeiten("import xlwings, zielsteuerung.excel.ribbon"),
        },
        "repetitions": {"rounds": runden, "statistic": "minimum (median beside it)"},
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
    ergebnis["worksheet_functions"] = udf_messen(traeger_id)
    ergebnis["workbook_refresh"] = arbeitsmappe_messen(traeger_id)
    ergebnis["processes"] = prozesse_messen(traeger_id)  # needs the workbook built above
    gemessen = {
        "import_vs_read_csv": ergebnis["import"],
        "import_peak_memory": ergebnis["import"]["memory"],
        "all_vs_one": ergebnis["evaluation"],
        "cli_vs_import_pandas": ergebnis["processes"]["cli_auswerten"],
        "ribbon_vs_import_pandas": ergebnis["processes"]["ribbon"],
        "cold_vs_warm": ergebnis["worksheet_functions"],
        "cells_first_pass_vs_warm": ergebnis["worksheet_functions"]["cells"],
        "refresh_vs_blank_write": ergebnis["workbook_refresh"],
    }
    ergebnis["goals"] = {
        name: {
            "goal": ZIELE[name][0],
            "measured": teil.get(
                "ratio", teil.get("ratio_to_read_csv", teil.get("ratio_cold_to_warm"))
            ),
            "met": teil["met"],
            **({"floor": teil["floor"]["ratio"]} if "floor" in teil else {}),
        }
        for name, teil in gemessen.items()
    }
    ergebnis["total_s"] = round(time.perf_counter() - beginn, 1)
    text = json.dumps(ergebnis, ensure_ascii=False, indent=2)
    LETZTE.write_text(text + "\n", encoding="utf-8")
    print(text)
    log(f"done in {ergebnis['total_s']:.0f} s; a copy of the JSON is in {LETZTE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
