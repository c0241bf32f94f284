"""Validation of the long format at the boundary: every problem with its row, all at once;
numbers, months, codes and the sum gesamt = frauen + maenner.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ..kern import monate
from ..kern.merkmale import geschlecht_code, wartezeit_code
from .bestandsformat import WERTE
from .langformat import Lang, abbilden, gefuellt, je_wert, kategorisch, schluessel
from .sammler import MAX_PROBLEME, Sammler, anzahl, aufzaehlung
from .traeger import TraegerAufloesung
from .zahlentext import Zahlen, lesarten, zahlen_lesen
from .zuordnung import IGNORIEREN, KENNZAHL_GRUNDDATEN, Spaltenzuordnung

#: an empty cell where every row needs a value: often a table that names its Träger (or month)
#: once per group, or in a cell merged over the group's rows
_LEER = (
    "Die Zelle ist leer; jede Zeile braucht ihren eigenen Wert. Steht er nur in der ersten Zeile "
    "einer Gruppe oder in einer verbundenen Zelle, bitte in jede Zeile schreiben (Excel: "
    "Zellverbund aufheben, den Wert in die leeren Zellen darunter kopieren)."
)


def _melden(
    s: Sammler, lang: pd.DataFrame, kopf: dict[str, str], maske: Any, dim: str, text: str
) -> None:
    """One problem per masked row (up to the limit), quoting the file's own text (an empty cell
    is said as such); a row melted into one value per value column is named once for a
    dimension of the row."""
    treffer = lang.loc[maske]
    if dim in kopf:
        treffer = treffer.drop_duplicates(["zeile_nr", dim])
    for nr, quelle, wert in zip(
        treffer["zeile_nr"].head(MAX_PROBLEME),
        treffer["quelle_spalte"].head(MAX_PROBLEME),
        treffer[dim].head(MAX_PROBLEME),
        strict=True,
    ):
        meldung = _LEER if str(wert).strip() == "" else text.format(wert=wert)
        s.fehler(meldung, int(nr), kopf.get(dim) or quelle)
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
    """Parse one dimension (each distinct text once) to a categorical of the results; report
    every value that does not parse."""
    neu = kategorisch(lang[dim], funktion)
    fehlerhaft = neu.isna().to_numpy(copy=True)
    if leer_erlaubt:
        fehlerhaft &= gefuellt(lang[dim])
    if fehlerhaft.any():
        _melden(s, lang, kopf, fehlerhaft, dim, text)
    return neu


def _merkmale(
    lang: pd.DataFrame, s: Sammler, z: Spaltenzuordnung, kopf: dict[str, str]
) -> tuple[pd.DataFrame, dict[str, int]]:
    """The merkmal codes; rows of unknown merkmale are an error, or skipped where the mapping
    says so (returned: file text -> rows skipped)."""

    def merkmal(text: object) -> str | None:
        return z.merkmal(str(text))

    if lang["rolle"].notna().any():
        codes = abbilden(lang["merkmal"], merkmal)
        paare = abbilden(lang["merkmal"], lambda t: z.kennzahl(str(t)))
        zaehler, nenner = lang["rolle"] == "zaehler", lang["rolle"] == "nenner"
        codes[zaehler] = paare[zaehler].str[0]
        codes[nenner] = paare[nenner].str[1]
        codes = kategorisch(codes, lambda c: c if isinstance(c, str) and c else None)
    else:
        codes = kategorisch(lang["merkmal"], merkmal)
    unbekannt = codes.isna()
    uebersprungen: dict[str, int] = {}
    if unbekannt.any():
        zeilen = lang.loc[unbekannt, ["zeile_nr", "merkmal", "rolle"]].astype(
            {"merkmal": str, "rolle": object}
        )
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
            wo = aufzaehlung([str(n) for n in nummern], 10)
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
        weg = je_wert(lang["merkmal"], lambda t: str(t) in uebersprungen)
        behalten = ~(weg & unbekannt.to_numpy())
        lang, codes = lang.loc[behalten], codes.loc[behalten]  # the rest is reported
    lang["merkmal"] = codes
    return lang, uebersprungen


def _leere_spalten(eingang: Lang, lang: pd.DataFrame, s: Sammler) -> pd.DataFrame:
    """A value column empty in every row read is an error naming it; an empty column of one
    month (a month still to come) is left out with a warning."""
    quelle = lang["quelle_spalte"].array  # a categorical of the value columns' headers
    voll = np.bincount(quelle.codes[gefuellt(lang["wert"])], minlength=len(quelle.categories))
    for spalte in quelle.categories[voll == 0]:
        if spalte in eingang.monatsspalten and voll.any():
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
) -> tuple[pd.DataFrame, dict[str, str], dict[str, dict[str, int]]]:
    """Validated rows (one per key of the store, ``_breit``), Träger names from the file, and
    the rows skipped per merkmal and per Träger not needed."""
    lang, kopf = eingang.daten, eingang.kopf
    lang, uebersprungen = _merkmale(lang, s, z, kopf)
    if lang.empty:
        if not s.probleme:
            s.fehler(
                "Die Datei enthält keine Zeile mit einem benötigten Merkmal (übersprungen: "
                + aufzaehlung([f"„{t}“" for t in uebersprungen], 10)
                + "). Merkmale ordnet der Abschnitt [merkmale] der Spaltenzuordnung zu."
            )
        s.abbrechen_falls_noetig()
    lang = _leere_spalten(eingang, lang, s)
    aufloesung = TraegerAufloesung(z.traeger)
    repariert = je_wert(lang["traeger_id"], lambda t: aufloesung.aufloesen(str(t))[1])
    if repariert.any():
        erste = lang.loc[repariert].iloc[0]
        zeilen = anzahl(lang.loc[repariert, "zeile_nr"].nunique(), "Zeile", "Zeilen")
        s.warnung(
            f"Träger-Kennung ohne führende Null ({zeilen}, z. B. „{erste['traeger_id']}“): als "
            f"„{aufloesung.aufloesen(str(erste['traeger_id']))[0]}“ übernommen. Die Datei "
            "wurde vermutlich in Excel geöffnet; bitte die Spalte als Text formatieren.",
            int(erste["zeile_nr"]),
            kopf.get("traeger_id"),
        )
    wie_geschrieben = lang["traeger_id"]
    lang["traeger_id"] = gelesen(
        s, lang, kopf, "traeger_id", lambda t: aufloesung.aufloesen(str(t))[0],
        "Träger „{wert}“ unbekannt: erwartet wird ein 5-stelliger Regionalschlüssel (z. B. "
        "05154), eine BA-Jobcenter-Nummer oder ein Name aus dem Träger-Verzeichnis. Ist es "
        'eine Summe (Land, Bund): "{wert}" = "ignorieren" im Abschnitt [traeger] der '
        "Spaltenzuordnung überspringt ihre Zeilen.",
    )  # fmt: skip
    lang, traeger_uebersprungen = _traeger_ignorieren(lang, wie_geschrieben, s)
    lang["monat"] = gelesen(
        s, lang, kopf, "berichtsmonat", monate.parse_monat,
        "Berichtsmonat „{wert}“ nicht lesbar; erwartet z. B. 2023-07, 202307, 07/2023, 07/23, "
        "Juli 2023 oder 31.07.2023.",
    )  # fmt: skip
    lang["geschlecht"] = gelesen(
        s, lang, kopf, "geschlecht", geschlecht_code,
        "Geschlecht „{wert}“ unbekannt; erlaubt: gesamt, frauen, maenner.",
    )  # fmt: skip
    _ohne_angabe_melden(lang, kopf, s)
    lang["wartezeit"] = gelesen(
        s, lang, kopf, "wartezeit", wartezeit_code,
        "Wartezeit „{wert}“ unbekannt; erlaubt: T0 oder T3.",
    )  # fmt: skip
    lang["datenstand"] = gelesen(
        s, lang, kopf, "datenstand", monate.parse_datum,
        "Datenstand „{wert}“ ist kein Datum; erwartet z. B. 2023-11-20 oder 20.11.2023.",
        leer_erlaubt=True,
    )  # fmt: skip

    zahlen = zahlen_lesen(lang["wert"], z.dezimalzeichen, tausenderpunkt)
    _dezimalzeichen_melden(s, lang, zahlen)
    if zahlen.unlesbar.any():
        _melden(s, lang, kopf, zahlen.unlesbar, "wert", "Wert „{wert}“ ist keine Zahl.")
    negativ = zahlen.zahlen < 0
    if negativ.any():
        text = "Negativer Wert {wert}: Anzahlen und Beträge können nicht negativ sein."
        _melden(s, lang, kopf, negativ, "wert", text)
    lang["wert"] = zahlen.zahlen
    lang["fehlkennzeichen"] = zahlen.kennzeichen
    s.abbrechen_falls_noetig()

    breit = _breit(lang, s)
    summen_pruefen(breit, s)
    return (
        breit,
        _namen(lang, kopf, z),
        {"Merkmal": uebersprungen, "Träger": traeger_uebersprungen},
    )


def _traeger_ignorieren(
    lang: pd.DataFrame, wie_geschrieben: pd.Series, s: Sammler
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Leave out the rows of Träger the mapping's [traeger] sets to „ignorieren“ (a sum over a
    Land or the Bund in a download); returned: file text -> rows skipped."""
    ids = lang["traeger_id"].array
    weg = np.asarray(ids == IGNORIEREN)
    if not weg.any():
        return lang, {}
    zeilen = pd.DataFrame(
        {"zeile_nr": lang["zeile_nr"].to_numpy()[weg], "text": wie_geschrieben.to_numpy()[weg]}
    ).drop_duplicates("zeile_nr")
    gezaehlt = zeilen["text"].astype(str).str.strip().value_counts(sort=False).to_dict()
    lang = lang.loc[~weg]
    if lang.empty:
        s.fehler(
            "Alle Zeilen gehören zu Trägern, die die Spaltenzuordnung mit „ignorieren“ "
            "überspringt (Abschnitt [traeger]): "
            + aufzaehlung([f"„{t}“" for t in gezaehlt], 10)
            + "."
        )
        s.abbrechen_falls_noetig()
    lang["traeger_id"] = lang["traeger_id"].cat.remove_categories([IGNORIEREN])
    return lang, gezaehlt


