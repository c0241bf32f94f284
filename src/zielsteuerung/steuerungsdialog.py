"""The sheet "Steuerungsdialog": a print-ready summary (A4 landscape, at most two pages) for
the meeting with the ministry. It is rebuilt by every refresh from the same evaluation as the
other sheets; ``raster`` is what both the file refresh and the ribbon button write.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .auswertung import HINWEIS_BEISPIELDATEN
from .bericht import Bericht
from .steuerung import MONATE

BLATT = "Steuerungsdialog"
BREITE = 10  # columns A..J
DATEN_SPALTE = BREITE + 2  # the charts' data, right of the print area (column L)


@dataclass(frozen=True)
class Zelle:
    wert: Any
    stil: str | None = None  # titel, untertitel, hinweis, abschnitt, kopf, status, umbruch
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
    zeitraum = a.als_json()["zeitraum"]
    zeilen: list[Zeile] = [
        [Zelle(f"Steuerungsdialog – Zielvereinbarung {a.jahr} – {a.traeger_name} "
               f"({a.traeger_id})", "titel")],
        [Zelle(f"{zeitraum}, Wartezeit {a.wartezeit}, Datenstand {a.datenstand or '–'}; "
               "Werte Januar bis Monat gegenüber denselben Monaten des Vorjahres", "untertitel")],
        [Zelle(HINWEIS_BEISPIELDATEN if a.beispieldaten else None, "hinweis")],
    ]  # fmt: skip

    zeilen += _abschnitt("Ziele: Stand, Zielpfad und Prognose für Dezember")
    zeilen.append(
        _kopf("Ziel", "Vorjahr", "Aktuell", "Veränderung", "Schwelle", "Status", "Zielpfad",
              "Stand zum Zielpfad", "Prognose Dezember", "Prognose")
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
    gruende = [f"{z['id']}: {g}" for z in a.ziele for g in (z["grund"], z["pfad_grund"]) if g]
    zeilen += [[Zelle(g, "untertitel")] for g in gruende]

    if bericht.gender:
        letzte = bericht.gender[-1]
        kennzahl = next(k for k in letzte if k.endswith("_Frauen")).removesuffix("_Frauen")
        zeilen += _abschnitt(f"Gender-Datenblatt: {kennzahl} Jahresfortschrittswert, {zeitraum}")
        zeilen.append(_kopf("", "Frauen", "Männer", "Abstand"))
        for jahr, zusatz in ((a.jahr - 1, "_Vorjahr"), (a.jahr, "")):
            zeilen.append(
                [
                    Zelle(str(jahr)),
                    Zelle(letzte[f"{kennzahl}_Frauen{zusatz}"], None, formate["quote"]),
                    Zelle(letzte[f"{kennzahl}_Maenner{zusatz}"], None, formate["quote"]),
                    Zelle(letzte[f"Abstand{zusatz}"], None, formate["pp_wert"]),
                ]
            )
        zeilen.append([Zelle("Veränderung"), Zelle(None), Zelle(None),
                       Zelle(letzte["Veraenderung_pp"], None, formate["pp"])])  # fmt: skip

    if a.monitoring:
        zeilen += _abschnitt("Monitoring (ohne Zielwert)")
        zeilen.append(_kopf("Größe", "Vorjahr", "Aktuell", "Veränderung"))
        zeilen += [_vergleichszeile(m, formate) for m in a.monitoring]

    zeilen += _abschnitt("Mittelausschöpfung")
    mittel = bericht.mittel
    if mittel is None or not mittel.zeilen:
        text = mittel.hinweis if mittel else "Keine Mittel erfasst (Blatt „Mittel“)."
        zeilen.append([Zelle(text, "untertitel")])
    else:
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
                    Zelle(m["Stand"]),
                    Zelle(m["Ausgaben"], None, euro),
                    Zelle(m["Ausschoepfung"], None, quote),
                    Zelle(m["Pfad_linear"], None, quote),
                    Zelle(m["Pfad_Vorjahr"], None, quote),
                    Zelle(m["Prognose_Dezember"], None, euro),
                    Zelle(m["Prognose_Ausschoepfung"], None, quote),
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
    """The two charts' data: the charted target's path, and the utilisation of all lines."""
    a = bericht.auswertung
    ziel = ziel_fuer_diagramm(bericht)
    pfad = next((p for p in a.pfade if p.ziel_id == ziel), None)
    verlauf = bericht.mittel.verlauf if bericht.mittel else []
    zeilen: list[Zeile] = [
        [Zelle("Daten der Diagramme", "abschnitt")],
        _kopf("Monat", f"Ist {a.jahr}", "Zielpfad", f"Vorjahr {a.jahr - 1}",
              f"Mittel Ist {a.jahr}", "Mittel linear", f"Mittel Vorjahr {a.jahr - 1}"),
    ]  # fmt: skip
    for m, name in enumerate(MONATE):
        mittel = verlauf[m] if verlauf else {}
        zeilen.append(
            [
                Zelle(name),
                Zelle(pfad.ist[m] if pfad else None),
                Zelle(pfad.pfad[m] if pfad else None),
                Zelle(pfad.vorjahr[m] if pfad else None),
                Zelle(mittel.get("Ist")),
                Zelle(mittel.get("Linear")),
                Zelle(mittel.get("Vorjahr")),
            ]
        )
    return zeilen
