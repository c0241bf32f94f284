"""Installing the add-in for one Windows user: plain file operations, no Excel.

The add-in (built here, or a given file such as IT's signed copy) goes to Excel's XLSTART
folder; the interpreter goes to the user's xlwings settings file that the add-in reads
(``%USERPROFILE%\\.zielsteuerung\\zielsteuerung.conf``); the store to zielsteuerung's own
settings. The add-in itself stays the same file on every PC.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..daten import einstellungen
from ..fehler import EingabeFehler
from ..textdatei import ersetzen
from .addin import ADDIN_NAME, bauen, einsetzen
from .vba import projekt, vorlage

INTERPRETER_SCHLUESSEL = "INTERPRETER_WIN"
_ZEILE = re.compile(r'^"([^"]*)","([^"]*)"$')


@dataclass
class Plan:
    addin: Path
    konfiguration: Path
    einstellungen: Path
    interpreter: str
    store: str


def auf_windows() -> bool:
    return sys.platform == "win32"


def plan(store: str | None = None) -> Plan:
    """Where things go: Excel's XLSTART folder loads the add-in at every start."""
    from ..daten.datenbestand import standardpfad

    appdata = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    profil = Path(os.environ.get("USERPROFILE") or Path.home())
    python = Path(sys.executable)
    return Plan(
        addin=appdata / "Microsoft" / "Excel" / "XLSTART" / ADDIN_NAME,
        konfiguration=profil / f".{vorlage.KONFIGURATION}" / f"{vorlage.KONFIGURATION}.conf",
        einstellungen=einstellungen.pfad(),
        interpreter=str(python.with_name("pythonw.exe") if auf_windows() else python),
        store=store or str(standardpfad()),
    )


def konfiguration_schreiben(datei: Path, schluessel: str, wert: str) -> None:
    """Set one key in an xlwings settings file (lines ``"KEY","value"``, read by VBA in the
    ANSI code page); other lines stay as they are."""
    if '"' in wert:
        raise EingabeFehler(f"{schluessel}: Anführungszeichen sind in {datei} nicht möglich.")
    try:
        zeile = f'"{schluessel}","{wert}"'.encode("cp1252")
    except UnicodeEncodeError:
        raise EingabeFehler(
            f"{schluessel} = {wert}: Excel liest {datei} in der Codepage 1252; der Pfad enthält "
            "ein Zeichen, das es dort nicht gibt. Bitte Python in einen anderen Ordner legen."
        ) from None
    zeilen = datei.read_bytes().splitlines() if datei.exists() else []
    behalten = [
        z for z in zeilen
        if not ((m := _ZEILE.match(z.decode("cp1252", "replace").strip()))
                and m.group(1).upper() == schluessel.upper())
    ]  # fmt: skip
    with ersetzen(datei) as neu:
        neu.write(b"\r\n".join([*behalten, zeile]) + b"\r\n")


def _addin_pruefen(quelle: Path) -> None:
    """A given add-in must be named like the package and load the installed xlwings' DLL."""
    import xlwings

    if quelle.name != ADDIN_NAME:
        raise EingabeFehler(
            f"{quelle}: Das Add-in muss {ADDIN_NAME} heißen (die Schaltfläche startet das "
            "Python-Paket mit dem Namen der Datei)."
        )
    try:
        with zipfile.ZipFile(quelle) as archiv:
            vba = archiv.read("xl/vbaProject.bin")
        versionen = vorlage.dll_versionen(projekt.lesen(vba).modul(vorlage.XLWINGS_MODUL).quelle)
    except (OSError, KeyError, ValueError, StopIteration, zipfile.BadZipFile):
        raise EingabeFehler(f"{quelle}: kein lesbares Add-in mit den Makros von xlwings.") from None
    if versionen != {xlwings.__version__}:
        raise EingabeFehler(
            f"{quelle} wurde für xlwings {', '.join(sorted(versionen))} gebaut, installiert ist "
            f"xlwings {xlwings.__version__}: Excel fände die Programmbibliothek von xlwings "
            "nicht. Bitte ein passendes Add-in verwenden oder ohne --addin installieren."
        )


def _kopieren(quelle: Path, ziel: Path) -> None:
    ziel.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=ziel.parent, suffix=".xlam")
    os.close(fd)
    shutil.copyfile(quelle, tmp)
    einsetzen(Path(tmp), ziel)


def installieren(
    store: str | None = None, trocken: bool = False, addin: Path | None = None
) -> list[str]:
    """Copy the add-in and write the settings. Needs neither Excel nor any Trust Center
    setting: the ZIEL_* functions are part of the add-in."""
    p = plan(store)
    schritte = [
        (f"Add-in kopieren: {addin} nach {p.addin}" if addin
         else f"Add-in bauen und kopieren nach: {p.addin}"),
        f"Python für Excel (Interpreter_Win) eintragen in {p.konfiguration}: {p.interpreter}",
        f"Voreinstellungen schreiben: {p.einstellungen} (Datenbestand: {p.store})",
    ]  # fmt: skip
    if trocken:
        return ["Probelauf – es wird nichts verändert:", *(f"- {s}" for s in schritte)]
    if not auf_windows():
        raise EingabeFehler("Die Installation des Add-ins ist nur unter Windows möglich.")
    if addin:
        _addin_pruefen(addin)
        _kopieren(addin, p.addin)
    else:
        bauen(p.addin)
    konfiguration_schreiben(p.konfiguration, INTERPRETER_SCHLUESSEL, p.interpreter)
    vorhanden = einstellungen.lesen()
    datenbestand = store or vorhanden.get("datenbestand") or p.store
    einstellungen.schreiben({**vorhanden, "datenbestand": datenbestand})
    return [f"Erledigt: {s}" for s in schritte]


def deinstallieren(trocken: bool = False) -> list[str]:
    p = plan()
    schritte = [f"Add-in entfernen: {p.addin}"]
    bleibt = (
        f"Voreinstellungen ({p.einstellungen}, {p.konfiguration}) und der Datenbestand "
        "bleiben erhalten."
    )
    if trocken:
        return ["Probelauf – es wird nichts verändert:", *(f"- {s}" for s in schritte), bleibt]
    if not p.addin.exists():
        return [f"Nichts zu tun: {p.addin} ist nicht vorhanden."]
    try:
        p.addin.unlink()
    except PermissionError:
        raise EingabeFehler(
            f"{p.addin} ist in Benutzung. Bitte Excel schließen und erneut versuchen."
        ) from None
    return [f"Erledigt: {schritte[0]}", bleibt]
