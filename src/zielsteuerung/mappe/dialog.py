"""The sheet "Steuerungsdialog": a print-ready summary (A4 landscape, at most two pages) for
the meeting with the ministry, rebuilt by every refresh from the same evaluation as the other
sheets. This module holds what the sheet shows (``raster``, the charts' data), which both the
file refresh (``dialogblatt``) and the ribbon button write; it does not import openpyxl.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..bericht.bericht import Bericht
from ..kern.auswertung import HINWEIS_BEISPIELDATEN, gruende
from ..kern.vereinbarung import kurznamen
from .diagrammdaten import (
    HILFSDATEN,
    MONATE_KURZ,
    mittel_namen,
    mittel_zeilen,
    pfad_namen,
    pfad_zeilen,
)
from .inhalte import untertitel

BLATT = "Steuerungsdialog"
BREITE = 10  # columns A..J
DATEN_SPALTE = BREITE + 2  # the charts' data, right of the print area (column L)


@dataclass(frozen=True)
class Zelle:
    wert: Any
    stil: str | None = None  # titel, untertitel, hinweis, abschnitt, kopf, status, mittig, umbruch
    format_: str | None = None


Zeile = list[Zelle]


def _kopf(*texte: str) -> Zeile:
    return [Zelle(t, "kopf") for t in texte]


def _abschnitt(text: str) -> list[Zeile]:
    return [[], [Zelle(text, "abschnitt")]]


def _vergleichszeile(e: dict[str, Any], formate: dict[str, str]) -> Zeile:
    """Label, prior year, current value and change of a target or monitoring item."""
    f = formate[e["id"]]
    return [
        Zelle(e["bezeichnung"], "umbruch"),
        Zelle(e["vorjahr"], None, f),
        Zelle(e["aktuell"], None, f),
        Zelle(e["veraenderung"], None, formate[e["einheit"]]),
    ]


def raster(
    bericht: Bericht, erlaeuterungen: dict[str, Any], formate: dict[str, str]
) -> list[Zeile]:
    """The sheet's rows, top to bottom. ``formate`` maps a target id (and the unit codes
    "%", "pp", "abs", "euro", "quote") to a number format."""
    a = bericht.auswertung
    zeitraum = a.zeitraum
    kurz = kurznamen(z["id"] for z in a.ziele)
    zeilen: list[Zeile] = [
        [Zelle(f"Steuerungsdialog – Zielvereinbarung {a.jahr} – {a.traeger_name} "
               f"({a.traeger_id})", "titel")],
        [Zelle(untertitel(a), "untertitel")],
        [Zelle(HINWEIS_BEISPIELDATEN if a.beispieldaten else None, "hinweis")],
    ]  # fmt: skip

    zeilen += _abschnitt(f"Ziele: Stand {zeitraum}, Zielpfad und Prognose für Dezember")
    zeilen.append(
        _kopf("Ziel", "Vorjahr", "Aktuell", "Veränderung", "Schwelle", "Status", "Zielpfad",
              "Status Zielpfad", "Prognose Dezember", "Status Prognose")
    )  # fmt: skip
    for z in a.ziele:
        f = formate[z["id"]]
        zeilen.append(
            [
                *_vergleichszeile(z, formate),
                Zelle(z["schwelle"], None, formate[z["einheit"]]),
                Zelle(z["status"], "status"),
                Zelle(z["pfad_aktuell"], None, f),
                Zelle(z["status_pfad"], "status"),
                Zelle(z["prognose"], None, f),
                Zelle(z["prognose_status"], "status"),
            ]
        )
    zeilen += [[Zelle(f"{kurz[z['id']]}: {g}", "untertitel")] for z in a.ziele for g in gruende(z)]

    if bericht.gender:
        letzte = bericht.gender[-1]
        kennzahl = next(k for k in letzte if k.endswith(" Frauen")).removesuffix(" Frauen")
        zeilen += _abschnitt(
            f"Gender-Datenblatt: {kennzahl} Jahresfortschrittswert (Januar bis Monat), {zeitraum}"
        )
        zeilen.append(_kopf("", "Frauen", "Männer", "Abstand"))
        for jahr, zusatz in ((a.jahr - 1, " Vorjahr"), (a.jahr, "")):
            zeilen.append(
                [
                    Zelle(str(jahr)),
                    Zelle(letzte[f"{kennzahl} Frauen{zusatz}"], None, formate["quote"]),
                    Zelle(letzte[f"{kennzahl} Männer{zusatz}"], None, formate["quote"]),
                    Zelle(letzte[f"Abstand{zusatz}"], None, formate["pp_wert"]),
                ]
            )
        zeilen.append([Zelle("Veränderung"), Zelle(None), Zelle(None),
                       Zelle(letzte["Veränderung Abstand"], None, formate["pp"])])  # fmt: skip

    if a.monitoring:
        zeilen += _abschnitt(f"Monitoring (ohne Zielwert), {zeitraum}")
        zeilen.append(_kopf("Größe", "Vorjahr", "Aktuell", "Veränderung"))
        zeilen += [_vergleichszeile(m, formate) for m in a.monitoring]

    mittel = bericht.mittel
    if mittel is None or not mittel.zeilen:
        zeilen += _abschnitt("Mittelausschöpfung")
        text = mittel.hinweis if mittel else "Keine Mittel erfasst (Blatt „Mittel“)."
        zeilen.append([Zelle(text, "untertitel")])
    else:
        zeilen += _abschnitt(
            f"Mittelausschöpfung: Ausgaben Januar bis {mittel.zeilen[-1]['Stand']}"
        )
        zeilen.append(
            _kopf("Posten", "Mittel", "Stand", "Ausgaben", "Ausschöpfung", "Pfad linear",
                  "Pfad Vorjahr", "Prognose Dezember", "Prognose Ausschöpfung", "Rest")
        )  # fmt: skip
        euro, quote = formate["euro"], formate["quote"]
        for m in mittel.zeilen:
            zeilen.append(
                [
                    Zelle(m["Posten"]),
                    Zelle(m["Mittel"], None, euro),
                    Zelle(m["Stand"], "mittig"),
                    Zelle(m["Ausgaben"], None, euro),
                    Zelle(m["Ausschöpfung"], None, quote),
                    Zelle(m["Pfad linear"], None, quote),
                    Zelle(m["Pfad Vorjahr"], None, quote),
                    Zelle(m["Prognose Dezember"], None, euro),
                    Zelle(m["Prognose Ausschöpfung"], None, quote),
                    Zelle(m["Rest"], None, euro),
                ]
            )
        zeilen += [
            [Zelle(f"{m['Posten']}: {m['Grund']}", "untertitel")]
            for m in mittel.zeilen
            if m["Grund"]
        ]

    zeilen += _abschnitt("Erläuterungen des Jobcenters")
    texte = [
        (z["bezeichnung"], erlaeuterungen.get(z["id"]))
        for z in a.ziele
        if erlaeuterungen.get(z["id"]) not in (None, "")
    ]
    if not texte:
        zeilen.append([Zelle("Keine Erläuterungen eingetragen (Blatt „Erläuterungen“).",
                             "untertitel")])  # fmt: skip
    zeilen += [[Zelle(ziel, "umbruch"), Zelle(str(text), "erlaeuterung")] for ziel, text in texte]
    return zeilen


def bloecke(
    bericht: Bericht, erlaeuterungen: dict[str, Any], formate: dict[str, str]
) -> list[tuple[int, list[Zeile]]]:
    """What the sheet holds, as (first column, rows): the summary, and the charts' data."""
    return [
        (1, raster(bericht, erlaeuterungen, formate)),
        (DATEN_SPALTE, diagrammdaten(bericht)),
    ]


