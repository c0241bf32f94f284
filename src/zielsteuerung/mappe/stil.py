"""The look of every workbook we write (controlling workbook and the ministry's): palette, fonts,
column widths, traffic lights and page setup (the number formats are in ``formate``).
"""

from __future__ import annotations

from collections.abc import Callable

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..kern.kennzahlen import KENNZAHLEN
from ..kern.monate import MONATE
from ..kern.zielpfad import AUF_DEM_PFAD, HINTER_DEM_PFAD
from .druck import RAND_ZOLL, kopf_und_fuss

SCHRIFT = "Calibri"


def schrift(size: float = 11, **art: object) -> Font:
    """A font of our workbooks; always named, so that every program draws the same."""
    return Font(name=SCHRIFT, size=size, **art)


BLAU = "1F3864"


GRAU_TEXT = "595959"


TITEL = schrift(16, bold=True, color=BLAU)


UNTERTITEL = schrift(11, italic=True, color=GRAU_TEXT)


HINWEIS = schrift(12, bold=True, color="C00000")


ABSCHNITT = schrift(12, bold=True, color=BLAU)


FETT = schrift(bold=True)


NORMAL = schrift()


KOPF = schrift(bold=True, color="FFFFFF")


GRUEN = PatternFill("solid", fgColor="C6EFCE")
GRUEN_TEXT = "006100"


ROT = PatternFill("solid", fgColor="FFC7CE")
ROT_TEXT = "9C0006"


GRAU = PatternFill("solid", fgColor="E7E6E6")


GELB = PatternFill("solid", fgColor="FFEB9C")


#: Column widths by header (units of Excel's column width); others get ``_STANDARD``.
_BREITEN = {
    **dict.fromkeys(("Ziel_ID", "Monitoring_ID"), 1.5), "Einheit": 6, "Ziel": 27, "Größe": 40,
    "Grund": 16, "Hinweis": 40, "Erläuterung": 90, "Quelle": 36, "Datei": 40, "SHA-256": 70,
    "Importiert am": 17, "Datenstand": 11, "Art": 19, "Eingabe": 24, "Posten": 24,
    "Status": 11, "Status Zielpfad": 11, "Status Prognose": 14.5, "Ampel": 6.5, "Knapp": 6.5,
    "Monat": 15, "Merkmal": 12, "Geschlecht": 11, "Fehlkennzeichen": 16, "Bereich": 12,
    "Mittel": 12, "Ausgaben": 12, "Prognose Dezember": 11, "Prognose linear": 12, "Rest": 12,
    "Zielpfad aus": 16, "Beispieldaten": 13.5, "Platz": 6, "Rang": 6, "Jahr": 7,
    "Veränderung": 12.5, "Abstand Vorjahr": 9.5, **dict.fromkeys(MONATE, 10.5),
    **dict.fromkeys(KENNZAHLEN, 8),
}  # fmt: skip


_STANDARD = 9.5


def spaltenbreite(spalte: str) -> float:
    return _BREITEN.get(spalte, _STANDARD)


def seite_einrichten(ws: Worksheet) -> None:
    """A4 landscape, margins, footer; the scale and page breaks follow the content
    (``druck.einrichten``)."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = RAND_ZOLL
    kopf_und_fuss(ws, None)


_AMPEL = (
    (("erreicht", "auf Kurs", AUF_DEM_PFAD, "voraussichtlich erreicht"), GRUEN, GRUEN_TEXT),
    (
        ("nicht erreicht", "gefährdet", HINTER_DEM_PFAD, "voraussichtlich nicht erreicht"),
        ROT,
        ROT_TEXT,
    ),
    (("nicht berechenbar",), GRAU, "595959"),
)


def ampel_regeln(ws: Worksheet, bereich: str, bedingung: Callable[[str], str]) -> None:
    """Green, red and grey by the status text; ``bedingung`` tests one text, e.g. '$K7="x"'."""
    for texte, fuellung, farbe in _AMPEL:
        ws.conditional_formatting.add(
            bereich,
            FormulaRule(
                formula=[f"OR({','.join(bedingung(t) for t in texte)})"],
                fill=fuellung,
                font=Font(color=farbe, bold=True),
                stopIfTrue=True,
            ),
        )


def ampel(ws: Worksheet, kopfzeile: int, letzte: int, status: int, bereiche: list[int]) -> None:
    """Traffic lights by conditional formatting, keyed on the status text of the row."""
    buchstabe = get_column_letter(status)

    def status_gleich(text: str) -> str:
        return f'${buchstabe}{kopfzeile + 1}="{text}"'

    for c in bereiche:
        buchstabe_c = get_column_letter(c)
        bereich = f"{buchstabe_c}{kopfzeile + 1}:{buchstabe_c}{max(letzte, kopfzeile + 1)}"
        for cf in list(ws.conditional_formatting):
            if str(cf.sqref).startswith(f"{buchstabe_c}{kopfzeile + 1}:"):
                del ws.conditional_formatting._cf_rules[cf]  # our rule of the last refresh
        ampel_regeln(ws, bereich, status_gleich)
