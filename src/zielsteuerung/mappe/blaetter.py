"""How the sheets of the controlling workbook look after a refresh: columns wide enough for
their numbers, rows high enough for their wrapped text, the charts, and the print setup
(readable scale, page breaks that never cut a chart, the sample-data banner in the page
header, Träger and period in the footer).
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.chart import Reference
from openpyxl.styles import Alignment

from ..bericht.bericht import KENNZAHL_TEXTE, Bericht
from ..kern.auswertung import HINWEIS_BEISPIELDATEN
from . import diagramme as dg
from .diagrammdaten import mittel_block, pfad_namen, zielpfad_block
from .druck import (
    CM_JE_PT,
    PT_JE_EINHEIT,
    breite,
    einrichten,
    kopf_und_fuss,
    rechts_von,
    ueber_breite,
    zeilen_anpassen,
)
from .formate import FORMATE, wertformat
from .stil import ABSCHNITT
from .vertrag import BLAETTER, EINGABE_MIT_KENNUNG
from .zellen import Ort, anmerkung, setze, tabelle_gestalten


def gestalten(wb: Workbook, bericht: Bericht, orte: dict[str, Ort], anzahl: dict[str, int]) -> None:
    """Lay out and set up for print every sheet the refresh wrote (the sheets "Steuerungsdialog"
    and "Vergleich" lay out themselves)."""
    unten = {
        name: tabelle_gestalten(ort, anzahl[name], name != EINGABE_MIT_KENNUNG)
        for name, ort in orte.items()
    }
    for ws in wb.worksheets:  # titles (16 pt) and notes above the tables: rows high enough
        if ws.title in BLAETTER:
            zeilen_anpassen(ws, [1, 3])
    for name, ort in orte.items():
        ws, kopf, _, letzte = ort
        if ws.title in _EIGENE or name in _BESONDERS:
            continue
        ueber_breite(ws, 4 if name == "tbl_Ziele" else 2, letzte)  # the note under the title
        einrichten(ws, letzte, unten[name], [(1, kopf + 1)], kopf)
    ws = orte["tbl_Quellen"][0]
    einrichten(ws, orte["tbl_Quellen"][3], unten["tbl_Quellen"], [(1, 12)])
    _einstellungen(wb)
    _gender(bericht, orte["tbl_Gender"], unten["tbl_Gender"])
    _verlauf(bericht, orte["tbl_Verlauf"], unten["tbl_Verlauf"])
    _kennzahlen(orte["tbl_Kennzahlen"], unten["tbl_Kennzahlen"])
    _zielpfad(bericht, orte["tbl_Prognose"], orte["tbl_Zielpfad"], unten)
    _mittel(bericht, orte["tbl_Mittel_Auswertung"], orte["tbl_Mittel_Verlauf"], unten)


#: Sheets laid out by their own module (or below), and tables with charts or neighbours.
_EIGENE = ("Steuerungsdialog", "Vergleich", "Info")
_BESONDERS = (
    "tbl_Gender", "tbl_Verlauf", "tbl_Kennzahlen", "tbl_Prognose", "tbl_Zielpfad",
    "tbl_Mittel_Auswertung", "tbl_Mittel_Verlauf",
)  # fmt: skip


def kopfzeilen(wb: Workbook, bericht: Bericht) -> None:
    """Every sheet of the template: the banner in the page header whenever demo data are
    shown, Träger and period in the footer."""
    a = bericht.auswertung
    hinweis = HINWEIS_BEISPIELDATEN if a.beispieldaten else None
    links = f"{a.traeger_name} ({a.traeger_id}) · {a.zeitraum}"
    for ws in wb.worksheets:
        if ws.title in BLAETTER or ws.title == "Vergleich":
            kopf_und_fuss(ws, hinweis, links)


def _einstellungen(wb: Workbook) -> None:
    if "Einstellungen" in wb.sheetnames:  # labels wrap: they never run into the input cells
        zeilen_anpassen(wb["Einstellungen"], range(4, 13))
        einrichten(wb["Einstellungen"], 2, 12)


def _gender(bericht: Bericht, ort: Ort, unten: int) -> None:
    """The quota of women and men beside the table."""
    ws, kopf, erste, letzte = ort
    dg.entfernen(ws)
    ueber_breite(ws, 2, letzte)
    ueber_breite(ws, 3, letzte)  # the target's check, or why it is not computable
    n = len(bericht.gender)
    diagramm = dg.liniendiagramm(
        "Gender – Integrationsquote (Jahresfortschrittswert) von Frauen und Männern",
        "Prozent, Januar bis Monat",
        FORMATE["quote"],
    )
    for c in (erste + 1, erste + 2, erste + 4, erste + 5):
        diagramm.add_data(Reference(ws, min_col=c, min_row=kopf + 1, max_row=kopf + max(n, 1)))
    j = bericht.auswertung.jahr
    vorjahr, aktuell = dg.GESTRICHELT, dg.DURCHGEZOGEN
    dg.reihen(diagramm, [(f"Frauen {j - 1}", vorjahr), (f"Männer {j - 1}", vorjahr),
                         (f"Frauen {j}", aktuell), (f"Männer {j}", aktuell)])  # fmt: skip
    diagramm.set_categories(Reference(ws, min_col=erste, min_row=kopf + 1, max_row=kopf + n))
    diagramm.height, diagramm.width = 8.5, 13.0
    links = (breite(ws, 1, letzte) + 1) * PT_JE_EINHEIT * CM_JE_PT
    _, ende = dg.platzieren(ws, diagramm, kopf, links)
    rechts = rechts_von(ws, links + diagramm.width)
    einrichten(ws, rechts, max(unten, ende), [(1, max(unten, ende))], kopf)


def _verlauf(bericht: Bericht, ort: Ort, unten: int) -> None:
    """Every target's change against its threshold, two charts side by side below."""
    ws, kopf, erste, letzte = ort
    dg.entfernen(ws)
    ueber_breite(ws, 2, letzte)
    n = len(bericht.verlauf)
    kategorien = Reference(ws, min_col=erste, min_row=kopf + 1, max_row=kopf + max(n, 1))
    diagramme = []
    for i, ziel in enumerate(bericht.vereinbarung.ziele):
        spalte = erste + 1 + 2 * i
        format_ = FORMATE[ziel.einheit]
        diagramm = dg.liniendiagramm(
            f"Verlauf – {ziel.bezeichnung}", f"Veränderung, {dg.achsentitel(format_)}", format_
        )
        diagramm.add_data(
            Reference(ws, min_col=spalte, max_col=spalte + 1, min_row=kopf + 1,
                      max_row=kopf + max(n, 1))
        )  # fmt: skip
        dg.reihen(diagramm, [("Veränderung", dg.DURCHGEZOGEN), ("Schwelle", dg.GESTRICHELT)])
        diagramm.set_categories(kategorien)
        diagramme.append(diagramm)
    bloecke = dg.anordnen(ws, diagramme, unten + 2)
    rechts = rechts_von(ws, dg.ZWEI_DIAGRAMME_CM)
    ende = bloecke[-1][1] if bloecke else unten
    einrichten(ws, max(letzte, rechts), ende, [(1, unten), *bloecke], None)


