"""Reading an import file as text cells: encoding, separator, header row, CSV or xlsx, with the
limits against hostile files.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import grenzen
from .sammler import Sammler
from .zuordnung import Spaltenzuordnung, liste


def _kodierung(rohdaten: bytes, s: Sammler) -> str:
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


def _erkannte_kopfzeile(zeilen: list[list[str]], z: Spaltenzuordnung) -> int | None:
    """Index of the first of the first 30 rows that names two known columns, or None."""
    for i, zeile in enumerate(zeilen[:30]):
        bekannt = sum(1 for zelle in zeile if str(zelle).strip() and z.rolle(str(zelle)))
        if bekannt >= 2:
            return i
    return None


def _kopfzeile_finden(zeilen: list[list[str]], z: Spaltenzuordnung) -> int:
    """Index of the header row: the mapping's, else the first row that names known columns."""
    if z.kopfzeile:
        return z.kopfzeile - 1
    erkannt = _erkannte_kopfzeile(zeilen, z)
    if erkannt is not None:
        return erkannt
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


Gelesen = tuple[list[str], pd.DataFrame, int, str | None]  # header, body, header row, separator


_ZAHL = re.compile(r"\s*[-+]?[\d.,\s€]*\d[\d.,\s€]*\s*")


def _lange_fusszeilen(rohdaten: bytes, kodierung: str, trenner: str, breite: int) -> int:
    """Bytes at the end that are footnotes with more fields than the header (a source line
    that commas cut into pieces): no field holds a number. The table ends before them."""
    ende, schnitt = len(rohdaten), len(rohdaten)
    while ende > 0:
        anfang = rohdaten.rfind(b"\n", 0, ende - 1) + 1
        zeile = rohdaten[anfang:ende].decode(kodierung, errors="replace").strip()
        if zeile:
            felder = next(csv.reader([zeile], delimiter=trenner), [])
            if len(felder) <= breite or any(_ZAHL.fullmatch(f) for f in felder):
                break
            schnitt = anfang
        ende = anfang
    return len(rohdaten) - schnitt


def _lese_csv(rohdaten: bytes, kodierung: str, s: Sammler, z: Spaltenzuordnung) -> Gelesen:
    anfang = rohdaten[:200_000].decode(kodierung, errors="ignore").splitlines()[:30]
    trenner = _trennzeichen(anfang, z)
    kopf_probe = list(csv.reader(io.StringIO("\n".join(anfang)), delimiter=trenner))
    kopf_index = _kopfzeile_finden(kopf_probe, z)
    breite = len(kopf_probe[kopf_index]) if kopf_index < len(kopf_probe) else 0
    if weg := _lange_fusszeilen(rohdaten, kodierung, trenner, breite):
        rohdaten = rohdaten[: len(rohdaten) - weg]
        s.warnung(
            "Die Zeilen ab hier haben mehr Felder als die Kopfzeile, aber keine Zahl (Fußnoten, "
            "Quellenangaben); übersprungen.",
            rohdaten.count(b"\n") + 1,
        )
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


def _als_text(zeilen: list[list[object]]) -> list[list[str]]:
    return [["" if c is None else str(c) for c in r] for r in zeilen]


def _hat_tabelle(zeilen: list[list[str]], z: Spaltenzuordnung) -> bool:
    """A sheet with a header row we recognise (or, with ``kopfzeile``, rows below it)."""
    if z.kopfzeile:
        return len(zeilen) > z.kopfzeile
    return _erkannte_kopfzeile(zeilen, z) is not None


def _blatt_waehlen(mappe: Any, s: Sammler, z: Spaltenzuordnung) -> Any:
    """The sheet to read: the mapping's ``blatt``; else the first, or, where the first has no
    table we recognise, the one sheet that has one (and the user is told which)."""
    namen = list(mappe.sheetnames)
    anfang = {
        n: _als_text([list(r) for r in mappe[n].iter_rows(max_row=30, values_only=True)])
        for n in namen
    }
    mit_tabelle = [n for n in namen if _hat_tabelle(anfang[n], z)]
    hinweis = (
        f"Blätter der Arbeitsmappe: {liste(namen)}. Das Blatt mit den Daten in der "
        'Spaltenzuordnung unter [datei] angeben, z. B. blatt = "' + (mit_tabelle or namen)[0] + '".'
    )
    if z.blatt:
        if z.blatt not in namen:
            s.fehler(f"Blatt „{z.blatt}“ fehlt. {hinweis}")
            s.abbrechen_falls_noetig()
        zeilen = anfang[z.blatt]
        if not any(sum(1 for c in r if c.strip()) >= 2 for r in zeilen):
            s.fehler(f"Blatt „{z.blatt}“ enthält keine Tabelle. {hinweis}")
            s.abbrechen_falls_noetig()
        return mappe[z.blatt]
    if len(namen) == 1 or namen[0] in mit_tabelle:
        return mappe.worksheets[0]
    if len(mit_tabelle) == 1:
        s.datei = f"{s.datei}, Blatt „{mit_tabelle[0]}“"  # every message names the sheet read
        s.warnung(
            f"Gelesen wird das Blatt „{mit_tabelle[0]}“: das erste Blatt „{namen[0]}“ enthält "
            "keine Tabelle mit bekannten Spaltenüberschriften."
        )
        return mappe[mit_tabelle[0]]
    if mit_tabelle:
        s.fehler(
            f"Mehrere Blätter enthalten eine Tabelle ({liste(mit_tabelle)}); welches gelesen "
            f"werden soll, ist nicht eindeutig. {hinweis}"
        )
    else:
        s.fehler(
            f"Das erste Blatt „{namen[0]}“ und kein anderes enthält eine Tabelle mit bekannten "
            f"Spaltenüberschriften (in den ersten 30 Zeilen). {hinweis} Unbekannte Überschriften "
            "ordnet der Abschnitt [spalten] zu."
        )
    s.abbrechen_falls_noetig()
    raise AssertionError  # unreachable


def _lese_xlsx(rohdaten: bytes, s: Sammler, z: Spaltenzuordnung) -> Gelesen:
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
        blatt = _blatt_waehlen(mappe, s, z)
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
    kopf_index = _kopfzeile_finden(_als_text(zeilen), z)
    if len(zeilen) <= kopf_index:
        return [], pd.DataFrame(), kopf_index + 1, None
    kopf = ["" if c is None else str(c).strip() for c in zeilen[kopf_index]]
    breite = len(kopf)
    rumpf = [(r + [None] * breite)[:breite] for r in zeilen[kopf_index + 1 :]]
    roh = pd.DataFrame(rumpf, columns=pd.RangeIndex(breite), dtype=object)
    for spalte in roh.columns:  # numbers and dates stay native for "wert"; text for the rest
        roh[spalte] = roh[spalte].where(roh[spalte].notna(), "")
    return kopf, roh, kopf_index + 1, None


def datei_lesen(pfad: Path, rohdaten: bytes, s: Sammler, z: Spaltenzuordnung) -> Gelesen:
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


def _zeilenlaenge_pruefen(rohdaten: bytes, s: Sammler) -> None:
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


def _zu_lang(s: Sammler, laenge: int, zeile: int) -> None:
    s.fehler(
        f"Die Zeile ist {laenge // 1024:,} KB lang (Grenze ".replace(",", ".")
        + f"{grenzen.max_zeilenlaenge_kb()} KB, ZIELSTEUERUNG_MAX_ZEILENLAENGE_KB); das ist "
        "keine Tabellenzeile.",
        zeile,
    )
    s.abbrechen_falls_noetig()
