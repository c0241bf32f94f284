"""Peer comparison: ranks, median and quartiles against one evaluation per Träger, and the
sheet "Vergleich" in the controlling workbook across refreshes."""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import range_boundaries

from zielsteuerung.bericht.auswerten import Ausschnitt, auswerten
from zielsteuerung.bericht.bericht import erstelle_bericht
from zielsteuerung.daten.datenbestand import Datenbestand
from zielsteuerung.daten.traeger import nrw_zkt
from zielsteuerung.daten.vereinbarungen import beispiel
from zielsteuerung.mappe.aktualisieren import arbeitsmappe
from zielsteuerung.mappe.zellen import tabelle_lesen

from conftest import libreoffice_noetig, name_setzen, png_lesen

KLEVE = "05154"


def einzeln(store: Path, bis_monat: int, gruppe: list[str]) -> dict[str, dict]:
    """Each Träger evaluated on its own (the single-Träger path of the engine)."""
    with Datenbestand(store) as db:
        return {
            t: {
                z["id"]: z
                for z in auswerten(db, beispiel(), Ausschnitt(t, bis_monat=bis_monat)).ziele
            }
            for t in gruppe
        }


def vergleich(store: Path, bis_monat: int, gruppe: list[str] | None = None):
    """The comparison as the controlling workbook gets it: computed with the own evaluation."""
    with Datenbestand(store) as db:
        ausschnitt = Ausschnitt(KLEVE, bis_monat=bis_monat)
        return erstelle_bericht(db, beispiel(), ausschnitt, vergleichsgruppe=gruppe).vergleich


@pytest.mark.parametrize("bis_monat", [6, 12])
def test_rank_median_and_quartiles_match_single_evaluations(demo_store, bis_monat):
    v = vergleich(demo_store, bis_monat)
    assert v is not None
    assert v.anzahl == 18 and v.gruppe == "zugelassene kommunale Träger in NRW"
    alle = einzeln(demo_store, bis_monat, nrw_zkt())
    for zeile, ziel in zip(v.ziele, beispiel().ziele, strict=True):
        werte = {t: alle[t][ziel.id]["veraenderung"] for t in alle}
        gueltig = [w for w in werte.values() if w is not None]
        eigen = werte[KLEVE]
        besser = [w for w in gueltig if (w > eigen if ziel.vergleich == ">=" else w < eigen)]
        assert zeile["Ziel_ID"] == ziel.id
        assert zeile["Veränderung"] == pytest.approx(eigen, rel=1e-12)
        assert zeile["Status"] == alle[KLEVE][ziel.id]["status"]
        assert zeile["Rang"] == 1 + len(besser)
        assert zeile["Träger mit Wert"] == len(gueltig) == 18
        q1, median, q3 = statistics.quantiles(gueltig, n=4, method="inclusive")
        assert zeile["Median"] == pytest.approx(statistics.median(gueltig), rel=1e-12)
        assert [zeile["1. Quartil"], zeile["Median"], zeile["3. Quartil"]] == pytest.approx(
            [q1, median, q3], rel=1e-12
        )
        assert zeile["Minimum"] == pytest.approx(min(gueltig))
        assert zeile["Maximum"] == pytest.approx(max(gueltig))
        assert zeile["Erreicht oder auf Kurs"] == sum(
            alle[t][ziel.id]["status"] in ("erreicht", "auf Kurs") for t in alle
        )
        rangliste = v.ranglisten[ziel.id]
        assert [w for _, _, w in rangliste] == pytest.approx(
            sorted(gueltig, reverse=ziel.vergleich == ">=")
        )
        assert rangliste[zeile["Rang"] - 1][2] == pytest.approx(eigen)  # ties share a rank


def test_no_comparison_with_fewer_than_two_traeger(demo_store, tmp_path, demo_daten, cli):
    assert vergleich(demo_store, 6, [KLEVE]) is None
    assert vergleich(demo_store, 6, ["09999"]) is None  # none in the store
    zwei = vergleich(demo_store, 6, ["05113"])  # the Träger always belongs to its group
    assert zwei is not None and zwei.anzahl == 2
    assert zwei.gruppe == "Vergleichsgruppe aus den Einstellungen"
    kleve = tmp_path / "kleve.csv"
    demo_daten[demo_daten["traeger_id"] == KLEVE].to_csv(kleve, sep=";", index=False)
    store = tmp_path / "kleve.sqlite"
    assert cli("import", kleve, "--store", store).code == 0
    assert vergleich(store, 6) is None
    mappe = tmp_path / "m.xlsx"
    arbeitsmappe(mappe, store, None, bis_monat=6)
    assert "Vergleich" not in load_workbook(mappe).sheetnames  # nothing to compare: no sheet


def diagramme(ws) -> dict[str, object]:
    from zielsteuerung.mappe.diagramme import diagrammtitel

    return {diagrammtitel(c): c for c in ws._charts}


