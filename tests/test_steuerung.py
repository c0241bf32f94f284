"""Zielpfad, Planung, Prognose and Mittelausschöpfung against values computed by hand.

The data are small and made up for these tests; every expected number below is worked out
in the comment beside it from the figures of the fixture, not taken from the program.
"""

from __future__ import annotations

import pytest
from test_worked_example import beispiel_zeilen

from zielsteuerung.bericht.auswerten import Ausschnitt, auswerten
from zielsteuerung.daten.datenbestand import Datenbestand
from zielsteuerung.fehler import EingabeFehler
from zielsteuerung.kern.mittel import Posten, auswerten_mittel, mittel_lesen
from zielsteuerung.kern.monate import MONATE
from zielsteuerung.kern.vereinbarung import laden_aus_text
from zielsteuerung.kern.zielpfad import planung_lesen

from conftest import schreibe_csv

VEREINBARUNG = """
traeger_id = "05154"
traeger_name = "Testträger"
jahr = 2023
wartezeit = "T3"

[[ziel]]
id = "int"
bezeichnung = "Integrationen"
kennzahl = "INT"
art = "relativ"
vergleich = ">="
schwelle = 2.5

[[ziel]]
id = "int_lzb"
bezeichnung = "Integrationen von LZB"
kennzahl = "INT_LZB"
art = "absolut"
vergleich = ">="
schwelle = 12

[[ziel]]
id = "lzb"
bezeichnung = "Bestand LZB"
kennzahl = "LZB"
art = "relativ"
vergleich = "<="
schwelle = -2.7
"""

# 2022 (all twelve months) and 2023 (January to March)
INT_2022 = [100, 100, 150, 150, 100, 100, 100, 100, 100, 100, 50, 50]  # sum 1,200
INT_2023 = [110, 100, 160]  # 370
LZB_2022 = [1000 + 10 * m for m in range(12)]  # 1,000 .. 1,110; mean 1,055
LZB_2023 = [980, 985, 990]  # mean 985


def _zeilen(ohne: tuple[str, str] | None = None) -> list[dict]:
    zeilen = []

    def add(monat: str, merkmal: str, wert: float) -> None:
        if (merkmal, monat) != ohne:
            zeilen.append(
                dict(traeger_id="05154", berichtsmonat=monat, merkmal=merkmal,
                     geschlecht="gesamt", wert=wert, wartezeit="T3", datenstand="2023-05-01")
            )  # fmt: skip

    for jahr, int_, lzb in ((2022, INT_2022, LZB_2022), (2023, INT_2023, LZB_2023)):
        for m in range(len(int_)):
            monat = f"{jahr}-{m + 1:02d}"
            add(monat, "INT", int_[m])
            add(monat, "INT_LZB", 10 if jahr == 2022 else (9, 10, 11)[m])  # 120 / 30
            add(monat, "LZB", lzb[m])
    return zeilen


def _auswerten(tmp_path, cli, plaene=None, ohne=None) -> dict[str, dict]:
    datei = schreibe_csv(tmp_path / "daten.csv", _zeilen(ohne))
    store = tmp_path / "s.sqlite"
    assert cli("import", datei, "--store", store).code == 0
    with Datenbestand(store) as db:
        a = auswerten(
            db, laden_aus_text(VEREINBARUNG, "test"), Ausschnitt(bis_monat=3), plaene=plaene
        )
    return {z["id"]: z for z in a.ziele}


def test_path_of_a_sum_distributes_the_annual_target_by_last_years_shares(tmp_path, cli):
    z = _auswerten(tmp_path, cli)["int"]
    # annual target 1,200 * 1.025 = 1,230; shares of 2022 through Jan/Feb/Mar: 100, 200, 350
    assert z["zielwert_jahr"] == pytest.approx(1230)
    assert z["pfad"][:3] == pytest.approx([102.5, 205.0, 358.75])  # 1,230 * 100/1,200 ...
    assert z["pfad"][11] == pytest.approx(1230)
    assert z["pfad_quelle"] == "Vorjahresverlauf"
    assert z["pfad_aktuell"] == pytest.approx(358.75)
    assert z["abstand_pfad"] == pytest.approx(370 - 358.75)
    assert z["status_pfad"] == "auf dem Zielpfad"
    # projection: 370 * 1,230 / 358.75 = 1,268.571...; +5.714 % against 1,200
    assert z["prognose"] == pytest.approx(370 * 1200 / 350)
    assert z["prognose_veraenderung"] == pytest.approx((370 / 350 - 1) * 100)
    assert z["prognose_abstand"] == pytest.approx(370 * 1200 / 350 - 1230)
    assert z["prognose_status"] == "voraussichtlich erreicht"
    # the fields of the contract keep their meaning beside the new ones
    assert (z["vorjahr"], z["aktuell"], z["status"]) == (350, 370, "auf Kurs")
    assert z["zielwert"] == pytest.approx(358.75)


