"""Reading a CSV file as it streams past: encoding, separator, header row, the limits against
hostile files, and the SHA-256 of exactly the bytes read.

The table is never held as text: pandas reads it in blocks of rows, and each column becomes
codes into the column's distinct texts (a categorical), so that every later check parses each
distinct text once. Value columns that hold nothing but whole numbers are read as numbers;
otherwise (markers, decimal marks, empty cells) as text, because whether "3.731" is 3731 or
3.731 can only be told from the whole file: from the start where the first rows show it, else by
reading the file again from where a block shows it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import queue
import re
import threading
import warnings
from dataclasses import dataclass, field
from typing import IO

import numpy as np
import pandas as pd

from . import grenzen
from .langformat import ZAHLARTIG
from .sammler import Sammler
from .zuordnung import KOPF_TRENNER, Spaltenzuordnung, Wertspalte

_ZEILEN_JE_BLOCK = 500_000
_ANFANG = 200_000  # bytes in which separator and header row are looked for


@dataclass
class Gelesen:
    """A table read from a file: header, body (columns by position: categoricals of the
    cells' texts, or int64 for value columns of whole numbers), the row number of the header,
    the separator (None for Excel), and the SHA-256 of the file."""

    kopf: list[str]
    roh: pd.DataFrame
    erste_zeile: int
    trenner: str | None
    sha256: str
    titel: list[tuple[int, str]] = field(default_factory=list)  # rows above the header


def titelzeilen(zeilen: list[list[str]]) -> list[tuple[int, str]]:
    """The rows above a header: row number and the texts of their cells."""
    texte = [(nr, " ".join(str(c).strip() for c in z if str(c).strip())) for nr, z in
             enumerate(zeilen, start=1)]  # fmt: skip
    return [(nr, text) for nr, text in texte if text]


def erkannte_kopfzeile(zeilen: list[list[str]], z: Spaltenzuordnung) -> int | None:
    """Index of the first of the first 30 rows that names two known columns, or None."""
    for i, zeile in enumerate(zeilen[:30]):
        bekannt = sum(1 for zelle in zeile if str(zelle).strip() and z.rolle(str(zelle)))
        if bekannt >= 2:
            return i
    return None


def kopfzeile_finden(zeilen: list[list[str]], z: Spaltenzuordnung) -> int:
    """Index of the header row: the mapping's, else the first row that names known columns."""
    if z.kopfzeile:
        return z.kopfzeile - 1
    erkannt = erkannte_kopfzeile(zeilen, z)
    if erkannt is not None:
        return erkannt
    for i, zeile in enumerate(zeilen):
        if any(str(zelle).strip() for zelle in zeile):
            return i
    return 0


def zweizeiliger_kopf(oben: list[str], unten: list[str], z: Spaltenzuordnung) -> list[str] | None:
    """The header of a table whose column titles span two rows, as BA's workbooks have them
    (a merged "Integrationen" over "Insgesamt", "Frauen", "Männer"), one title per column with
    both parts ("Integrationen / Frauen"); None where the row below the header is not such a
    second row: every cell it fills must describe a value column (a gender, a month, Zähler or
    Nenner, a merkmal), which a row of data does not (its Träger, its figures), and some of
    them must stand under an empty cell of the header, as under a merged title; the header of
    a table of one title row names every column."""
    paare = [
        (str(o).strip(), str(u).strip())
        for o, u in itertools.zip_longest(oben, unten, fillvalue="")
    ]
    gefuellt = [u for _, u in paare if u]
    if (
        len(gefuellt) < 2
        or not any(u and not o for o, u in paare)
        or not all(isinstance(z.rolle(u), Wertspalte) for u in gefuellt)
    ):
        return None
    kopf, gruppe = [], ""
    for o, u in paare:
        if o and u:
            gruppe = o
        elif not u:
            gruppe = ""
        kopf.append(KOPF_TRENNER.join(t for t in (o or gruppe, u) if t))
    return kopf


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


def _lange_fusszeilen(rohdaten: bytes, kodierung: str, trenner: str, breite: int) -> int:
    """Bytes at the end that are footnotes with more fields than the header (a source line
    that commas cut into pieces): no field holds a number. The table ends before them."""
    ende, schnitt = len(rohdaten), len(rohdaten)
    while ende > 0:
        anfang = rohdaten.rfind(b"\n", 0, ende - 1) + 1
        zeile = rohdaten[anfang:ende].decode(kodierung, errors="replace").strip()
        if zeile:
            try:
                felder = next(csv.reader([zeile], delimiter=trenner), [])
            except csv.Error:  # e.g. a field longer than any line of a table: the stream says so
                break
            if len(felder) <= breite or any(ZAHLARTIG.fullmatch(f.strip()) for f in felder):
                break
            schnitt = anfang
        ende = anfang
    return len(rohdaten) - schnitt


def _fusszeilen(datei: IO[bytes], groesse: int, kodierung: str, trenner: str, breite: int) -> int:
    """``_lange_fusszeilen`` on the end of the file, read as far back as they reach."""
    laenge = 1 << 16
    while True:
        datei.seek(max(0, groesse - laenge))
        ende = datei.read(laenge)
        if b"\x00" in ende:
            return 0  # binary: the stream says so
        weg = _lange_fusszeilen(ende, kodierung, trenner, breite)
        if laenge >= groesse or len(ende) - weg > ende.find(b"\n") + 1:
            return weg
        laenge *= 4


def _zu_lang(s: Sammler, zeile: int) -> None:
    s.fehler(
        f"Die Zeile ist länger als die Grenze von {grenzen.max_zeilenlaenge_kb()} KB "
        "(ZIELSTEUERUNG_MAX_ZEILENLAENGE_KB); das ist keine Tabellenzeile.",
        zeile,
    )
    s.abbrechen_falls_noetig()


def _binaer(s: Sammler) -> None:
    s.fehler("Die Datei enthält Binärdaten (NUL-Zeichen) und ist weder CSV noch Excel.")
    s.abbrechen_falls_noetig()


class _Pruefsumme:
    """SHA-256 of the blocks given, computed in a thread beside the parser (hashlib releases
    the GIL): the import takes 0.15 s less for a file of 300 MB."""

    def __init__(self) -> None:
        self.hash = hashlib.sha256()
        self.bloecke: queue.Queue[bytes | None] = queue.Queue(maxsize=64)
        self.faden = threading.Thread(target=self._rechnen, daemon=True)
        self.faden.start()

    def _rechnen(self) -> None:
        while (block := self.bloecke.get()) is not None:
            self.hash.update(block)

    def update(self, block: bytes) -> None:
        if self.faden.is_alive():
            self.bloecke.put(block)
        else:
            self.hash.update(block)

    def hexdigest(self) -> str:
        self.beenden()
        return self.hash.hexdigest()

    def beenden(self) -> None:
        if self.faden.is_alive():
            self.bloecke.put(None)
            self.faden.join()


class _Strom:
    """The file as pandas reads it, up to ``ende``: every byte read is hashed, checked (NUL,
    line length) and, for Windows-1252, passed on as UTF-8; ``fertig`` hashes the rest."""

    def __init__(self, datei: IO[bytes], ende: int, kodierung: str, s: Sammler) -> None:
        datei.seek(0)
        self.datei, self.ende, self.kodierung, self.s = datei, ende, kodierung, s
        self.hash = _Pruefsumme()
        self.gelesen = 0
        self.letzter_umbruch = -1  # offset of the last line break read
        self.grenze = grenzen.max_zeilenlaenge_kb() * 1024

    def read(self, n: int = -1) -> bytes:
        rest = self.ende - self.gelesen
        if rest <= 0:
            return b""
        block = self.datei.read(min(rest, n if n > 0 else 1 << 20))
        self.hash.update(block)
        if b"\x00" in block:
            _binaer(self.s)
        self._zeilenlaenge(block)
        self.gelesen += len(block)
        if self.kodierung != "cp1252":
            return block
        try:
            return block.decode("cp1252").encode("utf-8")
        except UnicodeDecodeError as exc:
            self.s.fehler(
                "Zeichenkodierung nicht erkannt: weder UTF-8 noch Windows-1252 "
                f"(ungültiges Byte 0x{block[exc.start]:02X}). Bitte als UTF-8 speichern.",
                self.zeile(self.gelesen - len(block) + exc.start),
            )
            self.s.abbrechen_falls_noetig()
            raise

    def _zeilenlaenge(self, block: bytes) -> None:
        """A line longer than the limit is no table row (and would slow every parser)."""
        umbrueche = (
            np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == 10)
            if len(block) > self.grenze
            else np.array([i for i in (block.find(b"\n"), block.rfind(b"\n")) if i >= 0], np.int64)
        )  # a block no longer than the limit holds no too long line between its breaks
        grenzen_ = np.concatenate(([self.letzter_umbruch], umbrueche + self.gelesen))
        laengen = np.diff(grenzen_) - 1
        if len(laengen) and laengen.max() > self.grenze:
            lang = int(np.argmax(laengen))
            _zu_lang(self.s, self.zeile(self.gelesen + int(umbrueche[lang])))
        if len(umbrueche):
            self.letzter_umbruch = int(umbrueche[-1]) + self.gelesen
        offen = self.gelesen + len(block) - 1 - self.letzter_umbruch
        if offen > self.grenze:
            _zu_lang(self.s, self.zeile(self.letzter_umbruch + 1))

    def zeile(self, stelle: int) -> int:
        """The line number of the byte at ``stelle`` (counted again where it is needed)."""
        weiter, umbrueche = self.datei.tell(), 0
        self.datei.seek(0)
        while stelle > 0 and (block := self.datei.read(min(stelle, 1 << 24))):
            umbrueche += block.count(b"\n")
            stelle -= len(block)
        self.datei.seek(weiter)
        return umbrueche + 1

    def fertig(self) -> str:
        """The SHA-256 of the whole file (the footnotes cut off included)."""
        while block := self.datei.read(1 << 20):
            self.hash.update(block)
        return self.hash.hexdigest()


