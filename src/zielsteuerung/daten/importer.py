"""Import of monthly base figures: read, map, validate the whole file, then store all or nothing."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import tempfile
import warnings
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..fehler import EingabeFehler, ImportFehler, Problem
from ..kern import monate
from ..kern.merkmale import FEHLKENNZEICHEN, geschlecht_code, wartezeit_code
from . import grenzen
from .datenbestand import Datenbestand, KonfliktGefunden
from .traeger import TraegerAufloesung
from .zuordnung import DIMENSIONEN, KENNZAHL_GRUNDDATEN, Spaltenzuordnung, Wertspalte

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


def _kodierung(rohdaten: bytes, s: _Sammler) -> str:
    """The file's encoding (utf-8-sig or cp1252); the decoded text itself is not kept."""
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
        rohdaten.decode("utf-8-sig")
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    try:
        rohdaten.decode("cp1252")
        return "cp1252"
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


def _trennzeichen(anfang: list[str], z: Spaltenzuordnung) -> str:
    if z.trennzeichen:
        return z.trennzeichen
    probe = [zeile for zeile in anfang if zeile.strip()]
    beste, punkte = ";", -1
    for kandidat in (";", ",", "\t", "|"):
        anzahl = max((zeile.count(kandidat) for zeile in probe), default=0)
        if anzahl > punkte:
            beste, punkte = kandidat, anzahl
    return beste


_Gelesen = tuple[list[str], pd.DataFrame, int, str | None]  # header, body, header row, separator


def _lese_csv(rohdaten: bytes, kodierung: str, s: _Sammler, z: Spaltenzuordnung) -> _Gelesen:
    anfang = rohdaten[:200_000].decode(kodierung, errors="ignore").splitlines()[:30]
    trenner = _trennzeichen(anfang, z)
    kopf_probe = list(csv.reader(io.StringIO("\n".join(anfang)), delimiter=trenner))
    kopf_index = _kopfzeile_finden(kopf_probe, z)
    try:
        with warnings.catch_warnings(record=True) as gewarnt:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            roh = pd.read_csv(
                io.BytesIO(rohdaten),
                encoding=kodierung,
                sep=trenner,
                dtype=str,
                keep_default_na=False,
                skiprows=kopf_index,
                header=0,
                skip_blank_lines=False,
                index_col=False,
                engine="c",
            )
    except pd.errors.EmptyDataError:
        return [], pd.DataFrame(), kopf_index + 1, trenner
    except pd.errors.ParserError as exc:
        treffer = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if treffer:
            soll, zeile, ist = (int(g) for g in treffer.groups())
            s.fehler(
                f"{ist} Felder statt {soll} wie in der Kopfzeile (Trennzeichen „{trenner}“). "
                "Enthält ein Wert das Trennzeichen, muss er in Anführungszeichen stehen.",
                zeile + kopf_index,
            )
        else:
            s.fehler('Die CSV-Struktur ist fehlerhaft (z. B. ein nicht geschlossenes „"“).')
        s.abbrechen_falls_noetig()
        raise
    kopf = [str(k) for k in roh.columns]
    if gewarnt:  # rows longer than the header: only empty trailing fields are harmless
        text = io.StringIO(rohdaten.decode(kodierung))
        for nr, felder in enumerate(csv.reader(text, delimiter=trenner), start=1):
            if nr > kopf_index + 1 and any(f.strip() for f in felder[len(kopf) :]):
                s.fehler(
                    f"{len(felder)} Felder statt {len(kopf)} wie in der Kopfzeile; die "
                    "überzähligen Felder enthalten Werte.",
                    nr,
                )
        s.abbrechen_falls_noetig()
    roh.columns = pd.RangeIndex(len(kopf))
    return kopf, roh, kopf_index + 1, trenner