_LEGENDE = "Erklärung der Kennzahlen (alle Werte in %)"


def _kennzahlen(ort: Ort, unten: int) -> None:
    """What each code means, below the table."""
    ws, kopf, _, letzte = ort
    ueber_breite(ws, 2, letzte)
    zeile = unten + 2
    bereich = range(zeile, zeile + len(KENNZAHL_TEXTE) + 3)
    if ws.cell(zeile, 1).value not in (None, "", _LEGENDE):
        return  # something of the user's stands there: no legend rather than overwriting it
    for verbunden in list(ws.merged_cells.ranges):  # our legend of the last refresh
        if verbunden.min_row in bereich:
            ws.unmerge_cells(str(verbunden))
    for r in bereich:
        for c in (1, 2):
            ws.cell(r, c).value = None
    setze(ws.cell(zeile, 1), _LEGENDE)
    ws.cell(zeile, 1).font = ABSCHNITT
    for i, (code, text) in enumerate(KENNZAHL_TEXTE.items(), start=1):
        setze(ws.cell(zeile + i, 1), code)
        setze(ws.cell(zeile + i, 2), text)
        ws.cell(zeile + i, 2).alignment = Alignment(horizontal="left")
    ende = zeile + len(KENNZAHL_TEXTE)
    anmerkung(
        ws,
        ende + 1,
        "Jeder Monat zeigt die zwölf Monate bis dahin (bzw. den Vergleich mit dem "
        "Vorjahresmonat); die Zielvereinbarung und das Gender-Datenblatt rechnen dagegen "
        "Januar bis Monat (Jahresfortschrittswert), daher weichen die Werte ab.",
        letzte,
    )
    einrichten(ws, letzte, ende + 1, [(1, kopf + 1), (zeile, ende + 1)])


