"""Evaluation behaviour a controller relies on, through the command line."""

from __future__ import annotations

import csv
import io

import pytest

from conftest import schreibe_csv


def reihe(
    merkmal: str,
    werte: dict[str, object],
    geschlecht: str = "gesamt",
    wartezeit: str = "T0",
    datenstand: str = "2024-02-01",
) -> list[dict]:
    return [
        dict(
            traeger_id="05154",
            berichtsmonat=monat,
            merkmal=merkmal,
            geschlecht=geschlecht,
            wert=wert,
            wartezeit=wartezeit,
            datenstand=datenstand,
        )
        for monat, wert in werte.items()
    ]


def store_mit(tmp_path, cli, *teile: list[dict], name: str = "daten.csv"):
    zeilen = [z for teil in teile for z in teil]
    store = tmp_path / "s.sqlite"
    lauf = cli("import", schreibe_csv(tmp_path / name, zeilen), "--store", store)
    assert lauf.code == 0, lauf.err
    return store


def ziel(cli, store, ziel_id: str, *args: object) -> dict:
    lauf = cli("auswerten", "--store", store, "--format", "json", *args)
    assert lauf.code == 0, lauf.err
    return next(z for z in lauf.json()["ziele"] if z["id"] == ziel_id)


def test_borderline_change_is_marked_knapp(tmp_path, cli):
    """+2.46 % shows as +2.5 % (the threshold) but misses it: gefährdet, knapp."""
    store = store_mit(tmp_path, cli, reihe("INT", {"2022-01": 10000, "2023-01": 10246}))
    z = ziel(cli, store, "integrationen", "--bis-monat", 1)
    assert z["veraenderung"] == pytest.approx(2.46)
    assert (z["status"], z["knapp"]) == ("gefährdet", True)
    assert z["noch_benoetigt"] == 4  # 10,250 needed


def test_full_year_says_erreicht_or_nicht_erreicht(tmp_path, cli):
    monate_ = [f"{j}-{m:02d}" for j in (2022, 2023) for m in range(1, 13)]
    werte = {m: (100 if m < "2023" else 103) for m in monate_}
    store = store_mit(tmp_path, cli, reihe("INT", werte), reihe("INT_LZB", werte))
    assert ziel(cli, store, "integrationen", "--bis-monat", 12)["status"] == "erreicht"
    with_lzb = ziel(cli, store, "integrationen_lzb", "--bis-monat", 12)
    assert (with_lzb["status"], with_lzb["veraenderung"]) == ("erreicht", 36)


def test_newest_vintage_of_the_chosen_wartezeit_is_used(tmp_path, cli):
    store = store_mit(
        tmp_path,
        cli,
        reihe("INT", {"2022-01": 100, "2023-01": 100}, datenstand="2023-02-20"),
        reihe("INT", {"2023-01": 110}, datenstand="2023-03-20"),  # revision, newer
        reihe("INT", {"2022-01": 100, "2023-01": 150}, wartezeit="T3", datenstand="2023-05-20"),
    )
    assert ziel(cli, store, "integrationen", "--bis-monat", 1)["aktuell"] == 110
    t3 = ziel(cli, store, "integrationen", "--bis-monat", 1, "--wartezeit", "T3")
    assert t3["aktuell"] == 150
    # both vintages are kept in the store
    lauf = cli("bestand", "--store", store)
    assert "daten.csv" in lauf.out


def test_later_file_with_revision_is_kept_beside_the_older(tmp_path, cli):
    store = store_mit(
        tmp_path, cli, reihe("INT", {"2022-01": 100, "2023-01": 100}, datenstand="2023-02-20")
    )
    neu = schreibe_csv(
        tmp_path / "revision.csv", reihe("INT", {"2023-01": 120}, datenstand="2023-04-20")
    )
    assert cli("import", neu, "--store", store).code == 0
    assert ziel(cli, store, "integrationen", "--bis-monat", 1)["aktuell"] == 120


def test_files_without_datenstand_later_file_counts_as_newer(tmp_path, cli):
    ohne = ["traeger_id", "berichtsmonat", "merkmal", "geschlecht", "wert", "wartezeit"]
    alt = schreibe_csv(tmp_path / "alt.csv", reihe("INT", {"2022-01": 100, "2023-01": 100}), ohne)
    neu = schreibe_csv(tmp_path / "neu.csv", reihe("INT", {"2023-01": 130}), ohne)
    store = tmp_path / "s.sqlite"
    assert cli("import", alt, neu, "--store", store).code == 0
    assert ziel(cli, store, "integrationen", "--bis-monat", 1)["aktuell"] == 130


