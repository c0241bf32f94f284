"""Every Träger at once (``auswerten --traeger alle``) against evaluating each Träger on its own,
and against the independent oracle, on a SYNTHETIC store of many Träger (Beispieldaten – keine
amtlichen Werte) with the awkward cases of real deliveries: a revision with a newer Datenstand,
a month without eLb, a Träger whose year ends in August, one without data in the year, one whose
prior year came only as T3, and suppressed cells."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from test_gegen_referenz import vergleiche

from zielsteuerung.cli import main
from zielsteuerung.daten.beispieldaten import erzeuge_beispieldaten

import oracle

JAHR = 2023
TRAEGER = [(f"99{i:03d}", f"Synthetischer Träger 99{i:03d}") for i in range(1, 25)]
LUECKE, AUGUST, OHNE, NUR_T3, UNTERDRUECKT, REVIDIERT = (
    "99002", "99003", "99004", "99005", "99006", "99001",
)  # fmt: skip


@pytest.fixture(scope="module")
def bundesweit(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    """The store, and every row imported (for the oracle)."""
    daten = erzeuge_beispieldaten(11, range(2021, JAHR + 1), TRAEGER)
    monat, t, wz = daten["berichtsmonat"], daten["traeger_id"], daten["wartezeit"]
    weg = (
        ((t == LUECKE) & (monat == f"{JAHR}-02") & (daten["merkmal"] == "ELB"))
        | ((t == AUGUST) & (monat > f"{JAHR}-08"))
        | ((t == OHNE) & (monat >= f"{JAHR}-01") & (wz == "T0"))
        | ((t == NUR_T3) & (monat < f"{JAHR}-01") & (wz == "T0"))
    )
    daten = daten[~weg].copy()
    daten.loc[(t == UNTERDRUECKT) & (monat == f"{JAHR}-04") & (daten["merkmal"] == "INT_LZB"),
              "wert"] = None  # fmt: skip
    revision = daten[
        (daten["traeger_id"] == REVIDIERT)
        & (daten["berichtsmonat"] == f"{JAHR}-03")
        & (daten["merkmal"] == "INT")
        & (daten["geschlecht"] != "maenner")  # gesamt and frauen revised: the sums still agree
    ].copy()
    revision["wert"] += 7
    revision["datenstand"] = f"{JAHR + 1}-06-30"
    ordner = tmp_path_factory.mktemp("bundesweit")
    store = ordner / "bundesweit.sqlite"
    for name, teil in (("grunddaten.csv", daten), ("revision.csv", revision)):
        teil.to_csv(ordner / name, sep=";", index=False)
        assert main(["import", str(ordner / name), "--store", str(store)]) == 0
    zeilen = [
        {**z, "wert": None if pd.isna(z["wert"]) else z["wert"]}
        for z in pd.concat([daten, revision]).to_dict("records")
    ]
    return store, zeilen


def einzeln(cli, store: Path, traeger_id: str, *optionen: object) -> dict:
    lauf = cli("auswerten", "--store", store, "--traeger", traeger_id, "--jahr", JAHR,
               "--wartezeit", "T0", "--format", "json", *optionen)  # fmt: skip
    assert lauf.code == 0, lauf.err
    return lauf.json()


@pytest.mark.parametrize("optionen", [(), ("--bis-monat", 6)])
def test_all_at_once_equals_one_by_one_and_the_oracle(cli, bundesweit, optionen):
    store, zeilen = bundesweit
    lauf = cli("auswerten", "--store", store, "--traeger", "alle", "--jahr", JAHR,
               "--wartezeit", "T0", "--format", "json", *optionen)  # fmt: skip
    assert lauf.code == 0, lauf.err
    alle = lauf.json()
    erwartet = [t for t, _ in TRAEGER if optionen or t != OHNE]
    assert [a["traeger_id"] for a in alle] == erwartet
    for a in alle:
        assert a == einzeln(cli, store, a["traeger_id"], *optionen)  # every field, every bit
        eigene = [z for z in zeilen if z["traeger_id"] == a["traeger_id"]]
        vergleiche(a, oracle.evaluate(eigene, a["traeger_id"], JAHR, a["bis_monat"], "T0"))
    nach_id = {a["traeger_id"]: a for a in alle}
    if not optionen:
        assert OHNE in lauf.err and "nicht ausgewertet" in lauf.err
        assert nach_id[AUGUST]["bis_monat"] == 8 and nach_id[LUECKE]["bis_monat"] == 12
    k2 = {z["id"]: z for z in nach_id[LUECKE]["ziele"]}["k2"]
    assert (
        k2["status"] == "nicht berechenbar" and f"ELB (gesamt) fehlt für {JAHR}-02" in k2["grund"]
    )
    assert "nur Daten mit Wartezeit T3" in nach_id[NUR_T3]["ziele"][0]["grund"]
    assert nach_id[REVIDIERT]["datenstand"] == f"{JAHR + 1}-06-30"
    assert len(nach_id[REVIDIERT]["quellen"]) == 2
    assert all(a["hinweis"] == "Beispieldaten – keine amtlichen Werte" for a in alle)


def test_csv_has_a_row_per_traeger_and_target_like_the_single_evaluations(cli, bundesweit):
    store, _ = bundesweit
    lauf = cli("auswerten", "--store", store, "--traeger", "alle", "--jahr", JAHR,
               "--wartezeit", "T0", "--format", "csv")  # fmt: skip
    assert lauf.code == 0, lauf.err
    kopf, *zeilen = lauf.out.splitlines()
    erwartet = []
    for traeger_id, _ in TRAEGER:
        if traeger_id == OHNE:
            continue
        einzel = cli("auswerten", "--store", store, "--traeger", traeger_id, "--jahr", JAHR,
                     "--wartezeit", "T0", "--format", "csv")  # fmt: skip
        assert einzel.out.splitlines()[0] == kopf
        erwartet += einzel.out.splitlines()[1:]
    assert zeilen == erwartet
    assert len(zeilen) == (len(TRAEGER) - 1) * 11  # five targets and six monitoring items each


def test_table_lists_every_traeger_and_the_targets(cli, bundesweit):
    store, _ = bundesweit
    lauf = cli("auswerten", "--store", store, "--traeger", "alle", "--jahr", JAHR,
               "--wartezeit", "T0")  # fmt: skip
    assert lauf.code == 0, lauf.err
    assert "Beispieldaten – keine amtlichen Werte" in lauf.out
    for traeger_id, _ in TRAEGER:
        assert (traeger_id in lauf.out) == (traeger_id != OHNE)
    assert "k2_abstand: Abstand der Integrationsquoten" in lauf.out
    assert "nicht berechenbar" in lauf.out  # the month without eLb


def test_a_traeger_without_data_in_the_year_says_what_the_store_holds(cli, bundesweit):
    """On its own it is evaluated through December: every target "nicht berechenbar", with
    the base figures and months the store holds for it (T0 through 2022)."""
    store, _ = bundesweit
    lauf = cli("auswerten", "--store", store, "--traeger", OHNE, "--jahr", JAHR,
               "--wartezeit", "T0", "--format", "json")  # fmt: skip
    assert lauf.code == 0, lauf.err
    ergebnis = lauf.json()
    assert ergebnis["bis_monat"] == 12
    for z in ergebnis["ziele"]:
        assert z["status"] == "nicht berechenbar"
        assert z["grund"].endswith(
            f"fehlt für {JAHR}-01 bis {JAHR}-12. Vorhanden für Träger {OHNE} (Wartezeit T0): alle "
            "Grunddaten der Zielvereinbarung 2021-01 bis 2022-12"
        )


def test_empty_store_year_is_a_clear_message(cli, bundesweit):
    store, _ = bundesweit
    lauf = cli("auswerten", "--store", store, "--traeger", "alle", "--jahr", 2030)
    assert lauf.code == 2 and "keine Daten mit Wartezeit" in lauf.err
    assert lauf.out == ""
