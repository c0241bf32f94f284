"""Exception tree. Every message is German and meant for the user; no trace is shown for these."""

from __future__ import annotations

from dataclasses import dataclass


class ZielsteuerungFehler(Exception):
    """Root of all errors the program reports to the user (exit code 2 unless stated)."""

    exit_code = 2


class EingabeFehler(ZielsteuerungFehler):
    """Wrong or unreadable input: a data file, a mapping, an agreement, an argument."""


class VereinbarungFehler(EingabeFehler):
    """An agreement file that does not follow the documented format."""


class ZielFehler(ZielsteuerungFehler):
    """A setting of a controlling workbook or an argument of a ZIEL_ function that cannot be
    used (short German text: a cell shows it after #ZIEL!)."""


class DatenbestandFehler(ZielsteuerungFehler):
    """The store is missing, foreign or damaged."""


class DatenbestandBelegt(ZielsteuerungFehler):
    """The store is locked by another process for longer than the wait limit."""

    exit_code = 3


@dataclass(frozen=True)
class Problem:
    """One finding of the validation of an import file."""

    datei: str
    zeile: int | None
    spalte: str | None
    meldung: str

    def __str__(self) -> str:
        ort = self.datei
        if self.zeile is not None:
            ort += f", Zeile {self.zeile}"
        if self.spalte:
            ort += f", Spalte „{self.spalte}“"
        return f"{ort}: {self.meldung}"


def sammelfehler(kopf: str, probleme: list[str], hoechstens: int = 12) -> EingabeFehler:
    """One error naming up to ``hoechstens`` problems of a sheet or small file under ``kopf``;
    the caller raises it before anything is changed."""
    zeilen = probleme[:hoechstens]
    if len(probleme) > hoechstens:
        zeilen.append(f"… und {len(probleme) - hoechstens} weitere")
    return EingabeFehler(f"{kopf}\n  " + "\n  ".join(zeilen) + "\nEs wurde nichts geändert.")


class ImportFehler(EingabeFehler):
    """An import file with problems; nothing of it was stored."""

    def __init__(self, probleme: list[Problem], weitere: int = 0) -> None:
        self.probleme = probleme
        self.weitere = weitere
        zeilen = [str(p) for p in probleme]
        if weitere:
            zeilen.append(f"… und {weitere} weitere Probleme")
        zeilen.append("Es wurde nichts gespeichert; der Datenbestand ist unverändert.")
        super().__init__("\n".join(zeilen))