class _Neustart(Exception):
    """Read the file again: as Windows-1252, or with the named columns as text."""

    def __init__(self, kodierung: str | None = None, spalten: frozenset[int] = frozenset()):
        self.kodierung, self.spalten = kodierung, spalten


@dataclass
class _Spalte:
    """One column of the table: codes into its distinct texts, block by block."""

    index: dict[str, int] = field(default_factory=dict)
    teile: list[np.ndarray] = field(default_factory=list)

    def anfuegen(self, werte: pd.Series) -> None:
        if isinstance(werte.dtype, pd.CategoricalDtype):
            texte, codes = werte.cat.categories, werte.cat.codes.to_numpy()
        elif werte.dtype.kind in "iu":
            self.teile.append(werte.to_numpy(np.int64))
            return
        else:
            codes, texte = pd.factorize(werte.to_numpy(), use_na_sentinel=True)
        nummern = [self.index.setdefault(str(t), len(self.index)) for t in texte]
        nummern.append(self.index.setdefault("", len(self.index)))  # a missing field (-1)
        self.teile.append(np.asarray(nummern, dtype=np.int32)[codes])

    def spalte(self) -> pd.Categorical | np.ndarray:
        werte = np.concatenate(self.teile) if self.teile else np.zeros(0, np.int32)
        if werte.dtype == np.int64:
            return werte
        return pd.Categorical.from_codes(
            werte, categories=pd.Index(list(self.index), dtype=object), validate=False
        )


