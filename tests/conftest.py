"""Shared fixtures: demo data, stores built through the real importer, CLI runner, waiting
for a child process to reach a phase."""

from __future__ import annotations

import csv
import json
import os
import selectors
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from zielsteuerung.cli import main
from zielsteuerung.daten.beispieldaten import erzeuge_beispieldaten

KOPF = ["traeger_id", "berichtsmonat", "merkmal", "geschlecht", "wert", "wartezeit", "datenstand"]


@dataclass
class Lauf:
    code: int
    out: str
    err: str

    def json(self) -> dict:
        return json.loads(self.out)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Lauf]:
    """Run the command line in-process, as a user would type it."""

    def laufen(*args: object) -> Lauf:
        capsys.readouterr()
        code = main([str(a) for a in args])
        erfasst = capsys.readouterr()
        return Lauf(code, erfasst.out, erfasst.err)

    return laufen


def zielzeile(tabelle: str, bezeichnung: str) -> str:
    """The row of one target in the first table of `auswerten`'s text output, which cuts
    labels to 60 characters."""
    name = bezeichnung if len(bezeichnung) <= 60 else bezeichnung[:59] + "…"
    return next(z for z in tabelle.splitlines() if z[:60].rstrip() == name)


def schreibe_csv(pfad: Path, zeilen: list[dict], kopf: list[str] = KOPF, sep: str = ";") -> Path:
    with pfad.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=kopf, delimiter=sep, extrasaction="ignore")
        w.writeheader()
        for z in zeilen:
            w.writerow({k: ("" if z.get(k) is None else z.get(k)) for k in kopf})
    return pfad


@pytest.fixture(scope="session")
def demo_daten() -> pd.DataFrame:
    return erzeuge_beispieldaten()


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory, demo_daten: pd.DataFrame) -> Path:
    """A store holding the demo data, imported through the real CLI (read-only for tests)."""
    ordner = tmp_path_factory.mktemp("demo")
    datei = ordner / "beispieldaten.csv"
    demo_daten.to_csv(datei, sep=";", index=False)
    store = ordner / "demo.sqlite"
    assert main(["import", str(datei), "--store", str(store)]) == 0
    return store


# --- child processes that say where they are ------------------------------------------------


def warte_auf_zeile(kind: subprocess.Popen[bytes], zeile: str, sekunden: float = 300) -> None:
    """Wait until a child process prints `zeile` on its stdout (a step it has reached).

    A condition wait: fails when the child ends first or after `sekunden` (a generous bound
    for a loaded machine), never sleeps a guessed time."""
    assert kind.stdout is not None
    ende = time.monotonic() + sekunden
    gelesen = b""
    with selectors.DefaultSelector() as auswahl:
        auswahl.register(kind.stdout, selectors.EVENT_READ)
        while zeile.encode() not in gelesen.splitlines():
            rest = ende - time.monotonic()
            if rest <= 0 or not auswahl.select(rest):
                pytest.fail(f"child did not report {zeile!r} within {sekunden} s")
            teil = os.read(kind.stdout.fileno(), 65536)
            if not teil:
                pytest.fail(f"child ended ({kind.wait(timeout=60)}) before {zeile!r}: {gelesen!r}")
            gelesen += teil


def abbrechen_bei(befehl: list[str], phase: str) -> None:
    """Run a child process and kill -9 it as soon as it prints `phase` (the child reports the
    step it has reached and waits there to be killed). Its stderr is shown if it fails."""
    with (
        tempfile.TemporaryFile() as fehler,
        subprocess.Popen(befehl, stdout=subprocess.PIPE, stderr=fehler) as kind,
    ):
        try:
            warte_auf_zeile(kind, phase)
        except BaseException:
            fehler.seek(0)
            print(fehler.read()[-3000:].decode(errors="replace"))
            raise
        finally:
            kind.kill()
