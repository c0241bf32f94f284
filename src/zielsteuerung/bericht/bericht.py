"""Everything the controlling workbook shows, computed from the store in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..daten.datenbestand import Datenbestand
from ..daten.traeger import nrw_zkt
from ..kern import monate
from ..kern.auswertung import Auswertung
from ..kern.bewertung import veraenderung_berechnen
from ..kern.kennzahlen import KENNZAHLEN, Panel, monatswerte
from ..kern.mittel import Mittelausschoepfung, auswerten_mittel, mittel_lesen
from ..kern.monate import MONATE
from ..kern.vereinbarung import Zielvereinbarung
from ..kern.zahlen import wert_oder_none
from ..kern.zielpfad import planung_lesen
from .auswerten import (
    Ausschnitt,
    Grundlage,
    einzeln,
    genutzte_zeilen,
    zeitraum,
)
from .vergleich import Vergleich, vergleich_aus

#: Monthly § 48a values shown on the sheet "Kennzahlen": (column, code, geschlecht)
KENNZAHL_SPALTEN = [(code, code, "gesamt") for code in KENNZAHLEN] + [
    ("K2 Frauen", "K2", "frauen"),
    ("K2 Männer", "K2", "maenner"),
]

#: What each column of the sheet "Kennzahlen" means (shown below its table).
KENNZAHL_TEXTE = {
    "K1": "Veränderung der Summe der Leistungen zum Lebensunterhalt gegenüber dem Vorjahresmonat",
    "K1E1": "Veränderung der Leistungen für Unterkunft und Heizung gegenüber dem Vorjahresmonat",
    "K1E2": "Veränderung der Zahl der erwerbsfähigen Leistungsberechtigten (eLb) gegenüber dem "
    "Vorjahresmonat",
    "K1E3": "Zugangsrate der eLb: Zugänge im Verhältnis zum Bestand, Mittel über zwölf Monate",
    "K1E4": "Abgangsrate der eLb: Abgänge im Verhältnis zum Bestand des Vormonats, Mittel über "
    "zwölf Monate",
    "K2": "Integrationsquote: Integrationen in zwölf Monaten über den durchschnittlichen "
    "Bestand an eLb der zwölf Monate davor",
    "K2E1": "Quote der Eintritte in geringfügige Beschäftigung (gerechnet wie K2)",
    "K2E2": "Quote der Eintritte in öffentlich geförderte Beschäftigung (gerechnet wie K2)",
    "K2E3": "Anteil der Integrationen mit kontinuierlicher Beschäftigung danach (zwölf Monate)",
    "K2E4": "Integrationsquote der Alleinerziehenden (gerechnet wie K2)",
    "K3": "Veränderung des Bestands an Langzeitleistungsbeziehenden (LZB) gegenüber dem "
    "Vorjahresmonat",
    "K3E1": "Integrationsquote der LZB (gerechnet wie K2)",
    "K3E2": "Aktivierungsquote der LZB: Anteil in Maßnahmen der aktiven Arbeitsförderung",
    "K3E3": "Zugangsrate der LZB (gerechnet wie K1E3)",
    "K3E4": "Abgangsrate der LZB (gerechnet wie K1E4)",
    "K2 Frauen": "Integrationsquote K2 der Frauen",
    "K2 Männer": "Integrationsquote K2 der Männer",
}

#: How the sheets write a geschlecht code.
GESCHLECHT_TEXT = {"gesamt": "gesamt", "frauen": "Frauen", "maenner": "Männer"}


@dataclass
class Bericht:
    auswertung: Auswertung
    vereinbarung: Zielvereinbarung
    gender: list[dict[str, Any]]
    verlauf: list[dict[str, Any]]
    kennzahlen: list[dict[str, Any]]
    daten: list[dict[str, Any]]
    quellen: list[dict[str, Any]]
    vergleich: Vergleich | None = None
    zielpfad: list[dict[str, Any]] = field(default_factory=list)
    mittel: Mittelausschoepfung | None = None
    planung: list[dict[str, Any]] = field(default_factory=list)  # the sheet's rows, as read
    #: the year the plan is for (written to "Planung für das Jahr"), and the note where it is
    #: for another year than the one evaluated and was not applied
    planung_jahr: int | None = None
    planung_hinweis: str | None = None


def _gender(panel: Panel, v: Zielvereinbarung, a: Auswertung) -> list[dict[str, Any]]:
    """Gender-Datenblatt: the year-to-date quota of women and men through each month (the
    columns of tbl_Gender: "K2 Frauen Vorjahr", ..., "Abstand", "Veränderung Abstand")."""
    abstand = next((z for z in v.ziele if z.art == "geschlechterabstand"), None)
    kennzahl = abstand.kennzahl if abstand else "K2"
    zeilen = []
    for m in range(1, a.bis_monat + 1):
        werte = {}
        for jahr, zusatz in ((a.jahr - 1, " Vorjahr"), (a.jahr, "")):
            for g in ("frauen", "maenner"):
                verlauf = panel.jahresverlauf(kennzahl, g, jahr)  # every month, computed once
                werte[f"{kennzahl} {GESCHLECHT_TEXT[g]}{zusatz}"] = wert_oder_none(
                    verlauf.wert[m - 1, panel.spalte[a.traeger_id]]
                )
            f, mn = werte[f"{kennzahl} Frauen{zusatz}"], werte[f"{kennzahl} Männer{zusatz}"]
            werte[f"Abstand{zusatz}"] = None if f is None or mn is None else abs(mn - f)
        vj, akt = werte["Abstand Vorjahr"], werte["Abstand"]
        zeilen.append(
            {
                "Monat": monate.als_name(monate.monat(a.jahr, m)),
                **werte,
                "Veränderung Abstand": None if vj is None or akt is None else akt - vj,
            }
        )
    return zeilen


def _verlauf(v: Zielvereinbarung, a: Auswertung) -> list[dict[str, Any]]:
    """Month by month: the year-to-date change of every target beside its threshold, from the
    same year-to-date values as the path (computed as the evaluation computes a change)."""
    zeilen = []
    for m in range(a.bis_monat):
        zeile: dict[str, Any] = {"Monat": monate.als_name(monate.monat(a.jahr, m + 1))}
        for ziel, pfad in zip(v.ziele, a.pfade, strict=True):
            aenderung = veraenderung_berechnen(pfad.ist[m], pfad.vorjahr[m], ziel.art)
            zeile[ziel.id] = wert_oder_none(float(aenderung))
            zeile[f"{ziel.id}_Schwelle"] = ziel.schwelle
        zeilen.append(zeile)
    return zeilen


def _zielpfad(a: Auswertung) -> list[dict[str, Any]]:
    """Month by month: every target's actual year-to-date value, its path and the prior year."""
    zeilen = []
    for m, name in enumerate(MONATE):
        zeile: dict[str, Any] = {"Monat": f"{name} {a.jahr}"}
        for p in a.pfade:
            zeile[p.ziel_id] = p.ist[m]
            zeile[f"{p.ziel_id}_Pfad"] = p.pfad[m]
            zeile[f"{p.ziel_id}_Vorjahr"] = p.vorjahr[m]
        zeilen.append(zeile)
    return zeilen