def test_sheet_vergleich_is_written_and_survives_refreshes(demo_store, tmp_path):
    mappe = tmp_path / "controlling.xlsx"
    arbeitsmappe(mappe, demo_store, None, traeger_id=KLEVE, bis_monat=6)
    wb = load_workbook(mappe)
    namen = wb.sheetnames
    assert namen[namen.index("Verlauf") + 1] == "Vergleich"
    v = vergleich(demo_store, 6)
    assert v is not None
    zeilen = tabelle_lesen(wb, "tbl_Vergleich")
    assert [z["Ziel_ID"] for z in zeilen] == [z.id for z in beispiel().ziele]
    for zeile, erwartet in zip(zeilen, v.ziele, strict=True):
        for spalte, wert in erwartet.items():
            if isinstance(wert, float):
                assert zeile[spalte] == pytest.approx(wert, rel=1e-12), spalte
            else:
                assert zeile[spalte] == wert, spalte
    rangliste = tabelle_lesen(wb, "tbl_Vergleich_Rangliste")
    assert len(rangliste) == 18
    assert [z["Träger K2"] for z in rangliste] == [n for _, n, _ in v.ranglisten["k2"]]
    schwellen = {z.id: z.schwelle for z in beispiel().ziele}
    assert {z["Schwelle Integrationen"] for z in rangliste} == {schwellen["integrationen"]}
    ws = wb["Vergleich"]
    assert "Kreis Kleve (05154) in einer Gruppe von 18 Trägern" in ws["A3"].value
    bilder = diagramme(ws)
    assert sorted(bilder) == sorted(f"Vergleich – {z.bezeichnung}" for z in beispiel().ziele)
    farbe = {"auf Kurs": "2E8B3D", "gefährdet": "C00000"}
    status = {z["Ziel_ID"]: z["Status"] for z in zeilen}
    for ziel in beispiel().ziele:
        diagramm = bilder[f"Vergleich – {ziel.bezeichnung}"]
        reihe = diagramm.series[0]
        platz = next(i for i, (t, _, _) in enumerate(v.ranglisten[ziel.id]) if t == KLEVE)
        assert [p.idx for p in reihe.dPt] == [platz]  # Kleve's bar, and only that, highlighted
        # in the colour of its status, and the threshold drawn as a line over the bars
        assert reihe.dPt[0].graphicalProperties.solidFill.srgbClr == farbe[status[ziel.id]]
        (linie,) = diagramm._charts[1:]
        assert linie.series[0].tx.v == "Schwelle"
    assert {status["integrationen"], status["k2"]} == {"auf Kurs", "gefährdet"}
    # the Träger's row of the ranking is highlighted, the others are not
    erste, kopf, _, _ = range_boundaries(ws.tables["tbl_Vergleich_Rangliste"].ref)
    spalte = erste + 1
    assert ws.cell(kopf, spalte).value == "Träger Integrationen"
    fett = [ws.cell(kopf + 1 + i, spalte).font.bold for i in range(18)]
    platz = next(i for i, (t, _, _) in enumerate(v.ranglisten["integrationen"]) if t == KLEVE)
    assert fett == [i == platz for i in range(18)]

    # the user restyles and adds, then the group shrinks to three Träger in the settings
    ws["A4"] = "Für die Vorstandsvorlage"
    ws["A4"].comment = Comment("bitte prüfen", "Controlling")
    ws["A1"].font = Font(size=20, color="FF0000")
    blatt, zelle = next(wb.defined_names["Vergleichsgruppe"].destinations)
    wb[blatt][zelle.replace("$", "")] = "05113, 05117 und 05154"
    wb.save(mappe)
    arbeitsmappe(mappe, bis_monat=7)
    wb = load_workbook(mappe)
    ws = wb["Vergleich"]
    assert ws["A4"].value == "Für die Vorstandsvorlage" and ws["A4"].comment.text == "bitte prüfen"
    assert ws["A1"].font.size == 20
    assert (
        "in einer Gruppe von 3 Trägern (Vergleichsgruppe aus den Einstellungen)" in ws["A3"].value
    )
    assert "Januar bis Juli 2023" in ws["A3"].value
    assert {z["Träger mit Wert"] for z in tabelle_lesen(wb, "tbl_Vergleich")} == {3}
    rangliste = tabelle_lesen(wb, "tbl_Vergleich_Rangliste")
    assert len(rangliste) == 3
    assert sorted(z["Träger K3"] for z in rangliste) == [
        "Kreis Kleve", "Stadt Essen", "Stadt Mülheim an der Ruhr",
    ]  # fmt: skip
    assert len(diagramme(ws)) == 5  # replaced, not added
    assert wb.sheetnames.count("Vergleich") == 1


@pytest.mark.parametrize(
    "eingabe",
    ["Stadt Essen; Stadt Mülheim an der Ruhr", "Essen, Stadt\nMülheim an der Ruhr, Stadt",
     "5113 5117"],
    ids=["namen", "namen-der-ba", "schluessel-ohne-null"],
)  # fmt: skip
def test_the_group_may_name_its_traeger(demo_store, tmp_path, cli, eingabe):
    """Names as the directory or BA write them, Regionalschlüssel as Excel keeps a number: the
    same group of three as their Regionalschlüssel."""
    mappe = tmp_path / "controlling.xlsx"
    arbeitsmappe(mappe, demo_store, None, traeger_id=KLEVE, bis_monat=6)
    name_setzen(mappe, "Vergleichsgruppe", eingabe)
    assert cli("arbeitsmappe", "-o", mappe).code == 0
    wb = load_workbook(mappe)
    assert "in einer Gruppe von 3 Trägern" in wb["Vergleich"]["A3"].value
    assert sorted(z["Träger K3"] for z in tabelle_lesen(wb, "tbl_Vergleich_Rangliste")) == [
        "Kreis Kleve", "Stadt Essen", "Stadt Mülheim an der Ruhr",
    ]  # fmt: skip


