"""The directory of Träger: one id (5-digit Regionalschlüssel) for every name of a Jobcenter."""

from __future__ import annotations

import csv
import functools
import io
import re
from dataclasses import dataclass
from importlib import resources

from ..kern.merkmale import normalisiere

_RS = re.compile(r"^\d{5}$")
_RS_MIT_NAME = re.compile(r"^(\d{5})[\s,;:–-]+[^\W\d]")  # the code, then a name


@dataclass(frozen=True)
class Traeger:
    traeger_id: str
    ba_jobcenter_nr: str
    name: str
    land: str
    art: str
    vergleichstyp: str


@functools.cache
def _verzeichnis() -> tuple[Traeger, ...]:
    text = resources.files("zielsteuerung").joinpath("ressourcen/traeger.csv").read_text("utf-8")
    return tuple(Traeger(**zeile) for zeile in csv.DictReader(io.StringIO(text), delimiter=";"))


def verzeichnis() -> list[Traeger]:
    """The built-in directory (the zugelassene kommunale Träger in NRW)."""
    return list(_verzeichnis())


def nrw_zkt() -> list[str]:
    return [t.traeger_id for t in verzeichnis() if t.land == "NW" and t.art == "zkT"]


def name_von(traeger_id: str) -> str | None:
    return next((t.name for t in verzeichnis() if t.traeger_id == traeger_id), None)


def unbekannt(text: str) -> str:
    """The message for a Träger text that names none: with the directory's Träger whose name
    contains it as a suggestion ("Kleve": Kreis Kleve), never taken for it."""
    gesucht = normalisiere(text)
    treffer = [
        f"{t.name} ({t.traeger_id})"
        for t in verzeichnis()
        if gesucht and gesucht in normalisiere(t.name)
    ]
    vorschlag = f"; gemeint vielleicht: {', '.join(treffer[:3])}" if 0 < len(treffer) <= 3 else ""
    return f"Träger „{text}“ unbekannt{vorschlag}"


class TraegerAufloesung:
    """Resolves the text a file uses for a Träger to its id; extra aliases come from a mapping."""

    def __init__(self, aliase: dict[str, str] | None = None) -> None:
        self._aliase: dict[str, str] = {}
        for t in verzeichnis():
            self._aliase[normalisiere(t.name)] = t.traeger_id
            if art_name := re.fullmatch(r"(Kreis|Stadt) (.+)", t.name):  # BA: "Kleve, Kreis"
                art, name = art_name.groups()
                self._aliase[normalisiere(f"{name}, {art}")] = t.traeger_id
            if t.ba_jobcenter_nr:
                self._aliase[normalisiere(t.ba_jobcenter_nr)] = t.traeger_id
        for quelle, ziel in (aliase or {}).items():
            self._aliase[normalisiere(quelle)] = ziel

    def aufloesen(self, text: str) -> tuple[str | None, bool]:
        """(id, repaired): repaired is True where a lost leading zero was put back."""
        roh = text.strip()
        if roh.endswith(".0") and roh[:-2].isdigit():  # a number cell of a spreadsheet
            roh = roh[:-2]
        name = normalisiere(roh)
        bekannt = self._aliase.get(name) or self._aliase.get(re.sub(r"^(jobcenter|jc)_", "", name))
        if bekannt:  # also "Jobcenter Kreis Kleve", "JC Stadt Hamm"
            return bekannt, False
        if _RS.match(roh):
            return roh, False
        if mit_name := _RS_MIT_NAME.match(roh):  # BA's "05154 Kleve, Kreis"
            anderer = self._aliase.get(normalisiere(roh[mit_name.end(1) :]))
            if anderer and anderer != mit_name.group(1):  # code and name of two Träger
                return None, False
            return mit_name.group(1), False
        if re.fullmatch(r"[1-9]\d{3}", roh):
            return "0" + roh, True
        return None, False
