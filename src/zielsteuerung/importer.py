"""Import of monthly base figures: read, map, validate the whole file, then store all or nothing."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import monate
from .datenbestand import Datenbestand, KonfliktGefunden
from .fehler import EingabeFehler, ImportFehler, Problem
from .merkmale import FEHLKENNZEICHEN, geschlecht_code, wartezeit_code
from .spaltenzuordnung import DIMENSIONEN, Spaltenzuordnung, Wertspalte
from .traeger import TraegerAufloesung

MAX_PROBLEME = 50
Fortschritt = Callable[[str, float | None], None]


def _still(_text: str, _anteil: float | None) -> None:
    pass


@dataclass
class GeprüfteDatei:
    """A file that passed validation, ready to be stored."""

    pfad: Path
    sha256: str
    daten: pd.DataFrame  # traeger_id, merkmal, geschlecht, wartezeit, monat, datenstand, wert, ...
    namen: dict[str, str]
    beispieldaten: bool
    warnungen: list[Problem] = field(default_factory=list)


@dataclass
class ImportErgebnis:
    datei: str
    sha256: str
    zeilen: int
    neu: int
    bereits_importiert: bool
    beispieldaten: bool
    warnungen: list[Problem]


class _Sammler:
    """Collects problems of one file, all at once, up to a limit."""

    def __init__(self, datei: str) -> None:
        self.datei = datei
        self.probleme: list[Problem] = []
        self.warnungen: list[Problem] = []
        self.weitere = 0

    def fehler(self, meldung: str, zeile: int | None = None, spalte: str | None = None) -> None:
        if len(self.probleme) < MAX_PROBLEME:
            self.probleme.append(Problem(self.datei, zeile, spalte, meldung))
        else:
            self.weitere += 1

    def warnung(self, meldung: str, zeile: int | None = None, spalte: str | None = None) -> None:
        self.warnungen.append(Problem(self.datei, zeile, spalte, meldung))

    def abbrechen_falls_noetig(self) -> None:
        if self.probleme:
            self.probleme.sort(key=lambda p: (p.zeile or 0, p.spalte or ""))
            raise ImportFehler(self.probleme, self.weitere)


# --- reading ---------------------------------------------------------------------------------


def _lese_text(rohdaten: bytes, s: _Sammler) -> str:
    if rohdaten.startswith((b"\xff\xfe", b"\xfe\xff")) or rohdaten[:200].count(b"\x00") > 10:
        s.fehler(
            "Die Datei ist in UTF-16 („Unicode-Text“) gespeichert. Bitte als CSV in UTF-8 "
            "oder Windows-1252 speichern (Excel: „CSV UTF-8 (durch Trennzeichen getrennt)“)."
        )
        s.abbrechen_falls_noetig()
    if b"\x00" in rohdaten:
        s.fehler("Die Datei enthält Binärdaten (NUL-Zeichen) und ist weder CSV noch Excel.")
        s.abbrechen_falls_noetig()
    try:
        return rohdaten.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return rohdaten.decode("cp1252")
    except UnicodeDecodeError as exc:
        zeile = rohdaten[: exc.start].count(b"\n") + 1
        s.fehler(
            "Zeichenkodierung nicht erkannt: weder UTF-8 noch Windows-1252 "
            f"(ungültiges Byte 0x{rohdaten[exc.start]:02X}). Bitte als UTF-8 speichern.",
            zeile,
        )
        s.abbrechen_falls_noetig()
        raise AssertionError from exc  # unreachable


def _kopfzeile_finden(zeilen: list[list[str]], z: Spaltenzuordnung) -> int:
    """Index of the header row: the mapping's, else the first row that names known columns."""
    if z.kopfzeile:
        return z.kopfzeile - 1
    for i, zeile in enumerate(zeilen[:30]):
        bekannt = sum(1 for zelle in zeile if str(zelle).strip() and z.rolle(str(zelle)))
        if bekannt >= 2:
            return i
    for i, zeile in enumerate(zeilen):
        if any(str(zelle).strip() for zelle in zeile):
            return i
    return 0


