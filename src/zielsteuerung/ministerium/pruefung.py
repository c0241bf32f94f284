"""Checking one received copy from outside: the files come from other organisations and are
untrusted. Each is checked as a zip first (size, entries, compression ratio), then every XML
part is parsed with defusedxml (no DTD, no entities), parts that carry code or links are
refused, and only then openpyxl reads the values (``data_only``; nothing is ever executed).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from openpyxl import Workbook

from ..fehler import ZielsteuerungFehler
from ..kern.zahlen import zahl
from ..mappe.vertrag import EXPORTIERT_AM, VORLAGENVERSION
from ..mappe.zellen import (
    name_lesen,
    tabelle_lesen,
)
from .export import als_excel_text, mappe_laden
from .pruefsumme import pruefsumme_berechnen, pruefsumme_gespeichert


@dataclass(frozen=True)
class Grenzen:
    """Limits for files from outside; the defaults leave a wide margin over real exports
    (about 0.1 MB, about 1 MB unpacked, compression below 20:1)."""

    max_bytes: int = 20 * 1024 * 1024
    max_entpackt: int = 200 * 1024 * 1024
    max_verhaeltnis: float = 100.0
    max_eintraege: int = 2000


class Abgelehnt(Exception):
    """A file the consolidation does not take; the message is the German reason."""

    traeger = ""  # "Name (id)" where the file could be read that far


@dataclass
class Kopie:
    """The content of one accepted export."""

    datei: Path
    traeger_id: str
    traeger_name: str
    jahr: int | None
    wartezeit: str
    bis_monat: int | None
    zeitraum: str
    datenstand: str
    vorlagenversion: str
    programmversion: str
    exportiert_am: str
    hinweis: str
    pruefsumme: str
    ziele: list[dict[str, Any]]
    erlaeuterungen: dict[str, str]
    vereinbarung: dict[str, dict[str, Any]]


def _mb(anzahl: float) -> str:
    """A size in German: 50,0 MB; below one MB in KB."""
    if anzahl < 1024 * 1024:
        return f"{zahl(anzahl / 1024, 0)} KB"
    return f"{zahl(anzahl / 1024 / 1024, 1)} MB"


_VERBOTEN = (
    ("vbaproject.bin", "enthält Makros (VBA-Projekt)"),
    ("xl/macrosheets/", "enthält Excel-4.0-Makros (Makroblätter)"),
    ("xl/dialogsheets/", "enthält Dialogblätter (Makros)"),
    ("xl/externallinks/", "enthält externe Verknüpfungen zu anderen Arbeitsmappen"),
    ("xl/connections.xml", "enthält externe Datenverbindungen"),
    ("xl/querytables/", "enthält externe Datenabfragen"),
    ("xl/activex/", "enthält ActiveX-Steuerelemente"),
    ("xl/embeddings/", "enthält eingebettete Objekte"),
    ("customui/", "enthält eine Menüband-Anpassung (gehört zu Makro-Dateien)"),
)


_MAKROTYPEN = ("macroenabled", "vbaproject", "ms-excel.addin", "ms-excel.sheet.binary")


_HYPERLINK = "/relationships/hyperlink"


def _zip_pruefen(pfad: Path, grenzen: Grenzen) -> zipfile.ZipFile:
    groesse = pfad.stat().st_size
    if groesse > grenzen.max_bytes:
        raise Abgelehnt(
            f"Datei ist zu groß ({_mb(groesse)}; angenommen werden höchstens "
            f"{_mb(grenzen.max_bytes)})."
        )
    with pfad.open("rb") as f:
        anfang = f.read(8)
    if anfang.startswith(b"\xd0\xcf\x11\xe0"):
        raise Abgelehnt(
            "keine .xlsx-Datei: altes Excel-Format (.xls) oder mit Kennwort verschlüsselt. "
            "Bitte unverschlüsselt als .xlsx exportieren."
        )
    try:
        archiv = zipfile.ZipFile(pfad)
    except (zipfile.BadZipFile, OSError):
        raise Abgelehnt(
            "keine Excel-Arbeitsmappe (.xlsx): die Datei ist kein ZIP-Archiv."
        ) from None
    try:
        _zip_grenzen(archiv, grenzen)
    except BaseException:
        archiv.close()
        raise
    return archiv


def _zip_grenzen(archiv: zipfile.ZipFile, grenzen: Grenzen) -> None:
    """Zip bombs: declared sizes bound what Python's zipfile ever unpacks, so checking them
    before anything is read is enough."""
    infos = archiv.infolist()
    if len(infos) > grenzen.max_eintraege:
        raise Abgelehnt(
            f"ZIP-Archiv mit {len(infos)} Einträgen (höchstens {grenzen.max_eintraege}); "
            "vermutlich keine Ministeriumskopie."
        )
    for info in infos:
        verhaeltnis = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and verhaeltnis > grenzen.max_verhaeltnis:
            raise Abgelehnt(
                f"ZIP-Bombe vermutet: {info.filename} entpackt {_mb(info.file_size)} aus "
                f"{_mb(info.compress_size)} (Verhältnis {zahl(verhaeltnis, 0)}:1, erlaubt "
                f"{zahl(grenzen.max_verhaeltnis, 0)}:1)."
            )
        if info.flag_bits & 0x1:
            raise Abgelehnt(f"enthält verschlüsselte Teile ({info.filename}).")
    gesamt = sum(info.file_size for info in infos)
    if gesamt > grenzen.max_entpackt:
        raise Abgelehnt(
            f"ZIP-Bombe vermutet: entpackt insgesamt {_mb(gesamt)} (erlaubt "
            f"{_mb(grenzen.max_entpackt)})."
        )


def _teile_pruefen(archiv: zipfile.ZipFile) -> None:
    """Forbidden parts, macro content types, external relationships, XML bombs, formulas."""
    namen = archiv.namelist()
    klein = [n.lower() for n in namen]
    if "xl/workbook.xml" not in klein or "[content_types].xml" not in klein:
        raise Abgelehnt("keine Excel-Arbeitsmappe (.xlsx): xl/workbook.xml fehlt.")
    gefunden = []
    for muster, grund in _VERBOTEN:
        treffer = [n for n, k in zip(namen, klein, strict=True) if muster in k]
        if treffer:
            gefunden.append(f"{grund} ({treffer[0]})")
    if gefunden:
        raise Abgelehnt("; ".join(dict.fromkeys(gefunden)) + ".")
    formeln: list[str] = []
    for name in namen:
        if name.lower().endswith(".vml"):  # legacy drawings are not well-formed XML
            with archiv.open(name) as teil:
                if re.search(rb"<!(?:DOCTYPE|ENTITY)", teil.read(), re.IGNORECASE):
                    raise Abgelehnt(f"XML-Bombe oder unzulässige DTD/Entitäten in {name}.")
            continue
        if not name.lower().endswith((".xml", ".rels")):
            continue
        try:
            with archiv.open(name) as teil:
                for _, element in iterparse(teil, forbid_dtd=True):
                    tag = element.tag.rsplit("}", 1)[-1]
                    if name == "[Content_Types].xml":
                        typ = str(element.get("ContentType", ""))
                        if any(m in typ.lower() for m in _MAKROTYPEN):
                            raise Abgelehnt(
                                f"enthält Makros oder ist eine Makro-Datei (Inhaltstyp {typ})."
                            )
                    elif tag == "Relationship" and element.get("TargetMode") == "External":
                        art = str(element.get("Type", ""))
                        if not art.endswith(_HYPERLINK):
                            raise Abgelehnt(
                                f"enthält externe Verknüpfungen ({name}: "
                                f"{art.rsplit('/', 1)[-1]} → {element.get('Target')})."
                            )
                    elif tag == "f" and name.lower().startswith("xl/worksheets/"):
                        formeln.append(name)
                    element.clear()
        except DefusedXmlException:
            raise Abgelehnt(
                f"XML-Bombe oder unzulässige DTD/Entitäten in {name}; Excel-Dateien enthalten "
                "so etwas nie."
            ) from None
        except Abgelehnt:
            raise
        except Exception as exc:
            raise Abgelehnt(f"beschädigt: {name} ist kein gültiges XML ({exc}).") from None
    if formeln:
        raise Abgelehnt(
            f"enthält Formeln ({formeln[0]}): keine unveränderte Wertekopie aus „zielsteuerung "
            "export-ministerium“. Wurde sie in einem Tabellenprogramm gespeichert (LibreOffice "
            "schreibt dabei auch WAHR und FALSCH als Formeln), bitte beim Träger die Kopie "
            "anfordern, wie das Programm sie schreibt."
        )


def _ganzzahl(wert: Any) -> int | None:
    try:
        return int(float(wert))
    except (TypeError, ValueError):
        return None


def _text(wert: Any) -> str:
    if wert is None:
        return ""
    if isinstance(wert, dt.datetime):
        return wert.strftime("%Y-%m-%d" if wert.time() == dt.time() else "%Y-%m-%d %H:%M:%S")
    if isinstance(wert, dt.date):
        return wert.isoformat()
    return als_excel_text(wert).strip()


def datei_pruefen(pfad: Path, grenzen: Grenzen | None = None) -> Kopie:
    """Check one file from outside and read it; raises ``Abgelehnt`` with the reason."""
    grenzen = grenzen or Grenzen()
    endung = pfad.suffix.lower()
    if endung in (".xlsm", ".xlam", ".xltm", ".xlsb"):
        raise Abgelehnt(
            f"Dateityp {endung} (Arbeitsmappe mit Makros) wird nicht angenommen; bitte die "
            "Ministeriumskopie (.xlsx) senden."
        )
    if endung != ".xlsx":
        raise Abgelehnt(f"keine Excel-Arbeitsmappe (.xlsx), sondern „{endung or 'ohne Endung'}“.")
    with _zip_pruefen(pfad, grenzen) as archiv:
        _teile_pruefen(archiv)
    try:
        wb = mappe_laden(pfad, data_only=True)
    except Exception as exc:
        raise Abgelehnt(f"konnte nicht gelesen werden ({type(exc).__name__}).") from None
    try:
        return _inhalt_pruefen(pfad, wb)
    except Abgelehnt as exc:
        try:  # for the list of rejected files, where the file tells
            name, traeger_id = (
                _text(name_lesen(wb, "Traeger_Name")),
                _text(name_lesen(wb, "Traeger_ID")),
            )
        except Exception:
            name = traeger_id = ""
        exc.traeger = f"{name} ({traeger_id})" if name and traeger_id else name or traeger_id
        raise


def _inhalt_pruefen(pfad: Path, wb: Workbook) -> Kopie:
    """The contract of an export: tables, template version, checksum, Datenstand."""
    if not any("tbl_Ziele" in ws.tables for ws in wb.worksheets):
        raise Abgelehnt("keine Ministeriumskopie von zielsteuerung (Tabelle tbl_Ziele fehlt).")
    version = _text(name_lesen(wb, "Vorlagenversion"))
    if version != VORLAGENVERSION:
        raise Abgelehnt(
            f"Vorlagenversion „{version or 'fehlt'}“ passt nicht (erwartet {VORLAGENVERSION}). "
            "Bitte die Controlling-Arbeitsmappe mit dem aktuellen Programm aktualisieren und "
            "erneut exportieren."
        )
    gespeichert = pruefsumme_gespeichert(wb)
    if gespeichert is None:
        raise Abgelehnt(
            "Prüfsumme fehlt: keine mit „zielsteuerung export-ministerium“ erzeugte Kopie."
        )
    berechnet = pruefsumme_berechnen(wb)
    if berechnet != gespeichert:
        raise Abgelehnt(
            "Prüfsumme stimmt nicht: die Datei wurde nach dem Export verändert. Bitte beim "
            "Träger eine neue Ministeriumskopie anfordern."
        )
    datenstand = _text(name_lesen(wb, "Datenstand"))
    if not datenstand:
        raise Abgelehnt("Datenstand fehlt (Info > Datenstand).")
    traeger_id = _text(name_lesen(wb, "Traeger_ID"))
    if not re.fullmatch(r"\d{5}", traeger_id):
        raise Abgelehnt(f"Träger „{traeger_id}“ ist kein Regionalschlüssel.")
    try:
        ziele = tabelle_lesen(wb, "tbl_Ziele")
        erlaeuterungen = {
            str(z.get("Ziel_ID")): _text(z.get("Erläuterung"))
            for z in tabelle_lesen(wb, "tbl_Erlaeuterungen")
        }
        vereinbarung = {str(z.get("Ziel_ID")): z for z in tabelle_lesen(wb, "tbl_Vereinbarung")}
    except ZielsteuerungFehler as exc:
        raise Abgelehnt(str(exc)) from None
    if not ziele:
        raise Abgelehnt("die Tabelle tbl_Ziele ist leer.")
    return Kopie(
        datei=pfad,
        traeger_id=traeger_id,
        traeger_name=_text(name_lesen(wb, "Traeger_Name")),
        jahr=_ganzzahl(name_lesen(wb, "Jahr")),
        wartezeit=_text(name_lesen(wb, "Wartezeit_ausgewertet") or name_lesen(wb, "Wartezeit")),
        bis_monat=_ganzzahl(name_lesen(wb, "Bis_Monat")),
        zeitraum=_text(name_lesen(wb, "Zeitraum")),
        datenstand=datenstand,
        vorlagenversion=version,
        programmversion=_text(name_lesen(wb, "Programmversion")),
        exportiert_am=_text(name_lesen(wb, EXPORTIERT_AM)),
        hinweis=_text(name_lesen(wb, "Hinweis")),
        pruefsumme=gespeichert,
        ziele=ziele,
        erlaeuterungen=erlaeuterungen,
        vereinbarung=vereinbarung,
    )


@dataclass
class Ablehnung:
    datei: Path
    grund: str
    traeger: str = ""
    anderer_stand: bool = False  # a valid copy of other months than the overview's


@dataclass
class Konsolidierung:
    pfad: Path
    jahr: int | None
    wartezeit: str | None
    kopien: list[Kopie]
    abgelehnt: list[Ablehnung]
    bis_monat: int | None = None  # the last month every accepted copy evaluates