def _ist_text(spalte: pd.Series) -> bool:
    kategorien = spalte.cat.categories
    return kategorien.dtype == object or pd.api.types.is_string_dtype(kategorien.dtype)


def lese_csv(datei: IO[bytes], groesse: int, s: Sammler, z: Spaltenzuordnung) -> Gelesen:
    """Read a CSV file (``datei`` open for binary reading, ``groesse`` bytes)."""
    datei.seek(0)
    anfang = datei.read(_ANFANG)
    if b"\x00" in anfang:
        _binaer(s)
    kodierung = "utf-8-sig"
    try:
        anfang.decode("utf-8-sig")
    except UnicodeDecodeError as exc:  # a character cut at the end of the sample is fine
        if exc.start < len(anfang) - 3:
            kodierung = "cp1252"
    text: frozenset[int] = frozenset()  # columns read as text although they are values
    werte_als_text = False
    while True:
        try:
            return _lese_csv(datei, groesse, anfang, kodierung, text, werte_als_text, s, z)
        except _Neustart as neu:
            if neu.kodierung:
                kodierung = neu.kodierung
            elif neu.spalten:
                text |= neu.spalten
            else:
                werte_als_text = True


def _lese_csv(
    datei: IO[bytes],
    groesse: int,
    anfang: bytes,
    kodierung: str,
    text: frozenset[int],
    werte_als_text: bool,
    s: Sammler,
    z: Spaltenzuordnung,
) -> Gelesen:
    # the first 30 lines, each cut short (no header is that long; a longer line is refused
    # when the stream reaches its end)
    zeilen = [z[:16_384] for z in anfang.decode(kodierung, errors="ignore").splitlines()[:30]]
    trenner = _trennzeichen(zeilen, z)
    kopf_probe = list(csv.reader(io.StringIO("\n".join(zeilen)), delimiter=trenner))
    kopf_index = kopfzeile_finden(kopf_probe, z)
    if kopf_index + 1 < len(kopf_probe) and zweizeiliger_kopf(
        kopf_probe[kopf_index], kopf_probe[kopf_index + 1], z
    ):
        s.fehler(
            f"Die Spaltenüberschriften stehen in zwei Zeilen ({kopf_index + 1} und "
            f"{kopf_index + 2}). Das liest der Import aus der Excel-Datei (.xlsx); in einer "
            "CSV-Datei bitte jede Überschrift in einer Zeile zusammenfassen (z. B. "
            "„Integrationen Frauen“).",
            kopf_index + 2,
        )
        s.abbrechen_falls_noetig()
    breite = len(kopf_probe[kopf_index]) if kopf_index < len(kopf_probe) else 0
    weg = _fusszeilen(datei, groesse, kodierung, trenner, breite)
    optionen: dict[str, object] = dict(
        sep=trenner,
        encoding="utf-8-sig" if kodierung == "cp1252" else kodierung,  # the stream: UTF-8
        keep_default_na=False,
        skiprows=kopf_index,
        header=0,
        skip_blank_lines=False,
        index_col=False,
        engine="c",
    )
    kopfstrom = _Strom(datei, groesse - weg, kodierung, s)
    try:
        kopf = [str(k) for k in pd.read_csv(kopfstrom, nrows=0, dtype=str, **optionen).columns]
    except pd.errors.EmptyDataError:
        return Gelesen(
            [], pd.DataFrame(), kopf_index + 1, trenner, _Strom(datei, 0, kodierung, s).fertig()
        )
    finally:
        kopfstrom.hash.beenden()
    rollen = [z.rolle(k) if k.strip() and not k.startswith("Unnamed:") else None for k in kopf]
    werte = {i for i, r in enumerate(rollen) if isinstance(r, Wertspalte) or r == "wert"}
    # values as text from the start where the first rows show other than whole numbers
    werte_als_text = werte_als_text or (
        bool(werte) and not _ganzzahlig_am_anfang(anfang, kodierung, werte, optionen)
    )
    # text columns as categories, but the Träger IDs as text: they are digits in every file,
    # and pandas would make numbers of such categories ("05154" -> 5154; read again then)
    arten: dict[str, object] = {
        name: (
            (object if werte_als_text else None)
            if i in werte
            else object
            if i in text or rollen[i] == "traeger_id"
            else "category"
        )
        for i, name in enumerate(kopf)
    }
    spalten = [_Spalte() for _ in kopf]
    strom = _Strom(datei, groesse - weg, kodierung, s)
    try:
        with warnings.catch_warnings(record=True) as gewarnt:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            # value columns of mixed content: seen below, and read again as text
            warnings.simplefilter("ignore", pd.errors.DtypeWarning)
            for block in pd.read_csv(
                strom,
                dtype={k: a for k, a in arten.items() if a is not None},
                chunksize=_ZEILEN_JE_BLOCK,
                **optionen,
            ):
                for i, name in enumerate(kopf):
                    werte_ = block[name]
                    if i in werte and not werte_als_text and werte_.dtype != np.int64:
                        raise _Neustart()
                    if arten[name] == "category" and not _ist_text(werte_):
                        raise _Neustart(spalten=frozenset({i}))
                    spalten[i].anfuegen(werte_)
    except UnicodeDecodeError:
        if kodierung == "cp1252":
            raise
        raise _Neustart(kodierung="cp1252") from None
    except pd.errors.EmptyDataError:
        return Gelesen([], pd.DataFrame(), kopf_index + 1, trenner, strom.fertig())
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
    finally:
        strom.hash.beenden()  # also where the reading stopped early
    sha256 = strom.fertig()
    if weg:
        s.warnung(
            "Die Zeilen ab hier haben mehr Felder als die Kopfzeile, aber keine Zahl (Fußnoten, "
            "Quellenangaben); übersprungen.",
            strom.zeile(groesse - weg),
        )
    if any(issubclass(w.category, pd.errors.ParserWarning) for w in gewarnt):
        # rows longer than the header: only empty trailing fields are harmless
        _lange_zeilen_melden(datei, groesse - weg, kodierung, trenner, kopf_index, len(kopf), s)
    roh = pd.DataFrame({i: sp.spalte() for i, sp in enumerate(spalten)})
    roh.columns = pd.RangeIndex(len(kopf))
    return Gelesen(kopf, roh, kopf_index + 1, trenner, sha256, titelzeilen(kopf_probe[:kopf_index]))


def _ganzzahlig_am_anfang(
    anfang: bytes, kodierung: str, werte: set[int], optionen: dict[str, object]
) -> bool:
    """Do the value columns of the file's first rows hold whole numbers only?"""
    probe = anfang[: anfang.rfind(b"\n") + 1].decode(kodierung, errors="replace").encode()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tabelle = pd.read_csv(io.BytesIO(probe), **{**optionen, "encoding": "utf-8"})
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        return True  # the reading itself will say what is wrong
    return all(tabelle.iloc[:, i].dtype == np.int64 for i in werte if i < tabelle.shape[1])


def _lange_zeilen_melden(
    datei: IO[bytes], ende: int, kodierung: str, trenner: str, kopf_index: int, breite: int,
    s: Sammler,
) -> None:  # fmt: skip
    datei.seek(0)
    text = io.StringIO(datei.read(ende).decode(kodierung))
    for nr, felder in enumerate(csv.reader(text, delimiter=trenner), start=1):
        if nr > kopf_index + 1 and any(f.strip() for f in felder[breite:]):
            s.fehler(
                f"{len(felder)} Felder statt {breite} wie in der Kopfzeile; die "
                "überzähligen Felder enthalten Werte.",
                nr,
            )
    s.abbrechen_falls_noetig()