def test_absolute_target_on_a_sum_and_relative_target_on_a_stock(tmp_path, cli):
    ziele = _auswerten(tmp_path, cli)
    z = ziele["int_lzb"]
    # 120 + 12 = 132 over 2022's equal months: 11 a month; 33 through March, 30 reached
    assert z["pfad"] == pytest.approx([11.0 * m for m in range(1, 13)])
    assert z["status_pfad"] == "hinter dem Zielpfad" and z["abstand_pfad"] == pytest.approx(-3)
    assert z["prognose"] == pytest.approx(120)  # 30 * 132 / 33
    assert z["prognose_veraenderung"] == pytest.approx(0)  # 120 - 120 < +12
    assert z["prognose_abstand"] == pytest.approx(-12)
    assert z["prognose_status"] == "voraussichtlich nicht erreicht"
    # while the year-to-date comparison says: 30 - 30 = 0 < 12, gefährdet
    assert z["status"] == "gefährdet"

    z = ziele["lzb"]
    # 2022's mean through March 1,010, moved by -2.7 %: 982.73; 985 is above it (<= target)
    assert z["pfad_aktuell"] == pytest.approx(1010 * 0.973)
    assert z["pfad"][11] == pytest.approx(1055 * 0.973) == z["zielwert_jahr"]
    assert z["status_pfad"] == "hinter dem Zielpfad"
    assert z["prognose"] == pytest.approx(985 * 1055 / 1010)  # 1,028.886
    assert z["prognose_veraenderung"] == pytest.approx((985 / 1010 - 1) * 100)  # -2.475 %
    assert z["prognose_status"] == "voraussichtlich nicht erreicht"


def test_a_plan_replaces_the_derived_path(tmp_path, cli):
    z = _auswerten(tmp_path, cli, plaene={"int": [100.0] * 12})["int"]
    assert z["pfad_quelle"] == "Planung"
    assert z["pfad"] == pytest.approx([100.0 * m for m in range(1, 13)])
    assert z["status_pfad"] == "auf dem Zielpfad"  # 370 against 300 planned
    assert z["prognose"] == pytest.approx(370 * 1200 / 300)  # 1,480
    assert z["prognose_status"] == "voraussichtlich erreicht"
    assert z["zielwert_jahr"] == pytest.approx(1230)  # the target itself is unchanged


def test_a_plan_leaves_the_contract_fields_as_they_were(tmp_path, cli):
    """fachkonzept 5: the fields of the contract keep their meaning; path and projection are
    extra fields beside them."""
    vertrag = ("vorjahr", "aktuell", "veraenderung", "einheit", "schwelle", "zielwert", "status",
               "knapp")  # fmt: skip
    ohne = _auswerten(tmp_path, cli)
    (tmp_path / "b").mkdir()
    mit = _auswerten(tmp_path / "b", cli, plaene={"int": [90.0] * 12})
    for ziel_id in ohne:
        assert {k: ohne[ziel_id][k] for k in vertrag} == {k: mit[ziel_id][k] for k in vertrag}
    assert mit["int"]["pfad_quelle"] == "Planung" and mit["int"]["pfad"] != ohne["int"]["pfad"]


def test_a_plan_far_from_last_years_course_is_no_path(tmp_path, cli):
    """„1,1“ typed for 1.100 integrations a month (German Excel reads the comma as a decimal
    mark) would put the path at a hundredth of last year's and the Träger far ahead of it,
    without a word. A path 20 times or more away from the prior year's course is no path:
    not computable, with the reason, and the target's own status stays as it is."""
    ohne = _auswerten(tmp_path, cli)["int"]
    (tmp_path / "b").mkdir()
    z = _auswerten(tmp_path / "b", cli, plaene={"int": [1.1] * 12})["int"]
    assert z["pfad_quelle"] == "Planung" and z["pfad"] == [None] * 12
    assert z["status_pfad"] == z["prognose_status"] == "nicht berechenbar"
    assert z["pfad_grund"] == (
        "Planung: Zielpfad im Januar 1,1, Vorjahr 100,0 (Faktor 91); ein Tippfehler "
        "(Tausenderpunkt, Komma)? Bitte das Blatt „Planung“ prüfen."
    )
    assert (z["status"], z["zielwert"]) == (ohne["status"], ohne["zielwert"])


