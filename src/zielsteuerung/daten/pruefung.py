"""Validation of the long format at the boundary: every problem with its row, all at once;
numbers, months, codes and the sum gesamt = frauen + maenner.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..kern import monate
from ..kern.merkmale import FEHLKENNZEICHEN, geschlecht_code, wartezeit_code
from .langformat import Lang, abbilden
from .sammler import MAX_PROBLEME, Sammler, anzahl
from .traeger import TraegerAufloesung
from .zuordnung import KENNZAHL_GRUNDDATEN, Spaltenzuordnung


def _zahlen(
    werte: pd.Series, dezimal: str | None, tausenderpunkt: bool
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(numbers, missing marker or None, unparseable mask), parsed once per distinct value."""
    codes, eindeutig = pd.factorize(werte, use_na_sentinel=True)
    eindeutig = pd.Series([*eindeutig, None], dtype=object)
    zahlen, kennzeichen, unlesbar = _zahlen_eindeutig(eindeutig, dezimal, tausenderpunkt)
    return (
        pd.Series(zahlen.to_numpy()[codes], index=werte.index, dtype=float),
        pd.Series(kennzeichen.to_numpy()[codes], index=werte.index, dtype=object),
        pd.Series(unlesbar.to_numpy(bool)[codes], index=werte.index),
    )


def _zahlen_eindeutig(
    werte: pd.Series, dezimal: str | None, tausenderpunkt: bool
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(numbers, missing marker or None, unparseable mask).

    Without a mapping the decimal mark is guessed per file: a comma anywhere means decimal
    comma. In a ';'-separated file (German Excel) without any comma, values whose dots all
    group thousands ("10.512") are read as thousands, not as decimals.
    """
    ist_text = werte.map(lambda v: isinstance(v, str))
    text = werte.where(ist_text, "").astype(str).str.strip().str.replace("\u00a0", "", regex=False)
    kennzeichen = text.where(ist_text & text.isin(FEHLKENNZEICHEN))
    zahlen = pd.to_numeric(werte.where(~ist_text), errors="coerce").astype(float)
    zu_parsen = ist_text & kennzeichen.isna()
    t = text[zu_parsen].str.replace("€", "", regex=False).str.replace(" ", "", regex=False)
    if dezimal is None:
        gepunktet = t[t.str.contains(".", regex=False)]
        if t.str.contains(",", regex=False).any() or (
            tausenderpunkt
            and len(gepunktet)
            and gepunktet.str.fullmatch(r"-?\d{1,3}(\.\d{3})+").all()
        ):
            dezimal = ","
        else:
            dezimal = "."
    if dezimal == ",":
        mehrdeutig = t.str.contains(".", regex=False) & ~t.str.fullmatch(
            r"-?\d{1,3}(\.\d{3})+(,\d+)?"
        )
        t = t.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        t = t.where(~mehrdeutig, "?")
    else:
        t = t.str.replace(",", "", regex=False).where(
            ~t.str.contains(",", regex=False) | t.str.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?"), "?"
        )
    zahlen.loc[zu_parsen] = pd.to_numeric(t, errors="coerce").astype(float)
    unlesbar = zu_parsen & zahlen.isna()
    unlesbar |= ~ist_text & werte.map(lambda v: v is not None and v != "") & zahlen.isna()
    kennzeichen = kennzeichen.where(kennzeichen.isna(), kennzeichen.replace({"": "leer"}))
    return zahlen, kennzeichen, unlesbar


def _melden(
    s: Sammler, lang: pd.DataFrame, kopf: dict[str, str], maske: pd.Series, dim: str, text: str
) -> None:
    """One problem per masked row (up to the limit), quoting the file's own text."""
    treffer = lang.loc[maske].head(MAX_PROBLEME)
    for nr, quelle, wert in zip(
        treffer["zeile_nr"], treffer["quelle_spalte"], treffer[dim], strict=True
    ):
        s.fehler(text.format(wert=wert), int(nr), kopf.get(dim) or quelle)
    s.weitere += max(0, int(maske.sum()) - MAX_PROBLEME)


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


def pruefen(
    eingang: Lang, s: Sammler, z: Spaltenzuordnung, tausenderpunkt: bool
) -> tuple[pd.DataFrame, dict[str, str]]:
    lang, kopf = eingang.daten, eingang.kopf
    aufloesung = TraegerAufloesung(z.traeger)
    ids = abbilden(lang["traeger_id"], lambda t: aufloesung.aufloesen(str(t)))
    repariert = ids.str[1].astype(bool)
    if repariert.any():
        erste = lang.loc[repariert].iloc[0]
        s.warnung(
            f"Träger-Kennung ohne führende Null ({int(repariert.sum())} Zeilen, z. B. "
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
        "Berichtsmonat „{wert}“ nicht lesbar; erwartet JJJJ-MM (z. B. 2023-07).",
    )  # fmt: skip

    def merkmal(text: object) -> str | None:
        return z.merkmal(str(text))

    codes = abbilden(lang["merkmal"], merkmal)
    if lang["rolle"].notna().any():
        paare = abbilden(lang["merkmal"], lambda t: z.kennzahl(str(t)))
        zaehler, nenner = lang["rolle"] == "zaehler", lang["rolle"] == "nenner"
        codes[zaehler] = paare[zaehler].str[0]
        codes[nenner] = paare[nenner].str[1]
    _melden(
        s,
        lang,
        kopf,
        codes.isna() & lang["rolle"].isna(),
        "merkmal",
        "Merkmal „{wert}“ unbekannt; erlaubt sind die Codes der Tabelle 2.2 (z. B. INT, ELB, "
        "LZB) oder eine Zuordnung im Abschnitt [merkmale] der Spaltenzuordnung.",
    )
    _melden(
        s, lang, kopf, codes.isna() & lang["rolle"].notna(), "merkmal",
        "Kennzahl „{wert}“ unbekannt für Zähler/Nenner; bekannt sind "
        + ", ".join(KENNZAHL_GRUNDDATEN)
        + ". Weitere im Abschnitt [kennzahlen] der Spaltenzuordnung.",
    )  # fmt: skip
    lang["merkmal"] = codes
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

    zahlen, kennzeichen, unlesbar = _zahlen(lang["wert"], z.dezimalzeichen, tausenderpunkt)
    _melden(s, lang, kopf, unlesbar, "wert", "Wert „{wert}“ ist keine Zahl.")
    _melden(
        s,
        lang,
        kopf,
        zahlen < 0,
        "wert",
        "Negativer Wert {wert}: Anzahlen und Beträge können nicht negativ sein.",
    )
    lang["wert"] = zahlen
    lang["fehlkennzeichen"] = kennzeichen
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
    spalten = [*schluessel, "wert", "fehlkennzeichen"]
    lang["monat"] = (lang["monat"] // 12) * 100 + lang["monat"] % 12 + 1  # stored as YYYYMM
    return lang[spalten].reset_index(drop=True), namen


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
