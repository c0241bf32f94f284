"""The sheet "Steuerungsdialog": a print-ready summary (A4 landscape, at most two pages) for
the meeting with the ministry. It is rebuilt by every refresh from the same evaluation as the
other sheets; ``raster`` is what both the file refresh and the ribbon button write.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from ..bericht.bericht import Bericht
from ..kern.auswertung import HINWEIS_BEISPIELDATEN
from ..kern.monate import MONATE
from .inhalte import dialog_formate

if TYPE_CHECKING:
    from openpyxl import Workbook

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


def dialog_schreiben(wb: Workbook, bericht: Bericht, erlaeuterungen: dict[str, Any]) -> None:
    """Rebuild the sheet "Steuerungsdialog" (it holds nothing of the user's)."""
    # the writer's modules are imported here: the ribbon button needs only the contents above
    from openpyxl.chart import Reference
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from .diagramme import dreierdiagramm
    from .stil import BLAU, HINWEIS, TITEL, UNTERTITEL, ampel_regeln, seite_einrichten
    from .vorlage import blatt_anlegen
    from .zellen import setze

    if BLATT in wb.sheetnames:
        position = wb.sheetnames.index(BLATT)
        wb.remove(wb[BLATT])
        ws = wb.create_sheet(BLATT, position)
        seite_einrichten(ws)
    else:
        ws = blatt_anlegen(wb, BLATT)
    ws.page_setup.fitToHeight = 2
    ws.sheet_properties.tabColor = BLAU
    formate = dialog_formate(bericht.vereinbarung)
    stile = {
        "titel": (TITEL, None), "untertitel": (UNTERTITEL, None), "hinweis": (HINWEIS, None),
        "abschnitt": (Font(size=12, bold=True, color=BLAU), None),
        "kopf": (Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor=BLAU)),
    }  # fmt: skip
    inhalt = bloecke(bericht, erlaeuterungen, formate)
    for spalte, block in inhalt:
        for r, zeile in enumerate(block, start=1):
            for c, z in enumerate(zeile, start=spalte):
                zelle = ws.cell(r, c)
                setze(zelle, z.wert, z.format_)
                schrift, fuellung = stile.get(z.stil or "", (None, None))
                if schrift is not None:
                    zelle.font = schrift
                if fuellung is not None:
                    zelle.fill = fuellung
                zelle.alignment = Alignment(
                    wrap_text=z.stil in ("kopf", "umbruch", "erlaeuterung", "status"),
                    vertical="top" if z.stil == "erlaeuterung" else "center",
                    horizontal="center" if z.stil == "status" else None,
                )
                if z.stil == "status":
                    ampel_regeln(
                        ws, zelle.coordinate, partial('{0}="{1}"'.format, zelle.coordinate)
                    )
                if z.stil == "erlaeuterung":
                    ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=BREITE)
                    ws.row_dimensions[r].height = 15 * (len(str(z.wert)) // 130 + 1)
            if zeile and (zeile[0].stil == "kopf" or len(str(zeile[0].wert)) > 50):
                ws.row_dimensions[r].height = 30
    ws.column_dimensions["A"].width = 48
    for c in range(2, DATEN_SPALTE + 8):
        ws.column_dimensions[get_column_letter(c)].width = {8: 19, 10: 27}.get(c, 15)
    j, unten = bericht.auswertung.jahr, len(inhalt[0][1]) + 2
    monate_ = Reference(ws, min_col=DATEN_SPALTE, min_row=3, max_row=14)
    ziel = ziel_fuer_diagramm(bericht)
    bezeichnung = next((z.bezeichnung for z in bericht.vereinbarung.ziele if z.id == ziel), "")
    diagramme = [
        dreierdiagramm(f"Zielpfad – {bezeichnung}", "Januar bis Monat", ws, 2, DATEN_SPALTE + 1,
                        [f"Ist {j}", "Zielpfad", f"Vorjahr {j - 1}"]),
        dreierdiagramm("Mittelausschöpfung – alle Posten", "in % der Mittel", ws, 2,
                        DATEN_SPALTE + 4, [f"Ist {j}", "Linear", f"Vorjahr {j - 1}"]),
    ]  # fmt: skip
    for i, diagramm in enumerate(diagramme):
        diagramm.set_categories(monate_)
        diagramm.width, diagramm.height = 16.5, 8
        ws.add_chart(diagramm, f"{'A' if i == 0 else 'E'}{unten}")
    ws.print_area = f"A1:{get_column_letter(BREITE)}{unten + 17}"
