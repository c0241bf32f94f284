"""Zielvereinbarung as data (fachkonzept 4): parsed from TOML text or from the workbook's table,
checked with German messages. The format is documented in docs/zielvereinbarung.md; files and
the built-in agreement are read by ``daten.vereinbarungen``.
"""

from __future__ import annotations

import contextlib
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..fehler import VereinbarungFehler
from ..textdatei import toml_fehler
from .kennzahlen import JAHRESWERTE
from .merkmale import GESCHLECHTER, WARTEZEITEN
from .zahlen import zahl_lesen

ARTEN = {"relativ": "%", "absolut": "abs", "geschlechterabstand": "pp"}
VERGLEICHE = (">=", "<=")


@dataclass(frozen=True)
class Ziel:
    id: str
    bezeichnung: str
    kennzahl: str
    art: str  # relativ | absolut | geschlechterabstand
    vergleich: str | None  # ">=" / "<="; None for monitoring
    schwelle: float | None
    geschlecht: str = "gesamt"
    hinweis: str = ""

    @property
    def einheit(self) -> str:
        """%, pp or abs; an absolute change of a quota or share is in percentage points."""
        if self.art == "absolut" and JAHRESWERTE[self.kennzahl][0] in ("jfw", "anteil"):
            return "pp"
        return ARTEN[self.art]


def kurzname(ziel_id: str) -> str:
    """A short label for column headers from a target id: k2_abstand -> K2 Abstand,
    integrationen_lzb -> Integrationen LZB."""
    return " ".join(
        t.upper() if len(t) <= 3 else t[:1].upper() + t[1:] for t in ziel_id.split("_") if t
    )


def kurznamen(ids: Iterable[str]) -> dict[str, str]:
    """Short labels of several targets, unique (the ids themselves where two would coincide)."""
    kurz = {i: kurzname(i) for i in ids}
    return kurz if len(set(kurz.values())) == len(kurz) else {i: i for i in kurz}


@dataclass(frozen=True)
class Zielvereinbarung:
    traeger_id: str
    jahr: int
    wartezeit: str
    ziele: tuple[Ziel, ...]
    monitoring: tuple[Ziel, ...] = ()
    traeger_name: str = ""
    partner: str = ""
    quelle: str = ""

    def merkmale(self, mit_monitoring: bool = False) -> list[str]:
        """Base figures the targets need (for the default 'last month with data'); with the
        monitoring items', every figure the evaluation reads."""
        return merkmale_von(self.ziele + (self.monitoring if mit_monitoring else ()))


def merkmale_von(ziele: Iterable[Ziel]) -> list[str]:
    """The base figures the targets' indicators read (numerator, denominator), each once."""
    codes: list[str] = []
    for ziel in ziele:
        _, zaehler, nenner = JAHRESWERTE[ziel.kennzahl]
        codes += [zaehler] + ([nenner] if nenner else [])
    return list(dict.fromkeys(codes))


_ZIEL_FELDER = {
    "id",
    "bezeichnung",
    "kennzahl",
    "art",
    "vergleich",
    "schwelle",
    "geschlecht",
    "hinweis",
}
_KOPF_FELDER = {"traeger_id", "traeger_name", "jahr", "wartezeit", "partner", "ziel", "monitoring"}


