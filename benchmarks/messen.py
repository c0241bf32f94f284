"""What every benchmark shares: the goals, and measuring side by side on a noisy machine.

Two contestants run in turns (``abwechselnd``); each figure is kept as wall-clock and CPU
seconds of every run, reported as minimum and median. A goal is judged on the ratio of the
minima (the runs least disturbed by others on a shared machine).
"""

from __future__ import annotations

import dataclasses
import gc
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

#: Performance goals (not assertions): name -> (text, test of the measured figure)
ZIELE: dict[str, tuple[str, Callable[[float], bool]]] = {
    "import_vs_read_csv": ("importiere <= 5 x pandas.read_csv", lambda r: r <= 5.0),
    "import_peak_memory": (
        "peak RSS of the national import <= that of pandas.read_csv",
        lambda r: r <= 1.0,
    ),
    "all_vs_one": ("all 404 Jobcenters <= 10 x one", lambda r: r <= 10.0),
    "cli_vs_import_pandas": (
        "one zielsteuerung auswerten process <= 2 x python -c 'import pandas'",
        lambda r: r <= 2.0,
    ),
    "ribbon_vs_import_pandas": (
        "ribbon button (fresh process + refresh of the national "
        "workbook) <= 2 x python -c 'import pandas'",
        lambda r: r <= 2.0,
    ),
    "cold_vs_warm": ("warm call >= 100 x faster than a cold one", lambda r: r >= 100.0),
    "cells_first_pass_vs_warm": (
        "1,000 mixed ZIEL_ cells, first pass after a cache clear <= 10 x a warm pass",
        lambda r: r <= 10.0,
    ),
    "refresh_vs_blank_write": ("refresh <= 3 x openpyxl blank write", lambda r: r <= 3.0),
}


def log(text: str) -> None:
    print(f"[benchmark] {text}", file=sys.stderr, flush=True)


def ziel(name: str, wert: float) -> dict[str, Any]:
    text, test = ZIELE[name]
    return {"goal": text, "met": bool(test(wert))}


def median(werte: list[float]) -> float:
    return float(statistics.median(werte))


def gerundet(x: float, stellen: int = 4) -> float:
    return float(f"{x:.{stellen}g}") if x else 0.0


@dataclasses.dataclass
class Reihe:
    """Seconds of repeated runs of one contestant: wall clock and CPU time."""

    wand: list[float] = dataclasses.field(default_factory=list)
    cpu: list[float] = dataclasses.field(default_factory=list)

    @property
    def min(self) -> float:
        return min(self.wand)

    def json(self) -> dict[str, Any]:
        return {
            "min_s": gerundet(min(self.wand)),
            "median_s": gerundet(median(self.wand)),
            "cpu_min_s": gerundet(min(self.cpu)),
            "cpu_median_s": gerundet(median(self.cpu)),
            "n": len(self.wand),
        }


def verhaeltnis(a: Reihe, b: Reihe) -> dict[str, float]:
    """a / b: of the minima (judged), of the medians and of the CPU times."""
    return {
        "ratio": gerundet(min(a.wand) / min(b.wand), 3),
        "ratio_of_medians": gerundet(median(a.wand) / median(b.wand), 3),
        "ratio_of_cpu_minima": gerundet(min(a.cpu) / min(b.cpu), 3),
    }


def einmal(funktion: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall-clock and CPU seconds of one call, and its result."""
    wand, cpu = time.perf_counter(), time.process_time()
    ergebnis = funktion()
    return time.perf_counter() - wand, time.process_time() - cpu, ergebnis


def abwechselnd(
    laeufe: dict[str, tuple[Callable[[], Any], int]], runden: int, aufraeumen: bool = False
) -> tuple[dict[str, Reihe], dict[str, Any]]:
    """Each round runs every contestant in turn (``n`` times each), so that the machine's load
    falls on all alike. Returns the series and each contestant's last result.

    ``aufraeumen``: each call starts without the garbage of the one before (collected first,
    untimed), as in a fresh process, for contestants that leave much (a workbook's objects):
    otherwise one pays for freeing what the other left. Not for calls of microseconds, which
    the collection would leave with cold processor caches."""
    reihen = {name: Reihe() for name in laeufe}
    letzte: dict[str, Any] = {}
    for _ in range(runden):
        for name, (funktion, n) in laeufe.items():
            for _ in range(n):
                if aufraeumen:
                    gc.collect()
                wand, cpu, letzte[name] = einmal(funktion)
                reihen[name].wand.append(wand)
                reihen[name].cpu.append(cpu)
    return reihen, letzte


def kindprozess(befehl: list[str]) -> tuple[float, float, str, int]:
    """A child process: wall and CPU seconds, its stdout, and its peak RSS in bytes."""
    beginn = time.perf_counter()
    prozess = subprocess.Popen(befehl, stdout=subprocess.PIPE, text=True)
    assert prozess.stdout is not None
    ausgabe = prozess.stdout.read()
    prozess.stdout.close()
    _, status, nutzung = os.wait4(prozess.pid, 0)  # this child's own resource usage
    wand = time.perf_counter() - beginn
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"child process {' '.join(befehl[:3])} … failed")
    return wand, nutzung.ru_utime + nutzung.ru_stime, ausgabe, nutzung.ru_maxrss * 1024