def test_prior_year_with_a_missing_month_is_not_computable_never_guessed(tmp_path, cli):
    ziele = _auswerten(tmp_path, cli, ohne=("INT", "2022-10"))
    z = ziele["int"]
    # a sum's path needs the whole prior year: no month of it is computable
    assert z["pfad"] == [None] * 12
    assert z["pfad_aktuell"] is None and z["prognose"] is None
    assert z["status_pfad"] == z["prognose_status"] == "nicht berechenbar"
    assert "INT (gesamt) fehlt für 2022-10" in z["pfad_grund"]
    assert z["status"] == "auf Kurs"  # January to March of both years are complete


def test_stock_path_before_the_gap_stays_computable_the_projection_does_not(tmp_path, cli):
    (tmp_path / "b").mkdir()
    z = _auswerten(tmp_path / "b", cli, ohne=("LZB", "2022-10"))["lzb"]
    assert z["pfad"][:9] == pytest.approx([(1000 + 5 * m) * 0.973 for m in range(9)])
    assert z["pfad"][9:] == [None, None, None]
    assert z["status_pfad"] == "hinter dem Zielpfad"  # March is before the gap
    assert z["prognose"] is None and z["prognose_status"] == "nicht berechenbar"
    assert "LZB (gesamt) fehlt für 2022-10" in z["pfad_grund"]


def test_gender_gap_path_is_the_worked_examples_target_value(tmp_path, cli):
    """fachkonzept 3.3: the gap's path through March is 2.3762 - 0.4 = 1.9762 pp, the
    target value of the example; 1.5094 pp is below it. The example has no data after March
    2022, so the December projection is not computable."""
    datei = schreibe_csv(tmp_path / "b.csv", beispiel_zeilen())
    store = tmp_path / "s.sqlite"
    assert cli("import", datei, "--store", store).code == 0
    lauf = cli("auswerten", "--store", store, "--jahr", 2023, "--bis-monat", 3,
               "--wartezeit", "T3", "--format", "json")  # fmt: skip
    ziele = {z["id"]: z for z in lauf.json()["ziele"]}
    z = ziele["k2_abstand"]
    assert z["pfad_aktuell"] == pytest.approx(1.9762, abs=1e-4)
    assert z["pfad_aktuell"] == pytest.approx(z["zielwert"])
    assert z["status_pfad"] == "auf dem Zielpfad"
    assert z["prognose"] is None and "fehlt" in z["pfad_grund"]
    assert ziele["integrationen"]["pfad_aktuell"] is None  # sums need the whole prior year


# --- Planung: validation ---------------------------------------------------------------------


def _plan(**werte: object) -> dict:
    return {"Ziel_ID": "int", **dict(zip(MONATE, [100] * 12, strict=True)), **werte}


def test_plan_validation_names_text_cells_and_missing_months():
    v = laden_aus_text(VEREINBARUNG, "test")
    assert planung_lesen([_plan(März="1.234,5")], v)["int"][2] == 1234.5
    assert planung_lesen([_plan(März="1.200")], v)["int"][2] == 1200  # German thousands
    assert planung_lesen([_plan(März="2.5")], v)["int"][2] == 2.5
    assert planung_lesen([{"Ziel_ID": "int"}], v) == {}  # empty: the derived path applies
    assert planung_lesen([{"Ziel_ID": "alt", "Januar": "x"}], v) == {}  # no longer agreed
    with pytest.raises(EingabeFehler) as fehler:
        planung_lesen(
            [
                _plan(März="viel", Juni="22,5 %", Juli="1,234.5", August="12,3.4"),
                {**_plan(April=None, Mai=""), "Ziel_ID": "lzb"},
            ],
            v,
        )
    text = str(fehler.value)
    # English notation: refused with its German spelling, not read as 1,2345 or 12,34
    assert "Ziel „int“, Juli: „1,234.5“ ist in englischer Schreibweise" in text
    assert "bitte deutsch schreiben: 1.234,5." in text
    assert "Ziel „int“, August: „12,3.4“ ist keine Zahl." in text
    assert "Ziel „int“, März: „viel“ ist keine Zahl." in text
    assert "Ziel „int“, Juni: „22,5 %“ ist keine Zahl (bitte ohne %-Zeichen, z. B. 22,5)." in text
    assert "Ziel „lzb“: es fehlen Werte für April, Mai" in text


# --- Mittelausschöpfung ------------------------------------------------------------------------


def _mittel(posten: str, jahr: int, mittel: float | None, ausgaben: list[float]) -> dict:
    return {"Posten": posten, "Jahr": jahr, "Mittel": mittel,
            **dict(zip(MONATE, ausgaben, strict=False))}  # fmt: skip


