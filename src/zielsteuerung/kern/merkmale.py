"""Base figures (fachkonzept 2.2), their kinds, and the German names accepted for them."""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

Art = Literal["bestand", "zugang"]  # stock or flow

#: code -> (kind, unit, German label)
MERKMALE: dict[str, tuple[Art, str, str]] = {
    "ELB": ("bestand", "Anzahl", "Erwerbsfähige Leistungsberechtigte (eLb)"),
    "INT": ("zugang", "Anzahl", "Integrationen"),
    "LZB": ("bestand", "Anzahl", "Langzeitleistungsbeziehende (LZB)"),
    "INT_LZB": ("zugang", "Anzahl", "Integrationen von Langzeitleistungsbeziehenden"),
    "INT_BD": ("zugang", "Anzahl", "Bedarfsdeckende Integrationen"),
    "LZB_4J": ("bestand", "Anzahl", "Langzeitleistungsbeziehende mit vier Jahren und mehr"),
    "BG": ("bestand", "Anzahl", "Bedarfsgemeinschaften"),
    "LLU": ("zugang", "EUR", "Leistungen zum Lebensunterhalt"),
    "LUH": ("zugang", "EUR", "Leistungen für Unterkunft und Heizung"),
    "ZUG_ELB": ("zugang", "Anzahl", "Zugänge an eLb"),
    "ABG_ELB": ("zugang", "Anzahl", "Abgänge an eLb"),
    "ZUG_LZB": ("zugang", "Anzahl", "Zugänge an LZB"),
    "ABG_LZB": ("zugang", "Anzahl", "Abgänge an LZB"),
    "LZB_MASSN": ("bestand", "Anzahl", "LZB in Maßnahmen der aktiven Arbeitsförderung"),
    "ELB_AE": ("bestand", "Anzahl", "Alleinerziehende eLb"),
    "INT_AE": ("zugang", "Anzahl", "Integrationen von Alleinerziehenden"),
    "EIN_GB": ("zugang", "Anzahl", "Eintritte in geringfügige Beschäftigung"),
    "EIN_OGB": ("zugang", "Anzahl", "Eintritte in öffentlich geförderte Beschäftigung"),
    "KONT_BESCH": ("zugang", "Anzahl", "Integrationen mit kontinuierlicher Beschäftigung"),
}

GESCHLECHTER = ("gesamt", "frauen", "maenner")
WARTEZEITEN = ("T0", "T3")

#: Markers BA uses for suppressed or not available cells; they stay missing, never 0.
FEHLKENNZEICHEN = frozenset({"", "*", "-", "x", "X", ".", "–", "—", "k.A.", "n.v."})


def normalisiere(text: str) -> str:
    """Fold a header or label for comparison: lower case, umlauts spelled out, no punctuation."""
    t = unicodedata.normalize("NFKC", str(text)).strip().lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        t = t.replace(a, b)
    return re.sub(r"[^a-z0-9]+", "_", t).strip("_")


_MERKMAL_ALIASE: dict[str, str] = {
    "elb": "ELB",
    "erwerbsfaehige_leistungsberechtigte": "ELB",
    "erwerbsfaehige_leistungsberechtigte_elb": "ELB",
    "integrationen": "INT",
    "integrationen_insgesamt": "INT",
    "lzb": "LZB",
    "langzeitleistungsbeziehende": "LZB",
    "langzeitleistungsbezieher": "LZB",
    "integrationen_von_lzb": "INT_LZB",
    "integrationen_von_langzeitleistungsbeziehenden": "INT_LZB",
    "bedarfsdeckende_integrationen": "INT_BD",
    "bg": "BG",
    "bedarfsgemeinschaften": "BG",
    "leistungen_zum_lebensunterhalt": "LLU",
    "leistungen_fuer_unterkunft_und_heizung": "LUH",
    "kdu": "LUH",
}
for _code, _eintrag in MERKMALE.items():
    _label = _eintrag[2]
    _MERKMAL_ALIASE[normalisiere(_code)] = _code
    _MERKMAL_ALIASE[normalisiere(_label)] = _code

_GESCHLECHT_ALIASE = {
    "gesamt": "gesamt",
    "insgesamt": "gesamt",
    "alle": "gesamt",
    "zusammen": "gesamt",
    "frauen": "frauen",
    "frau": "frauen",
    "weiblich": "frauen",
    "w": "frauen",
    "maenner": "maenner",
    "mann": "maenner",
    "maennlich": "maenner",
    "m": "maenner",
}

_WARTEZEIT_ALIASE = {
    "t0": "T0",
    "t_0": "T0",
    "0": "T0",
    "ohne_wartezeit": "T0",
    "t3": "T3",
    "t_3": "T3",
    "3": "T3",
    "mit_wartezeit": "T3",
}


def merkmal_code(text: str) -> str | None:
    """The code for a merkmal written as code or German label, or None."""
    return _MERKMAL_ALIASE.get(normalisiere(text))


def merkmal_bezeichnungen() -> dict[str, str]:
    """Every built-in name of a merkmal, normalised, with its code."""
    return dict(_MERKMAL_ALIASE)


def geschlecht_code(text: str) -> str | None:
    return _GESCHLECHT_ALIASE.get(normalisiere(text)) if str(text).strip() else "gesamt"


def wartezeit_code(text: str) -> str | None:
    return _WARTEZEIT_ALIASE.get(normalisiere(text)) if str(text).strip() else "T3"


def ist_bestand(code: str) -> bool:
    return MERKMALE[code][0] == "bestand"