def _zielpfad(bericht: Bericht, prognose: Ort, pfad: Ort, unten: dict[str, int]) -> None:
    """Below tbl_Prognose one chart per target: actual, path (dotted after the evaluated
    month) and prior year, from a block of chart data right of the tables."""
    ws, kopf, _, letzte = prognose
    dg.entfernen(ws)
    ueber_breite(ws, 2, letzte)
    daneben = pfad[0] is ws and pfad[2] > letzte  # the template's layout: months at the right
    rechts = max(letzte, pfad[3]) if pfad[0] is ws else letzte
    spalten = pfad_namen(bericht.auswertung.jahr)
    kopf_daten, spalte = dg.hilfsdaten(
        ws, pfad[1] if pfad[0] is ws else kopf, rechts + 2, *zielpfad_block(bericht)
    )
    formate = {z.id: wertformat(z.kennzahl, z.art) for z in bericht.vereinbarung.ziele}
    diagramme = [
        dg.pfaddiagramm(f"Zielpfad – {ziel.bezeichnung}", formate[ziel.id], ws, kopf_daten,
                        spalte + len(spalten) * i, spalten, spalte)
        for i, ziel in enumerate(bericht.vereinbarung.ziele)
    ]  # fmt: skip
    oben = unten["tbl_Prognose"] if daneben else max(unten["tbl_Prognose"], unten["tbl_Zielpfad"])
    bloecke = dg.anordnen(ws, diagramme, oben + 2)
    ende = bloecke[-1][1] if bloecke else oben
    breit = rechts_von(ws, dg.ZWEI_DIAGRAMME_CM)
    if daneben:  # the monthly values beside are the charts' numbers: on screen, not in print
        einrichten(ws, min(max(letzte, breit), pfad[2] - 2), ende, [(1, kopf + 1), *bloecke])
    else:
        einrichten(ws, max(rechts, breit), ende, [(1, oben), *bloecke])


def _mittel(bericht: Bericht, auswertung: Ort, verlauf: Ort, unten: dict[str, int]) -> None:
    """Below tbl_Mittel_Auswertung the utilisation of all lines against both paths (the
    monthly values beside are the chart's numbers: on screen, not in print)."""
    ws, _, _, letzte = auswertung
    dg.entfernen(ws)
    ueber_breite(ws, 2, letzte)
    ende = unten["tbl_Mittel_Auswertung"]
    _, v_kopf, _, v_letzte = verlauf
    if block := mittel_block(bericht):
        rechts = max(letzte, v_letzte if verlauf[0] is ws else letzte)
        kopf_daten, spalte = dg.hilfsdaten(ws, v_kopf, rechts + 2, *block)
        diagramm = dg.pfaddiagramm(
            "Mittelausschöpfung – alle Posten", FORMATE["anzahl"], ws, kopf_daten, spalte,
            block[0][1:], spalte, "Prozent der Mittel, Januar bis Monat",
        )  # fmt: skip
        diagramm.width, diagramm.height = 16.0, 8.0
        _, ende = dg.platzieren(ws, diagramm, ende + 2)
    einrichten(ws, letzte, ende, [(1, ende)])