def _lese_xlsx(rohdaten: bytes, s: _Sammler, z: Spaltenzuordnung) -> _Gelesen:
    import openpyxl

    try:
        mappe = openpyxl.load_workbook(io.BytesIO(rohdaten), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        ursachen = [exc, exc.__cause__, exc.__context__]
        if any(type(u).__module__.startswith("defusedxml") for u in ursachen if u):
            s.fehler(
                "Die Excel-Datei enthält unzulässige XML-Definitionen (Entitäten, „XML-Bombe“) "
                "und wird nicht gelesen."
            )
        else:
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
        grenze = grenzen.max_zeilen()
        if (blatt.max_row or 0) > grenze:  # the sheet's own <dimension>, read before the rows
            s.fehler(
                f"Das Tabellenblatt hat {blatt.max_row:,} Zeilen (Grenze {grenze:,}, "
                "ZIELSTEUERUNG_MAX_ZEILEN). Große Tabellen bitte als CSV speichern.".replace(
                    ",", "."
                )
            )
            s.abbrechen_falls_noetig()
        zeilen = []
        for zeile in blatt.iter_rows(values_only=True):
            zeilen.append(list(zeile))
            if len(zeilen) > grenze:
                s.fehler(
                    f"Das Tabellenblatt hat mehr als {grenze:,} Zeilen (ZIELSTEUERUNG_MAX_ZEILEN). "
                    "Große Tabellen bitte als CSV speichern.".replace(",", ".")
                )
                s.abbrechen_falls_noetig()
    finally:
        mappe.close()
    kopf_index = _kopfzeile_finden([["" if c is None else str(c) for c in r] for r in zeilen], z)
    if len(zeilen) <= kopf_index:
        return [], pd.DataFrame(), kopf_index + 1, None
    kopf = ["" if c is None else str(c).strip() for c in zeilen[kopf_index]]
    breite = len(kopf)
    rumpf = [(r + [None] * breite)[:breite] for r in zeilen[kopf_index + 1 :]]
    roh = pd.DataFrame(rumpf, columns=pd.RangeIndex(breite), dtype=object)
    for spalte in roh.columns:  # numbers and dates stay native for "wert"; text for the rest
        roh[spalte] = roh[spalte].where(roh[spalte].notna(), "")
    return kopf, roh, kopf_index + 1, None


def _lese_datei(pfad: Path, rohdaten: bytes, s: _Sammler, z: Spaltenzuordnung) -> _Gelesen:
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
                for problem in grenzen.zip_pruefen(archiv):
                    s.fehler(problem + " Die Datei wird nicht gelesen.")
                s.abbrechen_falls_noetig()
                namen = set(archiv.namelist())
                typen = (
                    archiv.read("[Content_Types].xml").decode("utf-8", "replace")
                    if "[Content_Types].xml" in namen
                    else ""
                )
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError):
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
        elif any(n.startswith("xl/externalLinks/") for n in namen):
            s.fehler(
                "Die Datei enthält Verknüpfungen zu externen Dateien; ihre Werte können veraltet "
                "sein. Bitte in Excel die Verknüpfungen lösen (Daten > Verknüpfungen bearbeiten > "
                "Verknüpfung lösen) und erneut speichern."
            )
        elif "xl/workbook.xml" not in namen:
            s.fehler(
                "Die Datei ist ein ZIP-Archiv, aber keine Excel-Arbeitsmappe (.xlsx) "
                "(z. B. OpenDocument .ods oder Word). Bitte als .xlsx oder CSV speichern."
            )
        else:
            s.abbrechen_falls_noetig()
            return _lese_xlsx(rohdaten, s, z)
    elif rohdaten.startswith(b"%PDF"):
        s.fehler("Die Datei ist ein PDF, weder CSV noch Excel (.xlsx).")
    s.abbrechen_falls_noetig()
    _zeilenlaenge_pruefen(rohdaten, s)
    return _lese_csv(rohdaten, _kodierung(rohdaten, s), s, z)


def _zeilenlaenge_pruefen(rohdaten: bytes, s: _Sammler) -> None:
    """A CSV line longer than the limit is no table row (and would slow every parser)."""
    grenze = grenzen.max_zeilenlaenge_kb() * 1024
    if len(rohdaten) <= grenze:
        return
    daten = np.frombuffer(rohdaten, dtype=np.uint8)
    letzter_umbruch, zeile = -1, 1
    for anfang in range(0, len(daten), 16 * 1024 * 1024):  # in blocks: little extra memory
        umbrueche = np.flatnonzero(daten[anfang : anfang + 16 * 1024 * 1024] == 10) + anfang
        grenzen_ = np.concatenate(([letzter_umbruch], umbrueche))
        laengen = np.diff(grenzen_) - 1
        if len(laengen) and laengen.max() > grenze:
            lang = int(np.argmax(laengen))
            _zu_lang(s, int(laengen[lang]), zeile + lang)
        zeile += len(umbrueche)
        if len(umbrueche):
            letzter_umbruch = int(umbrueche[-1])
    if len(daten) - 1 - letzter_umbruch > grenze:
        _zu_lang(s, len(daten) - 1 - letzter_umbruch, zeile)


