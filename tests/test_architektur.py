"""The house: rooms that show the flow, dependencies that point one way, no cycles.

Read from the source with ``ast`` (imports inside functions included), so a new import that
breaks the layout fails here before a reviewer has to find it.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PAKET = Path(__file__).resolve().parent.parent / "src" / "zielsteuerung"
GRUNDLAGEN = {"fehler", "version", "textdatei"}
#: room -> the rooms it may import (besides itself and GRUNDLAGEN)
ERLAUBT = {
    "kern": set(),
    "daten": {"kern"},
    "bericht": {"daten", "kern"},
    "mappe": {"bericht", "daten", "kern"},
    "ministerium": {"mappe", "bericht", "daten", "kern"},
    "excel": {"ministerium", "mappe", "bericht", "daten", "kern"},
    "cli": {"excel", "ministerium", "mappe", "bericht", "daten", "kern"},
    "__init__": {"excel"},  # main(): the ribbon button's entry point
    "__main__": {"cli"},
    **{g: set() for g in GRUNDLAGEN},
}
HOECHSTENS_ZEILEN = 600


def _module() -> dict[str, Path]:
    module = {}
    for pfad in PAKET.rglob("*.py"):
        teile = list(pfad.relative_to(PAKET.parent).with_suffix("").parts)
        if teile[-1] == "__init__" and len(teile) > 1:
            teile = teile[:-1]
        module[".".join(teile)] = pfad
    return module


MODULE = _module()


def _importe(name: str, pfad: Path) -> list[tuple[str, str]]:
    """(imported module, imported name) for every import of the package, anywhere in the file."""
    paket = name.split(".") if pfad.name == "__init__.py" else name.split(".")[:-1]
    gefunden = []
    for knoten in ast.walk(ast.parse(pfad.read_text(encoding="utf-8"))):
        if isinstance(knoten, ast.ImportFrom):
            if knoten.level:
                basis = paket[: len(paket) - knoten.level + 1]
                modul = ".".join(basis + ([knoten.module] if knoten.module else []))
            else:
                modul = knoten.module or ""
            for alias in knoten.names:
                gefunden.append((modul, alias.name))
        elif isinstance(knoten, ast.Import):
            gefunden += [(alias.name, "") for alias in knoten.names]
    return [(m, n) for m, n in gefunden if m.split(".")[0] == "zielsteuerung"]


def _kanten() -> dict[str, set[str]]:
    kanten: dict[str, set[str]] = {}
    for name, pfad in MODULE.items():
        ziele = set()
        for modul, importiert in _importe(name, pfad):
            ziel = f"{modul}.{importiert}" if f"{modul}.{importiert}" in MODULE else modul
            if ziel in MODULE and ziel != name:
                ziele.add(ziel)
        kanten[name] = ziele
    return kanten


def _raum(modul: str) -> str:
    teile = modul.split(".")
    return "__init__" if len(teile) == 1 else teile[1]


def test_no_import_cycle():
    kanten = _kanten()
    zustand: dict[str, int] = {}
    kreise = []

    def besuchen(modul: str, weg: list[str]) -> None:
        zustand[modul] = 1
        for ziel in sorted(kanten[modul]):
            if zustand.get(ziel) == 1:
                kreise.append([*weg[weg.index(ziel) :], ziel])
            elif ziel not in zustand:
                besuchen(ziel, [*weg, ziel])
        zustand[modul] = 2

    for modul in sorted(kanten):
        if modul not in zustand:
            besuchen(modul, [modul])
    assert not kreise, "Importkreise: " + "; ".join(" -> ".join(k) for k in kreise)


def _attribute_fremder_module(name: str, pfad: Path) -> list[str]:
    """``modul._x`` where ``modul`` is one of ours, imported under that name."""
    module = {
        importiert: f"{modul}.{importiert}"
        for modul, importiert in _importe(name, pfad)
        if f"{modul}.{importiert}" in MODULE
    }
    for knoten in ast.walk(ast.parse(pfad.read_text(encoding="utf-8"))):
        for alias in getattr(knoten, "names", []) if isinstance(knoten, ast.ImportFrom) else []:
            if alias.asname and alias.name in module:
                module[alias.asname] = module[alias.name]
    return [
        f"{module[k.value.id]}.{k.attr}"
        for k in ast.walk(ast.parse(pfad.read_text(encoding="utf-8")))
        if isinstance(k, ast.Attribute)
        and isinstance(k.value, ast.Name)
        and k.value.id in module
        and k.attr.startswith("_")
        and not k.attr.startswith("__")
    ]


def test_no_private_name_taken_from_another_module():
    genommen = [
        f"{name} nimmt {modul}.{importiert}"
        for name, pfad in MODULE.items()
        for modul, importiert in _importe(name, pfad)
        if importiert.startswith("_") and importiert != "__version__" and modul != name
    ] + [
        f"{name} nimmt {fremd}"
        for name, pfad in MODULE.items()
        for fremd in _attribute_fremder_module(name, pfad)
    ]
    assert not genommen


def test_dependencies_point_one_way():
    falsch = sorted(
        f"{modul} -> {ziel}"
        for modul, ziele in _kanten().items()
        for ziel in ziele
        if _raum(ziel) != _raum(modul) and _raum(ziel) not in GRUNDLAGEN | ERLAUBT[_raum(modul)]
    )
    assert not falsch


def test_every_module_lives_in_a_room_we_know():
    assert {_raum(m) for m in MODULE} <= set(ERLAUBT)


@pytest.mark.parametrize("modul", sorted(MODULE))
def test_module_stays_readable(modul):
    zeilen = len(MODULE[modul].read_text(encoding="utf-8").splitlines())
    assert zeilen <= HOECHSTENS_ZEILEN, f"{modul}: {zeilen} Zeilen"


def test_the_checker_sees_a_cycle_and_a_private_import(tmp_path, monkeypatch):
    """The checks above can fail: a planted cycle and a planted private import are found."""
    a, b, c = tmp_path / "a.py", tmp_path / "b.py", tmp_path / "c.py"
    a.write_text("from .b import _geheim\n", encoding="utf-8")
    b.write_text("def f():\n    from .a import x\n", encoding="utf-8")
    c.write_text("from . import b as bb\n\nbb._intern()\n", encoding="utf-8")
    monkeypatch.setattr(
        "test_architektur.MODULE",
        {"zielsteuerung.kern.a": a, "zielsteuerung.kern.b": b, "zielsteuerung.kern.c": c},
    )
    with pytest.raises(AssertionError, match="Importkreise"):
        test_no_import_cycle()
    with pytest.raises(AssertionError, match="_geheim") as gefunden:
        test_no_private_name_taken_from_another_module()
    assert "zielsteuerung.kern.b._intern" in str(gefunden.value)


#: what a command must not load unless it writes a workbook (openpyxl pulls in its charts)
SCHWER = ("openpyxl", "xlwings", "zielsteuerung.mappe.vorlage", "zielsteuerung.daten.importer")


@pytest.mark.parametrize(
    ("aufruf", "erlaubt"),
    [
        ("from zielsteuerung.cli import main; main(['auswerten', '--store', STORE])", ()),
        # the ribbon button's process: xlwings hands it the workbook, nothing else is needed
        ("import zielsteuerung; from zielsteuerung.excel import ribbon", ("xlwings",)),
    ],
)
def test_evaluating_loads_no_workbook_writer(demo_store, aufruf, erlaubt):
    """Cold start: ``auswerten`` and the ribbon button (a fresh process per click) import only
    what they use."""
    programm = f"import sys\nSTORE = {str(demo_store)!r}\n{aufruf}\n" + (
        "print(sorted({m for m in sys.modules if m.split('.')[0] in ('openpyxl', 'xlwings')}"
        " | {m for m in sys.modules if m.startswith('zielsteuerung.')}))"
    )
    lauf = subprocess.run(
        [sys.executable, "-c", programm], capture_output=True, text=True, check=True
    )
    geladen = set(ast.literal_eval(lauf.stdout.splitlines()[-1]))
    assert not {m for m in geladen if m.startswith(SCHWER) and not m.startswith(erlaubt)}
    assert "zielsteuerung.bericht.auswerten" in geladen  # the check sees what was imported
