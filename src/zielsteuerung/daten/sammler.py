"""The problems an import finds, collected with their place (file, row, column) and reported
all at once, up to a limit.
"""

from __future__ import annotations

from ..fehler import ImportFehler, Problem
from ..kern.zahlen import zahl

MAX_PROBLEME = 50


class Sammler:
    """Collects problems of one file, all at once, up to a limit."""

    def __init__(self, datei: str) -> None:
        self.datei = datei
        self.probleme: list[Problem] = []
        self.warnungen: list[Problem] = []
        self.weitere = 0

    def fehler(self, meldung: str, zeile: int | None = None, spalte: str | None = None) -> None:
        if len(self.probleme) < MAX_PROBLEME:
            self.probleme.append(Problem(self.datei, zeile, spalte, meldung))
        else:
            self.weitere += 1

    def warnung(self, meldung: str, zeile: int | None = None, spalte: str | None = None) -> None:
        self.warnungen.append(Problem(self.datei, zeile, spalte, meldung))

    def abbrechen_falls_noetig(self) -> None:
        if self.probleme:
            self.probleme.sort(key=lambda p: (p.zeile or 0, p.spalte or ""))
            raise ImportFehler(self.probleme, self.weitere)


def anzahl(n: int, einzahl: str, mehrzahl: str) -> str:
    return f"{zahl(n)} {einzahl if n == 1 else mehrzahl}"


def aufzaehlung(texte: list[str], hoechstens: int) -> str:
    """The first ``hoechstens`` texts, comma-separated, and " …" where there are more."""
    return ", ".join(texte[:hoechstens]) + (" …" if len(texte) > hoechstens else "")
