"""Text output for people: German number formats, tables, CSV (formula-safe)."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from typing import Any

from ..kern.auswertung import HINWEIS_BEISPIELDATEN, Auswertung, gruende
from ..kern.kennzahlen import JAHRESWERTE
from ..kern.monate import monatsname
from ..kern.zahlen import wert_mit_einheit, zahl

_FORMEL_ANFANG = ("=", "+", "-", "@", "\t", "\r")


def stellen(kennzahl: str) -> int:
    """Decimals shown for a year-to-date value: quotas and shares one, counts and euros none."""
    return 1 if JAHRESWERTE[kennzahl][0] in ("jfw", "anteil") else 0


def _kurz(text: str, laenge: int = 60) -> str:
    return text if len(text) <= laenge else text[: laenge - 1] + "…"


def tabelle(kopf: Sequence[str], zeilen: Iterable[Sequence[str]], rechts: set[int]) -> str:
    zeilen = [list(z) for z in zeilen]
    breiten = [max(len(str(x)) for x in spalte) for spalte in zip(kopf, *zeilen, strict=False)]

    def zeile(werte: Sequence[str]) -> str:
        return "  ".join(
            str(w).rjust(b) if i in rechts else str(w).ljust(b)
            for i, (w, b) in enumerate(zip(werte, breiten, strict=False))
        ).rstrip()

    return "\n".join([zeile(kopf), "  ".join("-" * b for b in breiten), *map(zeile, zeilen)])


def auswertung_als_text(a: Auswertung) -> str:
    teile = []
    if a.beispieldaten:
        teile.append(f"*** {HINWEIS_BEISPIELDATEN} ***")
    teile.append(f"Zielvereinbarung {a.jahr} – {a.beschreibung}")
    teile.append("")
    zeilen = []
    fussnoten = []
    for z in a.ziele:
        status = z["status"] + (" (knapp)" if z["knapp"] else "")
        noch = z.get("noch_benoetigt")
        zeilen.append(
            [
                _kurz(z["bezeichnung"]),
                zahl(z["vorjahr"], stellen(z["kennzahl"])),
                zahl(z["aktuell"], stellen(z["kennzahl"])),
                wert_mit_einheit(z["veraenderung"], z["einheit"], True),
                f"{z['vergleich']} {wert_mit_einheit(z['schwelle'], z['einheit'], True)}",
                zahl(z["zielwert"], stellen(z["kennzahl"])),
                "" if noch is None else zahl(noch),
                status,
            ]
        )
        fussnoten += [f"{z['id']}: {g}" for g in gruende(z)]
    teile.append(
        tabelle(
            [
                "Ziel",
                "Vorjahr",
                "Aktuell",
                "Veränderung",
                "Schwelle",
                "Zielwert",
                "noch nötig",
                "Status",
            ],
            zeilen,
            {1, 2, 3, 4, 5, 6},
        )
    )
    teile += ["", f"Zielpfad (bis {monatsname(a.bis_monat)}) und Prognose für Dezember:"]
    teile.append(
        tabelle(
            [
                "Ziel",
                "Zielpfad",
                "Stand zum Zielpfad",
                "Jahreszielwert",
                "Prognose Dez.",
                "laut Prognose",
            ],
            [
                [
                    _kurz(z["bezeichnung"]),
                    zahl(z["pfad_aktuell"], stellen(z["kennzahl"])),
                    z["status_pfad"],
                    zahl(z["zielwert_jahr"], stellen(z["kennzahl"])),
                    zahl(z["prognose"], stellen(z["kennzahl"])),
                    z["prognose_status"],
                ]
                for z in a.ziele
            ],
            {1, 3, 4},
        )
    )
    if a.monitoring:
        teile += ["", "Monitoring (ohne Zielwert):"]
        teile.append(
            tabelle(
                ["Größe", "Vorjahr", "Aktuell", "Veränderung"],
                [
                    [
                        _kurz(m["bezeichnung"]),
                        zahl(m["vorjahr"], stellen(m["kennzahl"])),
                        zahl(m["aktuell"], stellen(m["kennzahl"])),
                        wert_mit_einheit(m["veraenderung"], m["einheit"], True),
                    ]
                    for m in a.monitoring
                ],
                {1, 2, 3},
            )
        )
        fussnoten += [f"{m['id']}: {m['grund']}" for m in a.monitoring if m["grund"]]
    if fussnoten:
        teile += ["", "Nicht berechenbar:", *(f"- {f}" for f in fussnoten)]
    if a.beispieldaten:
        teile += ["", f"*** {HINWEIS_BEISPIELDATEN} ***"]
    return "\n".join(teile)


def text_sicher(wert: Any) -> Any:
    """Text that a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(wert, str) and wert.startswith(_FORMEL_ANFANG):
        return "'" + wert
    return wert


