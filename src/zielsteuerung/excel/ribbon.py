"""The ribbon button "Auswertung aktualisieren" (``zielsteuerung.main()``), through xlwings.

The workbook is open in Excel, so it is refreshed through Excel (xlwings' Book, Sheet, Range
and Table objects), not by rewriting the file. What is written comes from the same
``arbeitsmappe.inhalte`` as the command line refresh; formatting, conditional formats and
charts of the workbook stay as they are and follow the tables as Excel resizes them.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from ..bericht.auswerten import Ausschnitt
from ..bericht.bericht import Bericht, bericht_fuer_mappe
from ..bericht.vergleich import hinweis, rangliste
from ..daten.einstellungen import vollstaendiger_pfad
from ..daten.ordner import (
    DATENDATEIEN,
    dateien_im_ordner,
    eigene_zuordnung,
    zuordnungen_im_ordner,
)
from ..daten.sammler import anzahl, aufzaehlung
from ..fehler import EingabeFehler, ZielsteuerungFehler
from ..kern.auswertung import HINWEIS_BEISPIELDATEN
from ..mappe.diagrammdaten import HILFSDATEN, mittel_block, zielpfad_block
from ..mappe.dialog import BLATT as DIALOG
from ..mappe.dialog import DATEN_SPALTE, bloecke
from ..mappe.einstellungen import planung_jahr_aus, vergleichsgruppe_aus
from ..mappe.formate import FORMELZEICHEN, Formel
from ..mappe.inhalte import Inhalt, dialog_formate, inhalte, jahreswechsel
from ..mappe.vertrag import UMBENANNT
from .zielfunktionen import (
    Tabellen,
    als_zeilen,
    auswahl_aus_mappe,
    eingabe_in_excel,
    mappenwerte_in_excel,
    tabellen_in_excel,
)

_TITEL = "Zielsteuerung"
_KEINE_MAPPE = (
    "Diese Arbeitsmappe ist keine Controlling-Arbeitsmappe von zielsteuerung ({grund}). Eine "
    "neue Mappe entsteht mit: zielsteuerung arbeitsmappe -o DATEI"
)


def aufrufende_mappe() -> Any:  # pragma: no cover - needs Excel on Windows
    import xlwings as xw

    return xw.Book.caller()


def _zelle(book: Any, name: str) -> Any | None:
    """The cell of a defined name; None where the workbook lacks it."""
    try:
        return book.names[name].refers_to_range
    except Exception:
        return None


def _name(book: Any, name: str) -> Any:
    if (zelle := _zelle(book, name)) is None:
        raise EingabeFehler(_KEINE_MAPPE.format(grund=f"der Name „{name}“ fehlt"))
    return zelle


def _text(wert: Any) -> Any:
    """Excel would read text starting with = + - @ as a formula; an apostrophe keeps it text.
    Our own formulas (tbl_Live) stay formulas."""
    if isinstance(wert, Formel) or not isinstance(wert, str):
        return wert
    return "'" + wert if wert.startswith(FORMELZEICHEN) else wert


def platz_pruefen(tabellen: Tabellen, inhalt: Inhalt) -> None:
    """A table grows (rows below it, columns right of it for other targets) only where nothing
    stands; checked for every table before any is written, so a refusal changes nothing."""
    if inhalt.tabelle not in tabellen:
        raise EingabeFehler(f"Die Tabelle „{inhalt.tabelle}“ fehlt in der Arbeitsmappe.")
    sheet, table = tabellen[inhalt.tabelle]
    r0, c0 = table.range.row, table.range.column
    zeilen_alt, spalten_alt = table.range.shape
    spalten = len(inhalt.spalten) if inhalt.spalten is not None else spalten_alt
    n = max(1, len(inhalt.zeilen))

    def belegt(oben: int, links: int, unten: int, rechts: int) -> bool:
        werte = sheet.range((oben, links), (unten, rechts)).value
        return any(w not in (None, "") for zeile in als_zeilen(werte) for w in zeile)

    if spalten > spalten_alt and belegt(r0, c0 + spalten_alt, r0 + max(zeilen_alt - 1, n),
                                        c0 + spalten - 1):  # fmt: skip
        raise EingabeFehler(
            f"Rechts neben der Tabelle „{inhalt.tabelle}“ auf dem Blatt „{sheet.name}“ stehen "
            f"Inhalte; die Tabelle braucht {spalten} Spalten (die Ziele haben sich geändert). "
            "Bitte einmal „zielsteuerung arbeitsmappe -o DATEI“ ausführen, das die Blätter neu "
            "ordnet; eigene Inhalte dort vorher verschieben."
        )
    if n + 1 > zeilen_alt and belegt(r0 + zeilen_alt, c0, r0 + n, c0 + spalten - 1):
        raise EingabeFehler(
            f"Unter der Tabelle „{inhalt.tabelle}“ auf dem Blatt „{sheet.name}“ stehen eigene "
            "Inhalte; die Tabelle braucht mehr Zeilen. Bitte diese Inhalte verschieben."
        )


def tabelle_schreiben(tabellen: Tabellen, inhalt: Inhalt) -> None:
    """Resize one of our tables through Excel and write its columns, like the file refresh
    (``platz_pruefen`` first)."""
    sheet, table = tabellen[inhalt.tabelle]
    r0, c0 = table.range.row, table.range.column
    zeilen_alt, spalten_anzahl = table.range.shape
    kopf = _kopf(sheet, table)
    if inhalt.spalten is not None and kopf != inhalt.spalten:
        if len(inhalt.spalten) < spalten_anzahl:
            sheet.range((r0, c0), (r0 + zeilen_alt - 1, c0 + spalten_anzahl - 1)).clear_contents()
        sheet.range((r0, c0), (r0, c0 + len(inhalt.spalten) - 1)).value = inhalt.spalten
        kopf, spalten_anzahl = list(inhalt.spalten), len(inhalt.spalten)
    n = max(1, len(inhalt.zeilen))
    table.resize(sheet.range((r0, c0), (r0 + n, c0 + spalten_anzahl - 1)))
    for j, spalte in enumerate(kopf):
        if inhalt.zeilen and spalte not in inhalt.zeilen[0]:
            continue  # a column the user added: not ours
        c = c0 + j
        if zeilen_alt - 1 > n:
            sheet.range((r0 + n + 1, c), (r0 + zeilen_alt - 1, c)).clear_contents()
        werte = [[_text(z.get(spalte))] for z in inhalt.zeilen] or [[None]]
        bereich = sheet.range((r0 + 1, c), (r0 + n, c))
        bereich.value = werte
        formate = [inhalt.format_(z, spalte) for z in inhalt.zeilen]
        if formate and len(set(formate)) == 1 and formate[0]:
            bereich.number_format = formate[0]
        else:
            for i, format_ in enumerate(formate):
                if format_:
                    sheet.range((r0 + 1 + i, c)).number_format = format_


def _tabelle_lesen(
    tabellen: Tabellen, name: str, eingabe: bool = False
) -> list[dict[str, Any]] | None:
    """The rows of one of our tables (None where the workbook lacks it), empty rows left out;
    ``eingabe``: a table the user fills in (``eingabe_in_excel``)."""
    if name not in tabellen:
        return None
    sheet, table = tabellen[name]
    kopf, *zeilen = (
        eingabe_in_excel(sheet, table, EingabeFehler) if eingabe else als_zeilen(table.range.value)
    )
    return [
        dict(zip(kopf, zeile, strict=False))
        for zeile in zeilen
        if any(w not in (None, "") for w in zeile)
    ]


def spalten_umbenennen(tabellen: Tabellen) -> None:
    """Tables of an older template get this template's column names, written through Excel
    (which follows the renaming in the workbook's own formulas)."""
    for name, namen in UMBENANNT.items():
        if name not in tabellen:
            continue
        sheet, table = tabellen[name]
        kopf = _kopf(sheet, table)
        for j, alt in enumerate(kopf):
            if alt in namen and namen[alt] not in kopf:
                sheet.range((table.range.row, table.range.column + j)).value = namen[alt]


def _kopf(sheet: Any, table: Any) -> list[Any]:
    """A table's header row, read through Excel."""
    r0, c0 = table.range.row, table.range.column
    return als_zeilen(sheet.range((r0, c0), (r0, c0 + table.range.shape[1] - 1)).value)[0]


def _dialog_schreiben(book: Any, bericht: Bericht, erlaeuterungen: dict[str, Any]) -> None:
    """Values of the sheet "Steuerungsdialog"; its layout and charts come from the last
    command-line refresh."""
    sheet = book.sheets[DIALOG]
    formate = dialog_formate(bericht.vereinbarung)
    sheet.range((1, 1), (200, DATEN_SPALTE + 7)).clear_contents()
    for spalte, block in bloecke(bericht, erlaeuterungen, formate):
        breite = max(len(z) for z in block)
        werte = [[_text(z.wert) for z in zeile] + [None] * (breite - len(zeile)) for zeile in block]
        sheet.range((1, spalte), (len(block), spalte + breite - 1)).value = werte
        for r, zeile in enumerate(block, start=1):
            for c, z in enumerate(zeile, start=spalte):
                if z.format_:
                    sheet.range((r, c)).number_format = z.format_


def _diagrammdaten_schreiben(book: Any, bericht: Bericht) -> list[str]:
    """The blocks of chart data of the sheets "Zielpfad" and "Mittelausschöpfung", where the
    last command-line refresh laid them out (found by their marker) with the same header: the
    charts show this evaluation, not the last one. Where the header differs (other targets, or
    another year), a message asks for the command-line refresh, which lays the sheet out anew;
    where there is nothing to chart now (no spending yet), the old numbers are cleared."""
    meldungen = []
    namen = [s.name for s in book.sheets]
    for blatt, block in (("Zielpfad", zielpfad_block(bericht)),
                         ("Mittelausschöpfung", mittel_block(bericht))):  # fmt: skip
        if blatt not in namen:
            continue
        sheet = book.sheets[blatt]
        genutzt = sheet.used_range
        werte = als_zeilen(genutzt.value)
        marke = next(
            ((r, c) for r, zeile in enumerate(werte) for c, w in enumerate(zeile)
             if w == HILFSDATEN),
            None,
        )  # fmt: skip
        if marke is None:
            continue  # a workbook without the chart (older template)
        r0, c0 = genutzt.row + marke[0], genutzt.column + marke[1]
        darunter = werte[marke[0] + 1] if marke[0] + 1 < len(werte) else []
        if block is None:
            alt = list(itertools.takewhile(lambda w: w not in (None, ""), darunter[marke[1] :]))
            if len(alt) > 1:  # the month column stays
                leer = [[None] * (len(alt) - 1)] * 12
                sheet.range((r0 + 2, c0 + 1), (r0 + 13, c0 + len(alt) - 1)).value = leer
            continue
        kopf, zeilen = block
        if darunter[marke[1] : marke[1] + len(kopf)] != kopf:
            meldungen.append(
                f"Die Diagramme auf dem Blatt „{blatt}“ zeigen noch die letzte Aktualisierung "
                "über die Kommandozeile (andere Ziele oder ein anderes Jahr): bitte einmal "
                "„zielsteuerung arbeitsmappe -o DATEI“ ausführen"
            )
            continue
        ziel = sheet.range((r0 + 2, c0), (r0 + 1 + len(zeilen), c0 + len(kopf) - 1))
        ziel.value = zeilen
    return meldungen


def aktualisieren(book: Any) -> tuple[str, list[str], list[str]]:
    """Import new files, evaluate and refresh the open workbook; returns a German summary, the
    warnings of the import, and the notes for a message box: a plan for another year (not
    applied), a workbook last evaluated for another year (its targets and explanations may be
    that year's; the ministry copy is not written then: this once, the user is to look first)."""
    app = book.app
    app.status_bar = "Zielsteuerung: Einstellungen lesen …"
    tabellen = tabellen_in_excel(book)  # once per refresh: it adds, removes, renames none
    werte = mappenwerte_in_excel(book, tabellen)
    if werte is None:
        raise EingabeFehler(_KEINE_MAPPE.format(grund="sie hat keine Einstellungen"))
    auswahl = auswahl_aus_mappe(werte)  # as the ZIEL_ cells read the settings
    store = auswahl.store
    ordner = vollstaendiger_pfad(
        _name(book, "Datenordner").value, "Datenordner", r"D:\Controlling\Datenordner"
    )
    meldungen, warnungen = [], []
    if ordner:
        if not ordner.is_dir():
            raise EingabeFehler(f"Der Datenordner {ordner} (Blatt Einstellungen) existiert nicht.")
        dateien = dateien_im_ordner(ordner, DATENDATEIEN)
        if dateien:
            from ..daten.importer import importiere  # only where there are files to import

            app.status_bar = f"Zielsteuerung: {len(dateien)} Dateien im Datenordner prüfen …"
            je_datei = zuordnungen_im_ordner(dateien)

            def fortschritt(text: str, anteil: float | None) -> None:  # a large file takes time
                stand = "" if anteil is None else f": {anteil:.0%}"
                app.status_bar = f"Zielsteuerung: {text}{stand} …"

            eigene = {d for d in dateien if eigene_zuordnung(d).is_file()}
            ergebnisse = importiere(
                dateien,
                store,
                fortschritt=fortschritt,
                ersetzen=eigene,
                je_datei=je_datei,
                aus_ordnern=dateien,
            )
            neu = [e for e in ergebnisse if e.importiert]
            warnungen = [str(w) for e in neu for w in e.warnungen]
            if ersetzt := sum(1 for e in neu if e.ersetzt):
                meldungen.append(
                    f"{anzahl(ersetzt, 'Datei', 'Dateien')} mit eigener Spaltenzuordnung neu "
                    "gelesen (früherer Import ersetzt)"
                )
            if len(neu) > ersetzt:
                meldungen.append(
                    f"{anzahl(len(neu) - ersetzt, 'neue Datei', 'neue Dateien')} importiert"
                )
            if entfernte := [e.datei for e in ergebnisse if e.entfernt_am]:
                meldungen.append(
                    f"{anzahl(len(entfernte), 'Datei', 'Dateien')} nicht erneut importiert, da "
                    f"mit „bestand entfernen“ entfernt: {aufzaehlung(entfernte, 3)} (wieder "
                    "aufnehmen: zielsteuerung import DATEI)"
                )
    if not store.exists():  # nothing imported yet: the way to do so from Excel
        raise EingabeFehler(
            f"Datenbestand nicht gefunden: {store}. Bitte auf dem Blatt „Einstellungen“ unter "
            "„Datenordner“ den Ordner mit den heruntergeladenen Dateien eintragen"
            + (f" (in {ordner} liegt noch keine CSV- oder .xlsx-Datei)" if ordner else "")
            + "; der nächste Klick importiert sie. Oder unter „Datenbestand“ den Pfad eines "
            "vorhandenen Datenbestands eintragen."
        )
    app.status_bar = "Zielsteuerung: Zielvereinbarung auswerten …"
    gelesen = {"Zeitraum": _name(book, "Zeitraum"), "Planung_Jahr": _zelle(book, "Planung_Jahr")}
    zuvor = gelesen["Zeitraum"].value  # the period of the last refresh
    bericht = bericht_fuer_mappe(
        store,
        auswahl.vereinbarung,
        Ausschnitt(auswahl.traeger_id, auswahl.jahr, auswahl.bis_monat, auswahl.wartezeit),
        vergleichsgruppe_aus(_name(book, "Vergleichsgruppe").value),
        planung=_tabelle_lesen(tabellen, "tbl_Planung", eingabe=True),
        mittel=_tabelle_lesen(tabellen, "tbl_Mittel", eingabe=True),
        planung_jahr=planung_jahr_aus(getattr(gelesen["Planung_Jahr"], "value", None), zuvor),
    )
    erlaeuterungen = {
        str(z.get("Ziel_ID")): z.get("Erläuterung")
        for z in _tabelle_lesen(tabellen, "tbl_Erlaeuterungen") or []
    }
    neues_jahr = jahreswechsel(zuvor, bericht.auswertung.jahr, erlaeuterungen)
    inhalte_, namen = inhalte(bericht, erlaeuterungen)
    spalten_umbenennen(tabellen)
    fehlend = [i.tabelle for i in inhalte_ if i.tabelle not in tabellen]
    # each name looked up once (a round trip to Excel): those read above are not asked again
    gefunden = {n: gelesen[n] if n in gelesen else _zelle(book, n) for n in namen}
    zellen: dict[str, Any] = {n: z for n, z in gefunden.items() if z is not None}
    fehlend += [n for n in namen if n not in zellen]
    if fehlend:  # a workbook of an older template: the command line adds these once
        inhalte_ = [i for i in inhalte_ if i.tabelle not in fehlend]
        namen = {n: w for n, w in namen.items() if n not in fehlend}
        meldungen.append(
            f"{', '.join(fehlend)} fehlen (ältere Vorlage): bitte einmal „zielsteuerung "
            "arbeitsmappe -o DATEI“ ausführen, dann legt sie die Aktualisierung an"
        )
    if bericht.vergleich is not None and "tbl_Vergleich" in tabellen:
        kopf, zeilen = rangliste(bericht.vergleich)
        inhalte_ += [
            Inhalt("tbl_Vergleich", bericht.vergleich.ziele),
            Inhalt("tbl_Vergleich_Rangliste", zeilen, spalten=kopf),
        ]
        namen["Vergleich_Hinweis"] = (hinweis(bericht.vergleich), None)
        zellen["Vergleich_Hinweis"] = _name(book, "Vergleich_Hinweis")
    for inhalt in inhalte_:
        platz_pruefen(tabellen, inhalt)
    for i, inhalt in enumerate(inhalte_, start=1):
        app.status_bar = f"Zielsteuerung: Tabellen schreiben ({i} von {len(inhalte_)}) …"
        tabelle_schreiben(tabellen, inhalt)
    if DIALOG in [s.name for s in book.sheets]:
        _dialog_schreiben(book, bericht, erlaeuterungen)
    meldungen += _diagrammdaten_schreiben(book, bericht)
    for name, (wert, format_) in namen.items():
        zelle = zellen[name]
        zelle.value = _text(wert)
        if format_:
            zelle.number_format = format_
    app.status_bar = "Zielsteuerung: neu berechnen …"
    try:  # a full recalculation: the ZIEL_* functions depend on the store, not on cells
        app.api.CalculateFull()
    except AttributeError:
        app.calculate()
    eintrag = _name(book, "Ministeriumskopie").value
    hinweise = [h for h in (bericht.planung_hinweis, neues_jahr) if h]
    if eintrag and neues_jahr:
        meldungen.append("Kopie für das Ministerium diesmal nicht geschrieben (neues Jahr)")
        hinweise[-1] += (
            " Die Kopie wurde deshalb diesmal nicht geschrieben; der nächste Klick schreibt sie."
        )
    elif eintrag:
        from ..ministerium.export import exportieren, zielpfad
        from .mappenformeln import berechnen

        app.status_bar = "Zielsteuerung: Kopie für das Ministerium schreiben …"
        book.save()
        mappe = Path(str(book.fullname))
        kopie = zielpfad(eintrag, mappe)
        if kopie is not None:
            exportieren(mappe, kopie, berechnen)
            meldungen.append(f"Kopie für das Ministerium: {kopie}")
    a = bericht.auswertung
    meldungen.insert(
        0,
        f"Aktualisiert: {a.beschreibung}"
        + (f" ({HINWEIS_BEISPIELDATEN})" if a.beispieldaten else ""),
    )
    return " – ".join(meldungen), warnungen, hinweise


def _warnungen_text(warnungen: list[str], hoechstens: int = 8) -> str:
    """The import's warnings for a message box: they are shown once, when the file comes in."""
    text = (
        "Aktualisiert. Die neuen Dateien aus dem Datenordner sind importiert; bitte diese "
        "Warnungen des Imports prüfen:\n\n" + "\n\n".join(f"• {w}" for w in warnungen[:hoechstens])
    )
    if len(warnungen) > hoechstens:
        text += f"\n\n… und {len(warnungen) - hoechstens} weitere Warnungen."
    return text


def ausfuehren(book: Any | None = None) -> bool:
    """The button: refresh, report in a German message box, never show a trace."""
    book = book if book is not None else aufrufende_mappe()
    app = book.app
    try:
        app.status_bar, warnungen, hinweise = aktualisieren(book)
        if warnungen:
            app.alert(_warnungen_text(warnungen), title=_TITEL, mode="info")
        if hinweise:
            app.alert("\n\n".join(hinweise), title=_TITEL, mode="info")
        return True
    except ZielsteuerungFehler as exc:
        app.alert(str(exc), title=_TITEL, mode="critical")
    except Exception as exc:
        app.alert(
            f"Interner Fehler ({type(exc).__name__}: {exc}). Bitte über die Kommandozeile "
            "„zielsteuerung --debug arbeitsmappe -o DATEI“ aktualisieren und die Ausgabe an "
            "den Support senden.",
            title=_TITEL,
            mode="critical",
        )
    app.status_bar = False  # Excel's own status bar again
    return False
