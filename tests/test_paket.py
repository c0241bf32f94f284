"""The offline bundle for IT (``zielsteuerung paket``), checked on Linux.

Building it needs the package index (pip download), as it does for IT. Completeness is judged
by pip itself: ``pip install --dry-run --no-index --find-links wheels --platform win_amd64``
for every Python version of the bundle. pip evaluates environment markers for the machine it
runs on, so on Linux it would not ask for Windows-only dependencies (xlwings'
``pywin32; platform_system == "Windows"``): those are read from the wheels' metadata here,
evaluated for Windows, and passed to pip explicitly. The installer script itself runs for real,
on Linux, against a wheelhouse for this machine; on Windows it was never run.
"""

from __future__ import annotations

import email.parser
import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from zielsteuerung.excel import addin
from zielsteuerung.excel.paket import PYTHON_VERSIONEN, windows
from zielsteuerung.version import __version__


def pip(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pip", *map(str, args), "--disable-pip-version-check"],
        capture_output=True, text=True, cwd=cwd, check=False, timeout=900,
    )  # fmt: skip


@pytest.fixture(scope="module")
def paket(tmp_path_factory) -> Path:
    from zielsteuerung.cli import main

    ordner = tmp_path_factory.mktemp("it") / "zielsteuerung-paket"
    assert main(["paket", "-o", str(ordner)]) == 0
    return ordner


def nur_unter_windows(wheels: Path, version: str) -> set[str]:
    """Requirements in the wheels' metadata that apply on Windows but not on this machine."""
    anforderungen = set()
    for rad in wheels.glob("*.whl"):
        with zipfile.ZipFile(rad) as z:
            meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
            kopf = email.parser.BytesHeaderParser().parsebytes(z.read(meta))
        for zeile in kopf.get_all("Requires-Dist") or []:
            a = Requirement(zeile)
            if a.marker is None or "extra" in str(a.marker):
                continue
            if a.marker.evaluate(windows(version)) and not a.marker.evaluate():
                a.marker = None
                anforderungen.add(str(a))
    return anforderungen


def test_pip_is_new_enough_to_judge():
    """pip < 24.2 checks Requires-Python against this interpreter even with --python-version
    (the test extra asks for pip>=24.2)."""
    from packaging.version import Version

    assert Version(pip("--version").stdout.split()[1]) >= Version("24.2")


@pytest.mark.parametrize("version", PYTHON_VERSIONEN)
def test_wheelhouse_resolves_completely_for_win_amd64(paket, version):
    wheels = paket / "wheels"
    assert (wheels / f"zielsteuerung-{__version__}-py3-none-any.whl").is_file()  # built here
    windows_nur = nur_unter_windows(wheels, version)
    assert any(a.startswith("pywin32") for a in windows_nur)
    lauf = pip("install", "--dry-run", "--no-index", "--find-links", wheels,
               "--platform", "win_amd64", "--python-version", version,
               "--implementation", "cp", "--only-binary=:all:", "--ignore-installed",
               "zielsteuerung", *sorted(windows_nur))  # fmt: skip
    assert lauf.returncode == 0, lauf.stderr
    installiert = lauf.stdout.splitlines()[-1]
    assert installiert.startswith("Would install")
    for name in ("pandas-", "openpyxl-", "xlwings-", "pywin32-", f"zielsteuerung-{__version__}"):
        assert name in installiert, name
    assert "pyarrow-" not in installiert  # optional, not in the bundle


def test_bundle_contents_and_checksums(paket, tmp_path):
    assert sorted(p.name for p in paket.iterdir()) == [
        "LIESMICH.txt", "installieren.cmd", "installieren.ps1", "installieren.py",
        "pruefsummen.txt", "wheels", "zielsteuerung.xlam",
    ]  # fmt: skip
    assert not list(paket.parent.glob(".zielsteuerung-paket-*"))  # no half-built folder left
    # the add-in `addin build` makes, byte for byte: one file for every PC, signable once; no
    # Interpreter_Win of its own (addin install writes the user's)
    gebaut = addin.bauen(tmp_path / "zielsteuerung.xlam")
    assert (paket / "zielsteuerung.xlam").read_bytes() == gebaut.read_bytes()
    with zipfile.ZipFile(gebaut) as xlam:
        assert b"Interpreter_Win" not in xlam.read("xl/worksheets/sheet1.xml")
    zeilen = (paket / "pruefsummen.txt").read_text(encoding="utf-8").splitlines()
    dateien = {p.relative_to(paket).as_posix() for p in paket.rglob("*") if p.is_file()}
    assert {z.split("  ", 1)[1] for z in zeilen} == dateien - {"pruefsummen.txt"}
    for zeile in zeilen:
        summe, name = zeile.split("  ", 1)
        assert hashlib.sha256((paket / name).read_bytes()).hexdigest() == summe, name
    ps1, cmd = (paket / "installieren.ps1").read_bytes(), (paket / "installieren.cmd").read_bytes()
    assert ps1.startswith(b"\xef\xbb\xbf") and b"\r\n" in ps1 and b"installieren.py" in ps1
    assert b"\r\n" in cmd and b'"%~1" "%~dp0installieren.py"' in cmd
    liesmich = " ".join((paket / "LIESMICH.txt").read_text(encoding="utf-8-sig").split())
    assert "pip --no-index" in liesmich
    assert "Keiner dieser Schritte wurde auf einem echten Windows-PC ausprobiert" in liesmich


