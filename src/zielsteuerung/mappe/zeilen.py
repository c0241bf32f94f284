"""Writing the rows of a worksheet as openpyxl writes them, byte for byte, but from strings.

openpyxl builds an XML element for every cell and serialises it through a pure-Python writer;
for the national controlling workbook that is two thirds of a save. The cells a controlling
workbook consists of (text, numbers, dates, truth values, empty styled cells) are written here
from strings instead; any other cell (a formula, rich text, a hyperlink, a NumPy number, …) is
written by openpyxl's own cell writer in its place in the row. The result is the same file
(checked byte for byte in the tests); only the time differs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl.cell._writer import write_cell
from openpyxl.comments.comment_sheet import CommentRecord
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

_ZEITEN = (dt.datetime, dt.date, dt.time, dt.timedelta)


def _text(wert: str) -> str:
    return wert.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribut(wert: str) -> str:
    return (
        _text(wert)
        .replace('"', "&quot;")
        .replace("\r", "&#13;")
        .replace("\n", "&#10;")
        .replace("\t", "&#09;")
    )


def _zahl(wert: float) -> str | None:
    """A number as openpyxl writes it; None for NaN and infinity (such cells openpyxl writes)."""
    if wert != wert or wert in (float("inf"), float("-inf")):
        return None
    return f"{wert:.16g}"


def _stilattribut(zelle: Any, stile: dict[bytes, str]) -> str:
    """A cell's style attribute as openpyxl writes it ("" for none); ``stile`` remembers
    them, each numbered by openpyxl when first met (``Cell.style_id``), as it numbers them."""
    if zelle._style is None:
        return ""
    if (stil := stile.get(schluessel := zelle._style.tobytes())) is None:
        stil = stile[schluessel] = f' s="{zelle.style_id}"' if zelle.has_style else ""
    return stil


def _zelle_als_text(zelle: Any, stil: str, epoche: dt.datetime) -> str | None:
    """The XML openpyxl writes for ``zelle`` with style attribute ``stil``, or None where
    openpyxl must write it."""
    wert, typ = zelle._value, zelle.data_type
    if zelle.hyperlink is not None:
        return None
    anfang = f'<c r="{zelle.coordinate}"{stil}'
    if wert is None or wert == "":
        leer = {"s": "inlineStr", "n": "n", "b": "b", "d": "n"}.get(typ)
        return None if leer is None else f'{anfang} t="{leer}" />'
    if typ == "s" and type(wert) is str:
        raum = ' xml:space="preserve"' if wert.strip() and wert != wert.strip() else ""
        return f'{anfang} t="inlineStr"><is><t{raum}>{_text(wert)}</t></is></c>'
    if (typ == "n" and type(wert) in (int, float)) or (typ == "b" and type(wert) is bool):
        zahl = _zahl(wert)
    elif typ == "d" and isinstance(wert, _ZEITEN) and getattr(wert, "tzinfo", None) is None:
        zahl = _zahl(to_excel(wert, epoche))
        typ = "n"
    else:
        return None
    return None if zahl is None else f'{anfang} t="{typ}"><v>{zahl}</v></c>'


class _Zeilenschreiber(WorksheetWriter):
    """openpyxl's worksheet writer, with the rows written from strings where it can."""

    def write_rows(self) -> None:
        xf = self.xf.send(True)
        schreiben = getattr(xf, "_file", None)  # the standard-library writer's output
        if schreiben is None or self.ws.parent.iso_dates:
            super().write_rows()  # (lxml's writer, or dates as text: openpyxl's own way)
            return
        epoche = self.ws.parent.epoch
        stile: dict[bytes, str] = {}
        hoehen = self.ws.row_dimensions
        with xf.element("sheetData"):
            for nummer, zellen in self.rows():
                attribute = {"r": str(nummer), **dict(hoehen.get(nummer, {}))}
                teile = ["<row", *(f' {k}="{_attribut(v)}"' for k, v in attribute.items()), ">"]
                for zelle in zellen:
                    stil = _stilattribut(zelle, stile)
                    if zelle._comment is not None:
                        self.ws._comments.append(CommentRecord.from_cell(zelle))
                    elif zelle._value is None and not stil:
                        continue
                    text = _zelle_als_text(zelle, stil, epoche)
                    if text is None:
                        schreiben("".join(teile))
                        teile = []
                        write_cell(xf, self.ws, zelle, bool(stil))
                    else:
                        teile.append(text)
                teile.append("</row>")
                schreiben("".join(teile))
        self.xf.send(None)


class Mappenschreiber(ExcelWriter):
    """openpyxl's workbook writer, with each worksheet's rows written by ``_Zeilenschreiber``."""

    def write_worksheet(self, ws: Any) -> None:
        if self.workbook.write_only:
            super().write_worksheet(ws)
            return
        ws._drawing = SpreadsheetDrawing()  # as ExcelWriter.write_worksheet does
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        schreiber = _Zeilenschreiber(ws)
        schreiber.write()
        ws._rels = schreiber._rels
        self._archive.write(schreiber.out, ws.path[1:])
        self.manifest.append(ws)
        schreiber.cleanup()