def test_a_group_entry_that_names_no_traeger_stops_the_refresh(demo_store, tmp_path, cli):
    """Entries that named no Träger were dropped, and with none left the comparison silently
    became the default group of all zkT in NRW."""
    mappe = tmp_path / "controlling.xlsx"
    arbeitsmappe(mappe, demo_store, None, traeger_id=KLEVE, bis_monat=6)
    name_setzen(mappe, "Vergleichsgruppe", "Stadt Essen; Stadt Musterhausen")
    vorher = mappe.read_bytes()
    lauf = cli("arbeitsmappe", "-o", mappe)
    assert lauf.code == 2
    assert (
        "Einstellungen: Vergleichsgruppe: Träger „Stadt Musterhausen“ unbekannt (Regionalschlüssel"
        in lauf.err
    )
    assert mappe.read_bytes() == vorher


def test_a_traeger_of_the_group_without_data_is_named(demo_store, demo_daten, tmp_path, cli):
    """05158 (no zkT, no demo data) and a mistyped 05999 were left out of the comparison
    without a word: the sheet said „Gruppe von 3 Trägern“ for a group of five set."""
    mappe = tmp_path / "controlling.xlsx"
    arbeitsmappe(mappe, demo_store, None, traeger_id=KLEVE, bis_monat=6)
    name_setzen(mappe, "Vergleichsgruppe", "Stadt Essen; Stadt Mülheim an der Ruhr; 05158; 05999")
    assert cli("arbeitsmappe", "-o", mappe).code == 0
    hinweis_ = load_workbook(mappe)["Vergleich"]["A3"].value
    assert "in einer Gruppe von 3 Trägern" in hinweis_
    assert hinweis_.endswith("daher nicht verglichen: 05158, 05999.")
    # the default group, of which the store holds two: the others by name, six at most
    teil = tmp_path / "zwei.csv"
    demo_daten[demo_daten["traeger_id"].isin([KLEVE, "05113"])].to_csv(teil, sep=";", index=False)
    store = tmp_path / "zwei.sqlite"
    assert cli("import", teil, "--store", store).code == 0
    name_setzen(mappe, "Vergleichsgruppe", None)
    arbeitsmappe(mappe, store)
    hinweis_ = load_workbook(mappe)["Vergleich"]["A3"].value
    assert "in einer Gruppe von 2 Trägern (zugelassene kommunale Träger in NRW)" in hinweis_
    genannt = hinweis_.split("daher nicht verglichen: ")[1]
    assert genannt.count("(05") == 6  # name (Regionalschlüssel)
    assert genannt.endswith(f"und {len(nrw_zkt()) - 2 - 6} weitere.")


def test_sheet_keeps_its_place_with_a_note_when_there_is_nothing_to_compare(
    demo_store, demo_daten, tmp_path, cli
):
    mappe = tmp_path / "controlling.xlsx"
    arbeitsmappe(mappe, demo_store, None, traeger_id=KLEVE, bis_monat=6)
    kleve = tmp_path / "kleve.csv"
    demo_daten[demo_daten["traeger_id"] == KLEVE].to_csv(kleve, sep=";", index=False)
    store = tmp_path / "kleve.sqlite"
    assert cli("import", kleve, "--store", store).code == 0
    arbeitsmappe(mappe, store)
    wb = load_workbook(mappe)
    ws = wb["Vergleich"]
    assert ws["A3"].value.startswith("Kein Vergleich")
    assert tabelle_lesen(wb, "tbl_Vergleich") == []
    assert tabelle_lesen(wb, "tbl_Vergleich_Rangliste") == []
    assert diagramme(ws) == {}


def test_sheet_vergleich_rendered(demo_store, tmp_path, cli):
    libreoffice_noetig("pdftoppm")
    mappe = tmp_path / "controlling.xlsx"
    arbeitsmappe(mappe, demo_store, None, traeger_id=KLEVE, bis_monat=12)
    lauf = cli("bilder", mappe, "-o", tmp_path / "bilder", "--blatt", "Vergleich")
    assert lauf.code == 0, lauf.err
    bilder = [Path(z) for z in lauf.out.split()]
    # the table, then two charts side by side, two rows to a page
    assert [b.name for b in bilder] == [f"Vergleich-{n}.png" for n in (1, 2, 3)]
    for pfad in bilder:
        bild = png_lesen(pfad)
        assert bild.breite / bild.hoehe == pytest.approx(297 / 210, rel=0.01)  # A4 landscape
        assert bild.tinte > 0.01, (pfad.name, bild)
