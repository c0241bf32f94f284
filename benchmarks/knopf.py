"""The ribbon button's path, measured as Excel starts it: a fresh Python process that imports
xlwings and zielsteuerung and runs ``zielsteuerung.main()`` on the open workbook.

Excel cannot run here, so the workbook is a stand-in: the cells, tables and defined names of
the national controlling workbook (a JSON snapshot written by ``schnappschuss``), behind the
part of xlwings' Book/Sheet/Range/Table API the button uses, held in dictionaries. What is
measured is therefore our share of a click (start, imports, settings, evaluation, contents);
Excel's own work of putting the values into its cells is not included.

Run as a child process: ``python benchmarks/knopf.py SNAPSHOT.json``; prints one JSON object.
"""

from __future__ import annotations

import time

BEGINN = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402
import types  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402


def _spalte(buchstaben: str) -> int:
    zahl = 0
    for b in buchstaben:
        zahl = zahl * 26 + ord(b) - 64
    return zahl


def _zelle(text: str) -> tuple[int, int]:
    """'$B$4' or 'B4' -> (row 4, column 2)."""
    text = text.replace("$", "")
    i = next(i for i, z in enumerate(text) if z.isdigit())
    return int(text[i:]), _spalte(text[:i])


def _bereich(ref: str) -> tuple[int, int, int, int]:
    a, b = ref.split(":")
    (r1, c1), (r2, c2) = _zelle(a), _zelle(b)
    return r1, c1, r2, c2


def _buchstaben(c: int) -> str:
    text = ""
    while c:
        c, rest = divmod(c - 1, 26)
        text = chr(65 + rest) + text
    return text


class Bereich:
    def __init__(self, blatt: Blatt, r1: int, c1: int, r2: int | None = None,
                 c2: int | None = None) -> None:  # fmt: skip
        self.blatt, self.row, self.column = blatt, r1, c1
        self.r2, self.c2 = r2 or r1, c2 or c1

    @property
    def shape(self) -> tuple[int, int]:
        return self.r2 - self.row + 1, self.c2 - self.column + 1

    @property
    def value(self) -> Any:
        zellen = self.blatt.zellen
        werte = [[zellen.get((r, c)) for c in range(self.column, self.c2 + 1)]
                 for r in range(self.row, self.r2 + 1)]  # fmt: skip
        if self.shape == (1, 1):
            return werte[0][0]
        if 1 in self.shape:
            return [w for zeile in werte for w in zeile]
        return werte

    @value.setter
    def value(self, werte: Any) -> None:
        if not isinstance(werte, list):
            werte = [[werte]]
        elif werte and not isinstance(werte[0], list):
            werte = [werte]
        for i, zeile in enumerate(werte):
            for j, wert in enumerate(zeile):
                self.blatt.zellen[(self.row + i, self.column + j)] = wert

    @property
    def number_format(self) -> str:
        return "General"

    @number_format.setter
    def number_format(self, format_: str) -> None:
        pass  # Excel's formatting is not part of what is measured

    def clear_contents(self) -> None:
        for r in range(self.row, self.r2 + 1):
            for c in range(self.column, self.c2 + 1):
                self.blatt.zellen.pop((r, c), None)


class Tabelle:
    def __init__(self, blatt: Blatt, name: str, ref: str) -> None:
        self.blatt, self.name, self.ref = blatt, name, ref

    @property
    def range(self) -> Bereich:
        return Bereich(self.blatt, *_bereich(self.ref))

    def resize(self, bereich: Bereich) -> None:
        self.ref = (f"{_buchstaben(bereich.column)}{bereich.row}:"
                    f"{_buchstaben(bereich.c2)}{bereich.r2}")  # fmt: skip


class Sammlung(list):  # type: ignore[type-arg]
    """xlwings' collections: iterable, and indexable by name."""

    def __getitem__(self, schluessel: Any) -> Any:
        if isinstance(schluessel, str):
            return next(x for x in self if x.name == schluessel)
        return super().__getitem__(schluessel)


class Blatt:
    def __init__(self, name: str, zellen: dict[tuple[int, int], Any]) -> None:
        self.name, self.zellen = name, zellen
        self.tables: Sammlung = Sammlung()

    def range(self, a: tuple[int, int], b: tuple[int, int] | None = None) -> Bereich:
        return Bereich(self, a[0], a[1], *(b or a))


class Programm:
    def __init__(self) -> None:
        self.status_bar: Any = False
        self.meldungen: list[str] = []
        self.api = types.SimpleNamespace(CalculateFull=lambda: None)

    def alert(self, prompt: str, title: str = "", mode: str = "") -> None:
        self.meldungen.append(prompt)


class Buch:
    def __init__(self, schnappschuss: dict[str, Any]) -> None:
        self.fullname, self.app = schnappschuss["pfad"], Programm()
        self.sheets = Sammlung()
        for name, inhalt in schnappschuss["blaetter"].items():
            blatt = Blatt(name, {(r, c): w for r, c, w in inhalt["zellen"]})
            blatt.tables.extend(Tabelle(blatt, t, ref) for t, ref in inhalt["tabellen"].items())
            self.sheets.append(blatt)
        self.names = {
            name: types.SimpleNamespace(refers_to_range=Bereich(self.sheets[blatt], *_zelle(z)))
            for name, (blatt, z) in schnappschuss["namen"].items()
        }

    def save(self) -> None:
        pass


def schnappschuss(mappe: Path, ziel: Path) -> None:
    """Cells, tables and defined names of a controlling workbook as JSON (run by the parent)."""
    from openpyxl import load_workbook

    wb = load_workbook(mappe)
    blaetter = {}
    for ws in wb.worksheets:
        zellen = [
            [z.row, z.column, z.value if isinstance(z.value, int | float | str) else str(z.value)]
            for zeile in ws.iter_rows()
            for z in zeile
            if z.value is not None
        ]
        blaetter[ws.title] = {"zellen": zellen, "tabellen": dict(ws.tables.items())}
    namen = {n: list(next(d.destinations)) for n, d in wb.defined_names.items()}
    daten = {"pfad": str(mappe), "blaetter": blaetter, "namen": namen}
    ziel.write_text(json.dumps(daten, ensure_ascii=False), encoding="utf-8")


def main() -> None:
    buch = Buch(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")))
    t0 = time.perf_counter()
    import xlwings  # noqa: F401  (the button's process imports it to reach Excel)

    import zielsteuerung
    from zielsteuerung.excel import ribbon

    t1 = time.perf_counter()
    ribbon.aufrufende_mappe = lambda: buch  # instead of xlwings.Book.caller()
    zielsteuerung.main()
    t2 = time.perf_counter()
    geladen = sorted({m.split(".")[0] for m in sys.modules} & {"openpyxl", "xlwings"})
    print(json.dumps({
        "start_to_main_s": t0 - BEGINN, "imports_s": t1 - t0, "button_s": t2 - t1,
        "status_bar": buch.app.status_bar, "alerts": buch.app.meldungen,
        "third_party_imported": geladen,
        "workbook_writer_imported": "zielsteuerung.mappe.vorlage" in sys.modules,
    }, ensure_ascii=False))  # fmt: skip


if __name__ == "__main__":
    main()
