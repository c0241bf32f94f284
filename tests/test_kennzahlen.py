"""§ 48a monthly indicators (fachkonzept 3.1) and year-to-date values (3.2): hand-computed
cases, properties, and the national cross-check."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zielsteuerung.kern import monate
from zielsteuerung.kern.kennzahlen import Panel, jahreswert, monatskennzahl, monatskennzahlen

JAHR = 2023
M = monate.monat(JAHR, 12)  # the month the monthly indicators are evaluated for


def panel(reihen: dict[tuple[str, str], dict[int, float | None]], traeger: str = "05154") -> Panel:
    """A panel from {(merkmal, geschlecht): {month index: value}} in the store's row format."""
    zeilen = [
        dict(
            traeger_id=traeger,
            merkmal=m,
            geschlecht=g,
            monat=monate.als_yyyymm(i),
            wert=w,
            fehlkennzeichen=None,
            datenstand="2024-05-01",
            import_id=1,
        )
        for (m, g), werte in reihen.items()
        for i, w in werte.items()
    ]
    return Panel(pd.DataFrame(zeilen), "T3")


def konstant(wert: float, von: int = M - 24, bis: int = M) -> dict[int, float]:
    return dict.fromkeys(range(von, bis + 1), wert)


def kennzahl(p: Panel, code: str, geschlecht: str = "gesamt", monat: int = M) -> float:
    werte, _ = monatskennzahl(p, code, geschlecht)
    return float(werte.loc[monat, "05154"])


def test_k1_family_compares_with_the_same_month_a_year_ago():
    p = panel(
        {
            ("LLU", "gesamt"): {**konstant(100.0), M: 110.0},
            ("LUH", "gesamt"): {**konstant(100.0), M: 90.0},
            ("ELB", "gesamt"): {**konstant(1000.0), M: 1050.0, M - 12: 1000.0},
        }
    )
    assert kennzahl(p, "K1") == pytest.approx(10.0)
    assert kennzahl(p, "K1E1") == pytest.approx(-10.0)
    assert kennzahl(p, "K1E2") == pytest.approx(5.0)


def test_k1e3_k1e4_are_twelve_month_means_of_monthly_rates():
    elb = konstant(1000.0)
    elb[M - 12] = 500.0  # only the Abgangsrate of month M-11 sees it (denominator k-1)
    zug = konstant(20.0)
    zug[M] = 140.0  # one month with 14 % instead of 2 %
    p = panel(
        {("ELB", "gesamt"): elb, ("ZUG_ELB", "gesamt"): zug, ("ABG_ELB", "gesamt"): konstant(30.0)}
    )
    assert kennzahl(p, "K1E3") == pytest.approx((11 * 2.0 + 14.0) / 12)
    assert kennzahl(p, "K1E4") == pytest.approx((11 * 3.0 + 6.0) / 12)


def test_k2_uses_integrations_of_twelve_months_over_the_preceding_stock():
    elb = {m: (4000.0 if m % 2 else 5600.0) for m in range(M - 24, M)}
    elb[M] = 999_999.0  # the stock of month m itself is not part of K2(m)
    p = panel(
        {
            ("INT", "gesamt"): konstant(100.0),
            ("ELB", "gesamt"): elb,
            ("EIN_GB", "gesamt"): konstant(10.0),
            ("EIN_OGB", "gesamt"): konstant(4.0),
            ("KONT_BESCH", "gesamt"): konstant(60.0),
            ("INT_AE", "gesamt"): konstant(10.0),
            ("ELB_AE", "gesamt"): konstant(400.0),
        }
    )
    assert kennzahl(p, "K2") == pytest.approx(100 * 1200 / 4800)
    assert kennzahl(p, "K2E1") == pytest.approx(100 * 120 / 4800)
    assert kennzahl(p, "K2E2") == pytest.approx(100 * 48 / 4800)
    assert kennzahl(p, "K2E3") == pytest.approx(60.0)
    assert kennzahl(p, "K2E4") == pytest.approx(30.0)


def test_k3_family():
    lzb = konstant(3000.0)
    lzb[M - 12] = 3100.0
    p = panel(
        {
            ("LZB", "gesamt"): lzb,
            ("INT_LZB", "gesamt"): konstant(50.0),
            ("LZB_MASSN", "gesamt"): konstant(150.0),
            ("ZUG_LZB", "gesamt"): konstant(30.0),
            ("ABG_LZB", "gesamt"): konstant(60.0),
        }
    )
    assert kennzahl(p, "K3") == pytest.approx((3000 / 3100 - 1) * 100)
    mittel = (11 * 3000 + 3100) / 12  # LZB of the 12 months before M
    assert kennzahl(p, "K3E1") == pytest.approx(100 * 600 / mittel)
    assert kennzahl(p, "K3E2") == pytest.approx(5.0)
    assert kennzahl(p, "K3E3") == pytest.approx(1.0)
    assert kennzahl(p, "K3E4") == pytest.approx((11 * 2.0 + 100 * 60 / 3100) / 12)


