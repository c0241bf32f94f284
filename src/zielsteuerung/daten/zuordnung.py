"""Column mapping ("Spaltenzuordnung"): how the columns of a foreign table become base figures.

A file's headers are matched, in this order, against the mapping file's ``[spalten]``, the
built-in aliases for common German headers, gender columns (Frauen, Männer, Insgesamt),
Zähler/Nenner columns, merkmal names (one column per merkmal) and month headers (one column
per month). The format is documented in docs/spaltenzuordnung.md.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..fehler import EingabeFehler
from ..kern.merkmale import geschlecht_code, merkmal_code, normalisiere, wartezeit_code
from ..kern.monate import parse_monat
from ..textdatei import text_lesen, toml_fehler

DIMENSIONEN = (
    "traeger_id",
    "traeger_name",
    "berichtsmonat",
    "merkmal",
    "geschlecht",
    "wartezeit",
    "datenstand",
)
ROLLEN = (*DIMENSIONEN, "wert", "hinweis", "ignorieren")

_ALIASE: dict[str, str] = {}
for _rolle, _namen in {
    "traeger_id": "traeger_id traeger jobcenter jobcenter_nr jobcenter_nummer jc "
    "regionalschluessel rs kreis kreisschluessel ags region region_code",
    "traeger_name": "traeger_name name jobcenter_name kreisname region_label",
    "berichtsmonat": "berichtsmonat monat stichtag berichtszeitraum zeitraum periode period "
    "datum reference_month",
    "merkmal": "merkmal indikator kennzahl kennziffer",
    "geschlecht": "geschlecht",
    "wert": "wert anzahl value",
    "wartezeit": "wartezeit",
    "datenstand": "datenstand stand datenstand_vom",
    "hinweis": "hinweis quelle bemerkung anmerkung",
}.items():
    for _name in _namen.split():
        _ALIASE[_name] = _rolle

#: Zähler/Nenner layouts: indicator -> (numerator merkmal, denominator merkmal), monthly values.
KENNZAHL_GRUNDDATEN: dict[str, tuple[str, str]] = {
    "K2": ("INT", "ELB"),
    "K2E1": ("EIN_GB", "ELB"),
    "K2E2": ("EIN_OGB", "ELB"),
    "K2E3": ("KONT_BESCH", "INT"),
    "K2E4": ("INT_AE", "ELB_AE"),
    "K3E1": ("INT_LZB", "LZB"),
    "K3E2": ("LZB_MASSN", "LZB"),
}


@dataclass(frozen=True)
class Wertspalte:
    """A column holding values, with the dimensions its header fixes."""

    merkmal: str | None = None
    geschlecht: str | None = None
    berichtsmonat: int | None = None
    rolle: str | None = None  # "zaehler" / "nenner"


Rolle = str | Wertspalte


@dataclass
class Spaltenzuordnung:
    quelle: str = "eingebaut"
    blatt: str | None = None
    kopfzeile: int | None = None
    trennzeichen: str | None = None
    dezimalzeichen: str | None = None
    unbekannte_spalten: str = "fehler"
    spalten: dict[str, Rolle] = field(default_factory=dict)
    feste_werte: dict[str, str] = field(default_factory=dict)
    merkmale: dict[str, str] = field(default_factory=dict)
    kennzahlen: dict[str, tuple[str, str]] = field(default_factory=dict)
    traeger: dict[str, str] = field(default_factory=dict)

    def rolle(self, kopf: str) -> Rolle | None:
        """The role of a header, or None if nothing knows it."""
        schluessel = normalisiere(kopf)
        if schluessel in self.spalten:
            return self.spalten[schluessel]
        if schluessel in _ALIASE:
            return _ALIASE[schluessel]
        if schluessel in ("insgesamt", "gesamt", "frauen", "weiblich", "maenner", "maennlich"):
            return Wertspalte(geschlecht=geschlecht_code(schluessel))
        if schluessel in ("zaehler", "nenner"):
            return Wertspalte(rolle=schluessel)
        code = self.merkmal(kopf)
        if code:
            return Wertspalte(merkmal=code)
        monat = parse_monat(kopf)
        if monat is not None:
            return Wertspalte(berichtsmonat=monat)
        return None

    def merkmal(self, text: str) -> str | None:
        return self.merkmale.get(normalisiere(text)) or merkmal_code(text)

    def kennzahl(self, text: str) -> tuple[str, str] | None:
        schluessel = normalisiere(text)
        eigene = self.kennzahlen.get(schluessel)
        return eigene or KENNZAHL_GRUNDDATEN.get(schluessel.upper())


def _fehler(pfad: Path, text: str) -> EingabeFehler:
    return EingabeFehler(f"Spaltenzuordnung {pfad}: {text}")


def _wertspalte(pfad: Path, kopf: str, angabe: dict[str, Any]) -> Wertspalte:
    erlaubt = {"merkmal", "geschlecht", "berichtsmonat", "rolle"}
    if unbekannt := set(angabe) - erlaubt:
        raise _fehler(pfad, f"Spalte „{kopf}“: unbekannte Angabe {sorted(unbekannt)}.")
    merkmal = geschlecht = rolle = None
    monat = None
    if "merkmal" in angabe:
        merkmal = merkmal_code(str(angabe["merkmal"]))
        if not merkmal:
            raise _fehler(pfad, f"Spalte „{kopf}“: unbekanntes Merkmal „{angabe['merkmal']}“.")
    if "geschlecht" in angabe:
        geschlecht = geschlecht_code(str(angabe["geschlecht"]))
        if not geschlecht:
            raise _fehler(pfad, f"Spalte „{kopf}“: unbekanntes Geschlecht.")
    if "berichtsmonat" in angabe:
        monat = parse_monat(angabe["berichtsmonat"])
        if monat is None:
            raise _fehler(pfad, f"Spalte „{kopf}“: Berichtsmonat nicht lesbar.")
    if "rolle" in angabe:
        rolle = normalisiere(str(angabe["rolle"]))
        if rolle not in ("zaehler", "nenner"):
            raise _fehler(pfad, f"Spalte „{kopf}“: rolle muss „zaehler“ oder „nenner“ sein.")
    return Wertspalte(merkmal, geschlecht, monat, rolle)


def lade(pfad: Path | str) -> Spaltenzuordnung:
    """Read and check a mapping file (TOML)."""
    pfad = Path(pfad)
    try:
        daten = tomllib.loads(text_lesen(pfad.read_bytes()))
    except FileNotFoundError:
        raise EingabeFehler(f"Spaltenzuordnung nicht gefunden: {pfad}") from None
    except tomllib.TOMLDecodeError as exc:
        raise _fehler(pfad, f"kein gültiges TOML ({toml_fehler(exc)}).") from None
    erlaubt = {"datei", "spalten", "feste_werte", "merkmale", "kennzahlen", "traeger"}
    if unbekannt := set(daten) - erlaubt:
        raise _fehler(
            pfad, f"unbekannte Abschnitte {sorted(unbekannt)}; erlaubt: {sorted(erlaubt)}."
        )
    z = Spaltenzuordnung(quelle=str(pfad))
    datei = daten.get("datei", {})
    erlaubt_datei = {"blatt", "kopfzeile", "trennzeichen", "dezimalzeichen", "unbekannte_spalten"}
    if unbekannt := set(datei) - erlaubt_datei:
        raise _fehler(
            pfad,
            f"[datei]: unbekannte Angabe {sorted(unbekannt)}; erlaubt: {sorted(erlaubt_datei)}.",
        )
    z.blatt = datei.get("blatt")
    z.kopfzeile = datei.get("kopfzeile")
    z.trennzeichen = datei.get("trennzeichen")
    z.dezimalzeichen = datei.get("dezimalzeichen")
    z.unbekannte_spalten = datei.get("unbekannte_spalten", "fehler")
    if z.dezimalzeichen not in (None, ",", "."):
        raise _fehler(pfad, "dezimalzeichen muss „,“ oder „.“ sein.")
    if z.unbekannte_spalten not in ("fehler", "ignorieren"):
        raise _fehler(pfad, "unbekannte_spalten muss „fehler“ oder „ignorieren“ sein.")
    if z.kopfzeile is not None and (not isinstance(z.kopfzeile, int) or z.kopfzeile < 1):
        raise _fehler(pfad, "kopfzeile muss eine Zeilennummer ab 1 sein.")
    for kopf, angabe in daten.get("spalten", {}).items():
        if isinstance(angabe, dict):
            z.spalten[normalisiere(kopf)] = _wertspalte(pfad, kopf, angabe)
        elif isinstance(angabe, str) and angabe in ROLLEN:
            z.spalten[normalisiere(kopf)] = angabe
        else:
            raise _fehler(
                pfad, f"Spalte „{kopf}“: „{angabe}“ ist keine Rolle; erlaubt: {', '.join(ROLLEN)}."
            )
    for name, wert in daten.get("feste_werte", {}).items():
        if name not in DIMENSIONEN:
            raise _fehler(
                pfad, f"fester Wert „{name}“ unbekannt; erlaubt: {', '.join(DIMENSIONEN)}."
            )
        z.feste_werte[name] = str(wert)
    for text, code in daten.get("merkmale", {}).items():
        if not merkmal_code(str(code)):
            raise _fehler(pfad, f"Merkmal „{text}“ = „{code}“: unbekannter Code.")
        z.merkmale[normalisiere(text)] = str(merkmal_code(str(code)))
    for text, angabe in daten.get("kennzahlen", {}).items():
        zaehler = merkmal_code(str(angabe.get("zaehler", ""))) if isinstance(angabe, dict) else None
        nenner = merkmal_code(str(angabe.get("nenner", ""))) if isinstance(angabe, dict) else None
        if not (zaehler and nenner):
            raise _fehler(pfad, f"Kennzahl „{text}“ braucht zaehler und nenner als Merkmal-Codes.")
        z.kennzahlen[normalisiere(text)] = (zaehler, nenner)
    z.traeger = {str(k): str(v) for k, v in daten.get("traeger", {}).items()}
    for quelle, ziel in z.traeger.items():
        if not re.fullmatch(r"\d{5}", ziel):
            raise _fehler(
                pfad,
                f"[traeger] „{quelle}“ = „{ziel}“: Ziel muss ein 5-stelliger Regionalschlüssel "
                "in Anführungszeichen sein.",
            )
    if "wartezeit" in z.feste_werte and not wartezeit_code(z.feste_werte["wartezeit"]):
        raise _fehler(pfad, "fester Wert wartezeit muss T0 oder T3 sein.")
    return z
