"""Checks of the oracle against the worked example of fachkonzept 3.3 and decisions 1-7."""

import pytest

from oracle import evaluate

TR = "05154"


def row(month, merkmal, geschlecht, wert, wartezeit="T3", datenstand="2024-06-30"):
    return {
        "traeger_id": TR,
        "berichtsmonat": month,
        "merkmal": merkmal,
        "geschlecht": geschlecht,
        "wert": wert,
        "wartezeit": wartezeit,
        "datenstand": datenstand,
    }


def worked_example_rows():
    rows = []
    # ELB frauen = maenner for Dec(Y-1), Jan, Feb; ELB gesamt must be derived.
    for months, elb in [
        (("2021-12", "2022-01", "2022-02"), (5000, 5050, 5100)),
        (("2022-12", "2023-01", "2023-02"), (5250, 5300, 5350)),
    ]:
        for month, v in zip(months, elb, strict=True):
            rows += [row(month, "ELB", "frauen", float(v)), row(month, "ELB", "maenner", float(v))]
    for merkmal, geschlecht, y22, y23 in [
        ("INT", "gesamt", (200, 180, 220), (210, 190, 230)),
        ("INT", "frauen", (80, 70, 90), (90, 85, 100)),  # maenner must be derived
        ("LZB", "gesamt", (7000, 7100, 7200), (6900, 6850, 6800)),
        ("INT_LZB", "gesamt", (60, 55, 65), (58, 52, 66)),
    ]:
        for m in range(3):
            rows.append(row(f"2022-{m + 1:02d}", merkmal, geschlecht, float(y22[m])))
            rows.append(row(f"2023-{m + 1:02d}", merkmal, geschlecht, float(y23[m])))
    return rows


def by_id(result):
    return {z["id"]: z for z in result["ziele"]}


def test_worked_example():
    result = evaluate(worked_example_rows(), TR, 2023, 3, "T3")
    assert (result["traeger_id"], result["jahr"], result["bis_monat"], result["wartezeit"]) == (
        TR,
        2023,
        3,
        "T3",
    )
    assert [z["id"] for z in result["ziele"]] == [
        "integrationen",
        "k2",
        "k2_abstand",
        "k3",
        "integrationen_lzb",
    ]
    z = by_id(result)
    # id: vorjahr, aktuell, veraenderung, zielwert, digits, einheit, schwelle, status
    expected = {
        "integrationen": (600, 630, 5.0, 615, 1, "%", 2.5, "auf Kurs"),
        "k2": (5.9406, 5.9434, 0.0472, 6.1010, 4, "%", 2.7, "gefährdet"),
        "k2_abstand": (2.3762, 1.5094, -0.8668, 1.9762, 4, "pp", -0.4, "auf Kurs"),
        "k3": (7100, 6850, -3.5211, 6908.3, 4, "%", -2.7, "auf Kurs"),
        "integrationen_lzb": (180, 176, -4, 180, 0, "abs", 0, "gefährdet"),
    }
    for tid, (vj, ak, ve, zw, digits, einheit, schwelle, status) in expected.items():
        got = z[tid]
        assert round(got["vorjahr"], digits) == pytest.approx(vj), tid
        assert round(got["aktuell"], digits) == pytest.approx(ak), tid
        assert round(got["veraenderung"], digits) == pytest.approx(ve), tid
        assert round(got["zielwert"], 1 if tid == "k3" else digits) == pytest.approx(zw), tid
        assert got["einheit"] == einheit and got["schwelle"] == schwelle, tid
        assert got["status"] == status and got["knapp"] is False, tid
    # Intermediate values of the table: K2 JFW of maenner and frauen.
    assert z["k2_abstand"]["vorjahr"] == pytest.approx(100 * 360 / 5050 - 100 * 240 / 5050)
    assert z["k2_abstand"]["aktuell"] == pytest.approx(100 * 355 / 5300 - 100 * 275 / 5300)
    # Monitoring: no data (ELB March missing) -> all not computable.
    assert [m["id"] for m in result["monitoring"]] == [
        "llu",
        "luh",
        "bg",
        "elb",
        "anteil_bd",
        "lzb_4j",
    ]
    for m in result["monitoring"]:
        assert m["vorjahr"] is None and m["aktuell"] is None and m["veraenderung"] is None
    assert result["monitoring"][4]["einheit"] == "pp"


def test_vintage_newest_missing_and_other_wartezeit_ignored():
    rows = worked_example_rows()
    rows.append(row("2023-01", "INT", "gesamt", 999.0, datenstand="2024-07-01"))
    rows.append(row("2023-01", "INT", "gesamt", None, datenstand="2024-08-01"))
    rows.append(row("2023-01", "INT", "gesamt", 1.0, wartezeit="T0", datenstand="2025-01-01"))
    z = by_id(evaluate(rows, TR, 2023, 3, "T3"))["integrationen"]
    assert z["status"] == "nicht berechenbar" and z["veraenderung"] is None
    assert z["vorjahr"] == 600 and z["aktuell"] is None
    assert z["zielwert"] == pytest.approx(615) and z["knapp"] is False
    # T0 has only one record: nothing computable.
    assert by_id(evaluate(rows, TR, 2023, 3, "T0"))["integrationen"]["vorjahr"] is None


def test_knapp_and_full_year():
    rows = [row("2022-01", "INT", "gesamt", 10000.0), row("2023-01", "INT", "gesamt", 10246.0)]
    z = by_id(evaluate(rows, TR, 2023, 1, "T3"))["integrationen"]
    assert z["veraenderung"] == pytest.approx(2.46)
    assert z["status"] == "gefährdet" and z["knapp"] is True
    months = [f"{y}-{m:02d}" for y in (2022, 2023) for m in range(1, 13)]
    rows = [row(month, "INT_LZB", "gesamt", 10.0) for month in months]
    z = by_id(evaluate(rows, TR, 2023, 12, "T3"))["integrationen_lzb"]
    assert (z["vorjahr"], z["aktuell"], z["veraenderung"]) == (120, 120, 0)
    assert z["status"] == "erreicht" and z["knapp"] is False
