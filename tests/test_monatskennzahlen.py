"""The monthly § 48a indicators (fachkonzept 3.1) on irregular, strictly increasing series,
against the formulas of 3.1 written out below month by month, and the windows each indicator
reads: a missing month at a window's edge makes the value "nicht berechenbar" and is named,
a missing month just outside changes nothing.

Every series rises by an irregular amount each month, so a window shifted by one month (a
numerator, a denominator, ELB(k) instead of ELB(k-1)) gives a different number.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable

import pandas as pd
import pytest

from zielsteuerung.kern import monate
from zielsteuerung.kern.kennzahlen import Panel, monatskennzahl, monatswerte

TRAEGER = "05154"
ERSTER, LETZTER = monate.monat(2021, 1), monate.monat(2024, 3)
M = monate.monat(2023, 6)  # the month the windows are checked for, data on both sides

#: The base figures of 3.1 and the size of their first value (stocks large, flows small).
START = {
    "LLU": 2_000_000.0, "LUH": 900_000.0, "ELB": 12_000.0, "ZUG_ELB": 300.0, "ABG_ELB": 320.0,
    "INT": 250.0, "EIN_GB": 60.0, "EIN_OGB": 25.0, "KONT_BESCH": 120.0, "INT_AE": 30.0,
    "ELB_AE": 1_400.0, "LZB": 7_000.0, "INT_LZB": 90.0, "LZB_MASSN": 600.0, "ZUG_LZB": 110.0,
    "ABG_LZB": 130.0,
}  # fmt: skip

Reihen = dict[tuple[str, str], dict[int, float]]


def steigende_reihen() -> Reihen:
    """frauen and maenner: each month a little more than the month before, by an irregular
    amount (fixed seed); gesamt is their sum."""
    zufall = random.Random(31)
    reihen: Reihen = {}
    for merkmal, start in START.items():
        for geschlecht, anteil in (("frauen", 0.45), ("maenner", 0.55)):
            wert, reihe = start * anteil, {}
            for k in range(ERSTER, LETZTER + 1):
                wert += start * zufall.uniform(0.001, 0.03)
                reihe[k] = round(wert, 2)
            reihen[(merkmal, geschlecht)] = reihe
        f, m = reihen[(merkmal, "frauen")], reihen[(merkmal, "maenner")]
        reihen[(merkmal, "gesamt")] = {k: f[k] + m[k] for k in f}
    return reihen


def als_panel(reihen: Reihen) -> Panel:
    zeilen = [
        dict(traeger_id=TRAEGER, merkmal=merkmal, geschlecht=geschlecht,
             monat=monate.als_yyyymm(k), wert=wert, fehlkennzeichen=None,
             datenstand="2024-05-01", import_id=1)
        for (merkmal, geschlecht), reihe in reihen.items() for k, wert in reihe.items()
    ]  # fmt: skip
    return Panel(pd.DataFrame(zeilen), "T3")


# --- fachkonzept 3.1, as written there -------------------------------------------------------

VORJAHR = {"K1": "LLU", "K1E1": "LUH", "K1E2": "ELB", "K3": "LZB"}
ZUGANG = {"K1E3": ("ZUG_ELB", "ELB"), "K3E3": ("ZUG_LZB", "LZB")}
ABGANG = {"K1E4": ("ABG_ELB", "ELB"), "K3E4": ("ABG_LZB", "LZB")}
QUOTE = {
    "K2": ("INT", "ELB"),
    "K2E1": ("EIN_GB", "ELB"),
    "K2E2": ("EIN_OGB", "ELB"),
    "K2E4": ("INT_AE", "ELB_AE"),
    "K3E1": ("INT_LZB", "LZB"),
}
CODES = [*VORJAHR, *ZUGANG, *ABGANG, *QUOTE, "K2E3", "K3E2"]


def mittel(werte: list[float]) -> float:
    return sum(werte) / len(werte)


def nach_fachkonzept(code: str, x: Callable[[str, int], float], m: int) -> float:
    """The indicator of month m; x(merkmal, k) is a base figure of month k (KeyError when the
    month is missing)."""
    zwoelf = range(m - 11, m + 1)  # m-11..m
    davor = range(m - 12, m)  # m-12..m-1
    if code in VORJAHR:
        X = VORJAHR[code]
        return (x(X, m) / x(X, m - 12) - 1) * 100
    if code in ZUGANG:
        zug, bestand = ZUGANG[code]
        return mittel([x(zug, k) / x(bestand, k) for k in zwoelf]) * 100
    if code in ABGANG:
        abg, bestand = ABGANG[code]
        return mittel([x(abg, k) / x(bestand, k - 1) for k in zwoelf]) * 100
    if code in QUOTE:
        n, d = QUOTE[code]
        return 100 * sum(x(n, k) for k in zwoelf) / mittel([x(d, k) for k in davor])
    if code == "K2E3":
        return 100 * sum(x("KONT_BESCH", k) for k in zwoelf) / sum(x("INT", k) for k in zwoelf)
    assert code == "K3E2"
    return 100 * x("LZB_MASSN", m) / x("LZB", m)


#: The months each indicator reads, as offsets (from, to) relative to m: numerator first.
FENSTER: dict[str, list[tuple[str, int, int]]] = {
    **{c: [(X, 0, 0), (X, -12, -12)] for c, X in VORJAHR.items()},
    **{c: [(z, -11, 0), (b, -11, 0)] for c, (z, b) in ZUGANG.items()},
    **{c: [(a, -11, 0), (b, -12, -1)] for c, (a, b) in ABGANG.items()},
    **{c: [(n, -11, 0), (d, -12, -1)] for c, (n, d) in QUOTE.items()},
    "K2E3": [("KONT_BESCH", -11, 0), ("INT", -11, 0)],
    "K3E2": [("LZB_MASSN", 0, 0), ("LZB", 0, 0)],
}


def erwartet(reihen: Reihen, code: str, geschlecht: str, m: int) -> float | None:
    try:
        return nach_fachkonzept(code, lambda merkmal, k: reihen[(merkmal, geschlecht)][k], m)
    except KeyError:
        return None


@pytest.fixture(scope="module")
def reihen() -> Reihen:
    return steigende_reihen()


def test_the_series_are_strictly_increasing_and_irregular(reihen):
    for reihe in reihen.values():
        werte = [reihe[k] for k in sorted(reihe)]
        schritte = [b - a for a, b in itertools.pairwise(werte)]
        assert min(schritte) > 0
        assert len({round(s, 2) for s in schritte}) > len(schritte) // 2


@pytest.mark.parametrize("geschlecht", ["gesamt", "frauen", "maenner"])
@pytest.mark.parametrize("code", CODES)
def test_every_month_equals_the_formula(reihen, code, geschlecht):
    """All months of the data: where the formula has every input the engine gives the same
    value; where it lacks one (the first months), the engine gives none. The one Träger's
    values the sheet "Kennzahlen" shows are the same numbers, to the last bit."""
    panel = als_panel(reihen)
    werte, gruende = monatskennzahl(panel, code, geschlecht)
    pd.testing.assert_series_equal(
        monatswerte(panel, code, geschlecht, TRAEGER), werte[TRAEGER], check_exact=True
    )
    berechnet = 0
    for m in range(ERSTER, LETZTER + 1):
        soll = erwartet(reihen, code, geschlecht, m)
        ist = float(werte.loc[m, TRAEGER])
        if soll is None:
            assert math.isnan(ist), (code, monate.als_text(m), ist)
            assert "fehlt" in gruende.loc[m, TRAEGER]
        else:
            assert ist == pytest.approx(soll, rel=1e-12), (code, monate.als_text(m))
            berechnet += 1
    assert berechnet >= 27  # 39 months of data, windows reach back 12 months at most


def ohne_monat(reihen: Reihen, merkmal: str, geschlecht: str, k: int) -> Reihen:
    """The series with month k of one figure missing: for gesamt only gesamt is given, for a
    gender the two genders are given and gesamt is derived from them (as the store does)."""
    if geschlecht == "gesamt":
        neu = {key: dict(r) for key, r in reihen.items() if key[1] == "gesamt"}
    else:
        neu = {key: dict(r) for key, r in reihen.items() if key[1] != "gesamt"}
    del neu[(merkmal, geschlecht)][k]
    return neu


def text(merkmal: str, geschlecht: str, von: int, bis: int) -> str:
    if von == bis:
        return f"{merkmal} ({geschlecht}) fehlt für {monate.als_text(von)}"
    return (
        f"{merkmal} ({geschlecht}) fehlt im Zeitraum {monate.als_text(von)} bis "
        f"{monate.als_text(bis)}"
    )


@pytest.mark.parametrize("geschlecht", ["gesamt", "frauen"])
@pytest.mark.parametrize("code", CODES)
def test_gap_at_a_window_edge_is_named_one_month_outside_is_harmless(reihen, code, geschlecht):
    for merkmal, von, bis in FENSTER[code]:
        for rand in {von, bis}:
            luecke = ohne_monat(reihen, merkmal, geschlecht, M + rand)
            werte, gruende = monatskennzahl(als_panel(luecke), code, geschlecht)
            fall = (code, merkmal, monate.als_text(M + rand))
            assert math.isnan(werte.loc[M, TRAEGER]), fall
            assert gruende.loc[M, TRAEGER] == text(merkmal, geschlecht, M + von, M + bis), fall
        gelesen = {M + a + i for f, a, b in FENSTER[code] if f == merkmal for i in range(b - a + 1)}
        for draussen in {M + von - 1, M + bis + 1} - gelesen:
            luecke = ohne_monat(reihen, merkmal, geschlecht, draussen)
            werte, gruende = monatskennzahl(als_panel(luecke), code, geschlecht)
            fall = (code, merkmal, monate.als_text(draussen))
            assert werte.loc[M, TRAEGER] == pytest.approx(
                erwartet(reihen, code, geschlecht, M), rel=1e-12
            ), fall
            assert gruende.loc[M, TRAEGER] is None, fall
