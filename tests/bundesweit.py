"""All 404 Jobcenters of the national benchmark, SYNTHETIC (Beispieldaten – keine amtlichen
Werte), 2021–2023, with the awkward cases of real deliveries; and a store of format 2 written
row for row as the importer of format 2 wrote it, to migrate.

The cases: a revision of gesamt and frauen with a newer Datenstand (maenner keeps the older
one), a month without eLb, a Träger whose year ends in August, one without T0 data in the year,
one whose prior year came only as T3, suppressed and empty cells, a figure given only as
gesamt and one given only as frauen and maenner.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pandas as pd

from zielsteuerung.daten.beispieldaten import DEMO_TRAEGER, erzeuge_beispieldaten
from zielsteuerung.daten.vereinbarungen import beispiel
from zielsteuerung.daten.zuordnung import Spaltenzuordnung

FORMAT_2 = Path(__file__).parent / "daten" / "datenbestand-format-2.sqlite"
JAHR = 2023
TRAEGER = [(t, f"Synthetischer Träger {t}") for t, _ in DEMO_TRAEGER] + [
    (f"99{i:03d}", f"Synthetischer Träger 99{i:03d}") for i in range(1, 387)
]  # as benchmarks/daten.py: the NRW ids, then invented ones
REVIDIERT, LUECKE, AUGUST, OHNE, NUR_T3, UNTERDRUECKT, LEER, NUR_GESAMT, OHNE_GESAMT = (
    f"99{i:03d}" for i in range(1, 10)
)
MERKMALE = [*beispiel().merkmale(mit_monitoring=True), "ZUG_ELB"]  # one the agreement leaves
SPALTEN = ["traeger_id", "traeger_name", "berichtsmonat", "merkmal", "geschlecht", "wert",
           "wartezeit", "datenstand", "hinweis"]  # fmt: skip


def dateien(ordner: Path) -> list[Path]:
    """The national history and a revision, as CSV files in ``ordner``."""
    daten = erzeuge_beispieldaten(2023, range(JAHR - 2, JAHR + 1), TRAEGER)
    daten = daten[daten["merkmal"].isin(MERKMALE)]
    t, monat, wz = daten["traeger_id"], daten["berichtsmonat"], daten["wartezeit"]
    merkmal, g = daten["merkmal"], daten["geschlecht"]
    weg = (
        ((t == LUECKE) & (monat == f"{JAHR}-02") & (merkmal == "ELB"))
        | ((t == AUGUST) & (monat > f"{JAHR}-08"))
        | ((t == OHNE) & (monat >= f"{JAHR}-01") & (wz == "T0"))
        | ((t == NUR_T3) & (monat < f"{JAHR}-01") & (wz == "T0"))
        | ((t == NUR_GESAMT) & (merkmal == "LZB") & (g != "gesamt"))
        | ((t == OHNE_GESAMT) & (merkmal == "INT") & (g == "gesamt"))
    )
    daten = daten[~weg].astype({"wert": object})
    t, monat, merkmal, g = (
        daten["traeger_id"],
        daten["berichtsmonat"],
        daten["merkmal"],
        daten["geschlecht"],
    )
    daten.loc[(t == UNTERDRUECKT) & (monat == f"{JAHR}-04") & (merkmal == "INT_LZB"), "wert"] = "*"
    daten.loc[
        (t == LEER) & (monat == f"{JAHR}-05") & (merkmal == "LLU") & (g == "frauen"), "wert"
    ] = None
    revision = daten[
        (daten["traeger_id"] == REVIDIERT)
        & (daten["berichtsmonat"] == f"{JAHR}-03")
        & (daten["merkmal"] == "INT")
        & (daten["geschlecht"] != "maenner")
    ].copy()
    revision["wert"] = revision["wert"] + 7
    revision["datenstand"] = f"{JAHR + 1}-06-30"
    pfade = []
    for name, teil in (("national-synthetisch.csv", daten), ("revision.csv", revision)):
        zahl = pd.to_numeric(teil["wert"], errors="coerce")
        text = zahl.map("{:.0f}".format).where(zahl.notna(), teil["wert"].fillna(""))
        pfade.append(ordner / name)
        teil.assign(wert=text)[SPALTEN].to_csv(pfade[-1], sep=";", index=False, lineterminator="\n")
    return pfade


def format_2_schreiben(pfade: list[Path], store: Path) -> None:
    """A store of format 2 holding the files, as the importer of format 2 wrote it: the
    committed store of format 2 emptied (its schema as that code made it), then one row per
    value keyed by Träger, merkmal, geschlecht, Wartezeit, month and Datenstand."""
    shutil.copy(FORMAT_2, store)
    with closing(sqlite3.connect(store)) as con, con:
        for tabelle in ("grunddaten", "importe", "traeger"):
            con.execute(f"DELETE FROM {tabelle}")
        for nr, pfad in enumerate(pfade, start=1):
            daten = pd.read_csv(pfad, sep=";", dtype=str, keep_default_na=False)
            con.execute(
                "INSERT INTO importe VALUES (?, ?, ?, ?, ?, 1, ?, NULL)",
                (nr, pfad.name, hashlib.sha256(pfad.read_bytes()).hexdigest(),
                 f"2024-07-01T10:00:0{nr}", len(daten), Spaltenzuordnung().kennung()),
            )  # fmt: skip
            kennzeichen = daten["wert"].where(daten["wert"].isin(["*", ""])).replace("", "leer")
            zeilen = zip(
                daten["traeger_id"], daten["merkmal"], daten["geschlecht"], daten["wartezeit"],
                daten["berichtsmonat"].str.replace("-", "").astype(int).tolist(),
                daten["datenstand"],
                pd.to_numeric(daten["wert"], errors="coerce").astype(object)
                .where(kennzeichen.isna(), None).tolist(),
                kennzeichen.astype(object).where(kennzeichen.notna(), None).tolist(),
                [nr] * len(daten),
                strict=True,
            )  # fmt: skip
            con.executemany("INSERT INTO grunddaten VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", zeilen)
            con.executemany(
                "INSERT OR REPLACE INTO traeger VALUES (?, ?)",
                set(zip(daten["traeger_id"], daten["traeger_name"], strict=True)),
            )
    with closing(sqlite3.connect(store)) as con:
        con.execute("VACUUM")
