"""Every table's rows and every named cell's value for one evaluation, computed once.

Shared by the file refresh (openpyxl) and the ribbon button (xlwings), so both write the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..bericht.bericht import Bericht
from ..kern.auswertung import HINWEIS_BEISPIELDATEN, Auswertung, gruende
from ..kern.mittel import SPALTEN as MITTEL_SPALTEN
from ..kern.monate import MONATE, als_datum, datum_text
from ..kern.vereinbarung import Zielvereinbarung, kurznamen
from ..kern.zahlen import zahl
from ..kern.zielpfad import eingabeart
from ..version import __version__
from . import livewerte
from .einstellungen import jahr_des_zeitraums
from .formate import FORMATE, abstandsformat, wertformat
from .vertrag import VORLAGENVERSION


def _ziel_format(z: dict[str, Any], spalte: str) -> str | None:
    if spalte in ("Vorjahr", "Aktuell", "Zielwert", "Zielpfad", "Prognose Dezember"):
        return wertformat(z["_kennzahl"], z["_art"])
    if spalte in ("Veränderung", "Schwelle"):
        return FORMATE[z["Einheit"]]
    if spalte == "Abstand zum Zielwert":
        return abstandsformat(z["_kennzahl"], z["_art"])
    if spalte == "Noch benötigt":
        return FORMATE["anzahl"]
    return FORMATE["janein"] if spalte == "Knapp" else None


def dialog_formate(v: Zielvereinbarung) -> dict[str, str]:
    """Number formats of the sheet "Steuerungsdialog": by target id, and by unit."""
    formate = {z.id: wertformat(z.kennzahl, z.art) for z in v.ziele}
    formate.update({m.id: wertformat(m.kennzahl) for m in v.monitoring})
    return {**formate, **FORMATE}


def _gender_pruefung(a: Auswertung) -> str:
    abstand = next((z for z in a.ziele if z["einheit"] == "pp"), None)
    if abstand is None:
        return "Die Zielvereinbarung enthält kein Ziel zum Geschlechterabstand."
    if abstand["veraenderung"] is None:
        return f"Ziel zum Geschlechterabstand nicht berechenbar: {abstand['grund']}"
    grenze = "höchstens" if abstand["vergleich"] == "<=" else "mindestens"
    return (
        f"Ziel: Abstand gegenüber dem Vorjahr um {grenze} "
        f"{zahl(abstand['schwelle'], 1, True)} pp verändert – bisher "
        f"{zahl(abstand['veraenderung'], 1, True)} pp ({abstand['status']})"
    )


def jahreswechsel(zeitraum: Any, jahr: int, erlaeuterungen: dict[str, Any]) -> str | None:
    """The note for a workbook last evaluated for another year (its "Zeitraum" before the
    refresh, e.g. "Januar bis Juni 2023"), as every January when a copy of last year's workbook
    is set to the new year: its targets and thresholds, and its explanations, are that year's
    until the user changes them, and would go to the ministry as this year's."""
    alt = jahr_des_zeitraums(zeitraum)
    if alt in (None, jahr):
        return None
    pruefen = f"ob Ziele und Schwellen auf dem Blatt „Zielvereinbarung“ die für {jahr} sind"
    if any(t not in (None, "") for t in erlaeuterungen.values()):
        pruefen += f"; die Erläuterungen auf dem Blatt „Erläuterungen“ wurden für {alt} geschrieben"
    return (
        f"Die Mappe war zuletzt für {alt} ausgewertet, jetzt für {jahr}. Bitte prüfen, {pruefen}. "
        "Erst danach sollte die Kopie für das Ministerium geschrieben werden."
    )


@dataclass
class Inhalt:
    """What one table of the contract holds after a refresh."""

    tabelle: str
    zeilen: list[dict[str, Any]]
    format_: Callable[[dict[str, Any], str], str | None] = lambda _z, _s: None
    spalten: list[str] | None = None  # the header, where it follows the agreement


def untertitel(a: Auswertung) -> str:
    """Period, Wartezeit and Datenstand of an evaluation, as the sheets' subtitles say it."""
    return (
        f"{a.zeitraum} (Werte Januar bis Monat gegenüber denselben Monaten des "
        f"Vorjahres), Wartezeit {a.wartezeit}, Datenstand {datum_text(a.datenstand)}"
    )


def _wie(formate: dict[str, str]) -> Callable[[dict[str, Any], str], str | None]:
    return lambda _z, s: formate.get(s)


_PROGNOSE_WERTE = ("Zielwert Jahr", "Zielpfad", "Aktuell", "Prognose Dezember")


_MITTEL_FORMATE = {
    **dict.fromkeys(("Mittel", "Ausgaben", "Prognose Dezember", "Prognose linear", "Rest"),
                    FORMATE["euro"]),
    **dict.fromkeys(("Ausschöpfung", "Pfad linear", "Pfad Vorjahr", "Prognose Ausschöpfung",
                     "Ist"), FORMATE["quote"]),
    "Monat": FORMATE["monat"],
}  # fmt: skip