def csv_text(kopf: Sequence[str], zeilen: Iterable[Sequence[Any]]) -> str:
    """CSV for German Excel: ';' separated, decimal comma, formula-safe text."""
    puffer = io.StringIO()
    schreiber = csv.writer(puffer, delimiter=";", lineterminator="\n")
    schreiber.writerow(kopf)
    for zeile in zeilen:
        schreiber.writerow(
            [
                ""
                if w is None or (isinstance(w, float) and math.isnan(w))
                else ("ja" if w else "nein")
                if isinstance(w, bool)
                else repr(float(w)).replace(".", ",")
                if isinstance(w, float)
                else text_sicher(w)
                for w in zeile
            ]
        )
    return puffer.getvalue()


def auswertungen_als_csv(auswertungen: list[Auswertung]) -> str:
    """One row per Träger and target or monitoring item."""
    kopf = [
        "traeger_id", "traeger_name", "jahr", "bis_monat", "wartezeit", "bereich", "id",
        "bezeichnung", "vorjahr", "aktuell", "veraenderung", "einheit", "schwelle", "zielwert",
        "distanz", "noch_benoetigt", "status", "knapp", "grund", "zielwert_jahr", "pfad_aktuell",
        "status_pfad", "prognose", "prognose_veraenderung", "prognose_status", "hinweis",
    ]  # fmt: skip
    zeilen = []
    for a in auswertungen:
        for bereich, eintraege in (("ziel", a.ziele), ("monitoring", a.monitoring)):
            for e in eintraege:
                zeilen.append(
                    [a.traeger_id, a.traeger_name, a.jahr, a.bis_monat, a.wartezeit, bereich]
                    + [e.get(k) for k in kopf[6:-1]]
                    + [HINWEIS_BEISPIELDATEN if a.beispieldaten else ""]
                )
    return csv_text(kopf, zeilen)


def auswertungen_als_text(auswertungen: list[Auswertung]) -> str:
    """Every Träger in one line: the change and status of each target."""
    if not auswertungen:
        return "Keine Träger mit Daten für diese Auswertung."
    erste = auswertungen[0]
    teile = []
    beispiel = any(a.beispieldaten for a in auswertungen)
    if beispiel:
        teile.append(f"*** {HINWEIS_BEISPIELDATEN} ***")
    teile += [
        f"Zielvereinbarung {erste.jahr} für {len(auswertungen)} Träger, Wartezeit "
        f"{erste.wartezeit}: je Ziel die Veränderung gegenüber dem Vorjahr und der Status",
        "",
    ]
    ziele = [(z["id"], z["bezeichnung"]) for z in erste.ziele]
    zeilen = []
    for a in auswertungen:
        nach_id = {z["id"]: z for z in a.ziele}
        zeilen.append(
            [a.traeger_id, _kurz(a.traeger_name, 32), monatsname(a.bis_monat)[:3]]
            + [
                f"{wert_mit_einheit(z['veraenderung'], z['einheit'], True)} {z['status']}"
                if (z := nach_id.get(i))
                else ""
                for i, _ in ziele
            ]
        )
    teile.append(tabelle(["Träger", "Name", "bis", *(i for i, _ in ziele)], zeilen, set()))
    teile += ["", *(f"{i}: {bezeichnung}" for i, bezeichnung in ziele)]
    teile.append("Gründe, Zielpfad und Prognose: mit --format csv oder --format json.")
    if beispiel:
        teile += ["", f"*** {HINWEIS_BEISPIELDATEN} ***"]
    return "\n".join(teile)
