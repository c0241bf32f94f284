"""Reading an import file: what kind of file it is, Excel workbooks (CSV: ``csvdatei``), with
the limits against hostile files.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from typing import IO, Any

import pandas as pd

from ..kern.zahlen import zahl
from . import grenzen
from .csvdatei import (
    Gelesen,
    erkannte_kopfzeile,
    kopfzeile_finden,
    lese_csv,
    titelzeilen,
    zweizeiliger_kopf,
)
from .sammler import Sammler, anzahl
from .zuordnung import Spaltenzuordnung, liste

#: what marks a workbook of this program (its defined name, see mappe.vertrag): a controlling
#: workbook or its ministry copy, put in a Datenordner by mistake
_EIGENE_MAPPE = b'<definedName name="Vorlagenversion"'


def _als_text(zeilen: list[list[object]]) -> list[list[str]]:
    return [["" if c is None else str(c) for c in r] for r in zeilen]


def _hat_tabelle(zeilen: list[list[str]], z: Spaltenzuordnung) -> bool:
    """A sheet with a header row we recognise (or, with ``kopfzeile``, rows below it)."""
    if z.kopfzeile:
        return len(zeilen) > z.kopfzeile
    return erkannte_kopfzeile(zeilen, z) is not None


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

    sha256 = hashlib.sha256(rohdaten).hexdigest()

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
        blattname = blatt.title
        grenze = grenzen.max_zeilen()
        if (blatt.max_row or 0) > grenze:  # the sheet's own <dimension>, read before the rows
            s.fehler(
                f"Das Tabellenblatt hat {zahl(blatt.max_row)} Zeilen (Grenze {zahl(grenze)}, "
                "ZIELSTEUERUNG_MAX_ZEILEN). Große Tabellen bitte als CSV speichern."
            )
            s.abbrechen_falls_noetig()
        zeilen = []
        for zeile in blatt.iter_rows(values_only=True):
            zeilen.append(list(zeile))
            if len(zeilen) > grenze:
                s.fehler(
                    f"Das Tabellenblatt hat mehr als {zahl(grenze)} Zeilen "
                    "(ZIELSTEUERUNG_MAX_ZEILEN). Große Tabellen bitte als CSV speichern."
                )
                s.abbrechen_falls_noetig()
    finally:
        mappe.close()
    kopf_index = kopfzeile_finden(_als_text(zeilen), z)
    if len(zeilen) <= kopf_index:
        return Gelesen([], pd.DataFrame(), kopf_index + 1, None, sha256)
    kopf = ["" if c is None else str(c).strip() for c in zeilen[kopf_index]]
    titel = titelzeilen(_als_text(zeilen[:kopf_index]))
    if len(zeilen) > kopf_index + 1 and (
        zweizeilig := zweizeiliger_kopf(kopf, _als_text([zeilen[kopf_index + 1]])[0], z)
    ):
        kopf, kopf_index = zweizeilig, kopf_index + 1
    _formeln_ohne_ergebnis(rohdaten, blattname, zeilen, kopf_index, kopf, s)
    breite = len(kopf)
    rumpf = [(r + [None] * breite)[:breite] for r in zeilen[kopf_index + 1 :]]
    roh = pd.DataFrame(rumpf, columns=pd.RangeIndex(breite), dtype=object)
    for spalte in roh.columns:  # numbers and dates stay native for "wert"; text for the rest
        roh[spalte] = roh[spalte].where(roh[spalte].notna(), "")
    return Gelesen(kopf, roh, kopf_index + 1, None, sha256, titel)


def _formeln_ohne_ergebnis(
    rohdaten: bytes,
    blatt: str,
    zeilen: list[list[object]],
    kopf_index: int,
    kopf: list[str],
    s: Sammler,
) -> None:
    """A formula whose result the file does not hold (a file written by a program that does
    not calculate) reads as an empty cell: an error naming the cells, never a missing value."""
    leer: dict[int, list[int]] = {}  # row index -> columns with a header and an empty cell
    for r in range(kopf_index + 1, len(zeilen)):
        if spalten := [
            c for c, wert in enumerate(zeilen[r][: len(kopf)]) if wert is None and kopf[c]
        ]:
            leer[r] = spalten
    if not leer:
        return
    import openpyxl
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    formeln: dict[int, list[tuple[int, str]]] = {}  # column -> (row number, formula)
    mappe = openpyxl.load_workbook(io.BytesIO(rohdaten), read_only=True, data_only=False)
    try:
        erste, letzte = min(leer) + 1, max(leer) + 1
        zellen = mappe[blatt].iter_rows(min_row=erste, max_row=letzte, values_only=True)
        for r, zeile in enumerate(zellen, start=erste - 1):
            for c in leer.get(r, []):
                wert = zeile[c] if c < len(zeile) else None
                if isinstance(wert, ArrayFormula | DataTableFormula):
                    wert = getattr(wert, "text", None) or "=…"
                if isinstance(wert, str) and wert.startswith("="):
                    formeln.setdefault(c, []).append((r + 1, wert))
    finally:
        mappe.close()
    for c, gefunden in formeln.items():
        beispiele = "; ".join(f"Zeile {nr}: {formel}" for nr, formel in gefunden[:3])
        s.fehler(
            f"{anzahl(len(gefunden), 'Formel', 'Formeln')} ohne gespeichertes Ergebnis ("
            f"{beispiele}{' …' if len(gefunden) > 3 else ''}). Die Datei wurde von einem "
            "Programm geschrieben, das Formeln nicht berechnet; gelesen würden leere Zellen. "
            "Bitte die Datei in Excel öffnen und speichern (dann enthält sie die Ergebnisse) "
            "oder die Werte als Zahlen liefern.",
            gefunden[0][0],
            kopf[c],
        )
    s.abbrechen_falls_noetig()


def datei_lesen(
    pfad: Path, datei: IO[bytes], groesse: int, s: Sammler, z: Spaltenzuordnung
) -> Gelesen:
    """Read ``datei`` (the file at ``pfad``, open for binary reading, ``groesse`` bytes)."""
    endung = pfad.suffix.lower()
    anfang = datei.read(4096)
    if not anfang.strip() and groesse <= len(anfang):
        s.fehler("Die Datei ist leer.")
        s.abbrechen_falls_noetig()
    if anfang.startswith(b"\xd0\xcf\x11\xe0"):
        s.fehler(
            "Altes Excel-Format (.xls) oder verschlüsselte Datei. Bitte in Excel als "
            "„Excel-Arbeitsmappe (.xlsx)“ oder als CSV speichern."
        )
    elif anfang.startswith(b"PK"):
        rohdaten = anfang + datei.read()
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
                mappe = archiv.read("xl/workbook.xml") if "xl/workbook.xml" in namen else b""
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
        elif _EIGENE_MAPPE in mappe:
            s.fehler(
                "Die Datei ist eine Controlling-Arbeitsmappe von zielsteuerung (oder ihre Kopie "
                "für das Ministerium), keine Datei mit Grunddaten: Importiert werden die "
                "Downloads der BA-Statistik. Liegt die Mappe im Datenordner, bitte an anderer "
                "Stelle speichern."
            )
        else:
            s.abbrechen_falls_noetig()
            return _lese_xlsx(rohdaten, s, z)
    elif anfang.startswith(b"%PDF"):
        s.fehler("Die Datei ist ein PDF, weder CSV noch Excel (.xlsx).")
    elif anfang.startswith((b"\xff\xfe", b"\xfe\xff")) or anfang[:200].count(b"\x00") > 10:
        s.fehler(
            "Die Datei ist in UTF-16 („Unicode-Text“) gespeichert. Bitte als CSV in UTF-8 "
            "oder Windows-1252 speichern (Excel: „CSV UTF-8 (durch Trennzeichen getrennt)“)."
        )
    s.abbrechen_falls_noetig()
    return lese_csv(datei, groesse, s, z)
