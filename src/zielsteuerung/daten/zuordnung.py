"""Column mapping ("Spaltenzuordnung"): how the columns of a foreign table become base figures.

A file's headers are matched, in this order, against the mapping file's ``[spalten]``, the
built-in aliases for common German headers, gender columns (Frauen, Männer, Insgesamt),
Zähler/Nenner columns, merkmal names (one column per merkmal) and month headers (one column
per month). The format is documented in docs/spaltenzuordnung.md.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..fehler import EingabeFehler
from ..kern.merkmale import (
    MERKMALE,
    geschlecht_code,
    merkmal_bezeichnungen,
    merkmal_code,
    normalisiere,
    wartezeit_code,
)
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
IGNORIEREN = "ignorieren"
ROLLEN = (*DIMENSIONEN, "wert", "hinweis", IGNORIEREN)

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

_GESCHLECHTSSPALTEN = ("insgesamt", "gesamt", "frauen", "weiblich", "maenner", "maennlich")

#: between the two parts of a header that spans two rows: "Integrationen / Frauen"
KOPF_TRENNER = " / "

#: a fixed value to be read from the title rows above the table (``daten.titel``)
AUS_DEM_TITEL = "titel"


def liste(namen: Any) -> str:
    """Names for a German message: „a“, „b“ (never Python's list syntax)."""
    return ", ".join(f"„{n}“" for n in namen)


def _enthaelt(name: str, teil: str) -> bool:
    """Whether the normalised name holds the normalised part as whole words."""
    return f"_{teil}_" in f"_{name}_"


@dataclass
class Spaltenzuordnung:
    quelle: str = "eingebaut"
    blatt: str | None = None
    kopfzeile: int | None = None
    trennzeichen: str | None = None
    dezimalzeichen: str | None = None
    unbekannte_spalten: str = "fehler"
    unbekannte_merkmale: str = "fehler"
    sprungpruefung: str = "fehler"
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
        if KOPF_TRENNER in kopf:
            return self._zusammengesetzt(kopf)
        if schluessel in _ALIASE:
            return _ALIASE[schluessel]
        teil = re.sub(
            r"^(darunter|davon|dar|dav)_(?=frauen|weiblich|maenner|maennlich)", "", schluessel
        )
        if teil in _GESCHLECHTSSPALTEN:  # "darunter Frauen" beside "Insgesamt", as BA writes
            return Wertspalte(geschlecht=geschlecht_code(teil))
        if schluessel in ("zaehler", "nenner"):
            return Wertspalte(rolle=schluessel)
        if self.merkmal_ignoriert(kopf):
            return IGNORIEREN
        code = self.merkmal(kopf)
        if code:
            return Wertspalte(merkmal=code)
        monat = parse_monat(kopf)
        if monat is not None:
            return Wertspalte(berichtsmonat=monat)
        return None

    def _zusammengesetzt(self, kopf: str) -> Rolle | None:
        """A header of two rows ("Integrationen / Frauen"): a value column where both parts
        describe one (merkmal, geschlecht, month, Zähler/Nenner) and say nothing twice."""
        felder: dict[str, Any] = {}
        for teil in kopf.split(KOPF_TRENNER, 1):
            rolle = self.rolle(teil)
            if rolle == "wert":  # "Anzahl" over "Frauen": the lower part says it all
                continue
            if not isinstance(rolle, Wertspalte):
                return None
            for name, wert in asdict(rolle).items():
                if wert is not None:
                    if name in felder:
                        return None
                    felder[name] = wert
        return Wertspalte(**felder) if felder else None

    def merkmal(self, text: str) -> str | None:
        eigener = self.merkmale.get(normalisiere(text))
        if eigener == IGNORIEREN:
            return None
        return eigener or merkmal_code(text)

    def merkmal_ignoriert(self, text: str) -> bool:
        """Whether the mapping's [merkmale] says to skip this measure."""
        return self.merkmale.get(normalisiere(text)) == IGNORIEREN

    def kennzahl(self, text: str) -> tuple[str, str] | None:
        schluessel = normalisiere(text)
        eigene = self.kennzahlen.get(schluessel)
        return eigene or KENNZAHL_GRUNDDATEN.get(schluessel.upper())

    def zugeordnet(self, kopf: str) -> bool:
        """Whether the mapping's [spalten] names this header (the user decided its role)."""
        return normalisiere(kopf) in self.spalten

    def kennung(self) -> str:
        """SHA-256 of everything that decides how a file is read (not the mapping's file name,
        comments or order): with the file's own SHA-256 the identity of an import."""
        inhalt = asdict(self)
        del inhalt["quelle"]
        text = json.dumps(inhalt, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def aehnelt(self, text: str, nur_merkmale: bool = False) -> str | None:
        """What an unknown header or merkmal resembles among ours (a misspelling, or a name
        that contains one of ours), said in German; None if nothing."""
        name = normalisiere(text)
        if not name:
            return None
        merkmale = {**merkmal_bezeichnungen(), **self.merkmale}
        treffer: list[tuple[float, str]] = []
        for bekannt, code in merkmale.items():
            if code == IGNORIEREN or len(bekannt) < 5:  # not codes like "bg" inside "per_bg"
                continue
            aehnlich = difflib.SequenceMatcher(None, name, bekannt).ratio()
            if aehnlich >= 0.85 or _enthaelt(name, bekannt):
                treffer.append((aehnlich, f"dem Merkmal {code} („{MERKMALE[code][2]}“)"))
        if not nur_merkmale:
            rollen = {**_ALIASE, **dict.fromkeys(_GESCHLECHTSSPALTEN, "geschlecht")}
            for bekannt, rolle in rollen.items():
                aehnlich = difflib.SequenceMatcher(None, name, bekannt).ratio()
                if len(bekannt) >= 5 and aehnlich >= 0.85:
                    treffer.append((aehnlich, f"der Überschrift „{bekannt}“ ({rolle})"))
        return max(treffer)[1] if treffer else None


def _fehler(pfad: Path, text: str) -> EingabeFehler:
    return EingabeFehler(f"Spaltenzuordnung {pfad}: {text}")


def _wertspalte(pfad: Path, kopf: str, angabe: dict[str, Any]) -> Wertspalte:
    erlaubt = {"merkmal", "geschlecht", "berichtsmonat", "rolle"}
    if unbekannt := set(angabe) - erlaubt:
        raise _fehler(
            pfad,
            f"Spalte „{kopf}“: unbekannte Angabe {liste(sorted(unbekannt))}; erlaubt: "
            f"{liste(sorted(erlaubt))}.",
        )
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
            pfad,
            f"unbekannter Abschnitt {liste(sorted(unbekannt))}; erlaubt: {liste(sorted(erlaubt))}.",
        )
    z = Spaltenzuordnung(quelle=str(pfad))
    datei = daten.get("datei", {})
    erlaubt_datei = {
        "blatt",
        "kopfzeile",
        "trennzeichen",
        "dezimalzeichen",
        "unbekannte_spalten",
        "unbekannte_merkmale",
        "sprungpruefung",
    }
    if unbekannt := set(datei) - erlaubt_datei:
        raise _fehler(
            pfad,
            f"[datei]: unbekannte Angabe {liste(sorted(unbekannt))}; erlaubt: "
            f"{liste(sorted(erlaubt_datei))}.",
        )
    z.blatt = datei.get("blatt")
    z.kopfzeile = datei.get("kopfzeile")
    z.trennzeichen = datei.get("trennzeichen")
    z.dezimalzeichen = datei.get("dezimalzeichen")
    z.unbekannte_spalten = datei.get("unbekannte_spalten", "fehler")
    z.unbekannte_merkmale = datei.get("unbekannte_merkmale", "fehler")
    z.sprungpruefung = datei.get("sprungpruefung", "fehler")
    if z.dezimalzeichen not in (None, ",", "."):
        raise _fehler(pfad, "dezimalzeichen muss „,“ oder „.“ sein.")
    for angabe, erlaubt_werte in (
        ("unbekannte_spalten", ("fehler", "ignorieren")),
        ("unbekannte_merkmale", ("fehler", "ignorieren")),
        ("sprungpruefung", ("fehler", "warnung")),
    ):
        if getattr(z, angabe) not in erlaubt_werte:
            raise _fehler(
                pfad, f"{angabe} muss „{erlaubt_werte[0]}“ oder „{erlaubt_werte[1]}“ sein."
            )
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
        if code == "ignorieren":
            z.merkmale[normalisiere(text)] = IGNORIEREN
            continue
        if not merkmal_code(str(code)):
            raise _fehler(
                pfad,
                f"Merkmal „{text}“ = „{code}“: unbekannter Code; erlaubt sind die Codes der "
                "Tabelle 2.2 oder „ignorieren“.",
            )
        z.merkmale[normalisiere(text)] = str(merkmal_code(str(code)))
    for text, angabe in daten.get("kennzahlen", {}).items():
        zaehler = merkmal_code(str(angabe.get("zaehler", ""))) if isinstance(angabe, dict) else None
        nenner = merkmal_code(str(angabe.get("nenner", ""))) if isinstance(angabe, dict) else None
        if not (zaehler and nenner):
            raise _fehler(pfad, f"Kennzahl „{text}“ braucht zaehler und nenner als Merkmal-Codes.")
        z.kennzahlen[normalisiere(text)] = (zaehler, nenner)
    z.traeger = {str(k): str(v) for k, v in daten.get("traeger", {}).items()}
    for quelle, ziel in z.traeger.items():
        if not (re.fullmatch(r"\d{5}", ziel) or ziel == IGNORIEREN):
            raise _fehler(
                pfad,
                f"[traeger] „{quelle}“ = „{ziel}“: Ziel muss ein 5-stelliger Regionalschlüssel "
                "in Anführungszeichen sein oder „ignorieren“ (Zeilen einer Summe wie Land oder "
                "Bund).",
            )
    wartezeit = z.feste_werte.get("wartezeit")
    if wartezeit is not None and wartezeit != AUS_DEM_TITEL and not wartezeit_code(wartezeit):
        raise _fehler(pfad, 'fester Wert wartezeit muss T0, T3 oder "titel" sein.')
    return z