def ziel_fuer_diagramm(bericht: Bericht) -> str | None:
    """The target whose path is charted: the first one with a computable path."""
    for z in bericht.auswertung.ziele:
        if z["pfad_aktuell"] is not None:
            return str(z["id"])
    return bericht.auswertung.ziele[0]["id"] if bericht.auswertung.ziele else None


def diagrammdaten(bericht: Bericht) -> list[Zeile]:
    """The two charts' data: the charted target's path and the utilisation of all lines; a
    path after the evaluated month in a column of its own (drawn dotted)."""
    a = bericht.auswertung
    j, bis = a.jahr, a.bis_monat
    ziel = ziel_fuer_diagramm(bericht)
    pfad = next((p for p in a.pfade if p.ziel_id == ziel), None)
    verlauf = bericht.mittel.verlauf if bericht.mittel else []
    zeilen: list[Zeile] = [
        [Zelle(HILFSDATEN, "abschnitt")],
        _kopf("Monat", *pfad_namen(j), *mittel_namen(j)),
    ]
    for name, werte_pfad, werte_mittel in zip(
        MONATE_KURZ, pfad_zeilen(pfad, bis), mittel_zeilen(verlauf, bis), strict=True
    ):
        zeilen.append([Zelle(name), *(Zelle(w) for w in [*werte_pfad, *werte_mittel])])
    return zeilen
