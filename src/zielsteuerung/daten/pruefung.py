"""Validation of the long format at the boundary: every problem with its row, all at once;
numbers, months, codes and the sum gesamt = frauen + maenner.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..kern import monate
from ..kern.merkmale import geschlecht_code, wartezeit_code
from .langformat import Lang, abbilden
from .sammler import MAX_PROBLEME, Sammler, anzahl
from .traeger import TraegerAufloesung
from .zahlentext import Zahlen, lesarten, zahlen_lesen
from .zuordnung import KENNZAHL_GRUNDDATEN, Spaltenzuordnung


def _melden(
    s: Sammler, lang: pd.DataFrame, kopf: dict[str, str], maske: pd.Series, dim: str, text: str
) -> None:
    """One problem per masked row (up to the limit), quoting the file's own text; a row melted
    into one value per value column is named once for a dimension of the row."""
    treffer = lang.loc[maske]
    if dim in kopf:
        treffer = treffer.drop_duplicates(["zeile_nr", dim])
    for nr, quelle, wert in zip(
        treffer["zeile_nr"].head(MAX_PROBLEME),
        treffer["quelle_spalte"].head(MAX_PROBLEME),
        treffer[dim].head(MAX_PROBLEME),
        strict=True,
    ):
        s.fehler(text.format(wert=wert), int(nr), kopf.get(dim) or quelle)
    s.weitere += max(0, len(treffer) - MAX_PROBLEME)


def gelesen(
    s: Sammler,
    lang: pd.DataFrame,
    kopf: dict[str, str],
    dim: str,
    funktion: Callable[[str], object],
    text: str,
    leer_erlaubt: bool = False,
) -> pd.Series:
    """Parse one dimension; report every value that does not parse."""
    neu = abbilden(lang[dim], funktion)
    fehlerhaft = neu.isna()
    if leer_erlaubt:
        fehlerhaft &= abbilden(lang[dim], lambda t: str(t).strip() != "").astype(bool)
    _melden(s, lang, kopf, fehlerhaft, dim, text)
    return neu


def _merkmale(
    lang: pd.DataFrame, s: Sammler, z: Spaltenzuordnung, kopf: dict[str, str]
) -> tuple[pd.DataFrame, dict[str, int]]:
    """The merkmal codes; rows of unknown merkmale are an error, or skipped where the mapping
    says so (returned: file text -> rows skipped)."""

    def merkmal(text: object) -> str | None:
        return z.merkmal(str(text))

    codes = abbilden(lang["merkmal"], merkmal)
    if lang["rolle"].notna().any():
        paare = abbilden(lang["merkmal"], lambda t: z.kennzahl(str(t)))
        zaehler, nenner = lang["rolle"] == "zaehler", lang["rolle"] == "nenner"
        codes[zaehler] = paare[zaehler].str[0]
        codes[nenner] = paare[nenner].str[1]
    unbekannt = codes.isna()
    uebersprungen: dict[str, int] = {}
    if unbekannt.any():
        zeilen = lang.loc[unbekannt, ["zeile_nr", "merkmal", "rolle"]].astype({"merkmal": str})
        zeilen = zeilen.drop_duplicates(["zeile_nr", "merkmal"])
        for (text, rolle), gruppe in zeilen.groupby(["merkmal", "rolle"], dropna=False, sort=False):
            nummern = gruppe["zeile_nr"].tolist()
            if z.merkmal_ignoriert(text) or z.unbekannte_merkmale == "ignorieren":
                uebersprungen[text] = uebersprungen.get(text, 0) + len(nummern)
                if not z.merkmal_ignoriert(text) and (
                    aehnlich := z.aehnelt(text, nur_merkmale=True)
                ):
                    s.warnung(
                        f"Merkmal „{text}“ übersprungen (unbekannte_merkmale), ähnelt aber "
                        f"{aehnlich}. Ist es gemeint, ordnet der Abschnitt [merkmale] es zu; "
                        "sonst dort „ignorieren“ eintragen.",
                        int(nummern[0]),
                        kopf.get("merkmal"),
                    )
                continue
            wo = ", ".join(str(n) for n in nummern[:10]) + (" …" if len(nummern) > 10 else "")
            if pd.isna(rolle):
                erklaerung = (
                    "erlaubt sind die Codes der Tabelle 2.2 (z. B. INT, ELB, LZB) oder eine "
                    "Zuordnung im Abschnitt [merkmale] der Spaltenzuordnung"
                )
            else:
                erklaerung = (
                    "für Zähler/Nenner bekannt sind "
                    + ", ".join(KENNZAHL_GRUNDDATEN)
                    + "; weitere im Abschnitt [kennzahlen] der Spaltenzuordnung"
                )
            s.fehler(
                f"{'Merkmal' if pd.isna(rolle) else 'Kennzahl'} „{text}“ unbekannt "
                f"({anzahl(len(nummern), 'Zeile', 'Zeilen')}: {wo}); {erklaerung}. Wird es "
                'nicht gebraucht: unbekannte_merkmale = "ignorieren" im Abschnitt [datei].',
                int(nummern[0]),
                kopf.get("merkmal"),
            )
        weg = abbilden(lang["merkmal"], lambda t: str(t) in uebersprungen).astype(bool)
        behalten = ~(weg & unbekannt)
        lang, codes = lang.loc[behalten], codes.loc[behalten]  # the rest is reported
    lang["merkmal"] = codes
    return lang, uebersprungen


def _leere_spalten(eingang: Lang, lang: pd.DataFrame, s: Sammler) -> pd.DataFrame:
    """A value column empty in every row read is an error naming it; an empty column of one
    month (a month still to come) is left out with a warning."""
    leer = abbilden(lang["wert"], lambda v: isinstance(v, str) and not v.strip()).to_numpy(bool)
    spalten, namen = pd.factorize(lang["quelle_spalte"])
    gefuellt = np.bincount(spalten[~leer], minlength=len(namen))
    for spalte in namen[gefuellt == 0]:
        if spalte in eingang.monatsspalten and gefuellt.any():
            s.warnung("Die Monatsspalte ist leer und wird übergangen.", eingang.kopfzeile, spalte)
            lang = lang.loc[lang["quelle_spalte"] != spalte]
        else:
            s.fehler(
                "Die Wertspalte ist in allen Zeilen leer"
                + (" (in den Zeilen benötigter Merkmale)" if len(lang) else "")
                + ". Stehen die Werte in einer anderen Spalte, ordnet der Abschnitt [spalten] der "
                "Spaltenzuordnung sie zu; diese Spalte dort auf „ignorieren“ setzen.",
                eingang.kopfzeile,
                spalte,
            )
    return lang


_FESTLEGEN = (
    "Bitte in der Spaltenzuordnung im Abschnitt [datei] festlegen: "
    'dezimalzeichen = "," (Komma ist Dezimalzeichen, Punkt trennt Tausender) oder '
    'dezimalzeichen = "." (Punkt ist Dezimalzeichen, Komma trennt Tausender).'
)


def _dezimalzeichen_melden(s: Sammler, lang: pd.DataFrame, z: Zahlen) -> None:
    """Values the file leaves open, and files that write both decimal marks: one message each
    with the rows, both readings and the setting that decides."""
    if z.widerspruch:
        komma = lang.loc[z.art == "komma"].iloc[0]
        punkt = lang.loc[z.art == "punkt"].iloc[0]
        s.fehler(
            "Die Datei schreibt Zahlen mit Dezimalkomma (Zeile "
            f"{komma['zeile_nr']}: „{komma['wert']}“) und mit Dezimalpunkt (Zeile "
            f"{punkt['zeile_nr']}: „{punkt['wert']}“); wie die übrigen Werte zu lesen sind, ist "
            f"offen. {_FESTLEGEN}",
            int(min(komma["zeile_nr"], punkt["zeile_nr"])),
            str(komma["quelle_spalte"]),
        )
    if z.mehrdeutig.any():
        offen = lang.loc[z.mehrdeutig, ["zeile_nr", "quelle_spalte", "wert"]]
        beispiele = []
        for nr, text in zip(offen["zeile_nr"].head(10), offen["wert"].head(10), strict=True):
            gruppe, dezimal = lesarten(str(text))
            beispiele.append(f"Zeile {nr}: „{text}“ = {gruppe} oder {dezimal}")
        zeichen = "Punkt" if "." in str(offen["wert"].iloc[0]) else "Komma"
        s.fehler(
            f"{anzahl(len(offen), 'Wert ist', 'Werte sind')} mehrdeutig, die Datei legt das "
            f"Dezimalzeichen nicht fest ({zeichen} als Tausendertrennzeichen oder als "
            "Dezimalzeichen): "
            + "; ".join(beispiele)
            + (" …" if len(offen) > 10 else "")
            + f". {_FESTLEGEN}",
            int(offen["zeile_nr"].iloc[0]),
            str(offen["quelle_spalte"].iloc[0]),
        )


def pruefen(
    eingang: Lang, s: Sammler, z: Spaltenzuordnung, tausenderpunkt: bool
) -> tuple[pd.DataFrame, dict[str, str], dict[str, int]]:
    """Validated rows, Träger names from the file, and the rows skipped per unknown merkmal."""
    lang, kopf = eingang.daten, eingang.kopf
    lang, uebersprungen = _merkmale(lang, s, z, kopf)
    if lang.empty:
        if not s.probleme:
            s.fehler(
                "Die Datei enthält keine Zeile mit einem benötigten Merkmal (übersprungen: "
                + ", ".join(f"„{t}“" for t in list(uebersprungen)[:10])
                + (" …" if len(uebersprungen) > 10 else "")
                + "). Merkmale ordnet der Abschnitt [merkmale] der Spaltenzuordnung zu."
            )
        s.abbrechen_falls_noetig()
    lang = _leere_spalten(eingang, lang, s)
    aufloesung = TraegerAufloesung(z.traeger)
    ids = abbilden(lang["traeger_id"], lambda t: aufloesung.aufloesen(str(t)))
    repariert = ids.str[1].astype(bool)
    if repariert.any():
        erste = lang.loc[repariert].iloc[0]
        zeilen = anzahl(lang.loc[repariert, "zeile_nr"].nunique(), "Zeile", "Zeilen")
        s.warnung(
            f"Träger-Kennung ohne führende Null ({zeilen}, z. B. "
            f"„{erste['traeger_id']}“): als „{ids[repariert].iloc[0][0]}“ übernommen. Die Datei "
            "wurde vermutlich in Excel geöffnet; bitte die Spalte als Text formatieren.",
            int(erste["zeile_nr"]),
            kopf.get("traeger_id"),
        )
    lang["traeger_id"] = gelesen(
        s, lang, kopf, "traeger_id", lambda t: aufloesung.aufloesen(str(t))[0],
        "Träger „{wert}“ unbekannt: erwartet wird ein 5-stelliger Regionalschlüssel (z. B. "
        "05154), eine BA-Jobcenter-Nummer oder ein Name aus dem Träger-Verzeichnis.",
    )  # fmt: skip
    lang["monat"] = gelesen(
        s, lang, kopf, "berichtsmonat", monate.parse_monat,
        "Berichtsmonat „{wert}“ nicht lesbar; erwartet z. B. 2023-07, 202307, 07/2023, 07/23, "
        "Juli 2023 oder 31.07.2023.",
    )  # fmt: skip
    lang["geschlecht"] = gelesen(
        s, lang, kopf, "geschlecht", geschlecht_code,
        "Geschlecht „{wert}“ unbekannt; erlaubt: gesamt, frauen, maenner.",
    )  # fmt: skip
    lang["wartezeit"] = gelesen(
        s, lang, kopf, "wartezeit", wartezeit_code,
        "Wartezeit „{wert}“ unbekannt; erlaubt: T0 oder T3.",
    )  # fmt: skip
    lang["datenstand"] = gelesen(
        s, lang, kopf, "datenstand", monate.parse_datum,
        "Datenstand „{wert}“ ist kein Datum; erwartet JJJJ-MM-TT.", leer_erlaubt=True,
    )  # fmt: skip

    zahlen = zahlen_lesen(lang["wert"], z.dezimalzeichen, tausenderpunkt)
    _dezimalzeichen_melden(s, lang, zahlen)
    _melden(s, lang, kopf, zahlen.unlesbar, "wert", "Wert „{wert}“ ist keine Zahl.")
    _melden(
        s,
        lang,
        kopf,
        zahlen.zahlen < 0,
        "wert",
        "Negativer Wert {wert}: Anzahlen und Beträge können nicht negativ sein.",
    )
    lang["wert"] = zahlen.zahlen
    lang["fehlkennzeichen"] = zahlen.kennzeichen
    s.abbrechen_falls_noetig()

    schluessel = ["traeger_id", "merkmal", "geschlecht", "wartezeit", "monat", "datenstand"]
    lang["monat"] = lang["monat"].astype(np.int64)
    doppelt = lang.duplicated(schluessel, keep=False)
    if doppelt.any():
        gruppe = lang.loc[doppelt].fillna({"datenstand": ""})
        verschieden = gruppe.groupby(schluessel)["wert"].transform(
            lambda w: w.nunique(dropna=False) > 1
        )
        for _, zeilen in gruppe.loc[verschieden].groupby(schluessel):
            erste = zeilen.iloc[0]
            s.fehler(
                f"{erste['merkmal']} {erste['geschlecht']} {monate.als_text(erste['monat'])} "
                f"(Träger {erste['traeger_id']}, {erste['wartezeit']}) steht mehrfach mit "
                f"verschiedenen Werten in der Datei: Zeilen "
                + ", ".join(str(n) for n in zeilen["zeile_nr"].head(5))
                + " ("
                + ", ".join("leer" if pd.isna(w) else f"{w:g}" for w in zeilen["wert"].head(5))
                + ").",
                int(erste["zeile_nr"]),
                erste["quelle_spalte"],
            )
        s.abbrechen_falls_noetig()
        lang = lang.drop_duplicates(schluessel)

    summen_pruefen(lang, s)
    namen: dict[str, str] = {}
    if "traeger_name" in kopf:
        paare = lang[["traeger_id", "traeger_name"]].drop_duplicates("traeger_id")
        namen = {k: str(v).strip() for k, v in paare.itertuples(index=False) if str(v).strip()}
    elif z.feste_werte.get("traeger_name"):
        namen = {t: z.feste_werte["traeger_name"] for t in lang["traeger_id"].unique()}
    spalten = [*schluessel, "wert", "fehlkennzeichen", "zeile_nr"]
    lang["monat"] = (lang["monat"] // 12) * 100 + lang["monat"] % 12 + 1  # stored as YYYYMM
    return lang[spalten].reset_index(drop=True), namen, uebersprungen


def summen_pruefen(lang: pd.DataFrame, s: Sammler) -> None:
    """Warn where gesamt differs from frauen + maenner (gesamt is then the figure used)."""
    schluessel = ["traeger_id", "merkmal", "wartezeit", "monat", "datenstand"]
    breit = lang.fillna({"datenstand": ""}).pivot_table(
        index=schluessel, columns="geschlecht", values="wert", aggfunc="first"
    )
    if not {"gesamt", "frauen", "maenner"} <= set(breit.columns):
        return
    abweichung = (breit["gesamt"] - breit["frauen"] - breit["maenner"]).abs() > 0.5
    if abweichung.any():
        beispiele = breit.loc[abweichung].head(3)
        texte = [
            f"{m} {monate.als_text(mo)} Träger {t}: gesamt {r['gesamt']:g}, frauen + maenner "
            f"{r['frauen'] + r['maenner']:g}"
            for (t, m, _w, mo, _d), r in beispiele.iterrows()
        ]
        s.warnung(
            f"In {anzahl(int(abweichung.sum()), 'Fall', 'Fällen')} ist gesamt nicht gleich "
            "frauen + maenner; "
            "verwendet wird gesamt. Beispiele: " + "; ".join(texte)
        )