def _ziel(roh: Any, nr: int, abschnitt: str, fehler: list[str], blatt: bool) -> Ziel | None:
    """One [[ziel]] or [[monitoring]] entry; ``blatt``: a row of the sheet, named as such."""
    ort = f"[[{abschnitt}]] Nr. {nr}"
    if not isinstance(roh, dict):
        fehler.append(f"{ort}: erwartet eine Tabelle mit id, bezeichnung, kennzahl, art.")
        return None
    if blatt:  # the sheet's row, by its Ziel_ID
        art = "Ziel" if abschnitt == "ziel" else "Monitoring"
        ort = f"{art} „{roh['id']}“" if roh.get("id") else f"{art} Nr. {nr}"
    else:
        ort += f" („{roh.get('id', '?')}“)"
    for name in sorted(set(roh) - _ZIEL_FELDER):
        fehler.append(
            f"{ort}: unbekanntes Feld „{name}“; erlaubt: {', '.join(sorted(_ZIEL_FELDER))}."
        )
    anzahl = len(fehler)

    def feld(name: str) -> str:  # as a reader of the sheet or of the file knows it
        return f"Spalte „{_SPALTEN[name]}“" if blatt else name

    pflicht = ["id", "bezeichnung", "kennzahl", "art"]
    if abschnitt == "ziel":
        pflicht += ["vergleich", "schwelle"]
    for name in pflicht:
        if name not in roh:
            fehlt = f"{feld(name)} ist leer" if blatt else f"Feld „{name}“ fehlt"
            fehler.append(f"{ort}: {fehlt}.")
    if "id" in roh and not re.fullmatch(r"[a-z][a-z0-9_]*", str(roh["id"])):
        fehler.append(
            f"{ort}: {feld('id')} nur aus Kleinbuchstaben, Ziffern und _ (z. B. „k2_abstand“)."
        )
    if "kennzahl" in roh and roh["kennzahl"] not in JAHRESWERTE:
        fehler.append(
            f"{ort}: Kennzahl „{roh['kennzahl']}“ unbekannt; erlaubt: {', '.join(JAHRESWERTE)}."
        )
    if "art" in roh and roh["art"] not in ARTEN:
        fehler.append(
            f"{ort}: {feld('art')} „{roh['art']}“ unbekannt; erlaubt: {', '.join(ARTEN)}."
        )
    if "vergleich" in roh and roh["vergleich"] not in VERGLEICHE:
        fehler.append(
            f"{ort}: {feld('vergleich')} muss „>=“ (mindestens) oder „<=“ (höchstens) sein."
        )
    schwelle = roh.get("schwelle")
    if "schwelle" in roh and (isinstance(schwelle, bool) or not isinstance(schwelle, int | float)):
        beispiel = "2,7 oder -0,4, ohne %-Zeichen und Einheit" if blatt else "2.7 oder -0.4"
        gelesen = f", nicht „{schwelle}“" if isinstance(schwelle, str) else ""
        fehler.append(f"{ort}: {feld('schwelle')} muss eine Zahl sein{gelesen} (z. B. {beispiel}).")
    geschlecht = roh.get("geschlecht", "gesamt")
    if geschlecht not in GESCHLECHTER:
        fehler.append(f"{ort}: {feld('geschlecht')} muss gesamt, frauen oder maenner sein.")
    if roh.get("art") == "geschlechterabstand":
        if geschlecht != "gesamt":
            wie = "bleibt Spalte „Geschlecht“ leer" if blatt else "entfällt die Angabe geschlecht"
            fehler.append(f"{ort}: beim Geschlechterabstand {wie}.")
        if JAHRESWERTE.get(str(roh.get("kennzahl")), ("summe",))[0] not in ("jfw", "anteil"):
            fehler.append(
                f"{ort}: ein Geschlechterabstand ist nur für Quoten und Anteile sinnvoll "
                + ("(z. B. Kennzahl „K2“)." if blatt else '(z. B. kennzahl = "K2").')
            )
    if len(fehler) > anzahl:
        return None
    return Ziel(
        id=str(roh["id"]),
        bezeichnung=str(roh["bezeichnung"]),
        kennzahl=str(roh["kennzahl"]),
        art=str(roh["art"]),
        vergleich=roh.get("vergleich"),
        schwelle=float(schwelle) if schwelle is not None else None,
        geschlecht=str(geschlecht),
        hinweis=str(roh.get("hinweis", "")),
    )


def aus_daten(daten: dict[str, Any], quelle: str) -> Zielvereinbarung:
    """Check a parsed agreement; all problems are reported at once. ``quelle`` ``BLATT``:
    the workbook's sheet (its rows and numbers named as a reader of the sheet sees them)."""
    blatt = quelle == BLATT
    fehler: list[str] = []
    for name in sorted(set(daten) - _KOPF_FELDER):
        fehler.append(f"unbekanntes Feld „{name}“; erlaubt: {', '.join(sorted(_KOPF_FELDER))}.")
    traeger_id = str(daten.get("traeger_id", ""))
    if not re.fullmatch(r"\d{5}", traeger_id):
        fehler.append(
            "traeger_id muss ein 5-stelliger Regionalschlüssel in Anführungszeichen sein "
            '(z. B. traeger_id = "05154").'
        )
    jahr = daten.get("jahr")
    if not isinstance(jahr, int) or isinstance(jahr, bool) or not 2005 <= jahr <= 2100:
        fehler.append("jahr muss eine Jahreszahl sein (z. B. jahr = 2023).")
    wartezeit = daten.get("wartezeit", "T3")
    if wartezeit not in WARTEZEITEN:
        fehler.append('wartezeit muss "T0" oder "T3" sein.')
    ziele_roh = daten.get("ziel", [])
    if not isinstance(ziele_roh, list) or not ziele_roh:
        fehler.append("Die Vereinbarung enthält kein Ziel ([[ziel]]-Abschnitte).")
        ziele_roh = []
    monitoring_roh = daten.get("monitoring", [])
    if not isinstance(monitoring_roh, list):
        fehler.append("monitoring muss eine Liste von [[monitoring]]-Abschnitten sein.")
        monitoring_roh = []
    ziele = [_ziel(z, i + 1, "ziel", fehler, blatt) for i, z in enumerate(ziele_roh)]
    beobachtet = [
        _ziel(z, i + 1, "monitoring", fehler, blatt) for i, z in enumerate(monitoring_roh)
    ]
    ids = [str(z["id"]) for z in ziele_roh + monitoring_roh if isinstance(z, dict) and "id" in z]
    for doppelt in sorted({i for i in ids if ids.count(i) > 1}):
        fehler.append(f"id „{doppelt}“ kommt mehrfach vor.")
    if fehler:
        raise VereinbarungFehler(
            f"Zielvereinbarung {quelle} ist fehlerhaft:\n" + "\n".join(f"- {f}" for f in fehler)
        )
    return Zielvereinbarung(
        traeger_id=traeger_id,
        jahr=int(jahr),  # type: ignore[arg-type]
        wartezeit=str(wartezeit),
        ziele=tuple(z for z in ziele if z),
        monitoring=tuple(z for z in beobachtet if z),
        traeger_name=str(daten.get("traeger_name", "")),
        partner=str(daten.get("partner", "")),
        quelle=quelle,
    )