def _zu_lang(s: _Sammler, laenge: int, zeile: int) -> None:
    s.fehler(
        f"Die Zeile ist {laenge // 1024:,} KB lang (Grenze ".replace(",", ".")
        + f"{grenzen.max_zeilenlaenge_kb()} KB, ZIELSTEUERUNG_MAX_ZEILENLAENGE_KB); das ist "
        "keine Tabellenzeile.",
        zeile,
    )
    s.abbrechen_falls_noetig()


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

    gefuellt = sum(
        (_abbilden(roh[c], lambda t: str(t).strip() != "").to_numpy(bool) for c in roh.columns),
        np.zeros(len(roh), dtype=int),
    )
    gefuellt = pd.Series(gefuellt, index=roh.index)
    roh = roh.loc[gefuellt > 0]
    fussnoten = 0
    while fussnoten < len(roh) and gefuellt[roh.index[len(roh) - 1 - fussnoten]] == 1:
        fussnoten += 1  # "Quelle: Statistik der BA" and similar lines under the table
    if 0 < fussnoten < len(roh):
        s.warnung(
            f"{_anzahl(fussnoten, 'Zeile', 'Zeilen')} unter der Tabelle mit nur einem Eintrag "
            "(Fußnoten, Quellenangaben) übersprungen.",
            int(roh.index[len(roh) - fussnoten]) + erste_zeile + 1,
        )
        roh = roh.iloc[: len(roh) - fussnoten]
    zeilennummern = roh.index.to_numpy() + erste_zeile + 1
    teile = []
    for spalte, wertspalte in wertspalten:
        teil = pd.DataFrame({"zeile_nr": zeilennummern, "quelle_spalte": kopf[spalte]})
        for dim in DIMENSIONEN:
            fest = getattr(wertspalte, dim, None)
            if dim in dimensionen:
                teil[dim] = _als_text(roh[dimensionen[dim]])
            elif fest is not None:
                teil[dim] = monate.als_text(fest) if dim == "berichtsmonat" else fest
            else:
                teil[dim] = z.feste_werte.get(dim)
        teil["rolle"] = wertspalte.rolle
        teil["wert"] = roh[spalte].array
        teile.append(teil)
    beispieldaten = bool(hinweise) and any(
        "Beispieldaten" in str(t) for t in pd.unique(roh[hinweise[0]])
    )
    return _Lang(
        pd.concat(teile, ignore_index=True),
        {d: kopf[i] for d, i in dimensionen.items()},
        beispieldaten,
    )


# --- validation ------------------------------------------------------------------------------


def _anzahl(n: int, einzahl: str, mehrzahl: str) -> str:
    return f"{n:,} {einzahl if n == 1 else mehrzahl}".replace(",", ".")


def _abbilden(werte: pd.Series, funktion: Callable[[Any], object]) -> pd.Series:
    """Apply a parser to each distinct value once (files repeat few distinct texts); a missing
    value is parsed as ''."""
    codes, eindeutig = pd.factorize(werte, use_na_sentinel=True)
    ergebnisse = np.empty(len(eindeutig) + 1, dtype=object)
    ergebnisse[:-1] = [funktion(u) for u in eindeutig]
    ergebnisse[-1] = funktion("")
    return pd.Series(ergebnisse[codes], index=werte.index)


def _als_text(spalte: pd.Series) -> Any:
    """A column as text; categories stay categories (no copy of every cell)."""
    if isinstance(spalte.dtype, pd.CategoricalDtype):
        return spalte.array
    # each distinct text once: an object array would hold one str per cell (about 1 GB for
    # the national file with pyarrow-backed strings)
    return pd.Categorical(spalte.astype(str))


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
    s: _Sammler, lang: pd.DataFrame, kopf: dict[str, str], maske: pd.Series, dim: str, text: str
) -> None:
    """One problem per masked row (up to the limit), quoting the file's own text."""
    treffer = lang.loc[maske].head(MAX_PROBLEME)
    for nr, quelle, wert in zip(
        treffer["zeile_nr"], treffer["quelle_spalte"], treffer[dim], strict=True
    ):
        s.fehler(text.format(wert=wert), int(nr), kopf.get(dim) or quelle)
    s.weitere += max(0, int(maske.sum()) - MAX_PROBLEME)


def _gelesen(
    s: _Sammler,
    lang: pd.DataFrame,
    kopf: dict[str, str],
    dim: str,
    funktion: Callable[[str], object],
    text: str,
    leer_erlaubt: bool = False,
) -> pd.Series:
    """Parse one dimension; report every value that does not parse."""
    neu = _abbilden(lang[dim], funktion)
    fehlerhaft = neu.isna()
    if leer_erlaubt:
        fehlerhaft &= _abbilden(lang[dim], lambda t: str(t).strip() != "").astype(bool)
    _melden(s, lang, kopf, fehlerhaft, dim, text)
    return neu


