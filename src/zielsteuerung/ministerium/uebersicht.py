"""The ministry's overview workbook: the status matrix of all Träger, the results per Träger
and target, the rejected files, and where the figures came from.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..kern.auswertung import HINWEIS_BEISPIELDATEN
from ..kern.kennzahlen import JAHRESWERTE
from ..mappe.formate import FORMATE, wertformat
from ..mappe.stil import FETT, GRUEN, HINWEIS, ROT, ampel, ampel_regeln, seite_einrichten
from ..mappe.vertrag import VORLAGENVERSION, Tabelle
from ..mappe.zellen import (
    setze,
    tabelle_anlegen,
    tabelle_schreiben,
    titel_setzen,
)
from ..version import __version__
from .pruefung import Konsolidierung, Kopie

_BLAETTER = ("Übersicht", "Ergebnisse", "Abgelehnt", "Info")


_BREITE_STATUS = 17


def _kurzname(ziel_id: str) -> str:
    """A column header from a target id: k2_abstand -> K2 Abstand, integrationen_lzb ->
    Integrationen LZB."""
    return " ".join(
        t.upper() if len(t) <= 3 else t[:1].upper() + t[1:] for t in ziel_id.split("_") if t
    )


def _matrix_ampel(ws: Worksheet, bereich: str, erste: str) -> None:
    """Traffic lights on status texts (also "erreicht (knapp)") in every cell of a block."""
    ampel_regeln(ws, bereich, lambda t: f'LEFT({erste},{len(t)})="{t}"')


def _schwelle_text(vergleich: Any, schwelle: Any, einheit: str) -> str:
    if not isinstance(schwelle, int | float) or isinstance(schwelle, bool):
        return ""
    zeichen = "≥" if vergleich == ">=" else "≤"
    if einheit == "abs":
        zahl = f"{schwelle:+,.0f}".replace(",", ".")
    else:
        zahl = f"{schwelle:+.1f}".replace(".", ",")
    return f"{zeichen} {zahl} {'' if einheit == 'abs' else einheit}".strip()


def _ziele_der_kopien(kopien: list[Kopie]) -> dict[str, str]:
    """All target ids in order of first appearance, with their label."""
    ziele: dict[str, str] = {}
    for k in kopien:
        for z in k.ziele:
            ziele.setdefault(str(z.get("Ziel_ID")), str(z.get("Ziel") or ""))
    return ziele


def uebersicht_erstellen(k: Konsolidierung) -> Workbook:
    """The overview workbook: matrix with summary, long table, rejected files, info."""
    wb = Workbook()
    wb.remove(wb.active)
    for name in _BLAETTER:
        ws = wb.create_sheet(name)
        seite_einrichten(ws)
        ws.row_dimensions[1].height = 24  # the 16 pt title
    wb["Übersicht"].sheet_properties.tabColor = "1F3864"
    ziele = _ziele_der_kopien(k.kopien)
    beispiel = any(kopie.hinweis == HINWEIS_BEISPIELDATEN for kopie in k.kopien)
    _matrix_schreiben(wb["Übersicht"], k, ziele, beispiel)
    _ergebnisse_schreiben(wb, k)
    _abgelehnt_schreiben(wb, k)
    _info_schreiben(wb["Info"], k)
    return wb


def _untertitel(k: Konsolidierung) -> str:
    stand = max((kopie.datenstand for kopie in k.kopien), default="–")
    return (
        f"Wartezeit {k.wartezeit or '–'} · {len(k.kopien)} Träger · neuester Datenstand "
        f"{stand} · {len(k.abgelehnt)} Datei(en) abgelehnt (Blatt „Abgelehnt“) · "
        f"zusammengeführt am {dt.datetime.now():%d.%m.%Y %H:%M}"
    )


def _matrix_schreiben(
    ws: Worksheet, k: Konsolidierung, ziele: dict[str, str], beispiel: bool
) -> None:
    titel_setzen(
        ws, f"Zielvereinbarungen {k.jahr or ''} – Übersicht aller Träger".replace("  ", " ")
    )
    setze(ws["A2"], _untertitel(k))
    ws["A2"].font = Font(size=11, italic=True, color="595959")
    if beispiel:
        setze(ws["A3"], HINWEIS_BEISPIELDATEN)
        ws["A3"].font = HINWEIS
    kurz = {i: _kurzname(i) for i in ziele}
    if len(set(kurz.values())) < len(kurz):  # headers of a table must be unique
        kurz = {i: i for i in ziele}
    spalten = ("Regionalschlüssel", "Träger", "Zeitraum", "Datenstand", *kurz.values(), "Erreicht")
    kopf = 5
    tabelle_anlegen(ws, Tabelle("tbl_Matrix", ws.title, kopf, spalten))
    zeilen = []
    for kopie in k.kopien:
        status = {str(z.get("Ziel_ID")): z for z in kopie.ziele}
        zeile: dict[str, Any] = {
            "Regionalschlüssel": kopie.traeger_id,
            "Träger": kopie.traeger_name,
            "Zeitraum": kopie.zeitraum,
            "Datenstand": kopie.datenstand,
        }
        erreicht = 0
        for i, titel in kurz.items():
            z = status.get(i)
            text = str(z.get("Status") or "") if z else "–"
            if z and z.get("Knapp") is True:
                text += " (knapp)"
            erreicht += text.startswith(("erreicht", "auf Kurs"))
            zeile[titel] = text
        zeile["Erreicht"] = f"{erreicht} von {sum(i in status for i in kurz)}"
        zeilen.append(zeile)
    _, kopf, erste, letzte = tabelle_schreiben(
        wb=ws.parent,
        name="tbl_Matrix",
        zeilen=zeilen,
        format_=lambda _z, s: "@" if s == "Regionalschlüssel" else None,
    )
    ende = kopf + max(len(zeilen), 1)
    if kurz:
        von, bis = get_column_letter(erste + 4), get_column_letter(erste + 3 + len(kurz))
        _matrix_ampel(ws, f"{von}{kopf + 1}:{bis}{ende}", f"{von}{kopf + 1}")
    for c in range(erste, letzte + 1):
        ws.cell(kopf, c).alignment = Alignment(wrap_text=True, vertical="center")
        for r in range(kopf + 1, ende + 1):
            ws.cell(r, c).alignment = Alignment(vertical="center")

    ws.freeze_panes = ws.cell(kopf + 1, 1)
    zletzte, legende = _zusammenfassung_schreiben(ws, k, ziele, kurz, ende + 3)
    # both tables share the columns: widths for both at once
    for c in range(1, max(letzte, zletzte) + 1):
        breite = {1: 21, 2: 36, 3: 25, 4: 14}.get(c, _BREITE_STATUS)
        ws.column_dimensions[get_column_letter(c)].width = 10 if c == letzte else breite
    if len(k.kopien) <= 40:  # one page for the Steuerungsdialog of a Land
        ws.page_setup.fitToHeight = 1
    ws.print_area = f"A1:{get_column_letter(max(letzte, zletzte))}{legende}"


def _zusammenfassung_schreiben(
    ws: Worksheet, k: Konsolidierung, ziele: dict[str, str], kurz: dict[str, str], oben: int
) -> tuple[int, int]:
    """How many Träger reach each target, below the matrix; returns (last column, last row)."""
    setze(ws.cell(oben - 1, 1), "Zusammenfassung je Ziel")
    ws.cell(oben - 1, 1).font = Font(size=12, bold=True, color="1F3864")
    spalten = (
        "Ziel", "Bezeichnung", "Schwelle", "Erreicht / auf Kurs", "Nicht erreicht / gefährdet",
        "Nicht berechenbar", "Anteil erreicht",
    )  # fmt: skip
    tabelle_anlegen(ws, Tabelle("tbl_Zusammenfassung", ws.title, oben, spalten))
    zeilen: list[dict[str, Any]] = []
    for i, bezeichnung in ziele.items():
        paare = [(kopie, z) for kopie in k.kopien for z in kopie.ziele if z.get("Ziel_ID") == i]
        status = [str(z.get("Status") or "") for _, z in paare]
        gut = sum(s in ("erreicht", "auf Kurs") for s in status)
        schlecht = sum(s in ("nicht erreicht", "gefährdet") for s in status)
        schwellen = {
            _schwelle_text(
                (kopie.vereinbarung.get(i) or {}).get("Vergleich"),
                z.get("Schwelle"),
                str(z.get("Einheit") or ""),
            )
            for kopie, z in paare
        }
        zeilen.append(
            {
                "Ziel": kurz[i],
                "Bezeichnung": bezeichnung,
                "Schwelle": schwellen.pop() if len(schwellen) == 1 else "unterschiedlich",
                "Erreicht / auf Kurs": gut,
                "Nicht erreicht / gefährdet": schlecht,
                "Nicht berechenbar": sum(s == "nicht berechenbar" for s in status),
                "Anteil erreicht": gut / len(status) if status else None,
            }
        )

    def format_(_z: dict[str, Any], s: str) -> str | None:
        if s == "Anteil erreicht":
            return "0%"
        return "0" if s in spalten[3:6] else None

    _, kopf, erste, letzte = tabelle_schreiben(ws.parent, "tbl_Zusammenfassung", zeilen, format_)
    ws.row_dimensions[kopf].height = 45
    for r, zeile in enumerate(zeilen, start=kopf + 1):
        ws.row_dimensions[r].height = 15 * max(2, math.ceil(len(zeile["Bezeichnung"]) / 38))
        for c in range(erste, letzte + 1):
            ws.cell(r, c).alignment = Alignment(vertical="center", wrap_text=c == erste + 1)
        for c, fuellung, farbe in ((erste + 3, GRUEN, "006100"), (erste + 4, ROT, "9C0006")):
            ws.cell(r, c).fill = fuellung
            ws.cell(r, c).font = Font(bold=True, color=farbe)
    for c in range(erste, letzte + 1):
        ws.cell(kopf, c).alignment = Alignment(wrap_text=True, vertical="center")
    legende = kopf + len(zeilen) + 2
    for nr, text in enumerate(
        (
            "Ampel: grün = erreicht / auf Kurs, rot = nicht erreicht / gefährdet, grau = nicht "
            "berechenbar; „knapp“: die gerundete Anzeige läge auf der anderen Seite der Schwelle.",
            "Zahlen je Träger und Ziel mit den Erläuterungen der Träger: Blatt „Ergebnisse“; "
            "geprüfte Dateien mit Prüfsummen: Blatt „Info“.",
        )
    ):
        setze(ws.cell(legende + nr, 1), text)
        ws.cell(legende + nr, 1).font = Font(italic=True, color="595959")
    return letzte, legende + 1


def _ergebnisse_schreiben(wb: Workbook, k: Konsolidierung) -> None:
    ws = wb["Ergebnisse"]
    titel_setzen(
        ws,
        "Ergebnisse je Träger und Ziel",
        "Jahreswerte (Januar bis zum ausgewerteten Monat), Veränderung gegenüber dem Vorjahr, "
        "vereinbarte Schwelle, Status und die Erläuterung des Trägers.",
    )
    spalten = (
        "Traeger_ID", "Träger", "Ziel_ID", "Ziel", "Vorjahr", "Aktuell", "Veraenderung",
        "Einheit", "Schwelle", "Status", "Knapp", "Erläuterung",
    )  # fmt: skip
    tabelle_anlegen(ws, Tabelle("tbl_Ergebnisse", ws.title, 4, spalten))
    zeilen = []
    for kopie in k.kopien:
        for z in kopie.ziele:
            ziel_id = str(z.get("Ziel_ID"))
            vereinbart = kopie.vereinbarung.get(ziel_id) or {}
            zeilen.append(
                {
                    "Traeger_ID": kopie.traeger_id,
                    "Träger": kopie.traeger_name,
                    "Ziel_ID": ziel_id,
                    "Ziel": z.get("Ziel"),
                    "Vorjahr": z.get("Vorjahr"),
                    "Aktuell": z.get("Aktuell"),
                    "Veraenderung": z.get("Veraenderung"),
                    "Einheit": z.get("Einheit"),
                    "Schwelle": z.get("Schwelle"),
                    "Status": z.get("Status"),
                    "Knapp": z.get("Knapp"),
                    "Erläuterung": kopie.erlaeuterungen.get(ziel_id) or None,
                    "_kennzahl": vereinbart.get("Kennzahl"),
                    "_art": vereinbart.get("Art"),
                }
            )

    def format_(z: dict[str, Any], s: str) -> str | None:
        if s in ("Vorjahr", "Aktuell") and z["_kennzahl"] in JAHRESWERTE:
            return wertformat(str(z["_kennzahl"]), str(z["_art"] or ""))
        if s in ("Veraenderung", "Schwelle") and z["Einheit"] in FORMATE:
            return FORMATE[str(z["Einheit"])]
        return {"Knapp": FORMATE["janein"], "Traeger_ID": "@"}.get(s)

    _, kopf, erste, letzte = tabelle_schreiben(wb, "tbl_Ergebnisse", zeilen, format_)
    spalte = {ws.cell(kopf, c).value: c for c in range(erste, letzte + 1)}
    ampel(ws, kopf, kopf + len(zeilen), spalte["Status"], [spalte["Status"]])
    for titel, breite in (("Träger", 26), ("Ziel", 50), ("Erläuterung", 60)):
        ws.column_dimensions[get_column_letter(spalte[titel])].width = breite
    for r, zeile in enumerate(zeilen, start=kopf + 1):
        for titel in ("Ziel", "Erläuterung"):
            ws.cell(r, spalte[titel]).alignment = Alignment(wrap_text=True, vertical="top")
        laenge = max(len(str(zeile["Ziel"] or "")) / 52, len(str(zeile["Erläuterung"] or "")) / 62)
        ws.row_dimensions[r].height = 15 * max(1, math.ceil(laenge))
    ws.print_area = f"A1:{get_column_letter(letzte)}{kopf + max(len(zeilen), 1)}"
    ws.print_title_rows = f"{kopf}:{kopf}"


def _abgelehnt_schreiben(wb: Workbook, k: Konsolidierung) -> None:
    ws = wb["Abgelehnt"]
    titel_setzen(
        ws,
        "Abgelehnte Dateien",
        "Diese Dateien wurden nicht übernommen. Bitte beim Träger eine neue Ministeriumskopie "
        "(zielsteuerung export-ministerium) anfordern.",
    )
    tabelle_anlegen(ws, Tabelle("tbl_Abgelehnt", ws.title, 4, ("Datei", "Träger", "Grund")))
    zeilen = [
        {"Datei": a.datei.name, "Träger": a.traeger or None, "Grund": a.grund} for a in k.abgelehnt
    ]
    if not zeilen:
        zeilen = [{"Datei": None, "Träger": None, "Grund": "keine – alle Dateien übernommen"}]
    _, kopf, erste, letzte = tabelle_schreiben(wb, "tbl_Abgelehnt", zeilen)
    for c, breite in zip(range(erste, letzte + 1), (40, 30, 100), strict=True):
        ws.column_dimensions[get_column_letter(c)].width = breite
        for r in range(kopf + 1, kopf + len(zeilen) + 1):
            ws.cell(r, c).alignment = Alignment(wrap_text=True, vertical="top")
    for r, zeile in enumerate(zeilen, start=kopf + 1):
        ws.row_dimensions[r].height = 15 * max(1, math.ceil(len(str(zeile["Grund"])) / 95))
    ws.print_area = f"A1:{get_column_letter(letzte)}{kopf + len(zeilen)}"


def _info_schreiben(ws: Worksheet, k: Konsolidierung) -> None:
    titel_setzen(ws, "Info", "Grundlage dieser Übersicht.")
    angaben = (
        ("Jahr", k.jahr),
        ("Wartezeit", k.wartezeit),
        ("Übernommene Träger", len(k.kopien)),
        ("Abgelehnte Dateien", len(k.abgelehnt)),
        ("Erwartete Vorlagenversion", VORLAGENVERSION),
        ("Programmversion", __version__),
        ("Zusammengeführt am", dt.datetime.now().replace(microsecond=0)),
    )
    for i, (beschriftung, wert) in enumerate(angaben, start=4):
        setze(ws.cell(i, 1), beschriftung)
        ws.cell(i, 1).font = FETT
        setze(ws.cell(i, 2), wert, "DD.MM.YYYY HH:MM" if isinstance(wert, dt.datetime) else None)
        ws.cell(i, 2).alignment = Alignment(horizontal="left")
    spalten = (
        "Datei", "Traeger_ID", "Träger", "Zeitraum", "Datenstand", "Exportiert_am",
        "Programmversion", "Pruefsumme",
    )  # fmt: skip
    kopf = 5 + len(angaben)
    tabelle_anlegen(ws, Tabelle("tbl_Dateien", ws.title, kopf, spalten))
    zeilen = [
        {
            "Datei": kopie.datei.name,
            "Traeger_ID": kopie.traeger_id,
            "Träger": kopie.traeger_name,
            "Zeitraum": kopie.zeitraum,
            "Datenstand": kopie.datenstand,
            "Exportiert_am": kopie.exportiert_am,
            "Programmversion": kopie.programmversion,
            "Pruefsumme": kopie.pruefsumme,
        }
        for kopie in k.kopien
    ]
    _, kopf, _, letzte = tabelle_schreiben(
        ws.parent, "tbl_Dateien", zeilen, lambda _z, s: "@" if s == "Traeger_ID" else None
    )
    for spalte, breite in zip("ABCDEFGH", (40, 14, 30, 26, 13, 18, 17, 68), strict=True):
        ws.column_dimensions[spalte].width = breite
    ws.print_area = f"A1:{get_column_letter(letzte)}{kopf + max(len(zeilen), 1)}"
