"""Agreements as data: the built-in Kleve 2023 agreement and clear messages for bad files."""

from __future__ import annotations

import pytest

from zielsteuerung.daten.vereinbarungen import beispiel, beispiel_text
from zielsteuerung.fehler import VereinbarungFehler
from zielsteuerung.kern.vereinbarung import laden_aus_text


def test_builtin_kleve_2023():
    v = beispiel()
    assert (v.traeger_id, v.jahr, v.wartezeit) == ("05154", 2023, "T0")
    assert [(z.id, z.vergleich, z.schwelle, z.einheit) for z in v.ziele] == [
        ("integrationen", ">=", 2.5, "%"),
        ("k2", ">=", 2.7, "%"),
        ("k2_abstand", "<=", -0.4, "pp"),
        ("k3", "<=", -2.7, "%"),
        ("integrationen_lzb", ">=", 0.0, "abs"),
    ]
    assert [m.id for m in v.monitoring] == ["llu", "luh", "bg", "elb", "anteil_bd", "lzb_4j"]


def test_all_problems_reported_at_once():
    text = beispiel_text().replace('traeger_id = "05154"', "traeger_id = 5154")
    text = text.replace('kennzahl = "K2"', 'kennzahl = "K9"', 1)
    text = text.replace('vergleich = "<="', 'vergleich = "kleiner"', 1)
    text += '\n[[ziel]]\nid = "k2"\nbezeichnung = "doppelt"\nkennzahl = "K2"\nart = "relativ"\n'
    with pytest.raises(VereinbarungFehler) as fehler:
        laden_aus_text(text, "zv.toml")
    meldung = str(fehler.value)
    assert "zv.toml" in meldung
    assert "traeger_id muss ein 5-stelliger Regionalschlüssel" in meldung
    assert "Kennzahl „K9“ unbekannt" in meldung
    assert "vergleich muss" in meldung
    assert "Feld „vergleich“ fehlt" in meldung and "Feld „schwelle“ fehlt" in meldung
    assert "id „k2“ kommt mehrfach vor" in meldung


def test_toml_syntax_error_names_line():
    with pytest.raises(VereinbarungFehler, match=r"kaputt.toml ist kein gültiges TOML \(Zeile 2"):
        laden_aus_text("jahr = 2023\ntraeger_id = \n", "kaputt.toml")


def test_cli_checks_a_file(tmp_path, cli):
    vorlage = cli("vereinbarung")
    assert vorlage.code == 0 and "[[ziel]]" in vorlage.out
    datei = tmp_path / "meine.toml"
    datei.write_text(vorlage.out.replace("jahr = 2023", "jahr = 2024"), encoding="utf-8")
    lauf = cli("vereinbarung", datei)
    assert lauf.code == 0 and "gültig" in lauf.out and "2024" in lauf.out
    datei.write_text(vorlage.out.replace("schwelle = 2.7", 'schwelle = "2,7"'), encoding="utf-8")
    lauf = cli("vereinbarung", datei)
    assert lauf.code == 2
    assert "schwelle muss eine Zahl sein" in lauf.err
    assert "Traceback" not in lauf.err


def test_the_template_is_never_written_over_an_own_agreement(tmp_path, cli):
    """„vereinbarung -o zielvereinbarung.toml“ replaced the user's own agreement with the one of
    Kreis Kleve, without a word."""
    eigene = tmp_path / "zielvereinbarung.toml"
    text = cli("vereinbarung").out.replace("jahr = 2023", "jahr = 2024")
    eigene.write_text(text, encoding="utf-8")
    lauf = cli("vereinbarung", "-o", eigene)
    assert lauf.code == 2 and "gibt es schon und wird nicht überschrieben" in lauf.err
    assert eigene.read_text(encoding="utf-8") == text
    vorlage = tmp_path / "vorlage.toml"
    for _ in range(2):  # the template itself it writes again
        assert cli("vereinbarung", "-o", vorlage).code == 0