_OHNE_ANGABE = {
    "wartezeit": (
        "keine Wartezeit",
        "gelten als T3 (nach drei Monaten Wartezeit)",
        'wartezeit = "T0"',
    ),
    "datenstand": (
        "keinen Datenstand",
        "erhalten den Zeitpunkt dieses Imports als Datenstand; Auswertungen nennen diesen Tag, "
        "und eine später importierte Fassung mit früherem Datenstand gilt als älter",
        'datenstand = "JJJJ-MM-TT"',
    ),
}


def _ohne_angabe_melden(lang: pd.DataFrame, kopf: dict[str, str], s: Sammler) -> None:
    """A warning where the file gives no Wartezeit or Datenstand, so that the defaults apply
    (T3; the import's time): they are the rule of the long format, but never taken silently."""
    for dim, (fehlt, folge, fest) in _OHNE_ANGABE.items():
        leer = ~gefuellt(lang[dim])
        if not leer.any():
            continue
        if dim not in kopf:  # neither a column nor a fixed value; the same file read again
            s.warnung(  # with a mapping replaces this import
                f"Die Datei nennt {fehlt}: alle Werte {folge}. Stimmt das nicht, die Datei mit "
                f"einer Spaltenzuordnung erneut importieren ({fest} im Abschnitt [feste_werte], "
                'oder "titel", wo ein Titel über der Tabelle die Angabe enthält; siehe '
                "docs/spaltenzuordnung.md); das ersetzt diesen Import. In Excel: die "
                "Zuordnung als NAME.toml neben die Datei im Datenordner legen."
            )
            continue
        zeilen = lang.loc[leer, "zeile_nr"]
        s.warnung(
            f"Spalte leer in {anzahl(zeilen.nunique(), 'Zeile', 'Zeilen')}: diese Werte {folge}. "
            "Stimmt das nicht, den Import zurücknehmen („zielsteuerung bestand entfernen NR“; "
            "NR zeigt „zielsteuerung bestand“) und die vervollständigte Datei importieren.",
            int(zeilen.iloc[0]),
            kopf[dim],
        )


