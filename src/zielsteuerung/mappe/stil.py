"""The look of every workbook we write (controlling workbook and the ministry's): palette, fonts,
column widths, traffic lights and page setup (the number formats are in ``formate``).
"""

from __future__ import annotations

from collections.abc import Callable

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..kern.monate import MONATE
from ..kern.zielpfad import AUF_DEM_PFAD, HINTER_DEM_PFAD

BLAU = "1F3864"


TITEL = Font(size=16, bold=True, color=BLAU)


UNTERTITEL = Font(size=11, italic=True, color="595959")


HINWEIS = Font(size=12, bold=True, color="C00000")


FETT = Font(bold=True)


GRUEN = PatternFill("solid", fgColor="C6EFCE")


ROT = PatternFill("solid", fgColor="FFC7CE")


GRAU = PatternFill("solid", fgColor="E7E6E6")


GELB = PatternFill("solid", fgColor="FFEB9C")


#: Column widths where the header's length is not a good guide.
_BREITEN = {
    "Ziel_ID": 18, "Status": 17, "Monitoring_ID": 15, "Ziel": 46, "Groesse": 52, "Grund": 32,
    "Hinweis": 40, "Erläuterung": 90, "Quelle": 40, "Datei": 44, "SHA256": 68,
    "Datenstand": 20, "Art": 20, "Eingabe": 44, "Posten": 28, "Status_Pfad": 19,
    "Prognose_Status": 27, "Prognose_Dezember": 19, "Rest": 14, **dict.fromkeys(MONATE, 14),
}  # fmt: skip


def spaltenbreite(spalte: str) -> float:
    return _BREITEN.get(spalte, max(9, len(spalte) + 5))


def seite_einrichten(ws: Worksheet) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.oddFooter.center.text = "&A – Seite &P von &N"
    ws.oddFooter.right.text = "zielsteuerung"


_AMPEL = (
    (("erreicht", "auf Kurs", AUF_DEM_PFAD, "voraussichtlich erreicht"), GRUEN, "006100"),
    (
        ("nicht erreicht", "gefährdet", HINTER_DEM_PFAD, "voraussichtlich nicht erreicht"),
        ROT,
        "9C0006",
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


def druckbereich(ws: Worksheet, kopfzeile: int, letzte_spalte: int, letzte_zeile: int) -> None:
    """Print area over the table (and charts); a long table repeats its header on every page."""
    ws.print_area = f"A1:{get_column_letter(letzte_spalte)}{letzte_zeile}"
    if letzte_zeile - kopfzeile > 30:
        ws.print_title_rows = f"{kopfzeile}:{kopfzeile}"