def test_bundle_needs_an_empty_folder(cli, tmp_path):
    (tmp_path / "voll").mkdir()
    (tmp_path / "voll" / "etwas.txt").write_text("x", encoding="utf-8")
    lauf = cli("paket", "-o", tmp_path / "voll")
    assert lauf.code == 2 and "kein leerer Ordner" in lauf.err
    lauf = cli("paket", "-o", tmp_path / "neu", "--python", "2.7")
    assert lauf.code == 2 and "--python 2.7" in lauf.err and not (tmp_path / "neu").exists()


def test_installer_runs_offline(paket, tmp_path):
    """installieren.py for real, on this machine: the bundle's script and add-in, and a
    wheelhouse of this machine's wheels in place of the Windows ones (pip --no-index: a missing
    wheel cannot come from the internet). Its last step is the installed `addin install
    --addin`, which copies and configures only on Windows: here it must say so."""
    hier = tmp_path / "paket"
    (hier / "wheels").mkdir(parents=True)
    for name in ("installieren.py", "zielsteuerung.xlam"):
        (hier / name).write_bytes((paket / name).read_bytes())
    rad = next((paket / "wheels").glob("zielsteuerung-*.whl"))
    (hier / "wheels" / rad.name).write_bytes(rad.read_bytes())
    lauf = pip("download", "-q", "-d", hier / "wheels", f"zielsteuerung @ {rad.as_uri()}")
    assert lauf.returncode == 0, lauf.stderr
    umgebung = {**os.environ, "LOCALAPPDATA": str(tmp_path / "lokal"),
                "APPDATA": str(tmp_path / "roaming"), "USERPROFILE": str(tmp_path / "profil"),
                "ZIELSTEUERUNG_EINSTELLUNGEN": str(tmp_path / "einstellungen.toml")}  # fmt: skip

    def laufen(*befehl: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(b) for b in befehl],
            capture_output=True, text=True, env=umgebung, check=False, timeout=900,
        )  # fmt: skip

    lauf = laufen(sys.executable, hier / "installieren.py")
    python = tmp_path / "lokal" / "zielsteuerung" / "python" / "bin" / "python"
    assert lauf.stdout.count("Erledigt:") == 3, lauf.stderr
    assert f"Erledigt: Umgebung angelegt: {python.parent.parent}" in lauf.stdout
    assert laufen(python, "-m", "zielsteuerung", "--version").stdout.strip() == (
        f"zielsteuerung {__version__}"
    )
    assert lauf.returncode == 2
    assert (
        "Nicht erledigt: Die Einrichtung des Add-ins (zielsteuerung addin install)" in lauf.stderr
    )
    assert "nur unter Windows möglich" in lauf.stderr
    # what it does on Windows, as the installed command plans it
    plan = laufen(python, "-m", "zielsteuerung", "addin", "install", "--dry-run",
                  "--addin", hier / "zielsteuerung.xlam").stdout  # fmt: skip
    xlstart = tmp_path / "roaming" / "Microsoft" / "Excel" / "XLSTART" / "zielsteuerung.xlam"
    assert f"Add-in kopieren: {hier / 'zielsteuerung.xlam'} nach {xlstart}" in plan
    assert f"{tmp_path / 'profil' / '.zielsteuerung' / 'zielsteuerung.conf'}: {python}" in plan

    # a wheel missing from the folder: stops with the reason, nothing fetched from elsewhere
    next((hier / "wheels").glob("openpyxl-*.whl")).unlink()
    lauf = laufen(sys.executable, hier / "installieren.py")
    assert lauf.returncode == 2
    assert "Nicht erledigt: Die Installation aus dem Ordner wheels fehlgeschlagen" in lauf.stderr
    assert "openpyxl" in lauf.stderr


def test_own_wheel_only_from_the_source(tmp_path):
    """Never fetched by name from the package index, where another project could use it."""
    from zielsteuerung.excel.paket import eigenes_rad
    from zielsteuerung.fehler import EingabeFehler

    with pytest.raises(EingabeFehler, match="--quelle ORDNER"):
        eigenes_rad(tmp_path, tmp_path / "kein-quellcode")