def _namen(lang: pd.DataFrame, kopf: dict[str, str], z: Spaltenzuordnung) -> dict[str, str]:
    """Träger names from the file: each Träger's first, or the mapping's fixed one."""
    ids = lang["traeger_id"].array
    if "traeger_name" in kopf:
        _, erste = np.unique(ids.codes, return_index=True)
        namen = lang["traeger_name"].array.take(erste)
        paare = zip(ids.take(erste), namen, strict=True)
        return {str(t): str(n).strip() for t, n in paare if pd.notna(n) and str(n).strip()}
    if name := z.feste_werte.get("traeger_name"):
        return dict.fromkeys(map(str, ids.categories[np.unique(ids.codes)]), name)
    return {}


def _breit(lang: pd.DataFrame, s: Sammler) -> pd.DataFrame:
    """One row per Träger, merkmal, Wartezeit, month and Datenstand with the three genders as
    columns (``LIEFERSPALTEN``, and ``zeile_<geschlecht>``: the row each value came from), in
    the order of the store's key. A value given twice is reported where the two differ."""
    zeilen_schluessel = schluessel(
        lang[spalte].array
        for spalte in ("traeger_id", "merkmal", "wartezeit", "monat", "datenstand")
    )
    geschlecht = lang["geschlecht"].array
    nummer = np.array([WERTE.index(g) for g in geschlecht.categories], dtype=np.int64)
    g = nummer[geschlecht.codes]
    gruppe, gruppen = pd.factorize(zeilen_schluessel)
    zelle = gruppe * 3 + g
    if (np.bincount(zelle, minlength=3 * len(gruppen)) > 1).any():
        lang, zelle = _doppelte(lang, zelle, s)
        gruppe, g = zelle // 3, zelle % 3
    rang = np.empty(len(gruppen), dtype=np.int64)
    rang[np.argsort(gruppen, kind="stable")] = np.arange(len(gruppen))
    zeile = rang[gruppe]  # the row of the wide table, in key order
    erste = np.empty(len(gruppen), dtype=np.int64)
    erste[zeile] = np.arange(len(lang))
    breit = {sp: lang[sp].array.take(erste) for sp in ("traeger_id", "merkmal", "wartezeit")}
    monat = np.asarray(lang["monat"].array.take(erste), dtype=np.int64)
    breit["monat"] = (monat // 12) * 100 + monat % 12 + 1  # stored as YYYYMM
    breit["datenstand"] = lang["datenstand"].array.take(erste)
    werte = np.full((len(gruppen), 3), np.nan)
    werte[zeile, g] = lang["wert"].to_numpy(float)
    kennzeichen = lang["fehlkennzeichen"].array  # a categorical: most values have none
    markiert = np.full((len(gruppen), 3), -1, dtype=kennzeichen.codes.dtype)
    markiert[zeile, g] = kennzeichen.codes
    herkunft = np.full((len(gruppen), 3), -1, dtype=np.int64)
    herkunft[zeile, g] = lang["zeile_nr"].to_numpy(np.int64)
    for k, name in enumerate(WERTE):
        breit[name] = werte[:, k]
        breit[f"kennzeichen_{name}"] = pd.Categorical.from_codes(
            markiert[:, k], dtype=kennzeichen.dtype, validate=False
        )
        breit[f"zeile_{name}"] = herkunft[:, k]
    return pd.DataFrame(breit, copy=False)


def _doppelte(lang: pd.DataFrame, zelle: np.ndarray, s: Sammler) -> tuple[pd.DataFrame, np.ndarray]:
    """Values given more than once: an error where they differ, else kept once."""
    doppelt = pd.Series(zelle).duplicated(keep=False).to_numpy()
    gruppe = lang.loc[doppelt].assign(zelle=zelle[doppelt])
    verschieden = gruppe.groupby("zelle")["wert"].transform(lambda w: w.nunique(dropna=False) > 1)
    for _, zeilen in gruppe.loc[verschieden.to_numpy()].groupby("zelle"):
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
    behalten = ~pd.Series(zelle).duplicated().to_numpy()
    return lang.loc[behalten], zelle[behalten]


def summen_pruefen(breit: pd.DataFrame, s: Sammler) -> None:
    """Warn where gesamt differs from frauen + maenner (gesamt is then the figure used)."""
    abweichung = (breit["gesamt"] - breit["frauen"] - breit["maenner"]).abs() > 0.5
    if abweichung.any():
        texte = [
            f"{r.merkmal} {monate.yyyymm_text(r.monat)} Träger {r.traeger_id}: gesamt "
            f"{r.gesamt:g}, frauen + maenner {r.frauen + r.maenner:g}"
            for r in breit.loc[abweichung].head(3).itertuples()
        ]
        s.warnung(
            f"In {anzahl(int(abweichung.sum()), 'Fall', 'Fällen')} ist gesamt nicht gleich "
            "frauen + maenner; "
            "verwendet wird gesamt. Beispiele: " + "; ".join(texte)
        )