def test_prior_year_only_in_other_wartezeit_is_not_compared(tmp_path, cli):
    store = store_mit(
        tmp_path,
        cli,
        reihe("INT", {"2022-01": 100}, wartezeit="T3"),
        reihe("INT", {"2023-01": 100}, wartezeit="T0"),
    )
    z = ziel(cli, store, "integrationen", "--bis-monat", 1)
    assert z["status"] == "nicht berechenbar"
    assert "INT (gesamt) fehlt für 2022-01" in z["grund"]
    assert "nur Daten mit Wartezeit T3" in z["grund"]


def test_suppressed_value_is_not_zero(tmp_path, cli):
    store = store_mit(
        tmp_path, cli, reihe("INT", {"2022-01": 100, "2022-02": 90, "2023-01": "*", "2023-02": 95})
    )
    z = ziel(cli, store, "integrationen", "--bis-monat", 2)
    assert z["aktuell"] is None and z["veraenderung"] is None
    assert z["status"] == "nicht berechenbar"
    assert z["grund"] == "2023: INT (gesamt) fehlt für 2023-01"
    assert z["vorjahr"] == 190 and z["zielwert"] == pytest.approx(194.75)


def test_prior_year_zero_gives_reason(tmp_path, cli):
    store = store_mit(tmp_path, cli, reihe("INT", {"2022-01": 0, "2023-01": 5}))
    z = ziel(cli, store, "integrationen", "--bis-monat", 1)
    assert z["status"] == "nicht berechenbar"
    assert "Vorjahreswert 2022 ist 0" in z["grund"]


def test_default_month_is_last_month_with_all_target_figures(tmp_path, cli):
    monate_ = {f"{j}-{m:02d}": 100 for j in (2022, 2023) for m in range(1, 13)}
    monate_["2021-12"] = 100
    bis_mai = {k: v for k, v in monate_.items() if k < "2023-06"}
    store = store_mit(
        tmp_path,
        cli,
        reihe("INT", bis_mai),
        reihe("INT", bis_mai, "frauen"),
        reihe("INT", bis_mai, "maenner"),
        reihe("INT_LZB", bis_mai),
        reihe("ELB", monate_, "frauen"),
        reihe("ELB", monate_, "maenner"),
        reihe("LZB", monate_),
    )
    lauf = cli("auswerten", "--store", store, "--format", "json")
    assert lauf.code == 0, lauf.err
    assert lauf.json()["bis_monat"] == 5


def test_agreement_file_gives_defaults(tmp_path, cli):
    store = store_mit(tmp_path, cli, reihe("INT", {"2021-01": 50, "2022-01": 60}, wartezeit="T3"))
    vereinbarung = tmp_path / "zv.toml"
    vereinbarung.write_text(
        'traeger_id = "05154"\njahr = 2022\nwartezeit = "T3"\n'
        '[[ziel]]\nid = "int"\nbezeichnung = "Integrationen"\nkennzahl = "INT"\n'
        'art = "absolut"\nvergleich = ">="\nschwelle = 5\n',
        encoding="utf-8",
    )
    lauf = cli(
        "auswerten",
        "--store",
        store,
        "--vereinbarung",
        vereinbarung,
        "--bis-monat",
        1,
        "--format",
        "json",
    )
    assert lauf.code == 0, lauf.err
    ergebnis = lauf.json()
    assert (ergebnis["jahr"], ergebnis["wartezeit"]) == (2022, "T3")
    assert ergebnis["ziele"][0]["veraenderung"] == 10
    assert ergebnis["ziele"][0]["status"] == "auf Kurs"


def test_table_and_csv_output(cli, demo_store):
    tabelle = cli("auswerten", "--store", demo_store, "--bis-monat", 6)
    assert tabelle.code == 0
    assert "Beispieldaten – keine amtlichen Werte" in tabelle.out
    assert "Januar bis Juni 2023, Wartezeit T0" in tabelle.out
    assert " %" in tabelle.out and " pp" in tabelle.out
    assert any(s in tabelle.out for s in ("auf Kurs", "gefährdet"))

    lauf = cli("auswerten", "--store", demo_store, "--bis-monat", 6, "--format", "csv")
    zeilen = list(csv.DictReader(io.StringIO(lauf.out), delimiter=";"))
    json_ = cli("auswerten", "--store", demo_store, "--bis-monat", 6, "--format", "json").json()
    k2 = next(z for z in zeilen if z["id"] == "k2")
    k2_json = next(z for z in json_["ziele"] if z["id"] == "k2")
    assert float(k2["aktuell"].replace(",", ".")) == k2_json["aktuell"]
    assert k2["status"] == k2_json["status"]
    assert len(zeilen) == 11  # five targets, six monitoring figures


