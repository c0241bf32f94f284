"""The national SYNTHETIC history the benchmarks run on, generated once and cached.

404 Jobcenters x 60 months (2020-01 .. 2024-12) x every base figure of fachkonzept 2.2 x
gesamt/frauen/maenner x T3 and T0, in the canonical long format (fachkonzept 2.1), written by
``zielsteuerung.daten.beispieldaten.erzeuge_beispieldaten``: about 2.8 million rows. Every value is
invented ("Beispieldaten – keine amtlichen Werte", column ``hinweis`` on every row); the file
name says "synthetisch" too.

Ids: the 18 zugelassene kommunale Träger in NRW keep their Regionalschlüssel (so that the
built-in agreement of Kreis Kleve and the NRW peer comparison have a Träger to work on), the
other 386 get invented ids 99001 .. 99386 (no Land has the key 99). All names are synthetic.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from zielsteuerung.daten.beispieldaten import DEMO_TRAEGER, erzeuge_beispieldaten

CACHE = Path(__file__).resolve().parent / ".cache"
FORMAT = 1  # bump when the generated file changes, so that a stale cache is regenerated
ANZAHL = 404
JAHRE = range(2020, 2025)
SEED = 2023
DATEI = CACHE / f"national-synthetisch-{ANZAHL}-jobcenter-2020-2024.csv"
#: the same with one suppressed cell ("*") in its first data row: its values read as text
DATEI_TEXT = DATEI.with_name(DATEI.stem + "-ein-gesperrter-wert.csv")
KLEVE = "05154"


def traeger_liste() -> list[tuple[str, str]]:
    """404 (id, name) pairs: the NRW zkT ids first, then invented ids; names all synthetic."""
    nrw = [(tid, f"Synthetischer Träger {tid}") for tid, _ in DEMO_TRAEGER]
    weitere = [(f"99{i:03d}", f"Synthetischer Träger 99{i:03d}") for i in range(1, 387)]
    liste = nrw + weitere
    assert len(liste) == ANZAHL and len({t for t, _ in liste}) == ANZAHL
    return liste


def _meta() -> dict[str, object]:
    return {"format": FORMAT, "traeger": ANZAHL, "jahre": list(JAHRE), "seed": SEED}


def _log(text: str) -> None:
    print(f"[benchmark] {text}", file=sys.stderr, flush=True)


def sicherstellen(block: int = 50) -> dict[str, object]:
    """Generate the file unless a current one is cached; returns facts about it."""
    meta_pfad = DATEI.with_suffix(".json")
    if DATEI.exists() and meta_pfad.exists():
        meta = json.loads(meta_pfad.read_text(encoding="utf-8"))
        if {k: meta.get(k) for k in _meta()} == _meta():
            return {**meta, "from_cache": True}
    CACHE.mkdir(parents=True, exist_ok=True)
    _log(f"generating the synthetic national history (once) -> {DATEI.name}")
    beginn = time.perf_counter()
    liste = traeger_liste()
    tmp = DATEI.with_suffix(".tmp")
    zeilen = 0
    with open(tmp, "w", encoding="utf-8", newline="") as datei:
        for start in range(0, len(liste), block):  # each Träger's data is independent
            teil = erzeuge_beispieldaten(SEED, JAHRE, liste[start : start + block])
            teil.to_csv(datei, sep=";", index=False, header=start == 0, float_format="%.0f")
            zeilen += len(teil)
            _log(f"  {min(start + block, len(liste))}/{len(liste)} Träger, {zeilen:,} rows")
    os.replace(tmp, DATEI)
    meta = {
        **_meta(),
        "rows": zeilen,
        "bytes": DATEI.stat().st_size,
        "generated_in_s": round(time.perf_counter() - beginn, 2),
    }
    meta_pfad.write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return {**meta, "from_cache": False}


def text_variante() -> Path:
    """``DATEI`` with the value of its first data row written as "*" (a suppressed cell, as
    BA writes them), so that the importer reads the file's values as text; made once."""
    if DATEI_TEXT.exists() and DATEI_TEXT.stat().st_mtime >= DATEI.stat().st_mtime:
        return DATEI_TEXT
    tmp = DATEI_TEXT.with_suffix(".tmp")
    with open(DATEI, "rb") as quelle, open(tmp, "wb") as ziel:
        kopf, erste = quelle.readline(), quelle.readline().split(b";")
        erste[kopf.split(b";").index(b"wert")] = b"*"
        ziel.write(kopf + b";".join(erste))
        while block := quelle.read(16 * 1024 * 1024):
            ziel.write(block)
    os.replace(tmp, DATEI_TEXT)
    return DATEI_TEXT
