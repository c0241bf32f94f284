"""The offline bundle for IT (``zielsteuerung paket -o DIR``): one folder with everything a
Windows PC without internet needs, to copy there or to hand to a software-distribution system.

::

    DIR/zielsteuerung.xlam   the add-in (addin.bauen), the same file for every PC (signable)
    DIR/wheels/              our own wheel (built from the source) and every dependency as
                             win_amd64 wheels for each Python version in PYTHON_VERSIONEN,
                             pywin32 included, not the optional pyarrow (it measured no gain)
    DIR/installieren.py      run with the PC's python.exe: environment at UMGEBUNG, pip
                             --no-index from wheels/, then the installed ``addin install
                             --addin`` (add-in to XLSTART, Interpreter_Win for the user)
    DIR/installieren.cmd     the same for a double click or a deployment tool
    DIR/installieren.ps1     the same for PowerShell
    DIR/LIESMICH.txt         what is where (German)
    DIR/pruefsummen.txt      SHA-256 of every file, for the software-distribution system

Building needs the package index (pip download); the PC needs nothing but Python. Only
``win_amd64``: pandas publishes no 32-bit Windows wheels since 2.1 (the last, 2.0.3, for Python
3.11 only) and xlwings' wheel for 32-bit Python carries none of the DLLs Excel loads. 64-bit
Python serves 32-bit Office as well: the add-in loads xlwings32-<version>.dll from the
environment (xlwings' win_amd64 wheel ships both), and Python runs in its own process.
"""

from __future__ import annotations

import email.parser
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import Requirement
from packaging.tags import compatible_tags, cpython_tags
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version

from ..fehler import EingabeFehler
from ..version import __version__
from . import addin, installieren

PLATTFORM = "win_amd64"
PYTHON_VERSIONEN = ("3.11", "3.12", "3.13", "3.14")
UMGEBUNG = r"%LOCALAPPDATA%\zielsteuerung\python"  # installieren.umgebung()

_CMD = """\
@echo off
rem Installiert zielsteuerung ohne Internet:
rem   installieren.cmd "C:\\Program Files\\Python312\\python.exe"
if "%~1"=="" (
  echo Aufruf: installieren.cmd "Pfad\\zu\\python.exe"  ^(Python von python.org, 64 Bit, ab 3.11^)
  exit /b 2
)
"%~1" "%~dp0installieren.py"
exit /b %ERRORLEVEL%
"""

_PS1 = """\
# Installiert zielsteuerung ohne Internet:
#   .\\installieren.ps1 -Python "C:\\Program Files\\Python312\\python.exe"
param([Parameter(Mandatory = $true)][string]$Python)
& $Python (Join-Path $PSScriptRoot "installieren.py")
exit $LASTEXITCODE
"""


@dataclass
class Paket:
    ordner: Path
    raeder: list[str]
    groesse: int  # bytes


def projektordner() -> Path | None:
    """The source checkout this package runs from, if it does (else: installed from a wheel)."""
    wurzel = Path(__file__).resolve().parents[3]
    pyproject = wurzel / "pyproject.toml"
    if pyproject.is_file() and 'name = "zielsteuerung"' in pyproject.read_text(encoding="utf-8"):
        return wurzel
    return None