def test_national_cross_check_2015():
    """2015: 1.102 million integrations over an average 4.330 million eLb = K2 25.5 %."""
    dez = monate.monat(2015, 12)
    p = panel(
        {
            ("INT", "gesamt"): konstant(1_102_000 / 12, dez - 11, dez),
            ("ELB", "gesamt"): konstant(4_330_000.0, dez - 12, dez - 1),
        },
        traeger="00000",
    )
    werte, _ = monatskennzahl(p, "K2", "gesamt")
    assert round(float(werte.loc[dez, "00000"]), 1) == 25.5
    assert float(jahreswert(p, "K2", "gesamt", 2015, 12).wert["00000"]) == pytest.approx(
        100 * 1.102 / 4.330
    )


def test_missing_input_is_not_computable_with_reason():
    elb = konstant(1000.0)
    elb[M - 5] = None
    p = panel({("INT", "gesamt"): konstant(100.0), ("ELB", "gesamt"): elb})
    tabelle = monatskennzahlen(p, "05154", M - 2, M, ["K2"], ("gesamt",))
    assert tabelle["wert"].isna().all()
    assert all("ELB (gesamt) fehlt" in g for g in tabelle["grund"])
    # K2 of M-5 looks at the stock of M-17..M-6 only, so it is computable
    assert kennzahl(p, "K2", monat=M - 5) == pytest.approx(100 * 1200 / 1000)


def test_zero_denominator_is_reported_not_infinite():
    p = panel({("LZB", "gesamt"): konstant(0.0), ("LZB_MASSN", "gesamt"): konstant(5.0)})
    werte, gruende = monatskennzahl(p, "K3E2", "gesamt")
    assert math.isnan(werte.loc[M, "05154"])
    assert gruende.loc[M, "05154"] == "Nenner ist 0"


# --- year-to-date values (3.2) -------------------------------------------------------------


def test_year_to_date_kinds_by_hand():
    jan = monate.monat(JAHR, 1)
    p = panel(
        {
            ("INT", "gesamt"): {jan: 10.0, jan + 1: 20.0, jan + 2: 30.0},
            ("ELB", "gesamt"): {jan - 1: 100.0, jan: 200.0, jan + 1: 300.0, jan + 2: 10_000.0},
            ("INT_BD", "gesamt"): {jan: 5.0, jan + 1: 5.0, jan + 2: 5.0},
        }
    )
    assert jahreswert(p, "INT", "gesamt", JAHR, 3).wert["05154"] == 60
    assert jahreswert(p, "ELB", "gesamt", JAHR, 3).wert["05154"] == pytest.approx(10_500 / 3)
    # JFW: Jan..Mar integrations over the mean stock of Dec..Feb
    assert jahreswert(p, "K2", "gesamt", JAHR, 3).wert["05154"] == pytest.approx(100 * 60 / 200)
    assert jahreswert(p, "ANTEIL_BD", "gesamt", JAHR, 3).wert["05154"] == pytest.approx(25.0)
    fehlt = jahreswert(p, "INT", "gesamt", JAHR, 4)
    assert math.isnan(fehlt.wert["05154"])
    assert fehlt.grund["05154"] == "INT (gesamt) fehlt für 2023-04"


def test_missing_months_are_named_as_runs():
    """Gaps as a reader takes them in: runs of months, and after four runs how many more."""
    jan = monate.monat(JAHR, 1)
    da = {jan + k: 1.0 for k in (1, 3, 7, 9)}  # of January to December: Feb, Apr, Aug, Oct
    grund = jahreswert(panel({("INT", "gesamt"): da}), "INT", "gesamt", JAHR, 12).grund["05154"]
    assert grund == (
        "INT (gesamt) fehlt für 2023-01, 2023-03, 2023-05 bis 2023-07, 2023-09 und 2 weitere Monate"
    )
    da[jan + 11] = 1.0  # December there: one month left after the four runs
    grund = jahreswert(panel({("INT", "gesamt"): da}), "INT", "gesamt", JAHR, 12).grund["05154"]
    assert grund.endswith("2023-09 und 1 weiterer Monat")
    vorjahr = {jan - 1: 1.0}  # December before, none of the year
    grund = jahreswert(panel({("INT", "gesamt"): vorjahr}), "INT", "gesamt", JAHR, 12).grund
    assert grund["05154"] == "INT (gesamt) fehlt für 2023-01 bis 2023-12"


