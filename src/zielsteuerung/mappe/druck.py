"""Printing the workbooks we write: A4 landscape at a scale that keeps the text readable, page
breaks that never cut a chart, row heights that fit wrapped text, and the page header and
footer (with the sample-data banner whenever demo data are shown).

Sizes are those LibreOffice and Excel use for the workbooks' default font (Calibri 11): one
unit of column width prints 5.55 pt wide at 100 %, a default row is 15 pt high.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections.abc import Iterable
from copy import copy
from functools import lru_cache
from typing import NamedTuple

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.pagebreak import Break, RowBreak
from openpyxl.worksheet.worksheet import Worksheet

from ..kern.zahlen import ist_zahl

RAND_ZOLL = 0.4  # left and right page margins
BREITE_PT = 841.89 - 2 * RAND_ZOLL * 72  # A4 landscape between the margins
HOEHE_PT = 445.0  # body height between header and footer at 100 % (measured: 450 to 465)
PT_JE_EINHEIT = 5.55  # one unit of column width
CM_JE_PT = 2.54 / 72
STANDARDBREITE = 8.43
STANDARDHOEHE = 15.0
SCHRIFTGROESSE = 11.0
KLEINSTER_MASSSTAB = 73  # 11 pt prints at 8 pt; wider sheets get more pages, not smaller text


def _breiten(ws: Worksheet) -> dict[int, float]:
    """Column widths by index (0 for hidden columns); only the columns that have a width."""
    breiten: dict[int, float] = {}
    for buchstabe, d in list(ws.column_dimensions.items()):
        von = d.min or column_index_from_string(buchstabe)
        bis = d.max or von
        for c in range(von, bis + 1):
            breiten[c] = 0.0 if d.hidden else (d.width or STANDARDBREITE)
    return breiten


def breite(ws: Worksheet, von: int, bis: int) -> float:
    """Width of columns ``von``..``bis`` in units of column width (hidden columns count 0)."""
    breiten = _breiten(ws)
    return sum(breiten.get(c, STANDARDBREITE) for c in range(von, bis + 1))


def spalte_bei(ws: Worksheet, einheiten: float) -> tuple[int, float]:
    """The column that holds the point ``einheiten`` units right of column A's left edge, and
    the offset into it (units)."""
    breiten, c = _breiten(ws), 1
    while einheiten >= breiten.get(c, STANDARDBREITE) and c < 16384:
        einheiten -= breiten.get(c, STANDARDBREITE)
        c += 1
    return c, einheiten


def rechts_von(ws: Worksheet, cm: float) -> int:
    """The last column a print area needs to hold everything up to ``cm`` right of column A's
    left edge (with a unit to spare for the programs' rounding of column widths)."""
    return spalte_bei(ws, cm / CM_JE_PT / PT_JE_EINHEIT + 1)[0]


def hoehe(ws: Worksheet, zeile: int) -> float:
    d = ws.row_dimensions.get(zeile)
    if d is not None and d.hidden:
        return 0.0
    return d.height if d is not None and d.height else STANDARDHOEHE


def zeile_bei(ws: Worksheet, oben: int, punkte: float) -> int:
    """The first row that starts at or below ``punkte`` pt under the top of row ``oben``."""
    zeile = oben
    while punkte > 0.5:
        punkte -= hoehe(ws, zeile)
        zeile += 1
    return zeile


def massstab(ws: Worksheet, letzte_spalte: int) -> int:
    """Print scale (%) at which columns A..``letzte_spalte`` fill the page width, at most 100
    and never below ``KLEINSTER_MASSSTAB`` (then LibreOffice and Excel print the columns
    that do not fit on further pages)."""
    noetig = breite(ws, 1, letzte_spalte) * PT_JE_EINHEIT
    # 2 % to spare: the programs round column widths to their own units
    return max(KLEINSTER_MASSSTAB, min(100, math.floor(98 * BREITE_PT / max(noetig, 1))))


def einrichten(
    ws: Worksheet,
    letzte_spalte: int,
    letzte_zeile: int,
    bloecke: Iterable[tuple[int, int]] = (),
    kopfzeile: int | None = None,
) -> int:
    """Print area A1 to (``letzte_zeile``, ``letzte_spalte``) at a readable scale; page breaks
    only between ``bloecke`` (first row, last row: a chart, a table, a group of rows that
    belong together) and between rows outside them. A table header row ``kopfzeile`` repeats
    on every page. Returns the scale."""
    ws.print_area = f"A1:{get_column_letter(letzte_spalte)}{letzte_zeile}"
    skala = massstab(ws, letzte_spalte)
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.fitToWidth = ws.page_setup.fitToHeight = None
    ws.page_setup.scale = skala
    wiederholt = 0.0
    ws.print_title_rows = None
    if kopfzeile is not None and kopfzeile < letzte_zeile:
        ws.print_title_rows = f"{kopfzeile}:{kopfzeile}"
        wiederholt = hoehe(ws, kopfzeile)
    ws.row_breaks = RowBreak()
    verfuegbar = HOEHE_PT * 100 / skala
    einheiten: list[tuple[int, int]] = []
    zeile = 1
    for von, bis in sorted(bloecke):
        if bis < zeile:
            continue
        einheiten += [(r, r) for r in range(zeile, von)]
        einheiten.append((max(von, zeile), bis))
        zeile = bis + 1
    einheiten += [(r, r) for r in range(zeile, letzte_zeile + 1)]
    belegt = 0.0
    for von, bis in einheiten:
        noetig = sum(hoehe(ws, r) for r in range(von, bis + 1))
        if belegt and belegt + noetig > verfuegbar:
            ws.row_breaks.append(Break(id=von - 1))
            belegt = wiederholt if kopfzeile is not None and von > kopfzeile else 0.0
        belegt += noetig
    return skala


def diagramm_zeilen(ws: Worksheet, oben: int, hoehe_cm: float) -> tuple[int, int]:
    """The rows a chart ``hoehe_cm`` high anchored at row ``oben`` covers (first, last)."""
    return oben, zeile_bei(ws, oben, hoehe_cm / CM_JE_PT) - 1


def zeilen_anpassen(ws: Worksheet, zeilen: Iterable[int], mindestens: float = 0.0) -> None:
    """Row heights that fit the wrapped text of every cell in the rows (merged cells count
    with the width of the merge; keys shown as nothing and hidden columns do not count)."""
    zeilen = sorted(set(zeilen))
    if not zeilen:
        return
    breiten = _breiten(ws)
    verbunden = {
        (m.min_row, m.min_col): sum(
            breiten.get(c, STANDARDBREITE) for c in range(m.min_col, m.max_col + 1)
        )
        for m in ws.merged_cells.ranges
    }
    noetig = dict.fromkeys(zeilen, mindestens)
    spalten = range(1, ws.max_column + 1)
    for r, c in ((r, c) for r in zeilen for c in spalten):
        zelle = ws._cells.get((r, c))
        if zelle is None or zelle.value in (None, "") or zelle.number_format == ";;;":
            continue
        einheiten = verbunden.get((r, c), breiten.get(c, STANDARDBREITE))
        if not einheiten:
            continue
        groesse = float(zelle.font.sz or SCHRIFTGROESSE) if zelle.font else SCHRIFTGROESSE
        anzahl = 1
        if zelle.alignment is not None and zelle.alignment.wrap_text:
            anzahl = len(umbrechen(str(zelle.value), einheiten, groesse, bool(zelle.font.b)))
        noetig[r] = max(noetig[r], anzahl * groesse * 1.364 + (2 if anzahl > 1 else 0))
    for r, hoehe_ in noetig.items():
        gesetzt = ws.row_dimensions.get(r)
        if hoehe_ > STANDARDHOEHE + 0.5 or (gesetzt is not None and gesetzt.height):
            ws.row_dimensions[r].height = max(STANDARDHOEHE, math.ceil(hoehe_))


#: Widths of characters in Calibri (Carlito), in units of column width (the width of a digit).
_ZEICHEN = {
    **dict.fromkeys("0123456789+€#_", 1.0), **dict.fromkeys(".,:;'!|iIjl ", 0.48),
    **dict.fromkeys("ft()[]-/", 0.62), **dict.fromkeys("rsz", 0.75), **dict.fromkeys("ckvxy", 0.88),
    **dict.fromkeys("mMW", 1.65), **dict.fromkeys("w%", 1.42),
}  # fmt: skip


@lru_cache(maxsize=4096)  # a sheet repeats its texts (months, figures, file names) many times
def textbreite(text: str, groesse: float = SCHRIFTGROESSE, fett: bool = False) -> float:
    """About how wide ``text`` prints, in units of column width."""
    einheiten = sum(_ZEICHEN.get(z, 1.15 if z.isupper() else 1.0) for z in text)
    return einheiten * groesse / SCHRIFTGROESSE * (1.06 if fett else 1.0)


def umbrechen(text: str, einheiten: float, groesse: float, fett: bool = False) -> list[str]:
    """The lines a text breaks into in a column ``einheiten`` wide (words kept whole where
    they fit, as the spreadsheet programs wrap)."""
    platz = einheiten - 0.6
    zeilen: list[str] = []
    for absatz in str(text).split("\n"):
        zeile = ""
        for wort in absatz.split(" "):
            probe = f"{zeile} {wort}" if zeile else wort
            if zeile and textbreite(probe, groesse, fett) > platz:
                zeilen.append(zeile)
                probe = wort
            while textbreite(probe, groesse, fett) > platz and len(probe) > 1:  # too long a word
                teil = next(
                    i for i in range(len(probe), 0, -1)
                    if textbreite(probe[:i], groesse, fett) <= platz or i == 1
                )  # fmt: skip
                zeilen.append(probe[:teil])
                probe = probe[teil:]
            zeile = probe
        zeilen.append(zeile)
    return zeilen


def ueber_breite(ws: Worksheet, zeile: int, bis_spalte: int) -> None:
    """Let the text in column A of ``zeile`` wrap over the columns up to ``bis_spalte`` (or up
    to the first cell of the user's in the row), with a row height that fits it. A text that
    fits on one line just flows into the empty cells beside it (no merge)."""
    for bereich in list(ws.merged_cells.ranges):
        if bereich.min_row == zeile and bereich.min_col == 1:
            ws.unmerge_cells(str(bereich))
    ende = 1
    while ende < bis_spalte and ws.cell(zeile, ende + 1).value in (None, ""):
        ende += 1
    zelle = ws.cell(zeile, 1)
    groesse = float(zelle.font.sz or SCHRIFTGROESSE) if zelle.font else SCHRIFTGROESSE
    fett = bool(zelle.font and zelle.font.b)
    if textbreite(str(zelle.value or ""), groesse, fett) <= breite(ws, 1, ende) - 1:
        zelle.alignment = Alignment(wrap_text=False, vertical="top")
        return
    if ende > 1:
        ws.merge_cells(start_row=zeile, start_column=1, end_row=zeile, end_column=ende)
    zelle.alignment = Alignment(wrap_text=True, vertical="top")
    zeilen_anpassen(ws, [zeile])


def platz_schaffen(ws: Worksheet, kopfzeile: int, erste: int, letzte: int, unten: int) -> None:
    """Widen a column where a number or date would not fit (a spreadsheet shows ### then),
    where a word of its header or of its wrapped text would be broken, or where a line of its
    header would fill it (it would touch the next header then: more room where that one
    starts at its left edge too). Headers are aligned first (``kopf_ausrichten``)."""
    stile: dict[bytes, _Stil] = {}
    spalten = _sichtbar(ws, erste, letzte)
    for c, rechts in zip(spalten, [*spalten[1:], None], strict=True):
        buchstabe = get_column_letter(c)
        d = ws.column_dimensions.get(buchstabe)
        jetzt = d.width if d is not None and d.width else STANDARDBREITE
        zellen = (ws._cells.get((r, c)) for r in range(kopfzeile, unten + 1))
        noetig = _breiteste((z for z in zellen if z is not None), stile)
        kopf = ws._cells.get((kopfzeile, c))
        nachbar = None if rechts is None else ws._cells.get((kopfzeile, rechts))
        links_daneben = (  # the next header starts where this column ends
            nachbar is not None
            and nachbar.value not in (None, "")
            and nachbar.alignment.horizontal in (None, "left", "general")
            and not nachbar.alignment.indent
        )
        rand = 2.4 if links_daneben else 1.2
        while kopf is not None and (mehr := _kopfplatz(kopf, max(noetig, jetzt), rand)) > noetig:
            noetig = math.ceil(mehr * 2) / 2
        if noetig > jetzt:
            ws.column_dimensions[buchstabe].width = math.ceil(noetig * 2) / 2


def _breiteste(zellen: Iterable[Cell], stile: dict[bytes, _Stil]) -> float:
    """The largest ``_anzeigebreite`` of the cells, each kind measured once where no other
    cell of its kind can need more: of the numbers of one style and sign the largest (digits
    print equally wide), of a text or date of one style the first that needs its room."""
    groesste: dict[tuple[bytes, bool], Cell] = {}
    gemessen: set[tuple[bytes, object]] = set()
    noetig = 0.0
    for zelle in zellen:
        wert = zelle._value
        if wert is None or wert == "":
            continue
        stil = b"" if zelle._style is None else zelle._style.tobytes()
        if ist_zahl(wert) and wert == wert:  # (NaN is measured as text is)
            bisher = groesste.get(schluessel := (stil, wert < 0))
            if bisher is None or abs(wert) > abs(bisher._value):
                groesste[schluessel] = zelle
            continue
        art = (stil, wert if isinstance(wert, str) else type(wert))
        if art not in gemessen and (breite := _anzeigebreite(zelle, stile)):
            gemessen.add(art)  # a text needs its room or none (its neighbours empty)
            noetig = max(noetig, breite)
    return max([noetig, *(_anzeigebreite(z, stile) for z in groesste.values())])


def _sichtbar(ws: Worksheet, erste: int, letzte: int) -> list[int]:
    """The columns of erste..letzte that are not hidden."""
    return [
        c
        for c in range(erste, letzte + 1)
        if not ((d := ws.column_dimensions.get(get_column_letter(c))) and d.hidden)
    ]


def _kopfplatz(kopf: Cell, breite_: float, rand: float) -> float:
    """The width that gives a header line filling its column ``rand`` units of room beside the
    next header (0 where no line fills it). Which words share a line the programs decide a
    little otherwise than estimated here, so every run of the header's words counts as a
    possible line."""
    woerter = str(kopf.value or "").split()
    fett = bool(kopf.font and kopf.font.b)
    laengen = [
        textbreite(" ".join(woerter[i:j]), fett=fett)
        for i in range(len(woerter))
        for j in range(i + 1, len(woerter) + 1)
    ]
    voll = [laenge for laenge in laengen if breite_ - rand < laenge <= breite_ + 1]
    return max(voll) + rand if voll else 0.0


def kopf_ausrichten(ws: Worksheet, kopf: int, erste: int, letzte: int, unten: int) -> None:
    """A header stands as its column's values do, unless the user aligned it otherwise: as
    they are set (centred, right), else right over numbers and dates (in a narrow column a
    number would otherwise stand under the next column's header)."""
    for c in range(erste, letzte + 1):
        zelle = ws.cell(kopf, c)
        if zelle.alignment.horizontal is not None:
            continue
        if (seite := ws.cell(kopf + 1, c).alignment.horizontal) in ("center", "right"):
            _ausrichten(zelle, seite)
            continue
        werte = [
            z.value
            for r in range(kopf + 1, unten + 1)
            if (z := ws._cells.get((r, c))) is not None and z.value not in (None, "")
        ]
        if werte and all(ist_zahl(w) or isinstance(w, dt.date) for w in werte):
            _ausrichten(zelle, "right")
    # text right of a right-aligned column: a gap (hidden columns between count for nothing)
    for links, c in itertools.pairwise(_sichtbar(ws, erste, letzte)):
        if (
            ws.cell(kopf, links).alignment.horizontal == "right"
            and ws.cell(kopf, c).alignment.horizontal is None
        ):
            for r in range(kopf, unten + 1):
                _ausrichten(ws.cell(r, c), "left", einzug=1)


def _ausrichten(zelle: Cell, seite: str, einzug: int = 0) -> None:
    ausrichtung = copy(zelle.alignment)
    ausrichtung.horizontal = seite
    ausrichtung.indent = einzug
    zelle.alignment = ausrichtung


class _Stil(NamedTuple):
    """What a cell's width depends on besides its value, asked once per cell style."""

    format_: str
    fett: bool
    umbruch: bool
    stellen: int  # decimals a number shows
    zusatz: str  # text the number format adds (" %", " pp")
    plus: str  # "+" where the format signs positive numbers
    seite: str | None  # horizontal alignment


def _stil(zelle: Cell, stile: dict[bytes, _Stil]) -> _Stil:
    schluessel = b"" if zelle._style is None else zelle._style.tobytes()
    if (stil := stile.get(schluessel)) is None:
        format_ = str(zelle.number_format or "")
        stil = stile[schluessel] = _Stil(
            format_,
            bool(zelle.font and zelle.font.b),
            bool(zelle.alignment is not None and zelle.alignment.wrap_text),
            1 if "0.0" in format_ else (0 if "0" in format_ else 2),
            "".join(re.findall(r'"([^"]*)"', format_.split(";")[0])),
            "+" if "+" in format_ else "",
            zelle.alignment.horizontal if zelle.alignment is not None else None,
        )
    return stil


def _anzeigebreite(zelle: Cell, stile: dict[bytes, _Stil]) -> float:
    """About how many units of column width a cell needs: a number or date in its format, the
    longest word of wrapped text, the whole of other text where a cell it would flow into holds
    something (the next one; the one before for text set right; both for centred text: a
    spreadsheet cuts it off there, or it runs up to the neighbour's text; at most 40 units);
    text that may flow into empty cells needs none. ``stile`` remembers what the cells' styles
    say (``_stil``)."""
    wert = zelle.value
    if wert is None or wert == "":
        return 0.0
    stil = _stil(zelle, stile)
    if stil.format_ == ";;;":
        return 0.0
    if isinstance(wert, dt.datetime | dt.date):
        return 17.0 if "HH" in stil.format_ else 11.0
    if isinstance(wert, str):
        if stil.umbruch:
            woerter = wert.split()
            return max(textbreite(w, fett=stil.fett) for w in woerter) + 1.2 if woerter else 0.0
        seiten = {"center": (-1, 1), "right": (-1,)}.get(stil.seite or "", (1,))
        nachbarn = (zelle.parent._cells.get((zelle.row, zelle.column + d)) for d in seiten)
        if zelle.data_type != "s" or all(n is None or n.value in (None, "") for n in nachbarn):
            return 0.0
        return min(textbreite(wert, fett=stil.fett) + 1.2, 40.0)
    if not ist_zahl(wert):
        return 0.0
    text = f"{abs(wert):,.{stil.stellen}f}"
    return textbreite(("-" if wert < 0 else stil.plus) + text + stil.zusatz) + 1.0


def kopf_und_fuss(ws: Worksheet, hinweis: str | None, links: str = "") -> None:
    """Page header: ``hinweis`` (the sample-data banner) in red; footer: ``links`` (Träger and
    period), the sheet and page, the program."""
    kopf, fuss = ws.oddHeader.center, ws.oddFooter
    kopf.text = hinweis or None
    kopf.size, kopf.font, kopf.color = (12, "Calibri,Bold", "C00000") if hinweis else (None,) * 3
    fuss.left.text = links or None
    fuss.center.text = "&A – Seite &P von &N"
    fuss.right.text = "zielsteuerung"
    for teil in (fuss.left, fuss.center, fuss.right):
        teil.size, teil.font = 10, "Calibri,Regular"