def _pruefen(
    eingang: _Lang, s: _Sammler, z: Spaltenzuordnung, tausenderpunkt: bool
) -> tuple[pd.DataFrame, dict[str, str]]:
    lang, kopf = eingang.daten, eingang.kopf
    aufloesung = TraegerAufloesung(z.traeger)
    ids = _abbilden(lang["traeger_id"], lambda t: aufloesung.aufloesen(str(t)))
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
    lang["traeger_id"] = _gelesen(
        s, lang, kopf, "traeger_id", lambda t: aufloesung.aufloesen(str(t))[0],
        "Träger „{wert}“ unbekannt: erwartet wird ein 5-stelliger Regionalschlüssel (z. B. "
        "05154), eine BA-Jobcenter-Nummer oder ein Name aus dem Träger-Verzeichnis.",
    )  # fmt: skip
    lang["monat"] = _gelesen(
        s, lang, kopf, "berichtsmonat", monate.parse_monat,
        "Berichtsmonat „{wert}“ nicht lesbar; erwartet JJJJ-MM (z. B. 2023-07).",
    )  # fmt: skip

    def merkmal(text: object) -> str | None:
        return z.merkmal(str(text))

    codes = _abbilden(lang["merkmal"], merkmal)
    if lang["rolle"].notna().any():
        paare = _abbilden(lang["merkmal"], lambda t: z.kennzahl(str(t)))
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
    lang["geschlecht"] = _gelesen(
        s, lang, kopf, "geschlecht", geschlecht_code,
        "Geschlecht „{wert}“ unbekannt; erlaubt: gesamt, frauen, maenner.",
    )  # fmt: skip
    lang["wartezeit"] = _gelesen(
        s, lang, kopf, "wartezeit", wartezeit_code,
        "Wartezeit „{wert}“ unbekannt; erlaubt: T0 oder T3.",
    )  # fmt: skip
    lang["datenstand"] = _gelesen(
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
            f"In {_anzahl(int(abweichung.sum()), 'Fall', 'Fällen')} ist gesamt nicht gleich "
            "frauen + maenner; "
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
        groesse = pfad.stat().st_size
        if groesse > grenzen.max_datei_mb() * 1024 * 1024:
            s.fehler(
                f"Die Datei ist {groesse // 1024 // 1024} MB groß (Grenze {grenzen.max_datei_mb()} "
                "MB, ZIELSTEUERUNG_MAX_DATEI_MB)."
            )
            s.abbrechen_falls_noetig()
        rohdaten = pfad.read_bytes()
    except FileNotFoundError:
        raise EingabeFehler(f"{pfad}: Datei nicht gefunden.") from None
    except IsADirectoryError:
        raise EingabeFehler(f"{pfad} ist ein Ordner, keine Datei.") from None
    except PermissionError:
        raise EingabeFehler(f"{pfad}: keine Berechtigung zum Lesen.") from None
    except OSError as exc:
        raise EingabeFehler(f"{pfad}: Datei nicht lesbar (Fehler {exc.errno}).") from None
    fortschritt(f"Lese {pfad.name}", None)
    sha256 = hashlib.sha256(rohdaten).hexdigest()
    kopf, roh, erste_zeile, trenner = _lese_datei(pfad, rohdaten, s, z)
    del rohdaten  # only the parsed table is needed from here on (peak memory)
    if not kopf or roh.shape[0] == 0:
        s.fehler("Die Datei enthält keine Datenzeilen.")
        s.abbrechen_falls_noetig()
    lang = _in_langformat(kopf, roh, erste_zeile, s, z)
    del roh
    if lang.daten.empty:
        s.fehler("Die Datei enthält keine Datenzeilen.")
        s.abbrechen_falls_noetig()
    fortschritt(f"Prüfe {_anzahl(len(lang.daten), 'Wert', 'Werte')}", None)
    daten, namen = _pruefen(lang, s, z, tausenderpunkt=trenner == ";")
    return GeprüfteDatei(pfad, sha256, daten, namen, lang.beispieldaten, s.warnungen)


def importiere(
    pfade: Sequence[Path | str],
    store: Path | str,
    zuordnung: Spaltenzuordnung | None = None,
    fortschritt: Fortschritt = _still,
) -> list[ImportErgebnis]:
    """Validate every file first; then store all of them in one transaction, or nothing."""
    geprueft: list[GeprüfteDatei] = []
    probleme: list[Problem] = []
    weitere = 0
    for pfad in pfade:  # every file is checked, so that all problems are reported at once
        try:
            geprueft.append(pruefe_datei(pfad, zuordnung, fortschritt))
        except ImportFehler as exc:
            probleme += exc.probleme
            weitere += exc.weitere
    if probleme:
        raise ImportFehler(probleme, weitere)
    store = Path(store)
    if store.exists():
        return _speichern(geprueft, store, fortschritt)
    store.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=store.parent, prefix=".zielsteuerung-neu-") as tmp:
        ergebnisse = _speichern(geprueft, Path(tmp) / store.name, fortschritt)
        os.replace(Path(tmp) / store.name, store)  # a new store appears whole or not at all
    return ergebnisse


def _speichern(
    geprueft: list[GeprüfteDatei], store: Path, fortschritt: Fortschritt
) -> list[ImportErgebnis]:
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