def mittel_format(_z: dict[str, Any], s: str) -> str | None:
    if s == "Jahr":
        return "0"
    return FORMATE["euro"] if s in MITTEL_SPALTEN[2:] else None


def inhalte(
    bericht: Bericht, erlaeuterungen: dict[str, Any]
) -> tuple[list[Inhalt], dict[str, tuple[Any, str | None]]]:
    """Every table's rows and every named cell's value for one evaluation.

    Shared by the file refresh (openpyxl) and the ribbon button (xlwings), so both write
    the same. ``erlaeuterungen`` are the texts the workbook holds now (by Ziel_ID).
    """
    a, v = bericht.auswertung, bericht.vereinbarung
    arten = {z.id: z.art for z in v.ziele}
    kurz = kurznamen(z.id for z in v.ziele)
    ziele = [
        {
            "Ziel_ID": z["id"], "Ziel": z["bezeichnung"], "Vorjahr": z["vorjahr"],
            "Aktuell": z["aktuell"], "Veränderung": z["veraenderung"], "Einheit": z["einheit"],
            "Schwelle": z["schwelle"], "Zielwert": z["zielwert"],
            "Abstand zum Zielwert": z["distanz"], "Noch benötigt": z["noch_benoetigt"],
            "Status": z["status"], "Ampel": "●", "Knapp": z["knapp"],
            "Zielpfad": z["pfad_aktuell"], "Status Zielpfad": z["status_pfad"],
            "Prognose Dezember": z["prognose"], "Status Prognose": z["prognose_status"],
            "Grund": "; ".join(gruende(z)) or None,
            "_kennzahl": z["kennzahl"], "_art": arten[z["id"]],
        }
        for z in a.ziele
    ]  # fmt: skip
    monitoring = [
        {
            "Monitoring_ID": m["id"], "Größe": m["bezeichnung"], "Vorjahr": m["vorjahr"],
            "Aktuell": m["aktuell"], "Veränderung": m["veraenderung"], "Einheit": m["einheit"],
            "Grund": m["grund"], "_kennzahl": m["kennzahl"],
        }
        for m in a.monitoring
    ]  # fmt: skip

    def monitoring_format(z: dict[str, Any], s: str) -> str | None:
        if s in ("Vorjahr", "Aktuell"):
            return wertformat(z["_kennzahl"])
        return FORMATE[z["Einheit"]] if s == "Veränderung" else None

    def gender_format(_z: dict[str, Any], s: str) -> str | None:
        if s == "Monat":
            return FORMATE["monat"]
        if s == "Veränderung Abstand":
            return FORMATE["pp"]
        return FORMATE["pp_wert"] if s.startswith("Abstand") else FORMATE["quote"]

    verlauf_spalten = {
        i: (f"Veränderung {k}", f"Schwelle {k}") for i, k in kurz.items()
    }  # fmt: skip
    verlauf = [
        {"Monat": z["Monat"],
         **{t: z[i] for i, (t, _) in verlauf_spalten.items()},
         **{s: z[f"{i}_Schwelle"] for i, (_, s) in verlauf_spalten.items()}}
        for z in bericht.verlauf
    ]  # fmt: skip
    verlauf_formate = {"Monat": FORMATE["monat"]}
    for ziel in v.ziele:
        verlauf_formate.update(dict.fromkeys(verlauf_spalten[ziel.id], FORMATE[ziel.einheit]))

    offen = dict(erlaeuterungen)
    erlaeuterungen_neu = [
        {"Ziel_ID": z["id"], "Ziel": z["bezeichnung"], "Status": z["status"],
         "Erläuterung": offen.pop(z["id"], None)}
        for z in a.ziele
    ] + [  # texts of targets no longer agreed are kept, never dropped
        {"Ziel_ID": i, "Ziel": None, "Status": "nicht mehr in der Vereinbarung", "Erläuterung": t}
        for i, t in offen.items()
        if t not in (None, "")
    ]  # fmt: skip
    ziele_nach_id = {z.id: z for z in v.ziele}
    wertformate = {z.id: wertformat(z.kennzahl, z.art) for z in v.ziele}
    abstandsformate = {z.id: abstandsformat(z.kennzahl, z.art) for z in v.ziele}

    pfad_spalten = {i: (f"Ist {k}", f"Zielpfad {k}", f"Vorjahr {k}") for i, k in kurz.items()}
    zielpfad = [
        {"Monat": z["Monat"],
         **{t: z[s] for i, titel in pfad_spalten.items()
            for t, s in zip(titel, (i, f"{i}_Pfad", f"{i}_Vorjahr"), strict=True)}}
        for z in bericht.zielpfad
    ]  # fmt: skip
    zielpfad_formate = {"Monat": FORMATE["monat"]}
    for i, titel in pfad_spalten.items():
        zielpfad_formate.update(dict.fromkeys(titel, wertformate[i]))

    def prognose_format(z: dict[str, Any], s: str) -> str | None:
        if s in _PROGNOSE_WERTE:
            return wertformate[z["Ziel_ID"]]
        if s in ("Abstand zum Zielpfad", "Prognose Abstand zum Zielwert"):
            return abstandsformate[z["Ziel_ID"]]
        return FORMATE[z["Einheit"]] if s == "Prognose Veränderung" else None

    prognose = [
        {
            "Ziel_ID": z["id"], "Ziel": z["bezeichnung"], "Zielpfad aus": z["pfad_quelle"],
            "Zielwert Jahr": z["zielwert_jahr"], "Zielpfad": z["pfad_aktuell"],
            "Aktuell": z["aktuell"], "Abstand zum Zielpfad": z["abstand_pfad"],
            "Status Zielpfad": z["status_pfad"], "Prognose Dezember": z["prognose"],
            "Prognose Veränderung": z["prognose_veraenderung"],
            "Prognose Abstand zum Zielwert": z["prognose_abstand"],
            "Status Prognose": z["prognose_status"], "Grund": z["pfad_grund"],
            "Einheit": z["einheit"],
        }
        for z in a.ziele
    ]  # fmt: skip
    geplant = {str(z.get("Ziel_ID")): z for z in bericht.planung}
    planung = [
        {"Ziel_ID": z.id, "Ziel": z.bezeichnung, "Eingabe": eingabeart(z),
         **{m: geplant.get(z.id, {}).get(m) for m in MONATE}}
        for z in v.ziele
    ] + [  # plans of targets no longer agreed are kept, never dropped
        {"Ziel_ID": i, "Ziel": None, "Eingabe": "nicht mehr in der Vereinbarung",
         **{m: z.get(m) for m in MONATE}}
        for i, z in geplant.items()
        if i not in ziele_nach_id and any(z.get(m) not in (None, "") for m in MONATE)
    ]  # fmt: skip

    def planung_format(z: dict[str, Any], s: str) -> str | None:
        ziel = ziele_nach_id.get(str(z.get("Ziel_ID")))
        if s not in MONATE or ziel is None:
            return None
        return wertformat(ziel.kennzahl, ziel.art)

    mittel = bericht.mittel
    tabellen = [
        Inhalt("tbl_Ziele", ziele, _ziel_format),
        Inhalt("tbl_Monitoring", monitoring, monitoring_format),
        Inhalt("tbl_Gender", bericht.gender, gender_format,
               list(bericht.gender[0]) if bericht.gender else None),
        Inhalt("tbl_Verlauf", verlauf, _wie(verlauf_formate),
               ["Monat", *(t for paar in verlauf_spalten.values() for t in paar)]),
        Inhalt("tbl_Kennzahlen", bericht.kennzahlen,
               lambda _z, s: FORMATE["monat"] if s == "Monat" else FORMATE["prozentwert"]),
        Inhalt("tbl_Daten", bericht.daten, _wie({"Monat": FORMATE["monat"],
               "Wert": FORMATE["anzahl"], "Datenstand": FORMATE["datum"]})),
        Inhalt("tbl_Erlaeuterungen", erlaeuterungen_neu),
        Inhalt("tbl_Quellen", bericht.quellen, _wie({"Importiert am": FORMATE["zeitpunkt"]})),
        Inhalt("tbl_Planung", planung, planung_format),
        Inhalt("tbl_Zielpfad", zielpfad, _wie(zielpfad_formate),
               ["Monat", *(t for titel in pfad_spalten.values() for t in titel)]),
        Inhalt("tbl_Prognose", prognose, prognose_format),
        Inhalt("tbl_Mittel_Auswertung", mittel.zeilen if mittel else [], _wie(_MITTEL_FORMATE)),
        Inhalt("tbl_Mittel_Verlauf", mittel.verlauf if mittel else [], _wie(_MITTEL_FORMATE)),
        Inhalt(livewerte.TABELLE, livewerte.zeilen(v, a), livewerte.format_),
    ]  # fmt: skip
    zeitraum = a.zeitraum
    hinweis = HINWEIS_BEISPIELDATEN if a.beispieldaten else None
    namen: dict[str, tuple[Any, str | None]] = {
        "Traeger_ID": (a.traeger_id, "@"),
        "Traeger_Name": (a.traeger_name, None),
        "Jahr": (a.jahr, "0"),
        "Wartezeit": (a.wartezeit, None),
        "Gender_Pruefung": (_gender_pruefung(a), None),
        "Programmversion": (__version__, None),
        "Vorlagenversion": (VORLAGENVERSION, None),
        "Aktualisiert_am": (dt.datetime.now().replace(microsecond=0), FORMATE["zeitpunkt"]),
        "Bis_Monat": (a.bis_monat, "0"),
        "Zeitraum": (zeitraum, None),
        "Datenstand": (als_datum(a.datenstand), FORMATE["datum"]),
        "Wartezeit_ausgewertet": (a.wartezeit, None),
        "Hinweis": (hinweis, None),
        "Untertitel": (untertitel(a), None),
        "Planung_Jahr": (bericht.planung_jahr, "0"),
    }
    return tabellen, namen