def test_utilisation_against_linear_and_prior_year_path():
    posten = mittel_lesen(
        [
            _mittel("A", 2023, 1200, [100, 100, 100]),
            _mittel("A", 2022, 1100, [50] * 6 + [150] * 6),  # 1,200 spent; 150 by March
            _mittel("B", 2023, 600, [50, 50, 50, 50]),
            _mittel("B", 2022, 600, [60] * 9),  # only through September
        ]
    )
    m = auswerten_mittel(posten, 2023, 4)
    a, b, gesamt = m.zeilen
    assert a["Stand"] == "März 2023" and a["Ausgaben"] == 300
    assert a["Ausschöpfung"] == pytest.approx(25.0)  # 300 / 1,200
    assert a["Pfad linear"] == pytest.approx(25.0)  # 3 / 12
    assert a["Pfad Vorjahr"] == pytest.approx(12.5)  # 150 / 1,200
    assert a["Prognose Dezember"] == pytest.approx(2400)  # 300 / 0.125
    assert a["Prognose Ausschöpfung"] == pytest.approx(200.0)
    assert a["Prognose linear"] == pytest.approx(1200)  # 300 * 12 / 3
    assert a["Rest"] == pytest.approx(-1200)
    # the report runs to April: A's spending stops in March, and the sheet says so
    assert "Ausgaben nur bis März 2023 erfasst (Bericht bis April 2023)" in a["Grund"]
    assert b["Stand"] == "April 2023" and b["Ausschöpfung"] == pytest.approx(200 / 6)
    assert b["Pfad Vorjahr"] is None and b["Prognose Dezember"] is None
    assert "Ausgaben 2022 fehlen für Oktober, November, Dezember" in b["Grund"]
    # all lines together through the earlier Stand (March): 450 of 1,800
    assert gesamt["Posten"] == "Gesamt" and gesamt["Stand"] == "März 2023"
    assert gesamt["Ausschöpfung"] == pytest.approx(25.0)
    assert gesamt["Pfad Vorjahr"] is None
    assert [v["Ist"] for v in m.verlauf[:4]] == pytest.approx([150 / 18, 300 / 18, 25.0, None])


def test_utilisation_stands_at_the_report_month_whatever_is_entered_later():
    """A June report counts January to June, even when the sheet holds the whole year."""
    posten = mittel_lesen(
        [_mittel("A", 2023, 1200, [100] * 12), _mittel("A", 2022, 1200, [100] * 12)]
    )
    (juni,) = auswerten_mittel(posten, 2023, 6).zeilen
    assert juni["Stand"] == "Juni 2023" and juni["Ausgaben"] == 600
    assert juni["Ausschöpfung"] == pytest.approx(50.0) and juni["Grund"] is None
    verlauf = auswerten_mittel(posten, 2023, 6).verlauf
    assert [v["Ist"] is None for v in verlauf] == [False] * 6 + [True] * 6
    (dezember,) = auswerten_mittel(posten, 2023, 12).zeilen
    assert dezember["Stand"] == "Dezember 2023" and dezember["Ausgaben"] == 1200


def test_utilisation_input_errors_are_named_and_nothing_is_taken():
    with pytest.raises(EingabeFehler) as fehler:
        mittel_lesen(
            [
                _mittel("A", 2023, "zwölf", [100, None, 100]),
                _mittel("A", 2023, 1, []),
                {"Posten": "C", "Jahr": "nächstes"},
            ]
        )
    text = str(fehler.value)
    assert "„A“ 2023, Mittel: „zwölf“ ist keine Zahl" in text
    assert "„A“ 2023: Ausgaben fehlen für Februar" in text
    assert "„A“ 2023 steht mehrfach" in text
    assert "„C“: Jahr „nächstes“ ist keine Jahreszahl" in text


def test_no_spending_yet_is_said_not_computed():
    m = auswerten_mittel([Posten("A", 2023, 1000.0, [])], 2023)
    assert m.zeilen == [] and "keine Ausgaben erfasst" in m.hinweis


def test_monthly_changes_on_sheet_verlauf_are_the_evaluations_of_each_month(demo_store):
    """Verlauf is derived from the path's year-to-date values; it must equal evaluating each
    month on its own, to the last bit."""
    from zielsteuerung.bericht.bericht import erstelle_bericht
    from zielsteuerung.daten.vereinbarungen import beispiel

    with Datenbestand(demo_store) as db:
        verlauf = erstelle_bericht(db, beispiel(), Ausschnitt(bis_monat=7)).verlauf
        for m, zeile in enumerate(verlauf, start=1):
            for z in auswerten(db, beispiel(), Ausschnitt(bis_monat=m)).ziele:
                assert zeile[z["id"]] == z["veraenderung"], (m, z["id"])
