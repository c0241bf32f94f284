"""The ministry's overview workbook: the status matrix of all Träger, the results per Träger
and target, the rejected files, and where the figures came from.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..kern.auswertung import HINWEIS_BEISPIELDATEN
from ..kern.kennzahlen import JAHRESWERTE
from ..kern.monate import als_datum, als_zeitpunkt, datum_text, monatsname, zeitraum
from ..kern.vereinbarung import kurznamen
from ..kern.zahlen import ist_zahl, wert_mit_einheit
from ..mappe.druck import (
    einrichten,
    kopf_ausrichten,
    kopf_und_fuss,
    platz_schaffen,
    ueber_breite,
    zeilen_anpassen,
)
from ..mappe.formate import FORMATE, wertformat
from ..mappe.stil import (
    ABSCHNITT,
    BLAU,
    FETT,
    GRUEN,
    GRUEN_TEXT,
    HINWEIS,
    ROT,
    ROT_TEXT,
    UNTERTITEL,
    ampel,
    ampel_regeln,
    schrift,
    seite_einrichten,
)
from ..mappe.vertrag import VORLAGENVERSION, Tabelle
from ..mappe.zellen import (
    anmerkung,
    setze,
    tabelle_anlegen,
    tabelle_gestalten,
    tabelle_schreiben,
    titel_setzen,
)
from ..version import __version__
from .pruefung import Konsolidierung, Kopie

#: the overview's table of Träger and targets: it marks a file as an overview
UEBERSICHT = "tbl_Matrix"
_BLAETTER = ("Übersicht", "Ergebnisse", "Abgelehnt", "Info")


_BREITE_STATUS = 13


#: The statuses counted in the summary, each on its own (never "erreicht" and "auf Kurs"
#: together: a December and a June figure are different statements).
_ZAEHLUNG = (
    ("Erreicht", "erreicht"), ("Auf Kurs", "auf Kurs"), ("Gefährdet", "gefährdet"),
    ("Nicht erreicht", "nicht erreicht"), ("Nicht berechenbar", "nicht berechenbar"),
)  # fmt: skip


def _matrix_ampel(ws: Worksheet, bereich: str, erste: str) -> None:
    """Traffic lights on status texts (also "erreicht (knapp)") in every cell of a block."""
    ampel_regeln(ws, bereich, lambda t: f'LEFT({erste},{len(t)})="{t}"')


def _schwelle_text(vergleich: Any, schwelle: Any, einheit: str) -> str:
    if not ist_zahl(schwelle):
        return ""
    zeichen = "≥" if vergleich == ">=" else "≤"
    return f"{zeichen} {wert_mit_einheit(float(schwelle), einheit, vorzeichen=True)}"


def _ziele_der_kopien(kopien: list[Kopie]) -> dict[str, str]:
    """All target ids in order of first appearance, with their label."""
    ziele: dict[str, str] = {}
    for k in kopien:
        for z in k.ziele:
            ziele.setdefault(str(z.get("Ziel_ID")), str(z.get("Ziel") or ""))
    return ziele


def stand(k: Konsolidierung) -> str:
    """The months the overview covers, e.g. "Januar bis Juni 2023"."""
    if k.bis_monat is None:
        return next((kopie.zeitraum for kopie in k.kopien), "–")
    if k.jahr is None:
        return f"Januar bis {monatsname(k.bis_monat)}"
    return zeitraum(k.jahr, k.bis_monat)


def uebersicht_erstellen(k: Konsolidierung) -> Workbook:
    """The overview workbook: matrix with summary, long table, rejected files, info."""
    wb = Workbook()
    wb.remove(wb.active)
    beispiel = any(kopie.hinweis == HINWEIS_BEISPIELDATEN for kopie in k.kopien)
    for name in _BLAETTER:
        ws = wb.create_sheet(name)
        seite_einrichten(ws)
        kopf_und_fuss(
            ws,
            HINWEIS_BEISPIELDATEN if beispiel else None,
            f"Zielvereinbarungen {k.jahr or ''} · {stand(k)} · Wartezeit {k.wartezeit or '–'}",
        )
    wb["Übersicht"].sheet_properties.tabColor = BLAU
    ziele = _ziele_der_kopien(k.kopien)
    _matrix_schreiben(wb["Übersicht"], k, ziele, beispiel)
    _ergebnisse_schreiben(wb, k)
    _abgelehnt_schreiben(wb, k)
    _info_schreiben(wb["Info"], k)
    return wb


def _untertitel(k: Konsolidierung) -> str:
    neuester = max((kopie.datenstand for kopie in k.kopien), default="")
    return (
        f"Stand {stand(k)} (Werte Januar bis Monat gegenüber denselben Monaten des Vorjahres) · "
        f"Wartezeit {k.wartezeit or '–'} · {len(k.kopien)} Träger · neuester Datenstand "
        f"{datum_text(neuester)} · {len(k.abgelehnt)} Datei(en) abgelehnt (Blatt „Abgelehnt“) · "
        f"zusammengeführt am {dt.datetime.now():%d.%m.%Y %H:%M}"
    )


def _matrix_schreiben(
    ws: Worksheet, k: Konsolidierung, ziele: dict[str, str], beispiel: bool
) -> None:
    titel_setzen(
        ws,
        f"Zielvereinbarungen {k.jahr or ''} – Übersicht aller Träger – Stand {stand(k)}".replace(
            "  ", " "
        ),
    )
    setze(ws["A2"], _untertitel(k))
    ws["A2"].font = UNTERTITEL
    if beispiel:
        setze(ws["A3"], HINWEIS_BEISPIELDATEN)
        ws["A3"].font = HINWEIS
    andere = [a for a in k.abgelehnt if a.anderer_stand]
    if andere:
        setze(
            ws["A4"],
            f"Nur Kopien mit Stand {stand(k)} sind zusammengeführt; {len(andere)} Kopie(n) mit "
            "anderem Stand stehen auf dem Blatt „Abgelehnt“ (eigene Übersicht: zielsteuerung "
            "konsolidieren … --bis-monat M).",
        )
        ws["A4"].font = HINWEIS
    kurz = kurznamen(ziele)
    spalten = (
        "Regionalschlüssel", "Träger", "Datenstand", *kurz.values(), "Erreicht", "Auf Kurs",
    )  # fmt: skip
    kopf = 6
    tabelle_anlegen(ws, Tabelle(UEBERSICHT, ws.title, kopf, spalten))
    zeilen = []
    for kopie in k.kopien:
        status = {str(z.get("Ziel_ID")): z for z in kopie.ziele}
        zeile: dict[str, Any] = {
            "Regionalschlüssel": kopie.traeger_id,
            "Träger": kopie.traeger_name,
            "Datenstand": als_datum(kopie.datenstand),
        }
        texte = []
        for i, titel in kurz.items():
            z = status.get(i)
            text = str(z.get("Status") or "") if z else "–"
            if z and z.get("Knapp") is True:
                text += " (knapp)"
            texte.append(text)
            zeile[titel] = text
        vereinbart = sum(i in status for i in kurz)
        for titel, wert in (("Erreicht", "erreicht"), ("Auf Kurs", "auf Kurs")):
            zeile[titel] = f"{sum(t.startswith(wert) for t in texte)} von {vereinbart}"
        zeilen.append(zeile)
    _, kopf, erste, letzte = tabelle_schreiben(
        wb=ws.parent,
        name=UEBERSICHT,
        zeilen=zeilen,
        format_=lambda _z, s: {"Regionalschlüssel": "@", "Datenstand": FORMATE["datum"]}.get(s),
    )
    ende = kopf + max(len(zeilen), 1)
    if kurz:
        von, bis = get_column_letter(erste + 3), get_column_letter(erste + 2 + len(kurz))
        _matrix_ampel(ws, f"{von}{kopf + 1}:{bis}{ende}", f"{von}{kopf + 1}")
    for c in range(erste, letzte + 1):
        for r in range(kopf + 1, ende + 1):
            ws.cell(r, c).alignment = Alignment(
                vertical="center", wrap_text=c != erste + 2,
                horizontal="center" if c > erste + 2 else None,
            )  # fmt: skip
    oben = ende + 3
    zletzte = _zusammenfassung_schreiben(ws, k, ziele, kurz, oben)
    # both tables share the columns: widths for both at once
    for c in range(1, max(letzte, zletzte) + 1):
        breite = {1: 17, 2: 30, 3: 14}.get(c, _BREITE_STATUS)
        ws.column_dimensions[get_column_letter(c)].width = breite
    zunten = oben + max(len(ziele), 1)
    for oben_, erste_, letzte_, unten_ in ((kopf, erste, letzte, ende), (oben, 1, zletzte, zunten)):
        kopf_ausrichten(ws, oben_, erste_, letzte_, unten_)
        platz_schaffen(ws, oben_, erste_, letzte_, unten_)
    zeilen_anpassen(ws, range(kopf, zunten + 1))
    legende = _legende(ws, zunten + 2, max(letzte, zletzte))
    for nr in (2, 4):
        ueber_breite(ws, nr, max(letzte, zletzte))
    einrichten(
        ws, max(letzte, zletzte), legende, [(1, kopf + 1), (oben - 1, legende)],
        kopf if len(zeilen) > 25 else None,
    )  # fmt: skip


def _zusammenfassung_schreiben(
    ws: Worksheet, k: Konsolidierung, ziele: dict[str, str], kurz: dict[str, str], oben: int
) -> int:
    """How many Träger have each status per target, below the matrix; returns the last
    column."""
    setze(ws.cell(oben - 1, 1), "Zusammenfassung je Ziel: Zahl der Träger je Status")
    ws.cell(oben - 1, 1).font = ABSCHNITT
    spalten = ("Ziel", "Bezeichnung", "Schwelle", *(titel for titel, _ in _ZAEHLUNG))
    tabelle_anlegen(ws, Tabelle("tbl_Zusammenfassung", ws.title, oben, spalten))
    zeilen: list[dict[str, Any]] = []
    for i, bezeichnung in ziele.items():
        paare = [(kopie, z) for kopie in k.kopien for z in kopie.ziele if z.get("Ziel_ID") == i]
        status = [str(z.get("Status") or "") for _, z in paare]
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
                **{titel: sum(s == wert for s in status) for titel, wert in _ZAEHLUNG},
            }
        )

    _, kopf, erste, letzte = tabelle_schreiben(
        ws.parent, "tbl_Zusammenfassung", zeilen, lambda _z, s: "0" if s in spalten[3:] else None
    )
    for r in range(kopf + 1, kopf + len(zeilen) + 1):
        for c in range(erste, letzte + 1):
            ws.cell(r, c).alignment = Alignment(
                vertical="center", wrap_text=c == erste + 1,
                horizontal="center" if c > erste + 1 else None,
            )  # fmt: skip
        for c, fuellung, farbe in (
            (erste + 3, GRUEN, GRUEN_TEXT), (erste + 4, GRUEN, GRUEN_TEXT),
            (erste + 5, ROT, ROT_TEXT), (erste + 6, ROT, ROT_TEXT),
        ):  # fmt: skip
            ws.cell(r, c).fill = fuellung
            ws.cell(r, c).font = schrift(bold=True, color=farbe)
    return letzte


def _legende(ws: Worksheet, legende: int, breite: int) -> int:
    """How to read the two tables, below them; returns the last row."""
    for nr, text in enumerate(
        (
            "Ampel: grün = erreicht / auf Kurs, rot = nicht erreicht / gefährdet, grau = nicht "
            "berechenbar; „knapp“: die gerundete Anzeige läge auf der anderen Seite der Schwelle. "
            "„Erreicht“ und „nicht erreicht“ gibt es erst für Dezember, davor „auf Kurs“ und "
            "„gefährdet“.",
            "Zahlen je Träger und Ziel mit den Erläuterungen der Träger: Blatt „Ergebnisse“; "
            "geprüfte Dateien mit Prüfsummen: Blatt „Info“.",
        )
    ):
        anmerkung(ws, legende + nr, text, breite)
    return legende + 1


def _ergebnisse_schreiben(wb: Workbook, k: Konsolidierung) -> None:
    ws = wb["Ergebnisse"]
    titel_setzen(
        ws,
        "Ergebnisse je Träger und Ziel",
        f"Stand {stand(k)}: Jahreswerte (Januar bis zum ausgewerteten Monat), Veränderung "
        "gegenüber dem Vorjahr, vereinbarte Schwelle, Status und die Erläuterung des Trägers.",
    )
    spalten = (
        "Regionalschlüssel", "Träger", "Ziel_ID", "Ziel", "Vorjahr", "Aktuell", "Veränderung",
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
                    "Regionalschlüssel": kopie.traeger_id,
                    "Träger": kopie.traeger_name,
                    "Ziel_ID": ziel_id,
                    "Ziel": z.get("Ziel"),
                    "Vorjahr": z.get("Vorjahr"),
                    "Aktuell": z.get("Aktuell"),
                    "Veränderung": z.get("Veränderung"),
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
        if s in ("Veränderung", "Schwelle") and z["Einheit"] in FORMATE:
            return FORMATE[str(z["Einheit"])]
        return {"Knapp": FORMATE["janein"], "Regionalschlüssel": "@"}.get(s)

    _, kopf, erste, letzte = tabelle_schreiben(wb, "tbl_Ergebnisse", zeilen, format_)
    spalte = {ws.cell(kopf, c).value: c for c in range(erste, letzte + 1)}
    ampel(ws, kopf, kopf + len(zeilen), spalte["Status"], [spalte["Status"]])
    for titel, breite in (("Regionalschlüssel", 10), ("Träger", 22), ("Ziel", 32),
                          ("Erläuterung", 40), ("Status", 12), ("Knapp", 7)):  # fmt: skip
        ws.column_dimensions[get_column_letter(spalte[titel])].width = breite
    umbruch = {spalte[t] for t in ("Träger", "Ziel", "Erläuterung", "Status")}
    mittig = {spalte["Status"], spalte["Knapp"]}
    for r in range(kopf + 1, kopf + len(zeilen) + 1):
        for c in range(erste, letzte + 1):
            ws.cell(r, c).alignment = Alignment(
                wrap_text=c in umbruch, vertical="top", horizontal="center" if c in mittig else None
            )
    unten = tabelle_gestalten((ws, kopf, erste, letzte), len(zeilen))
    ueber_breite(ws, 2, letzte)
    einrichten(ws, letzte, unten, [(1, kopf + 1)], kopf)


def _abgelehnt_schreiben(wb: Workbook, k: Konsolidierung) -> None:
    ws = wb["Abgelehnt"]
    titel_setzen(
        ws,
        "Abgelehnte Dateien",
        "Diese Dateien wurden nicht übernommen. Bitte beim Träger eine neue Ministeriumskopie "
        "(zielsteuerung export-ministerium) anfordern; eine Kopie mit anderem Stand gehört in "
        "eine eigene Übersicht (zielsteuerung konsolidieren … --bis-monat M).",
    )
    tabelle_anlegen(ws, Tabelle("tbl_Abgelehnt", ws.title, 4, ("Datei", "Träger", "Grund")))
    zeilen = [
        {"Datei": a.datei.name, "Träger": a.traeger or None, "Grund": a.grund} for a in k.abgelehnt
    ]
    if not zeilen:
        zeilen = [{"Datei": None, "Träger": None, "Grund": "keine – alle Dateien übernommen"}]
    _, kopf, erste, letzte = tabelle_schreiben(wb, "tbl_Abgelehnt", zeilen)
    for c, breite in zip(range(erste, letzte + 1), (36, 30, 80), strict=True):
        ws.column_dimensions[get_column_letter(c)].width = breite
        for r in range(kopf + 1, kopf + len(zeilen) + 1):
            ws.cell(r, c).alignment = Alignment(wrap_text=True, vertical="top")
    zeilen_anpassen(ws, range(kopf, kopf + len(zeilen) + 1))
    ueber_breite(ws, 2, letzte)
    einrichten(ws, letzte, kopf + len(zeilen), [(1, kopf + 1)], kopf)


def _info_schreiben(ws: Worksheet, k: Konsolidierung) -> None:
    titel_setzen(ws, "Info", "Grundlage dieser Übersicht.")
    angaben = (
        ("Jahr", k.jahr),
        ("Stand (ausgewertete Monate)", stand(k)),
        ("Wartezeit", k.wartezeit),
        ("Übernommene Träger", len(k.kopien)),
        ("Abgelehnte Dateien", len(k.abgelehnt)),
        ("Erwartete Vorlagenversion", VORLAGENVERSION),
        ("Programmversion", __version__),
        ("Zusammengeführt am", f"{dt.datetime.now():%d.%m.%Y %H:%M}"),
    )
    for i, (beschriftung, wert) in enumerate(angaben, start=4):
        setze(ws.cell(i, 1), beschriftung)
        ws.cell(i, 1).font = FETT
        setze(ws.cell(i, 2), wert)
        ws.cell(i, 2).alignment = Alignment(horizontal="left")
    spalten = (
        "Datei", "Regionalschlüssel", "Träger", "Datenstand", "Exportiert am", "Programmversion",
        "Prüfsumme",
    )  # fmt: skip
    kopf = 5 + len(angaben)
    tabelle_anlegen(ws, Tabelle("tbl_Dateien", ws.title, kopf, spalten))
    zeilen = [
        {
            "Datei": kopie.datei.name,
            "Regionalschlüssel": kopie.traeger_id,
            "Träger": kopie.traeger_name,
            "Datenstand": als_datum(kopie.datenstand),
            "Exportiert am": als_zeitpunkt(kopie.exportiert_am),
            "Programmversion": kopie.programmversion,
            "Prüfsumme": kopie.pruefsumme,
        }
        for kopie in k.kopien
    ]
    formate = {
        "Regionalschlüssel": "@", "Datenstand": FORMATE["datum"],
        "Exportiert am": FORMATE["zeitpunkt"],
    }  # fmt: skip
    _, kopf, erste, letzte = tabelle_schreiben(
        ws.parent, "tbl_Dateien", zeilen, lambda _z, s: formate.get(s)
    )
    for spalte, breite in zip("ABCDEFG", (28, 10, 22, 11, 16, 10, 67), strict=True):
        ws.column_dimensions[spalte].width = breite
    unten = kopf + max(len(zeilen), 1)
    for r in range(kopf + 1, unten + 1):
        for c in range(erste, letzte + 1):
            ws.cell(r, c).alignment = Alignment(wrap_text=c in (erste, erste + 2), vertical="top")
    tabelle_gestalten((ws, kopf, erste, letzte), len(zeilen), kennungen=False)
    einrichten(ws, letzte, unten, [(1, kopf + 1)], kopf)