def test_json_marks_demo_data(cli, demo_store):
    ergebnis = cli("auswerten", "--store", demo_store, "--format", "json").json()
    assert ergebnis["beispieldaten"] is True
    assert ergebnis["hinweis"] == "Beispieldaten – keine amtlichen Werte"
    assert ergebnis["quellen"][0]["sha256"]


def test_missing_store_is_a_clear_message(tmp_path, cli):
    lauf = cli("auswerten", "--store", tmp_path / "fehlt.sqlite")
    assert lauf.code == 2
    assert "Datenbestand nicht gefunden" in lauf.err
    assert not (tmp_path / "fehlt.sqlite").exists()


def test_foreign_file_as_store_is_a_clear_message(tmp_path, cli):
    fremd = tmp_path / "fremd.sqlite"
    fremd.write_text("keine Datenbank", encoding="utf-8")
    lauf = cli("auswerten", "--store", fremd)
    assert lauf.code == 2
    assert "kein gültiger Datenbestand" in lauf.err
    assert fremd.read_text(encoding="utf-8") == "keine Datenbank"


def test_no_data_for_year_shows_every_target_not_computable_and_what_is_there(tmp_path, cli):
    """Once an error "keine Daten … vor"; now the evaluation says what the store holds."""
    store = store_mit(tmp_path, cli, reihe("INT", {"2022-01": 1}))
    lauf = cli("auswerten", "--store", store, "--jahr", 2030, "--format", "json")
    assert lauf.code == 0, lauf.err
    ergebnis = lauf.json()
    assert {z["status"] for z in ergebnis["ziele"]} == {"nicht berechenbar"}
    for z in ergebnis["ziele"] + ergebnis["monitoring"]:
        assert "INT 2022-01" in z["grund"], z


def test_no_data_for_traeger_is_a_clear_message(tmp_path, cli):
    store = store_mit(tmp_path, cli, reihe("INT", {"2022-01": 1}))
    lauf = cli("auswerten", "--store", store, "--traeger", "05958")
    assert lauf.code == 2
    assert "05958" in lauf.err and "keine Daten" in lauf.err


MONATE_2022_2023 = {f"{j}-{m:02d}": 0 for j in (2022, 2023) for m in range(1, 13)}


def _bis(monat: str, wert: float) -> dict[str, float]:
    return {k: wert for k in MONATE_2022_2023 if k <= monat}


def test_missing_base_figures_evaluate_what_can_be_evaluated(tmp_path, cli):
    """Only BG and ELB in the store (as in BA's Eckwerte): the monitoring is shown, every target
    is "nicht berechenbar" with a reason naming the base figures and months that are there."""
    store = store_mit(
        tmp_path, cli, reihe("BG", _bis("2023-03", 2700)), reihe("ELB", _bis("2023-03", 3700))
    )
    lauf = cli("auswerten", "--store", store, "--format", "json")
    assert lauf.code == 0, lauf.err
    ergebnis = lauf.json()
    assert ergebnis["bis_monat"] == 3  # the last month with the agreement's figures that exist
    for z in ergebnis["ziele"]:
        assert z["status"] == "nicht berechenbar"
        assert "BG 2022-01 bis 2023-03" in z["grund"] and "ELB 2022-01 bis 2023-03" in z["grund"]
    bg = next(m for m in ergebnis["monitoring"] if m["kennzahl"] == "BG")
    assert (bg["vorjahr"], bg["aktuell"], bg["veraenderung"]) == (2700, 2700, 0)
    # the JSON contract of fachkonzept 5 holds
    assert {"traeger_id", "jahr", "bis_monat", "wartezeit", "ziele", "monitoring"} <= set(ergebnis)
    for z in ergebnis["ziele"]:
        assert {"id", "vorjahr", "aktuell", "veraenderung", "einheit", "schwelle", "zielwert",
                "status", "knapp"} <= set(z)  # fmt: skip
    tabelle = cli("auswerten", "--store", store)
    assert tabelle.code == 0 and "nicht berechenbar" in tabelle.out


def test_targets_with_their_figures_are_evaluated_beside_those_without(tmp_path, cli):
    """INT through June, LZB and INT_LZB not at all: the month is June, the count of
    integrations is judged, the LZB targets say why they are not."""
    store = store_mit(tmp_path, cli, reihe("INT", _bis("2023-06", 100)))
    ergebnis = cli("auswerten", "--store", store, "--format", "json").json()
    assert ergebnis["bis_monat"] == 6
    ziele = {z["id"]: z for z in ergebnis["ziele"]}
    assert ziele["integrationen"]["status"] == "gefährdet"  # 600 against 600: +0 %
    assert ziele["k3"]["status"] == "nicht berechenbar"
    assert "LZB" in ziele["k3"]["grund"] and "INT 2022-01 bis 2023-06" in ziele["k3"]["grund"]
