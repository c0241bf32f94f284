"""Commands that evaluate: ``auswerten``, ``kennzahlen`` and ``demo``."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from ..bericht.auswerten import Ausschnitt, auswerten, auswerten_alle
from ..daten.datenbestand import Datenbestand
from ..daten.vereinbarungen import beispiel
from ..fehler import EingabeFehler
from ..kern import monate
from ..kern.auswertung import HINWEIS_BEISPIELDATEN, Auswertung
from ..kern.kennzahlen import Panel, monatskennzahlen
from ..kern.merkmale import GESCHLECHTER
from ..kern.zahlen import zahl
from .ausgabe import (
    auswertung_als_text,
    auswertungen_als_csv,
    auswertungen_als_text,
    csv_text,
    tabelle,
)
from .hilfen import (
    ALLE,
    Fortschritt,
    ausgabeformat,
    ausgeben,
    monat_argument,
    store_pfad,
    traeger_aus_text,
    vereinbarung_aus_args,
)


def _als_text(a_format: str, auswertung: Auswertung) -> str:
    if a_format == "json":
        return json.dumps(auswertung.als_json(), ensure_ascii=False, indent=2) + "\n"
    if a_format == "csv":
        return auswertungen_als_csv([auswertung])
    return auswertung_als_text(auswertung) + "\n"


def befehl_auswerten(args: argparse.Namespace) -> int:
    a_format = ausgabeformat(args)
    vereinbarung = vereinbarung_aus_args(args)
    alle = str(args.traeger or "").strip().lower() == ALLE
    with Datenbestand(store_pfad(args)) as db:
        if alle:
            ergebnis = auswerten_alle(
                db, vereinbarung, Ausschnitt(None, args.jahr, args.bis_monat, args.wartezeit)
            )
        else:
            ausschnitt = Ausschnitt(
                traeger_aus_text(args.traeger), args.jahr, args.bis_monat, args.wartezeit
            )
            einzel = auswerten(db, vereinbarung, ausschnitt)
    if not alle:
        ausgeben(_als_text(a_format, einzel), a_format, args.ausgabe)
        return 0
    if ergebnis.ohne_daten:
        print(
            f"Ohne Daten im Jahr {args.jahr or vereinbarung.jahr} (benötigt: "
            f"{', '.join(vereinbarung.merkmale())}) und daher nicht ausgewertet: "
            f"{len(ergebnis.ohne_daten)} Träger ({', '.join(ergebnis.ohne_daten)}).",
            file=sys.stderr,
        )
    if a_format == "json":
        liste = [a.als_json() for a in ergebnis.auswertungen]
        text = json.dumps(liste, ensure_ascii=False, indent=2) + "\n"
    elif a_format == "csv":
        text = auswertungen_als_csv(ergebnis.auswertungen)
    else:
        text = auswertungen_als_text(ergebnis.auswertungen) + "\n"
    ausgeben(text, a_format, args.ausgabe)
    return 0


def befehl_kennzahlen(args: argparse.Namespace) -> int:
    a_format = ausgabeformat(args)
    args.traeger = traeger_aus_text(args.traeger)
    with Datenbestand(store_pfad(args)) as db:
        werte = db.neueste_werte(args.wartezeit, [args.traeger])
        beispiel = any(
            i.beispieldaten for i in db.importe() if i.import_id in set(werte["import_id"])
        )
        andere = db.wartezeiten(args.traeger) if werte.empty else []
    if andere:
        raise EingabeFehler(
            f"Für Träger {args.traeger} liegen keine Daten mit Wartezeit {args.wartezeit} vor, "
            f"nur mit Wartezeit {', '.join(andere)}: bitte --wartezeit {andere[0]} angeben."
        )
    if werte.empty:
        raise EingabeFehler(
            f"Für Träger {args.traeger} liegen im Datenbestand keine Daten vor. Bitte Daten "
            "importieren (zielsteuerung import DATEI) oder den Träger prüfen (--traeger)."
        )
    panel = Panel(werte, args.wartezeit, [args.traeger])
    bis = monat_argument(args.bis, "--bis") or panel.letzter
    von = monat_argument(args.von, "--von") or bis - 23
    if von > bis:
        raise EingabeFehler("--von liegt nach --bis.")
    geschlechter = (args.geschlecht,) if args.geschlecht else GESCHLECHTER
    lang = monatskennzahlen(panel, args.traeger, von, bis, args.kennzahl, geschlechter)
    lang["monat"] = lang["monat"].map(monate.als_text)
    if a_format == "json":
        eintraege = [
            {
                "traeger_id": args.traeger,
                "monat": z["monat"],
                "kennzahl": z["code"],
                "geschlecht": z["geschlecht"],
                "wert": None if z["wert"] != z["wert"] else z["wert"],
                "grund": z["grund"] if isinstance(z["grund"], str) else None,
            }
            for z in lang.to_dict("records")
        ]
        text = json.dumps(
            {"wartezeit": args.wartezeit, "kennzahlen": eintraege}, ensure_ascii=False, indent=2
        )
    elif a_format == "csv":
        hinweis = [HINWEIS_BEISPIELDATEN if beispiel else ""]
        text = csv_text(
            ["traeger_id", "monat", "kennzahl", "geschlecht", "wert", "grund", "hinweis"],
            ([args.traeger, *z, *hinweis] for z in lang.itertuples(index=False, name=None)),
        )
    else:
        breit = lang.pivot_table(
            index=["code", "geschlecht"],
            columns="monat",
            values="wert",
            aggfunc="first",
            dropna=False,
            sort=False,
        )
        zeilen = [f"*** {HINWEIS_BEISPIELDATEN} ***"] if beispiel else []
        zeilen.append(
            f"Kennzahlen nach § 48a SGB II (in %), Träger {args.traeger}, Wartezeit "
            f"{args.wartezeit}; – = nicht berechenbar (Gründe mit --format csv)"
        )
        zeilen.append(
            tabelle(
                ["Kennzahl", "Geschlecht", *breit.columns],
                (
                    [code, g, *(zahl(v, 1) for v in zeile)]
                    for (code, g), zeile in zip(breit.index, breit.to_numpy(), strict=True)
                ),
                set(range(2, len(breit.columns) + 2)),
            )
        )
        text = "\n".join(zeilen)
    ausgeben(text if a_format == "csv" else text + "\n", a_format, args.ausgabe)
    return 0


def befehl_demo(args: argparse.Namespace) -> int:
    from ..daten.beispieldaten import BEISPIEL_PLANUNG as PLAN
    from ..daten.beispieldaten import beispiel_mittel, erzeuge_beispieldaten
    from ..daten.importer import importiere
    from ..kern.monate import MONATE
    from ..mappe.aktualisieren import arbeitsmappe

    ordner: Path = args.ordner
    ordner.mkdir(parents=True, exist_ok=True)
    csv_pfad = ordner / "beispieldaten-keine-amtlichen-werte.csv"
    store: Path = args.store or ordner / "beispiel-datenbestand.sqlite"
    print(f"{HINWEIS_BEISPIELDATEN}: erzeuge synthetische Grunddaten …", file=sys.stderr)
    daten = erzeuge_beispieldaten()  # whole numbers: written as such, not "10867.0"
    daten["wert"] = daten["wert"].astype("Int64")
    daten.to_csv(csv_pfad, sep=";", index=False, encoding="utf-8-sig")  # BOM: for Excel
    store.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=store.parent) as tmp:  # a fresh store, swapped in whole
        neu = Path(tmp) / store.name
        with Fortschritt() as fortschritt:
            importiere([csv_pfad], neu, None, fortschritt)
        for rest in (store.with_name(store.name + "-wal"), store.with_name(store.name + "-shm")):
            rest.unlink(missing_ok=True)
        os.replace(neu, store)
    with Datenbestand(store) as db:
        ergebnis = auswerten(db, beispiel(), plaene=PLAN)
    ausgeben(_als_text(args.format, ergebnis), args.format, None)
    mappe = ordner / "controlling-beispiel.xlsx"
    mappe.unlink(missing_ok=True)  # the demo workbook is always built fresh
    planung = [{"Ziel_ID": i, **dict(zip(MONATE, w, strict=True))} for i, w in PLAN.items()]
    arbeitsmappe(mappe, store, beispiel(), mittel=beispiel_mittel(2023), planung=planung)
    print(
        f"\nBeispieldaten: {csv_pfad}\nDatenbestand: {store}\nArbeitsmappe: {mappe}\n"
        f"Weiter z. B. mit: zielsteuerung auswerten --store {store} --bis-monat 6",
        file=sys.stderr,
    )
    return 0