BLATT = "auf dem Blatt „Zielvereinbarung“"
#: the fields of an entry and the columns of tbl_Vereinbarung that hold them
_SPALTEN = {
    "id": "Ziel_ID", "bezeichnung": "Ziel", "kennzahl": "Kennzahl", "art": "Art",
    "vergleich": "Vergleich", "schwelle": "Schwelle", "geschlecht": "Geschlecht",
    "hinweis": "Hinweis",
}  # fmt: skip


def aus_tabelle(
    zeilen: list[dict[str, Any]], traeger_id: str, jahr: Any, wartezeit: str, traeger_name: str = ""
) -> Zielvereinbarung:
    """The agreement as the workbook's table tbl_Vereinbarung states it, checked like a file."""
    ziele, monitoring, fehler = [], [], []
    for z in zeilen:
        if all(w in (None, "") for w in z.values()):
            continue
        if isinstance(schwelle := z.get("Schwelle"), str):  # a number as text: "2,7"
            with contextlib.suppress(ValueError):
                z = {**z, "Schwelle": zahl_lesen(schwelle)}
        eintrag = {feld: z.get(spalte) for feld, spalte in _SPALTEN.items()}
        eintrag["geschlecht"] = eintrag["geschlecht"] or "gesamt"
        eintrag["hinweis"] = eintrag["hinweis"] or ""
        eintrag = {k: w for k, w in eintrag.items() if w is not None}
        bereich = str(z.get("Bereich") or "Ziel").strip()
        if bereich.lower() == "monitoring":
            gesetzt = [eintrag.pop(feld, "") for feld in ("vergleich", "schwelle")]
            if any(w != "" for w in gesetzt):
                fehler.append(  # a target meant, or a threshold left over: not guessed
                    f"Monitoring „{eintrag.get('id', '?')}“ hat Vergleich oder Schwelle; für ein "
                    "Ziel bitte in Spalte „Bereich“ „Ziel“ eintragen, sonst beide leeren."
                )
            monitoring.append(eintrag)
        elif bereich.lower() == "ziel":
            ziele.append(eintrag)
        else:
            fehler.append(
                f"„{eintrag.get('id', '?')}“: Spalte „Bereich“ „{bereich}“ unbekannt; bitte "
                "„Ziel“ oder „Monitoring“."
            )
    if fehler:
        raise VereinbarungFehler(
            f"Zielvereinbarung {BLATT} ist fehlerhaft:\n" + "\n".join(f"- {f}" for f in fehler)
        )
    if isinstance(jahr, float) and jahr.is_integer():
        jahr = int(jahr)
    daten = {"traeger_id": traeger_id, "traeger_name": traeger_name, "jahr": jahr,
             "wartezeit": wartezeit, "ziel": ziele, "monitoring": monitoring}  # fmt: skip
    return aus_daten(daten, BLATT)


def laden_aus_text(text: str, quelle: str) -> Zielvereinbarung:
    try:
        daten = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise VereinbarungFehler(
            f"Zielvereinbarung {quelle} ist kein gültiges TOML ({toml_fehler(exc)})."
        ) from None
    return aus_daten(daten, quelle)