def _kennzahlen(panel: Panel, a: Auswertung) -> list[dict[str, Any]]:
    """The official monthly § 48a values of the last 24 months."""
    bis = monate.monat(a.jahr, a.bis_monat)
    index = pd.RangeIndex(bis - 23, bis + 1)
    spalten = {}
    for name, code, geschlecht in KENNZAHL_SPALTEN:
        spalten[name] = monatswerte(panel, code, geschlecht, a.traeger_id).reindex(index)
    return [
        {"Monat": monate.als_name(m), **{n: wert_oder_none(s[m]) for n, s in spalten.items()}}
        for m in index
    ]


def bericht_fuer_mappe(
    store: Path,
    vereinbarung: Zielvereinbarung,
    ausschnitt: Ausschnitt,
    vergleichsgruppe: list[str] | None,
    planung: list[dict[str, Any]] | None,
    mittel: list[dict[str, Any]] | None,
    planung_jahr: int | None = None,
) -> Bericht:
    """The report a controlling workbook asks for: its store and its settings (the comparison
    group as read from the sheet; None: the default group)."""
    with Datenbestand(store) as db:
        return erstelle_bericht(
            db,
            vereinbarung,
            ausschnitt,
            vergleichsgruppe=vergleichsgruppe,
            planung=planung,
            mittel=mittel,
            planung_jahr=planung_jahr,
        )