def _trennzeichen(text: str, z: Spaltenzuordnung) -> str:
    if z.trennzeichen:
        return z.trennzeichen
    probe = [zeile for zeile in text.splitlines()[:30] if zeile.strip()]
    beste, punkte = ";", -1
    for kandidat in (";", ",", "\t", "|"):
        anzahl = max((zeile.count(kandidat) for zeile in probe), default=0)
        if anzahl > punkte:
            beste, punkte = kandidat, anzahl
    return beste


def _lese_csv(text: str, s: _Sammler, z: Spaltenzuordnung) -> tuple[list[str], pd.DataFrame, int]:
    trenner = _trennzeichen(text, z)
    kopf_probe = list(csv.reader(io.StringIO("\n".join(text.splitlines()[:30])), delimiter=trenner))
    kopf_index = _kopfzeile_finden(kopf_probe, z)
    try:
        roh = pd.read_csv(
            io.StringIO(text),
            sep=trenner,
            dtype=str,
            keep_default_na=False,
            skiprows=kopf_index,
            header=0,
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.EmptyDataError:
        return [], pd.DataFrame(), kopf_index + 1
    except pd.errors.ParserError as exc:
        s.fehler(f"Die CSV-Struktur ist fehlerhaft ({exc}).")
        s.abbrechen_falls_noetig()
        raise
    kopf = [str(k) for k in roh.columns]
    roh.columns = pd.RangeIndex(len(kopf))
    return kopf, roh, kopf_index + 1


def _lese_xlsx(pfad: Path, s: _Sammler, z: Spaltenzuordnung) -> tuple[list[str], pd.DataFrame, int]:
    import openpyxl

    try:
        mappe = openpyxl.load_workbook(pfad, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        s.fehler(f"Die Excel-Datei ist beschädigt oder nicht lesbar ({type(exc).__name__}).")
        s.abbrechen_falls_noetig()
        raise
    try:
        if z.blatt:
            if z.blatt not in mappe.sheetnames:
                s.fehler(f"Blatt „{z.blatt}“ fehlt; vorhanden: {', '.join(mappe.sheetnames)}.")
                s.abbrechen_falls_noetig()
            blatt = mappe[z.blatt]
        else:
            blatt = mappe.worksheets[0]
        zeilen = [list(zeile) for zeile in blatt.iter_rows(values_only=True)]
    finally:
        mappe.close()
    kopf_index = _kopfzeile_finden([["" if c is None else str(c) for c in r] for r in zeilen], z)
    if len(zeilen) <= kopf_index:
        return [], pd.DataFrame(), kopf_index + 1
    kopf = ["" if c is None else str(c).strip() for c in zeilen[kopf_index]]
    breite = len(kopf)
    rumpf = [(r + [None] * breite)[:breite] for r in zeilen[kopf_index + 1 :]]
    roh = pd.DataFrame(rumpf, columns=pd.RangeIndex(breite), dtype=object)
    for spalte in roh.columns:  # numbers and dates stay native for "wert"; text for the rest
        roh[spalte] = roh[spalte].where(roh[spalte].notna(), "")
    return kopf, roh, kopf_index + 1


def _lese_datei(
    pfad: Path, rohdaten: bytes, s: _Sammler, z: Spaltenzuordnung
) -> tuple[list[str], pd.DataFrame, int]:
    endung = pfad.suffix.lower()
    if not rohdaten.strip():
        s.fehler("Die Datei ist leer.")
        s.abbrechen_falls_noetig()
    if rohdaten.startswith(b"\xd0\xcf\x11\xe0"):
        s.fehler(
            "Altes Excel-Format (.xls) oder verschlüsselte Datei. Bitte in Excel als "
            "„Excel-Arbeitsmappe (.xlsx)“ oder als CSV speichern."
        )
    elif rohdaten.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(rohdaten)) as archiv:
                namen = set(archiv.namelist())
                typen = (
                    archiv.read("[Content_Types].xml").decode("utf-8", "replace")
                    if "[Content_Types].xml" in namen
                    else ""
                )
        except zipfile.BadZipFile:
            s.fehler("Die Datei sieht aus wie eine Excel-Datei, ist aber beschädigt.")
            s.abbrechen_falls_noetig()
            raise
        if (
            endung in (".xlsm", ".xlam", ".xltm")
            or "xl/vbaProject.bin" in namen
            or ("macroEnabled" in typen)
        ):
            s.fehler(
                "Die Datei enthält Makros (.xlsm/.xlam) und wird aus Sicherheitsgründen nicht "
                "gelesen. Bitte die Daten als .xlsx ohne Makros oder als CSV speichern."
            )
        elif "xl/workbook.xml" not in namen:
            s.fehler(
                "Die Datei ist ein ZIP-Archiv, aber keine Excel-Arbeitsmappe (.xlsx) "
                "(z. B. OpenDocument .ods oder Word). Bitte als .xlsx oder CSV speichern."
            )
        else:
            s.abbrechen_falls_noetig()
            return _lese_xlsx(pfad, s, z)
    elif rohdaten.startswith(b"%PDF"):
        s.fehler("Die Datei ist ein PDF, weder CSV noch Excel (.xlsx).")
    s.abbrechen_falls_noetig()
    return _lese_csv(_lese_text(rohdaten, s), s, z)


# --- mapping to the long format --------------------------------------------------------------


@dataclass
class _Lang:
    """A file melted to one row per value, before validation."""

    daten: pd.DataFrame
    kopf: dict[str, str]  # dimension -> header it came from
    beispieldaten: bool


def _in_langformat(
    kopf: list[str], roh: pd.DataFrame, erste_zeile: int, s: _Sammler, z: Spaltenzuordnung
) -> _Lang:
    """Melt any supported layout to rows of raw dimension texts plus raw value."""
    dimensionen: dict[str, int] = {}
    wertspalten: list[tuple[int, Wertspalte]] = []
    hinweise: list[int] = []
    for i, name in enumerate(kopf):
        if not name.strip() or name.startswith("Unnamed:"):
            if roh.shape[0] and (roh[i].astype(str).str.strip() != "").any():
                s.fehler("Spalte ohne Überschrift enthält Werte.", erste_zeile, f"Nr. {i + 1}")
            continue
        rolle = z.rolle(name)
        if rolle is None:
            if z.unbekannte_spalten == "fehler":
                s.fehler(
                    "Unbekannte Spalte. Eine Spaltenzuordnung (--mapping) ordnet sie zu oder "
                    "setzt sie auf „ignorieren“.",
                    erste_zeile,
                    name,
                )
        elif isinstance(rolle, Wertspalte):
            wertspalten.append((i, rolle))
        elif rolle == "wert":
            wertspalten.append((i, Wertspalte()))
        elif rolle == "hinweis":
            hinweise.append(i)
        elif rolle != "ignorieren":
            if rolle in dimensionen:
                s.fehler(
                    f"Zwei Spalten für „{rolle}“: „{kopf[dimensionen[rolle]]}“ und „{name}“.",
                    erste_zeile,
                    name,
                )
            dimensionen[rolle] = i
    if not wertspalten:
        s.fehler(
            "Keine Spalte mit Werten gefunden (erwartet z. B. „wert“, „Anzahl“, „Frauen“/"
            "„Männer“, eine Spalte je Merkmal oder je Monat). Spalten der Datei: "
            + ", ".join(f"„{k}“" for k in kopf if k.strip()),
            erste_zeile,
        )
    if any(w == Wertspalte() for _, w in wertspalten) and len(wertspalten) > 1:
        s.fehler(
            "Neben der Spalte „wert“ gibt es weitere Wertspalten; bitte zuordnen.", erste_zeile
        )
    for dim in ("traeger_id", "berichtsmonat", "merkmal"):
        feld = {"traeger_id": None, "berichtsmonat": "berichtsmonat", "merkmal": "merkmal"}[dim]
        hat = dim in dimensionen or dim in z.feste_werte
        if not hat and not (feld and all(getattr(w, feld) is not None for _, w in wertspalten)):
            beispiele = {
                "traeger_id": "„traeger_id“, „Regionalschlüssel“, „Jobcenter“",
                "berichtsmonat": "„berichtsmonat“, „Monat“, „Stichtag“",
                "merkmal": "„merkmal“, „Kennzahl“ oder eine Spalte je Merkmal",
            }[dim]
            s.fehler(
                f"Keine Angabe für {dim} gefunden (erwartet z. B. {beispiele}). "
                "Eine Spaltenzuordnung (--mapping) kann Spalten zuordnen oder feste Werte setzen.",
                erste_zeile,
            )
    s.abbrechen_falls_noetig()

    leer = roh.apply(lambda sp: sp.astype(str).str.strip() == "").all(axis=1)
    roh = roh.loc[~leer]
    zeilennummern = roh.index.to_numpy() + erste_zeile + 1
    teile = []
    for spalte, wertspalte in wertspalten:
        teil = pd.DataFrame({"_zeile": zeilennummern, "_spalte": kopf[spalte]})
        for dim in DIMENSIONEN:
            fest = getattr(wertspalte, dim, None)
            if dim in dimensionen:
                teil[dim] = roh[dimensionen[dim]].astype(str).to_numpy()
            elif fest is not None:
                teil[dim] = fest
            else:
                teil[dim] = z.feste_werte.get(dim)
        teil["_rolle"] = wertspalte.rolle
        teil["wert"] = roh[spalte].to_numpy()
        teile.append(teil)
    beispieldaten = bool(hinweise) and bool(
        roh[hinweise[0]].astype(str).str.contains("Beispieldaten").any()
    )
    return _Lang(
        pd.concat(teile, ignore_index=True),
        {d: kopf[i] for d, i in dimensionen.items()},
        beispieldaten,
    )


# --- validation ------------------------------------------------------------------------------


def _abbilden(werte: pd.Series, funktion: Callable[[str], object]) -> pd.Series:
    """Apply a parser to each distinct value once (files repeat few distinct texts)."""
    tabelle = {u: funktion(u) for u in pd.unique(werte)}
    return werte.map(tabelle)


def _zahlen(werte: pd.Series, dezimal: str | None) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(numbers, missing marker or None, unparseable mask)."""
    ist_text = werte.map(lambda v: isinstance(v, str))
    text = werte.where(ist_text, "").astype(str).str.strip().str.replace("\u00a0", "", regex=False)
    kennzeichen = text.where(ist_text & text.isin(FEHLKENNZEICHEN))
    zahlen = pd.to_numeric(werte.where(~ist_text), errors="coerce").astype(float)
    zu_parsen = ist_text & kennzeichen.isna()
    t = text[zu_parsen].str.replace("€", "", regex=False).str.replace(" ", "", regex=False)
    if dezimal is None:
        dezimal = "," if t.str.contains(",", regex=False).any() else "."
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
    s: _Sammler, lang: pd.DataFrame, kopf: dict[str, str], maske: pd.Series, dim: str, text: str
) -> None:
    for zeile in lang.loc[maske].head(MAX_PROBLEME).itertuples():
        spalte = kopf.get(dim) or zeile._spalte
        wert = getattr(zeile, dim)
        s.fehler(text.format(wert=wert), int(zeile._zeile), spalte)
    s.weitere += max(0, int(maske.sum()) - MAX_PROBLEME)


def _pruefen(
    eingang: _Lang, s: _Sammler, z: Spaltenzuordnung
) -> tuple[pd.DataFrame, dict[str, str]]:
    lang, kopf = eingang.daten, eingang.kopf
    aufloesung = TraegerAufloesung(z.traeger)
    ids = _abbilden(lang["traeger_id"].fillna(""), aufloesung.aufloesen)
    lang["_repariert"] = ids.str[1].astype(bool)
    lang["traeger_id_neu"] = ids.str[0]
    _melden(
        s,
        lang,
        kopf,
        lang["traeger_id_neu"].isna(),
        "traeger_id",
        "Träger „{wert}“ unbekannt: erwartet wird ein 5-stelliger Regionalschlüssel (z. B. "
        "05154), eine BA-Jobcenter-Nummer oder ein Name aus dem Träger-Verzeichnis.",
    )
    if lang["_repariert"].any():
        erste = lang.loc[lang["_repariert"]].iloc[0]
        s.warnung(
            f"Träger-Kennung ohne führende Null ({int(lang['_repariert'].sum())} Zeilen, z. B. "
            f"„{erste['traeger_id']}“): als „{erste['traeger_id_neu']}“ übernommen. Die Datei "
            "wurde vermutlich in Excel geöffnet; bitte die Spalte als Text formatieren.",
            int(erste["_zeile"]),
            kopf.get("traeger_id"),
        )
    lang["traeger_id"] = lang.pop("traeger_id_neu")

    lang["monat"] = _abbilden(lang["berichtsmonat"].fillna(""), monate.parse_monat)
    _melden(
        s,
        lang,
        kopf,
        lang["monat"].isna(),
        "berichtsmonat",
        "Berichtsmonat „{wert}“ nicht lesbar; erwartet JJJJ-MM (z. B. 2023-07).",
    )

    def merkmal(text: str) -> str | None:
        return z.merkmal(text)

    lang["merkmal_neu"] = _abbilden(lang["merkmal"].fillna(""), merkmal)
    if lang["_rolle"].notna().any():
        paare = _abbilden(lang["merkmal"].fillna(""), z.kennzahl)
        zaehler = lang["_rolle"] == "zaehler"
        nenner = lang["_rolle"] == "nenner"
        lang.loc[zaehler, "merkmal_neu"] = paare[zaehler].str[0]
        lang.loc[nenner, "merkmal_neu"] = paare[nenner].str[1]
    _melden(
        s,
        lang,
        kopf,
        lang["merkmal_neu"].isna(),
        "merkmal",
        "Merkmal „{wert}“ unbekannt; erlaubt sind die Codes der Tabelle 2.2 (z. B. INT, ELB, "
        "LZB) oder eine Zuordnung im Abschnitt [merkmale] der Spaltenzuordnung.",
    )
    lang["merkmal"] = lang.pop("merkmal_neu")

    lang["geschlecht"] = _abbilden(lang["geschlecht"].fillna(""), geschlecht_code)
    _melden(
        s,
        lang,
        kopf,
        lang["geschlecht"].isna(),
        "geschlecht",
        "Geschlecht „{wert}“ unbekannt; erlaubt: gesamt, frauen, maenner.",
    )
    lang["wartezeit"] = _abbilden(lang["wartezeit"].fillna(""), wartezeit_code)
    _melden(
        s,
        lang,
        kopf,
        lang["wartezeit"].isna(),
        "wartezeit",
        "Wartezeit „{wert}“ unbekannt; erlaubt: T0 oder T3.",
    )
    datenstand = lang["datenstand"].fillna("")
    lang["datenstand_neu"] = _abbilden(datenstand, monate.parse_datum)
    _melden(
        s,
        lang,
        kopf,
        lang["datenstand_neu"].isna() & (datenstand.str.strip() != ""),
        "datenstand",
        "Datenstand „{wert}“ ist kein Datum; erwartet JJJJ-MM-TT.",
    )
    lang["datenstand"] = lang.pop("datenstand_neu")

    zahlen, kennzeichen, unlesbar = _zahlen(lang["wert"], z.dezimalzeichen)
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
                + ", ".join(str(n) for n in zeilen["_zeile"].head(5))
                + " ("
                + ", ".join("leer" if pd.isna(w) else f"{w:g}" for w in zeilen["wert"].head(5))
                + ").",
                int(erste["_zeile"]),
                erste["_spalte"],
            )
        s.abbrechen_falls_noetig()
        lang = lang.drop_duplicates(schluessel)

    _summen_pruefen(lang, s)
    namen: dict[str, str] = {}
    if "traeger_name" in kopf:
        paare = lang[["traeger_id", "traeger_name"]].drop_duplicates("traeger_id")
        namen = {k: str(v).strip() for k, v in paare.itertuples(index=False) if str(v).strip()}
    elif z.feste_werte.get("traeger_name"):
        namen = {t: z.feste_werte["traeger_name"] for t in lang["traeger_id"].unique()}
    spalten = [*schluessel, "wert", "fehlkennzeichen"]
    lang["monat"] = (lang["monat"] // 12) * 100 + lang["monat"] % 12 + 1  # stored as YYYYMM
    return lang[spalten].reset_index(drop=True), namen


def _summen_pruefen(lang: pd.DataFrame, s: _Sammler) -> None:
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
            f"In {int(abweichung.sum())} Fällen ist gesamt nicht gleich frauen + maenner; "
            "verwendet wird gesamt. Beispiele: " + "; ".join(texte)
        )


# --- entry points ----------------------------------------------------------------------------


def pruefe_datei(
    pfad: Path | str, zuordnung: Spaltenzuordnung | None = None, fortschritt: Fortschritt = _still
) -> GeprüfteDatei:
    """Read and validate a whole file; raise ImportFehler listing every problem found."""
    pfad = Path(pfad)
    z = zuordnung or Spaltenzuordnung()
    s = _Sammler(pfad.name)
    try:
        rohdaten = pfad.read_bytes()
    except OSError as exc:
        raise EingabeFehler(f"{pfad}: Datei nicht lesbar ({exc.strerror}).") from None
    fortschritt(f"Lese {pfad.name}", None)
    kopf, roh, erste_zeile = _lese_datei(pfad, rohdaten, s, z)
    if not kopf or roh.shape[0] == 0:
        s.fehler("Die Datei enthält keine Datenzeilen.")
        s.abbrechen_falls_noetig()
    lang = _in_langformat(kopf, roh, erste_zeile, s, z)
    if lang.daten.empty:
        s.fehler("Die Datei enthält keine Datenzeilen.")
        s.abbrechen_falls_noetig()
    fortschritt(f"Prüfe {len(lang.daten):,} Werte".replace(",", "."), None)
    daten, namen = _pruefen(lang, s, z)
    return GeprüfteDatei(
        pfad, hashlib.sha256(rohdaten).hexdigest(), daten, namen, lang.beispieldaten, s.warnungen
    )


def importiere(
    pfade: Sequence[Path | str],
    store: Path | str,
    zuordnung: Spaltenzuordnung | None = None,
    fortschritt: Fortschritt = _still,
) -> list[ImportErgebnis]:
    """Validate every file first; then store all of them in one transaction, or nothing."""
    geprueft = [pruefe_datei(p, zuordnung, fortschritt) for p in pfade]
    ergebnisse: list[ImportErgebnis] = []
    with Datenbestand(store, anlegen=True) as db:
        neue: list[GeprüfteDatei] = []
        for datei in geprueft:
            vorhanden = db.import_vorhanden(datei.sha256) or next(
                (n for n in neue if n.sha256 == datei.sha256), None
            )
            if vorhanden:
                ergebnisse.append(
                    ImportErgebnis(
                        datei.pfad.name,
                        datei.sha256,
                        len(datei.daten),
                        0,
                        True,
                        datei.beispieldaten,
                        datei.warnungen,
                    )
                )
            else:
                neue.append(datei)
        try:
            gespeichert = db.speichern(
                [(d.daten, d.pfad.name, d.sha256, d.namen, d.beispieldaten) for d in neue],
                fortschritt,
            )
        except KonfliktGefunden as exc:
            raise ImportFehler(
                [
                    Problem(
                        datei,
                        None,
                        None,
                        "widerspricht einem bereits gespeicherten Wert mit demselben Datenstand: "
                        + zeile,
                    )
                    for datei, zeile in exc.zeilen
                ]
            ) from None
    for datei, neu in zip(neue, gespeichert, strict=True):
        ergebnisse.append(
            ImportErgebnis(
                datei.pfad.name,
                datei.sha256,
                len(datei.daten),
                neu,
                False,
                datei.beispieldaten,
                datei.warnungen,
            )
        )
    return ergebnisse
