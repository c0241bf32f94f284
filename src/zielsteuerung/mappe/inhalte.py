"""Every table's rows and every named cell's value for one evaluation, computed once.

Shared by the file refresh (openpyxl) and the ribbon button (xlwings), so both write the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..bericht.bericht import Bericht
from ..kern.auswertung import HINWEIS_BEISPIELDATEN, Auswertung
from ..kern.mittel import SPALTEN as MITTEL_SPALTEN
from ..kern.monate import MONATE
from ..kern.vereinbarung import Zielvereinbarung
from ..kern.zahlen import zahl
from ..kern.zielpfad import eingabeart
from ..version import __version__
from .formate import FORMATE, wertformat
from .vertrag import VORLAGENVERSION


def _ziel_format(z: dict[str, Any], spalte: str) -> str | None:
    if spalte in ("Vorjahr", "Aktuell", "Zielwert", "Abstand", "Pfad", "Prognose"):
        return wertformat(z["_kennzahl"], z["_art"])
    if spalte in ("Veraenderung", "Schwelle"):
        return FORMATE[z["Einheit"]]
    if spalte == "Noch_benoetigt":
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
    return (
        f"Ziel: Abstand {abstand['vergleich']} {zahl(abstand['schwelle'], 1, True)} pp gegenüber "
        f"dem Vorjahr – Veränderung {zahl(abstand['veraenderung'], 1, True)} pp – "
        f"{abstand['status']}"
    )


@dataclass
class Inhalt:
    """What one table of the contract holds after a refresh."""

    tabelle: str
    zeilen: list[dict[str, Any]]
    format_: Callable[[dict[str, Any], str], str | None] = lambda _z, _s: None
    spalten: list[str] | None = None  # the header, where it follows the agreement


def _wie(formate: dict[str, str]) -> Callable[[dict[str, Any], str], str | None]:
    return lambda _z, s: formate.get(s)


_PROGNOSE_WERTE = (
    "Zielwert_Jahr",
    "Pfad",
    "Aktuell",
    "Abstand_Pfad",
    "Prognose",
    "Prognose_Abstand",
)


_MITTEL_FORMATE = {
    **dict.fromkeys(("Mittel", "Ausgaben", "Prognose_Dezember", "Prognose_linear", "Rest"),
                    FORMATE["euro"]),
    **dict.fromkeys(("Ausschoepfung", "Pfad_linear", "Pfad_Vorjahr", "Prognose_Ausschoepfung",
                     "Ist", "Linear", "Vorjahr"), FORMATE["quote"]),
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
    ziele = [
        {
            "Ziel_ID": z["id"], "Ziel": z["bezeichnung"], "Vorjahr": z["vorjahr"],
            "Aktuell": z["aktuell"], "Veraenderung": z["veraenderung"], "Einheit": z["einheit"],
            "Schwelle": z["schwelle"], "Zielwert": z["zielwert"], "Abstand": z["distanz"],
            "Noch_benoetigt": z["noch_benoetigt"], "Status": z["status"], "Ampel": "●",
            "Knapp": z["knapp"], "Pfad": z["pfad_aktuell"], "Status_Pfad": z["status_pfad"],
            "Prognose": z["prognose"], "Prognose_Status": z["prognose_status"],
            "Grund": "; ".join(g for g in (z["grund"], z["pfad_grund"]) if g) or None,
            "_kennzahl": z["kennzahl"], "_art": arten[z["id"]],
        }
        for z in a.ziele
    ]  # fmt: skip
    monitoring = [
        {
            "Monitoring_ID": m["id"], "Groesse": m["bezeichnung"], "Vorjahr": m["vorjahr"],
            "Aktuell": m["aktuell"], "Veraenderung": m["veraenderung"], "Einheit": m["einheit"],
            "Grund": m["grund"], "_kennzahl": m["kennzahl"],
        }
        for m in a.monitoring
    ]  # fmt: skip

    def monitoring_format(z: dict[str, Any], s: str) -> str | None:
        if s in ("Vorjahr", "Aktuell"):
            return wertformat(z["_kennzahl"])
        return FORMATE[z["Einheit"]] if s == "Veraenderung" else None

    def gender_format(_z: dict[str, Any], s: str) -> str | None:
        if s == "Monat":
            return FORMATE["monat"]
        if s == "Veraenderung_pp":
            return FORMATE["pp"]
        return FORMATE["pp_wert"] if s.startswith("Abstand") else FORMATE["quote"]

    einheiten = {z.id: z.einheit for z in v.ziele}

    def verlauf_format(_z: dict[str, Any], s: str) -> str:
        return FORMATE["monat"] if s == "Monat" else FORMATE[einheiten[s.removesuffix("_Schwelle")]]

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

    def zielpfad_format(_z: dict[str, Any], s: str) -> str:
        if s == "Monat":
            return FORMATE["monat"]
        return wertformate[s.removesuffix("_Pfad").removesuffix("_Vorjahr")]

    def prognose_format(z: dict[str, Any], s: str) -> str | None:
        if s in _PROGNOSE_WERTE:
            return wertformate[z["Ziel_ID"]]
        return FORMATE[z["Einheit"]] if s == "Prognose_Veraenderung" else None

    prognose = [
        {
            "Ziel_ID": z["id"], "Ziel": z["bezeichnung"], "Quelle": z["pfad_quelle"],
            "Zielwert_Jahr": z["zielwert_jahr"], "Pfad": z["pfad_aktuell"],
            "Aktuell": z["aktuell"], "Abstand_Pfad": z["abstand_pfad"],
            "Status_Pfad": z["status_pfad"], "Prognose": z["prognose"],
            "Prognose_Veraenderung": z["prognose_veraenderung"], "Einheit": z["einheit"],
            "Prognose_Abstand": z["prognose_abstand"], "Prognose_Status": z["prognose_status"],
            "Grund": z["pfad_grund"],
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
        Inhalt("tbl_Verlauf", bericht.verlauf, verlauf_format,
               ["Monat", *(s for z in v.ziele for s in (z.id, f"{z.id}_Schwelle"))]),
        Inhalt("tbl_Kennzahlen", bericht.kennzahlen,
               lambda _z, s: FORMATE["monat"] if s == "Monat" else FORMATE["prozentwert"]),
        Inhalt("tbl_Daten", bericht.daten,
               _wie({"Monat": FORMATE["monat"], "Wert": FORMATE["anzahl"]})),
        Inhalt("tbl_Erlaeuterungen", erlaeuterungen_neu),
        Inhalt("tbl_Quellen", bericht.quellen),
        Inhalt("tbl_Planung", planung, planung_format),
        Inhalt("tbl_Zielpfad", bericht.zielpfad, zielpfad_format,
               ["Monat", *(s for z in v.ziele for s in (z.id, f"{z.id}_Pfad", f"{z.id}_Vorjahr"))]),
        Inhalt("tbl_Prognose", prognose, prognose_format),
        Inhalt("tbl_Mittel_Auswertung", mittel.zeilen if mittel else [], _wie(_MITTEL_FORMATE)),
        Inhalt("tbl_Mittel_Verlauf", mittel.verlauf if mittel else [], _wie(_MITTEL_FORMATE)),
    ]  # fmt: skip
    zeitraum = a.als_json()["zeitraum"]
    hinweis = HINWEIS_BEISPIELDATEN if a.beispieldaten else None
    namen: dict[str, tuple[Any, str | None]] = {
        "Traeger_ID": (a.traeger_id, "@"),
        "Traeger_Name": (a.traeger_name, None),
        "Jahr": (a.jahr, "0"),
        "Wartezeit": (a.wartezeit, None),
        "Gender_Pruefung": (_gender_pruefung(a), None),
        "Programmversion": (__version__, None),
        "Vorlagenversion": (VORLAGENVERSION, None),
        "Aktualisiert_am": (dt.datetime.now().replace(microsecond=0), "DD.MM.YYYY HH:MM"),
        "Bis_Monat": (a.bis_monat, "0"),
        "Zeitraum": (zeitraum, None),
        "Datenstand": (a.datenstand, None),
        "Wartezeit_ausgewertet": (a.wartezeit, None),
        "Hinweis": (hinweis, None),
        "Untertitel": (
            f"{zeitraum}, Wartezeit {a.wartezeit}, Datenstand {a.datenstand or '–'}"
            + (f" – {hinweis}" if hinweis else ""),
            None,
        ),
    }
    return tabellen, namen