def erstelle_bericht(
    db: Datenbestand,
    vereinbarung: Zielvereinbarung,
    ausschnitt: Ausschnitt | None = None,
    *,
    vergleichsgruppe: list[str] | None = None,
    planung: list[dict[str, Any]] | None = None,
    mittel: list[dict[str, Any]] | None = None,
    planung_jahr: int | None = None,
) -> Bericht:
    """The evaluation and everything around it; the peer group defaults to the NRW zkT.
    ``planung`` and ``mittel`` are the rows of the sheets "Planung" and "Mittel", if any;
    both are checked before anything is computed. A plan made for another year
    (``planung_jahr``; None: the year evaluated) is not applied, and the report says so: last
    year's plan kept in a copy of last year's workbook is no path for this year.

    One read and one evaluation serve the Träger and its peer group: the Träger's rows of
    every figure from January three years back (the sheet "Kennzahlen" shows 24 months of
    twelve-month indicators), the group's rows of the agreement's figures in the months the
    evaluation uses."""
    plaene = planung_lesen(planung or [], vereinbarung)
    posten = None if mittel is None else mittel_lesen(mittel)
    ausschnitt = ausschnitt or Ausschnitt()
    traeger_id, jahr, wartezeit = ausschnitt.fuer(vereinbarung)
    planung_hinweis = None
    if plaene and planung_jahr not in (None, jahr):
        planung_hinweis = (
            f"Die Planung auf dem Blatt „Planung“ gilt für {planung_jahr}, ausgewertet wird "
            f"{jahr}: Sie ist nicht angewandt, der Zielpfad folgt dem Vorjahresverlauf. Für "
            f"{jahr} die Planwerte anpassen und bei „Planung für das Jahr“ {jahr} eintragen, "
            "oder die Zeilen leeren."
        )
        plaene = {}
    gruppe = vergleichsgruppe or nrw_zkt()
    andere = [t for t in dict.fromkeys(gruppe) if t != traeger_id]
    von, bis = zeitraum(jahr)
    eigene = db.neueste_werte(wartezeit, [traeger_id], (jahr - 3) * 100 + 1, bis)
    merkmale = vereinbarung.merkmale(mit_monitoring=True)
    werte = pd.concat(
        [eigene, *([db.neueste_werte(wartezeit, andere, von, bis, merkmale)] if andere else [])],
        ignore_index=True,
    )
    vorhanden = sorted(set(werte["traeger_id"]))
    panel = Panel(werte, wartezeit, sorted({*vorhanden, traeger_id}))
    grundlage = Grundlage(werte, panel)
    ergebnis = einzeln(
        db, vereinbarung, grundlage, traeger_id, jahr, ausschnitt.bis_monat, wartezeit, plaene
    )
    a = ergebnis.auswertungen[0]
    genutzt = genutzte_zeilen(eigene, jahr, a.bis_monat)  # every figure: the sheet "Daten"
    importe = ergebnis.importe
    daten = [
        {
            "Merkmal": z.merkmal,
            "Geschlecht": GESCHLECHT_TEXT.get(str(z.geschlecht), z.geschlecht),
            "Monat": monate.als_name(monate.aus_yyyymm(int(z.monat))),
            "Wert": wert_oder_none(z.wert),
            "Fehlkennzeichen": z.fehlkennzeichen or None,
            "Wartezeit": a.wartezeit,
            "Datenstand": monate.als_datum(z.datenstand),
            "Quelle": importe[int(z.import_id)].dateiname,
        }
        for z in genutzt.sort_values(["merkmal", "geschlecht", "monat"]).itertuples()
    ]
    quellen = [
        {
            "Datei": importe[int(i)].dateiname,
            "SHA-256": importe[int(i)].sha256,
            "Importiert am": monate.als_zeitpunkt(importe[int(i)].importiert_am),
            "Beispieldaten": "ja" if importe[int(i)].beispieldaten else "nein",
        }
        for i in sorted(genutzt["import_id"].unique())
    ]
    return Bericht(
        auswertung=a,
        vereinbarung=vereinbarung,
        gender=_gender(panel, vereinbarung, a),
        verlauf=_verlauf(vereinbarung, a),
        kennzahlen=_kennzahlen(panel, a),
        daten=daten,
        quellen=quellen,
        vergleich=vergleich_aus(
            vereinbarung, a, ergebnis.tabellen[a.bis_monat], vorhanden, ergebnis.namen, gruppe
        ),
        zielpfad=_zielpfad(a),
        mittel=None if posten is None else auswerten_mittel(posten, a.jahr, a.bis_monat),
        planung=list(planung or []),
        planung_jahr=jahr if planung_hinweis is None else planung_jahr,
        planung_hinweis=planung_hinweis,
    )
