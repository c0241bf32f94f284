"""Shared fixtures: demo data, stores built through the real importer, CLI runner, waiting
for a child process to reach a phase, the tools a rendering test needs, pictures."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import selectors
import shutil
import sqlite3
import struct
import subprocess
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

from zielsteuerung.cli import main
from zielsteuerung.daten.beispieldaten import erzeuge_beispieldaten
from zielsteuerung.daten.datenbestand import Datenbestand
from zielsteuerung.mappe.zellen import tabelle_lesen

KOPF = ["traeger_id", "berichtsmonat", "merkmal", "geschlecht", "wert", "wartezeit", "datenstand"]


@dataclass
class Lauf:
    code: int
    out: str
    err: str

    def json(self) -> dict:
        return json.loads(self.out)


def befehl(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    """Run the command line in-process, as a user would type it: exit code, stdout, stderr."""
    capsys.readouterr()
    code = main([str(a) for a in args])
    erfasst = capsys.readouterr()
    return code, erfasst.out, erfasst.err


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Lauf]:
    """``befehl`` as a fixture, its result as a ``Lauf``."""

    def laufen(*args: object) -> Lauf:
        return Lauf(*befehl(capsys, *args))

    return laufen


def teile_vergleichen(a: Path, b: Path) -> None:
    """Part by part, as XlsxWriter's comparison tests do; the save time in core.xml differs."""
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        assert sorted(za.namelist()) == sorted(zb.namelist())
        for name in za.namelist():
            if name != "docProps/core.xml":
                assert za.read(name) == zb.read(name), name


def schreibe_datei(pfad: Path, inhalt: str | bytes, encoding: str = "utf-8") -> Path:
    pfad.write_bytes(inhalt if isinstance(inhalt, bytes) else inhalt.encode(encoding))
    return pfad


def importieren(
    capsys: pytest.CaptureFixture[str], store: Path, *dateien: Path, mapping: str | None = None
) -> tuple[int, str, str]:
    """``zielsteuerung import`` of the files into ``store``; ``mapping``: the text of a mapping,
    written beside the store."""
    args: list[object] = ["import", *dateien, "--store", store]
    if mapping is not None:
        args += ["--mapping", schreibe_datei(store.parent / "zuordnung.toml", mapping)]
    return befehl(capsys, *args)


def neueste(store: Path, wartezeit: str = "T3") -> dict[tuple[str, str, str, int], float | None]:
    """(traeger_id, merkmal, geschlecht, YYYYMM) -> value (None = missing) of the newest vintage."""
    with Datenbestand(store) as db:
        df = db.neueste_werte(wartezeit)
    return {
        (r.traeger_id, r.merkmal, r.geschlecht, int(r.monat)): None
        if pd.isna(r.wert)
        else float(r.wert)
        for r in df.itertuples()
    }


def ordner_abbild(ordner: Path) -> dict[str, str]:
    """SHA-256 of every file in a folder (a store's .sqlite and any -wal/-shm beside it)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(ordner.iterdir())}


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


#: every value of a store (format 3: the genders of a key in one row), one row each:
#: traeger_id, merkmal, geschlecht, wartezeit, monat, datenstand, wert, fehlkennzeichen, import_id
WERTE_SQL = " UNION ALL ".join(
    f"SELECT traeger_id, merkmal, '{g}' AS geschlecht, wartezeit, monat, datenstand, {g} AS wert, "
    f"kennzeichen_{g} AS fehlkennzeichen, import_{g} AS import_id FROM grunddaten "
    f"WHERE import_{g} IS NOT NULL"
    for g in ("gesamt", "frauen", "maenner")
)


def gespeicherte_werte(store: Path) -> list[tuple]:
    """Every value stored, as the rows of ``WERTE_SQL``, sorted."""
    with closing(sqlite3.connect(store)) as con:
        return sorted(con.execute(WERTE_SQL).fetchall(), key=repr)


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


# --- LibreOffice and poppler -----------------------------------------------------------------


def name_setzen(pfad: Path, name: str, wert: object) -> None:
    """Enter ``wert`` in the cell of a workbook's defined name, as a user types it there."""
    wb = load_workbook(pfad)
    blatt, zelle = next(wb.defined_names[name].destinations)
    wb[blatt][zelle.replace("$", "")] = wert
    wb.save(pfad)


PLAN = [155, 175, 215, 215, 190, 180, 165, 205, 205, 180, 170, 130]  # integrations, by month


def plan_eintragen(mappe: Path, werte: list[float]) -> None:
    """The user's plan for the target "integrationen" on the sheet "Planung"."""
    wb = load_workbook(mappe)
    ws = wb["Planung"]
    erste, kopf, _, unten = range_boundaries(ws.tables["tbl_Planung"].ref)
    zeilen = range(kopf + 1, unten + 1)
    zeile = next(r for r in zeilen if ws.cell(r, erste).value == "integrationen")
    for m in range(12):
        ws.cell(zeile, erste + 3 + m).value = werte[m]
    wb.save(mappe)