def _pip(*argumente: str, was: str) -> None:
    lauf = subprocess.run(
        [sys.executable, "-m", "pip", *argumente, "--disable-pip-version-check"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if lauf.returncode != 0:
        letzte = "\n  ".join((lauf.stderr or lauf.stdout).strip().splitlines()[-6:])
        raise EingabeFehler(f"{was} fehlgeschlagen (pip):\n  {letzte}")


def eigenes_rad(wheels: Path, quelle: Path | None = None) -> Path:
    """Our own wheel, built from the source (``quelle`` or the checkout this runs from). Never
    fetched by name from the package index: another project could carry the name there."""
    quelle = quelle or projektordner()
    if quelle is None or not (quelle / "pyproject.toml").is_file():
        raise EingabeFehler(
            "Für das Paket wird zielsteuerung aus dem Quellcode gebaut: bitte --quelle ORDNER "
            "angeben (der Ordner mit pyproject.toml) oder den Befehl aus diesem Ordner aufrufen."
        )
    _pip("wheel", "--no-deps", "-q", "-w", str(wheels), str(quelle), was="Bauen")
    raeder = sorted(wheels.glob(f"zielsteuerung-{__version__}-*.whl"))
    if not raeder:
        raise EingabeFehler(f"Das Paket zielsteuerung {__version__} wurde nicht gebaut.")
    return raeder[-1]


def _laden(wheels: Path, version: str, *anforderungen: str) -> None:
    _pip("download", "-q", "-d", str(wheels), "--only-binary=:all:", "--platform", PLATTFORM,
         "--python-version", version, "--implementation", "cp", *anforderungen,
         was=f"Laden für Python {version} ({PLATTFORM})")  # fmt: skip


def windows(version: str) -> dict[str, str]:
    """The environment markers (PEP 508) of CPython ``version`` on 64-bit Windows."""
    return {
        "implementation_name": "cpython", "implementation_version": f"{version}.0",
        "os_name": "nt", "platform_machine": "AMD64", "platform_python_implementation": "CPython",
        "platform_release": "10", "platform_system": "Windows", "platform_version": "10.0",
        "python_full_version": f"{version}.0", "python_version": version, "sys_platform": "win32",
    }  # fmt: skip


def fehlende(wheels: Path, version: str, wurzel: str = "zielsteuerung") -> list[str]:
    """Requirements a PC with CPython ``version`` on 64-bit Windows needs that no wheel here
    satisfies. pip evaluates environment markers for the machine it runs on, so on Linux it
    leaves out e.g. xlwings' ``pywin32; platform_system == "Windows"``: this evaluates them
    for Windows."""
    umgebung = windows(version)
    major, minor = (int(x) for x in version.split("."))
    passend = set(cpython_tags((major, minor), platforms=[PLATTFORM]))
    passend |= set(compatible_tags((major, minor), f"cp{major}{minor}", [PLATTFORM]))
    raeder: dict[str, list[tuple[Version, Path]]] = {}
    for datei in wheels.glob("*.whl"):
        name, ver, _, tags = parse_wheel_filename(datei.name)
        if tags & passend:
            raeder.setdefault(name, []).append((ver, datei))
    fehlt, offen, gesehen = [], [Requirement(wurzel)], set()
    while offen:
        anforderung = offen.pop()
        name = canonicalize_name(anforderung.name)
        erlaubt = anforderung.specifier
        treffer = [(v, d) for v, d in raeder.get(name, []) if erlaubt.contains(v, prereleases=True)]
        if not treffer:
            fehlt.append(str(anforderung))
            continue
        datei = max(treffer)[1]
        if (datei, frozenset(anforderung.extras)) in gesehen:
            continue
        gesehen.add((datei, frozenset(anforderung.extras)))
        with zipfile.ZipFile(datei) as rad:
            meta = next(n for n in rad.namelist() if n.endswith(".dist-info/METADATA"))
            kopf = email.parser.BytesHeaderParser().parsebytes(rad.read(meta))
        for zeile in kopf.get_all("Requires-Dist") or []:
            unter = Requirement(zeile)
            if unter.marker is None or any(
                unter.marker.evaluate({**umgebung, "extra": e}) for e in ("", *anforderung.extras)
            ):
                unter.marker = None
                offen.append(unter)
    return sorted(set(fehlt))


def abhaengigkeiten(rad: Path, wheels: Path, versionen: tuple[str, ...]) -> None:
    """Every dependency of zielsteuerung as a wheel for Windows 64 bit, those that
    only Windows needs included (pywin32)."""
    for version in versionen:
        _laden(wheels, version, f"zielsteuerung @ {rad.as_uri()}")
        for _ in range(5):  # each round may bring dependencies of its own
            if not (fehlt := fehlende(wheels, version)):
                break
            _laden(wheels, version, *fehlt)
        if fehlt := fehlende(wheels, version):
            raise EingabeFehler(
                f"Für Python {version} ({PLATTFORM}) fehlen Pakete: {', '.join(fehlt)}."
            )


def _liesmich(versionen: tuple[str, ...]) -> str:
    return f"""\
zielsteuerung {__version__} – Installation ohne Internet (Windows, 64-Bit-Python)

Inhalt
  zielsteuerung.xlam  das Excel-Add-in (auf jedem PC dieselbe Datei; signierbar)
  wheels\\             zielsteuerung und alle Abhängigkeiten für Python {", ".join(versionen)}
  installieren.py     richtet alles für den angemeldeten Benutzer ein
  installieren.cmd    dasselbe per Eingabeaufforderung oder Softwareverteilung
  installieren.ps1    dasselbe per PowerShell
  pruefsummen.txt     SHA-256 jeder Datei (Get-FileHash -Algorithm SHA256 DATEI)

Voraussetzung auf dem PC: Python von python.org, 64 Bit, eine der Versionen oben (auch bei
32-Bit-Office); Excel ist geschlossen. Keine Administratorrechte nötig.

Installation, als der Benutzer, der Excel verwendet:
  "C:\\Program Files\\Python312\\python.exe" installieren.py
oder
  installieren.cmd "C:\\Program Files\\Python312\\python.exe"

Das legt die Umgebung {UMGEBUNG} (neu) an, installiert mit pip --no-index
aus wheels\\, prüft den Befehl und richtet mit "zielsteuerung addin install --addin" das Add-in
ein: Kopie nach %APPDATA%\\Microsoft\\Excel\\XLSTART, Python für Excel (Interpreter_Win =
{UMGEBUNG}\\Scripts\\pythonw.exe) in %USERPROFILE%\\.zielsteuerung\\zielsteuerung.conf.
Rückgabewert 0 = erledigt, 2 = nicht erledigt (mit Grund).

Vertrauenswürdiger Speicherort, Signatur, Makro-Richtlinien, Defender-Regeln,
Virenschutz-Ausnahmen: Benutzerhandbuch, Abschnitt 8 „Für die IT“. Keiner dieser Schritte wurde
auf einem echten Windows-PC ausprobiert.
"""


def _text_schreiben(pfad: Path, text: str, bom: bool = False) -> None:
    """Windows text: CRLF; a BOM where Windows PowerShell 5.1 would otherwise misread umlauts."""
    pfad.write_text(text, encoding="utf-8-sig" if bom else "utf-8", newline="\r\n")


def _pruefsummen(ordner: Path) -> None:
    zeilen = []
    for datei in sorted(p for p in ordner.rglob("*") if p.is_file()):
        summe = hashlib.sha256(datei.read_bytes()).hexdigest()
        zeilen.append(f"{summe}  {datei.relative_to(ordner).as_posix()}")
    _text_schreiben(ordner / "pruefsummen.txt", "\n".join(zeilen) + "\n")


def paket_bauen(
    ziel: Path, versionen: tuple[str, ...] = PYTHON_VERSIONEN, quelle: Path | None = None
) -> Paket:
    """Write the bundle to the folder ``ziel`` (new or empty); all or nothing."""
    ziel = Path(ziel)
    if ziel.exists() and (not ziel.is_dir() or any(ziel.iterdir())):
        raise EingabeFehler(f"{ziel} ist kein leerer Ordner. Bitte einen neuen Ordner angeben.")
    ziel.parent.mkdir(parents=True, exist_ok=True)
    arbeit = Path(tempfile.mkdtemp(prefix=".zielsteuerung-paket-", dir=ziel.parent))
    try:
        wheels = arbeit / "wheels"
        wheels.mkdir()
        rad = eigenes_rad(wheels, quelle)
        abhaengigkeiten(rad, wheels, versionen)
        addin.bauen(arbeit / addin.ADDIN_NAME)
        shutil.copyfile(installieren.__file__, arbeit / "installieren.py")
        _text_schreiben(arbeit / "installieren.cmd", _CMD)
        _text_schreiben(arbeit / "installieren.ps1", _PS1, bom=True)
        _text_schreiben(arbeit / "LIESMICH.txt", _liesmich(versionen), bom=True)
        _pruefsummen(arbeit)
        arbeit.chmod(0o755)  # mkdtemp's folder is private; the bundle is for others to read
        if ziel.exists():
            ziel.rmdir()
        os.replace(arbeit, ziel)
    except BaseException:
        shutil.rmtree(arbeit, ignore_errors=True)
        raise
    dateien = [p for p in ziel.rglob("*") if p.is_file()]
    return Paket(
        ziel,
        sorted(p.name for p in (ziel / "wheels").glob("*.whl")),
        sum(p.stat().st_size for p in dateien),
    )