#: fachkonzept 3.2: the months each year-to-date value V(Y, t) reads, numerator first; "jan"
#: and "t" are January and month t of Y, Dec(Y-1) is jan - 1.
JAHRESFENSTER = {
    "INT": [("INT", 0, 0)],  # Jahressumme: Jan..t
    "LZB": [("LZB", 0, 0)],  # Jahresdurchschnittswert: Jan..t
    **{
        code: [(n, 0, 0), (d, -1, -1)]  # Jahresfortschrittswert: Jan..t over Dec(Y-1)..t-1
        for code, n, d in [
            ("K2", "INT", "ELB"),
            ("K2E1", "EIN_GB", "ELB"),
            ("K2E2", "EIN_OGB", "ELB"),
            ("K2E4", "INT_AE", "ELB_AE"),
            ("K3E1", "INT_LZB", "LZB"),
        ]
    },
    "K2E3": [("KONT_BESCH", 0, 0), ("INT", 0, 0)],  # share: Jan..t over Jan..t
    "ANTEIL_BD": [("INT_BD", 0, 0), ("INT", 0, 0)],
}


@pytest.mark.parametrize("code", JAHRESFENSTER)
def test_year_to_date_gap_at_a_window_edge_is_named_one_month_outside_is_harmless(code):
    """Through June 2023: a missing month at either end of a window makes V(Y, t) not
    computable and is named; the month before or after the window changes nothing."""
    jan, t = monate.monat(JAHR, 1), monate.monat(JAHR, 6)
    figuren = {f for f, _, _ in JAHRESFENSTER[code]}
    voll = {(f, "gesamt"): {k: 100.0 + k % 7 for k in range(jan - 14, t + 3)} for f in figuren}
    gelesen = {
        f: {k for g, a, b in JAHRESFENSTER[code] if g == f for k in range(jan + a, t + b + 1)}
        for f in figuren
    }
    for merkmal, a, b in JAHRESFENSTER[code]:
        for luecke in (jan + a, t + b, jan + a - 1, t + b + 1):
            reihen = {key: dict(r) for key, r in voll.items()}
            del reihen[(merkmal, "gesamt")][luecke]
            ergebnis = jahreswert(panel(reihen), code, "gesamt", JAHR, 6)
            fall = (code, merkmal, monate.als_text(luecke))
            if luecke in gelesen[merkmal]:
                assert math.isnan(ergebnis.wert["05154"]), fall
                assert ergebnis.grund["05154"] == (
                    f"{merkmal} (gesamt) fehlt für {monate.als_text(luecke)}"
                ), fall
            else:
                assert ergebnis.wert["05154"] == pytest.approx(
                    jahreswert(panel(voll), code, "gesamt", JAHR, 6).wert["05154"]
                ), fall
                assert not isinstance(ergebnis.grund["05154"], str), fall  # no reason


reihe = st.lists(st.floats(1, 1e6, allow_nan=False), min_size=25, max_size=25)


@settings(max_examples=50, deadline=None)
@given(int_f=reihe, int_m=reihe, elb_f=reihe, elb_m=reihe, t=st.integers(1, 12))
def test_properties(int_f, int_m, elb_f, elb_m, t):
    monate_ = range(M - 24, M + 1)
    p = panel(
        {
            ("INT", "frauen"): dict(zip(monate_, int_f, strict=True)),
            ("INT", "maenner"): dict(zip(monate_, int_m, strict=True)),
            ("ELB", "frauen"): dict(zip(monate_, elb_f, strict=True)),
            ("ELB", "maenner"): dict(zip(monate_, elb_m, strict=True)),
        }
    )
    # the December JFW equals the calendar-year K2, for every gender
    for g in ("gesamt", "frauen", "maenner"):
        dez, _ = monatskennzahl(p, "K2", g)
        assert jahreswert(p, "K2", g, JAHR, 12).wert["05154"] == pytest.approx(
            dez.loc[M, "05154"], rel=1e-9
        )
    # for sums, gesamt equals frauen plus maenner
    summe = {
        g: jahreswert(p, "INT", g, JAHR, t).wert["05154"] for g in ("gesamt", "frauen", "maenner")
    }
    assert summe["gesamt"] == pytest.approx(summe["frauen"] + summe["maenner"], rel=1e-12)
    # the JDW lies between the smallest and largest monthly stock
    jdw = jahreswert(p, "ELB", "frauen", JAHR, t).wert["05154"]
    werte = elb_f[13 : 13 + t]  # index 0 is Dec 2021
    assert min(werte) - 1e-6 <= jdw <= max(werte) + 1e-6


def test_all_traeger_at_once_equal_one_by_one(demo_daten):
    werte = demo_daten[demo_daten["wartezeit"] == "T3"].assign(
        monat=lambda d: d["berichtsmonat"].str.replace("-", "").astype(int),
        fehlkennzeichen=None,
        import_id=1,
    )
    alle = Panel(werte, "T3")
    assert len(alle.traeger) == 18
    k2_alle = jahreswert(alle, "K2", "frauen", JAHR, 7).wert
    for traeger in ("05154", "05113"):
        einzeln = Panel(werte[werte["traeger_id"] == traeger], "T3")
        assert k2_alle[traeger] == pytest.approx(
            jahreswert(einzeln, "K2", "frauen", JAHR, 7).wert[traeger], rel=1e-12
        )
    assert np.isfinite(k2_alle.to_numpy()).all()