def pfad_der_integrationen(mappe: Path) -> tuple[str, float]:
    """Where the Zielpfad of "integrationen" comes from, and its value (sheet "Zielpfad")."""
    (z,) = [z for z in tabelle_lesen(load_workbook(mappe), "tbl_Prognose")
            if z["Ziel_ID"] == "integrationen"]  # fmt: skip
    return z["Zielpfad aus"], z["Zielpfad"]


#: the columns of tbl_Vereinbarung as a user sees them on the sheet
BEREICH, ART, VERGLEICH, SCHWELLE = 0, 4, 5, 6


def vereinbarung_aendern(mappe: Path, aenderungen: dict[tuple[str, int], object]) -> None:
    """Type into the agreement's sheet: (Ziel_ID, column) -> value."""
    wb = load_workbook(mappe)
    for zeile in wb["Zielvereinbarung"].iter_rows(min_row=6):
        for (ziel_id, spalte), wert in aenderungen.items():
            if zeile[1].value == ziel_id:
                zeile[spalte].value = wert
    wb.save(mappe)


def ziel_hinzufuegen(mappe: Path) -> None:
    """A sixth target on the sheet: the monitoring row „anteil_bd“ becomes a target."""
    neu = {BEREICH: "Ziel", VERGLEICH: ">=", SCHWELLE: 1}
    vereinbarung_aendern(mappe, {("anteil_bd", spalte): wert for spalte, wert in neu.items()})


def libreoffice_noetig(*weitere: str) -> None:
    """LibreOffice (and the named poppler tools) are installed by .ci/run; on a developer
    machine without them the test is skipped, in CI (CI=true) it fails."""
    fehlt = [p for p in ("soffice", *weitere) if shutil.which(p) is None]
    if fehlt:
        if os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.fail(f"nicht installiert: {', '.join(fehlt)} (.ci/run installiert sie)")
        pytest.skip(f"not installed on this machine: {', '.join(fehlt)}")


@dataclass
class Bild:
    """A PNG as a person sees it: its size and how much of it is ink and colour."""

    breite: int
    hoehe: int
    tinte: float  # share of pixels that are not (nearly) white
    farbe: float  # share of pixels that are clearly coloured (not grey)


def png_lesen(pfad: Path) -> Bild:
    """Decode an 8-bit RGB or RGBA PNG (what pdftoppm writes) without extra packages."""
    import numpy as np

    daten = pfad.read_bytes()
    assert daten[:8] == b"\x89PNG\r\n\x1a\n", pfad
    pos, idat, kopf = 8, b"", b""
    while pos < len(daten):
        (laenge,) = struct.unpack(">I", daten[pos : pos + 4])
        art, inhalt = daten[pos + 4 : pos + 8], daten[pos + 8 : pos + 8 + laenge]
        if art == b"IHDR":
            kopf = inhalt
        elif art == b"IDAT":
            idat += inhalt
        pos += 12 + laenge
    breite, hoehe, tiefe, typ, _, _, zeilensprung = struct.unpack(">IIBBBBB", kopf)
    assert tiefe == 8 and typ in (2, 6) and zeilensprung == 0, (pfad, tiefe, typ)
    bpp = 3 if typ == 2 else 4
    roh = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(hoehe, breite * bpp + 1)
    pixel = np.zeros((hoehe, breite * bpp), dtype=np.int32)
    oben = np.zeros(breite * bpp, dtype=np.int32)
    for y in range(hoehe):
        filter_, zeile = roh[y, 0], roh[y, 1:].astype(np.int32)
        if filter_ == 0:
            neu = zeile
        elif filter_ == 2:
            neu = (zeile + oben) % 256
        elif filter_ == 1:  # Sub: a running sum per channel
            neu = np.cumsum(zeile.reshape(breite, bpp), axis=0).reshape(-1) % 256
        else:  # Average and Paeth depend on the pixel to the left: one by one
            neu = zeile.copy()
            for x in range(len(neu)):
                links = int(neu[x - bpp]) if x >= bpp else 0
                ueber = int(oben[x])
                if filter_ == 3:
                    neu[x] = (neu[x] + (links + ueber) // 2) % 256
                else:
                    ecke = int(oben[x - bpp]) if x >= bpp else 0
                    p = links + ueber - ecke
                    pa, pb, pc = abs(p - links), abs(p - ueber), abs(p - ecke)
                    vorher = links if pa <= pb and pa <= pc else ueber if pb <= pc else ecke
                    neu[x] = (neu[x] + vorher) % 256
        pixel[y], oben = neu, neu
    rgb = pixel.reshape(hoehe, breite, bpp)[:, :, :3]
    tinte = float((rgb.min(axis=2) < 200).mean())
    farbe = float((rgb.max(axis=2) - rgb.min(axis=2) > 60).mean())
    return Bild(breite, hoehe, tinte, farbe)


def pdf_text(pdf: Path) -> tuple[int, str]:
    """Pages and text of a PDF, as poppler's pdfinfo and pdftotext read it."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    seiten = int(next(z.split()[-1] for z in info.stdout.splitlines() if z.startswith("Pages:")))
    # in reading order: a cell's wrapped lines stay together
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return seiten, text
