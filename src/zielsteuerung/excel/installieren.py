"""Installiert zielsteuerung ohne Internet für den angemeldeten Benutzer (Paket der IT).

Läuft für sich allein mit dem Python des PCs, bevor zielsteuerung installiert ist: nur die
Standardbibliothek, nichts aus dem Paket. ``zielsteuerung paket`` legt diese Datei als
``installieren.py`` neben den Ordner ``wheels`` und das Add-in.

Aufruf (Excel geschlossen; Python von python.org, 64 Bit, ab 3.11)::

    "C:\\Program Files\\Python312\\python.exe" installieren.py

Schritte: (1) die Umgebung ``%LOCALAPPDATA%\\zielsteuerung\\python`` aus diesem Python neu
anlegen, (2) zielsteuerung mit allen Abhängigkeiten aus ``wheels`` installieren
(``pip --no-index``: kein Internet), (3) prüfen, dass der Befehl läuft, (4) mit dem installierten
``zielsteuerung addin install --addin`` genau das Add-in des Pakets nach
``%APPDATA%\\Microsoft\\Excel\\XLSTART`` kopieren und ``Interpreter_Win`` (die ``pythonw.exe`` der
Umgebung) in die Einstellungen des Benutzers schreiben. Rückgabewert 0 = erledigt, 2 = nicht
erledigt (die Meldung sagt, warum).
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import venv
from pathlib import Path

HIER = Path(__file__).resolve().parent
ADDIN = "zielsteuerung.xlam"


class Abbruch(Exception):
    """A step that cannot be done; the message says why and what to do."""


def umgebung() -> Path:
    """The fixed place of the environment (documented in the user guide, section 8)."""
    return Path(os.environ["LOCALAPPDATA"]) / "zielsteuerung" / "python"


def _python_in(ordner: Path) -> Path:
    return ordner / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def pruefen() -> None:
    """This Python can carry the environment: version, 64 bit, not from the Microsoft Store."""
    if sys.version_info < (3, 11):  # noqa: UP036 - runs with whatever Python the PC has
        raise Abbruch(f"Python {sys.version.split()[0]} ist zu alt; nötig ist 3.11 oder neuer.")
    if struct.calcsize("P") * 8 != 64:
        raise Abbruch(
            "Dies ist ein 32-Bit-Python. Das Paket enthält nur Pakete für 64-Bit-Python (für "
            "32-Bit-Windows gibt es pandas nicht als fertiges Paket). Bitte 64-Bit-Python von "
            "python.org verwenden – das geht auch mit 32-Bit-Office."
        )
    if "WindowsApps" in sys.executable:
        raise Abbruch(
            "Python aus dem Microsoft Store kann Excel nicht starten. Bitte Python von "
            "python.org verwenden."
        )
    for teil in ("wheels", ADDIN):
        if not (HIER / teil).exists():
            raise Abbruch(f"{HIER / teil} fehlt: das Paket ist unvollständig.")


def _ausfuehren(befehl: list[str | Path], schritt: str) -> None:
    lauf = subprocess.run([str(b) for b in befehl], capture_output=True, text=True, check=False)
    if lauf.returncode != 0:
        meldung = (lauf.stderr or lauf.stdout).strip().splitlines()[-5:]
        raise Abbruch(f"{schritt} fehlgeschlagen:\n  " + "\n  ".join(meldung))


def _erledigt(text: str) -> None:
    print(f"Erledigt: {text}", flush=True)


def installieren() -> None:
    """The four steps; each done one is reported at once, the first that fails stops."""
    pruefen()
    ziel = umgebung()
    try:
        venv.EnvBuilder(with_pip=True, clear=True).create(ziel)
    except OSError as exc:
        raise Abbruch(
            f"Die Umgebung {ziel} lässt sich nicht anlegen ({exc}). Läuft Excel noch? Bitte "
            "Excel schließen und erneut versuchen."
        ) from None
    _erledigt(f"Umgebung angelegt: {ziel}")
    python = _python_in(ziel)
    _ausfuehren(
        [python, "-m", "pip", "install", "--no-index", "--find-links", HIER / "wheels",
         "--disable-pip-version-check", "--no-warn-script-location", "zielsteuerung"],
        "Die Installation aus dem Ordner wheels",
    )  # fmt: skip
    _erledigt(f"Installiert ohne Internet aus: {HIER / 'wheels'}")
    _ausfuehren([python, "-m", "zielsteuerung", "--version"], "Die Prüfung des Befehls")
    _erledigt(f"Geprüft: {python} -m zielsteuerung --version")
    _ausfuehren(
        [python, "-m", "zielsteuerung", "addin", "install", "--addin", HIER / ADDIN],
        "Die Einrichtung des Add-ins (zielsteuerung addin install)",
    )
    _erledigt(f"Add-in und Python für Excel eingerichtet (addin install --addin {ADDIN})")


def main() -> int:
    try:
        installieren()
    except Abbruch as exc:
        print(f"Nicht erledigt: {exc}", file=sys.stderr)
        return 2
    print(
        "Fertig. Excel starten: Die Registerkarte „Zielsteuerung“ erscheint. Python für Excel: "
        f"{_python_in(umgebung()).with_name('pythonw.exe')}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
