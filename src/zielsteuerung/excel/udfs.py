"""ZIEL_* worksheet functions for Excel (xlwings UDFs, category "Zielsteuerung").

Each function is a thin wrapper: it passes Excel's values to ``zielfunktionen`` and returns a
number, a text or a table. A problem never shows a Python trace: the cell shows
``#ZIEL! <kurzer Grund>`` (see docs/benutzerhandbuch.md). An empty argument takes the calling
workbook's Einstellungen; a controlling workbook's settings are binding (empty or unreadable:
``#ZIEL!``, never a default). Only outside a controlling workbook do the user's defaults
apply. On Linux the xlwings decorators do nothing and these are plain Python functions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import xlwings as xw

from . import zielfunktionen as zf

KATEGORIE = "Zielsteuerung"
_JAHR = "Jahr der Zielvereinbarung (leer: aus den Einstellungen der Arbeitsmappe)"
_MONAT = "ausgewertet Januar bis zu diesem Monat, 1–12 (leer: letzter Monat mit Daten)"
_TRAEGER = 'Regionalschlüssel des Trägers, z. B. "05154" (leer: aus den Einstellungen)'
_WARTEZEIT = "T0 (vorläufig) oder T3 (final) (leer: aus den Einstellungen)"


def _sicher(berechnung: Callable[[], Any]) -> Any:
    try:
        return berechnung()
    except Exception as exc:  # a cell shows a short German reason, never a trace
        return zf.fehlertext(exc)


def _veraenderung(ziel_id: str, caller: Any, *auswahl: Any) -> Any:
    return _sicher(lambda: zf.veraenderung(zf.auswahl(caller, *auswahl), ziel_id))


def _standard(f: Callable[..., Any]) -> Callable[..., Any]:
    """The four optional arguments every target function shares, with their German help.
    Outermost decorator: xlwings' ``arg`` resets the category that ``func`` set."""
    f = xw.arg("wartezeit", doc=_WARTEZEIT)(f)
    f = xw.arg("traeger", doc=_TRAEGER)(f)
    f = xw.arg("bis_monat", doc=_MONAT)(f)
    f = xw.arg("jahr", doc=_JAHR)(f)
    return xw.func(category=KATEGORIE)(f)


@_standard
def ZIEL_INTEGRATIONEN(jahr=None, bis_monat=None, traeger=None, wartezeit=None, caller=None):
    """Veränderung der Zahl der Integrationen gegenüber dem Vorjahr in % (Jahressumme)."""
    return _veraenderung("integrationen", caller, jahr, bis_monat, traeger, wartezeit)


@_standard
def ZIEL_K2(jahr=None, bis_monat=None, traeger=None, wartezeit=None, caller=None):
    """Veränderung der Integrationsquote K2 gegenüber dem Vorjahr in % (Jahresfortschrittswert)."""
    return _veraenderung("k2", caller, jahr, bis_monat, traeger, wartezeit)


@_standard
def ZIEL_ABSTAND(jahr=None, bis_monat=None, traeger=None, wartezeit=None, caller=None):
    """Veränderung des Abstands der Integrationsquoten von Frauen und Männern in Prozentpunkten."""
    return _veraenderung("k2_abstand", caller, jahr, bis_monat, traeger, wartezeit)


@_standard
def ZIEL_K3(jahr=None, bis_monat=None, traeger=None, wartezeit=None, caller=None):
    """Veränderung des durchschnittlichen Bestands an Langzeitleistungsbeziehenden in % (K3)."""
    return _veraenderung("k3", caller, jahr, bis_monat, traeger, wartezeit)


@_standard
def ZIEL_INTEGRATIONEN_LZB(jahr=None, bis_monat=None, traeger=None, wartezeit=None, caller=None):
    """Veränderung der Zahl der Integrationen von Langzeitleistungsbeziehenden (absolut)."""
    return _veraenderung("integrationen_lzb", caller, jahr, bis_monat, traeger, wartezeit)


@_standard
@xw.arg("ziel_id", doc='Kennung des Ziels, z. B. "k2" (Blatt Zielvereinbarung)')
def ZIEL_STATUS(ziel_id, jahr=None, bis_monat=None, traeger=None, wartezeit=None, caller=None):
    """Status eines Ziels: erreicht, nicht erreicht, auf Kurs, gefährdet oder nicht berechenbar."""
    return _sicher(
        lambda: zf.ziel(zf.auswahl(caller, jahr, bis_monat, traeger, wartezeit), ziel_id)["status"]
    )


@_standard
@xw.arg("ziel_id", doc='Kennung des Ziels, z. B. "integrationen" (Blatt Zielvereinbarung)')
def ZIEL_ZIELWERT(ziel_id, jahr=None, bis_monat=None, traeger=None, wartezeit=None, caller=None):
    """Wert, den das laufende Jahr erreichen muss, damit das Ziel genau erfüllt ist."""

    def berechnen() -> float:
        z = zf.ziel(zf.auswahl(caller, jahr, bis_monat, traeger, wartezeit), ziel_id)
        return zf.zahl_oder_fehler(z["zielwert"], z["grund"])

    return _sicher(berechnen)


@_standard
@xw.arg("geschlecht", doc="gesamt, frauen oder maenner (leer: gesamt)")
@xw.arg("kennzahl", doc='Kennzahl oder Merkmal, z. B. "K2", "INT", "LZB", "ANTEIL_BD"')
def ZIEL_WERT(
    kennzahl, jahr=None, bis_monat=None, traeger=None, wartezeit=None, geschlecht=None, caller=None
):
    """Jahreswert einer Kennzahl von Januar bis Monat (Summe, Durchschnitt, Fortschrittswert)."""
    return _sicher(
        lambda: zf.wert(
            zf.auswahl(caller, jahr, bis_monat, traeger, wartezeit), kennzahl,
            zf.geschlecht_aus(geschlecht),
        )
    )  # fmt: skip


@xw.func(category=KATEGORIE)
@xw.arg("code", doc='Kennzahl nach § 48a, z. B. "K2", "K3", "K1E2"')
@xw.arg("monat", doc='Berichtsmonat, z. B. "2023-07" oder ein Datum')
@xw.arg("traeger", doc=_TRAEGER)
@xw.arg("geschlecht", doc="gesamt, frauen oder maenner (leer: gesamt)")
@xw.arg("wartezeit", doc=_WARTEZEIT)
def ZIEL_KENNZAHL(code, monat, traeger=None, geschlecht=None, wartezeit=None, caller=None):
    """Monatlicher Wert einer Kennzahl nach § 48a SGB II in %."""

    def berechnen() -> float:
        a = zf.auswahl(caller, None, None, traeger, wartezeit)
        return zf.kennzahl(a.store, a.traeger_id, a.wartezeit, code, zf.berichtsmonat_aus(monat),
                           zf.geschlecht_aus(geschlecht))  # fmt: skip

    return _sicher(berechnen)


@_standard
def ZIEL_TABELLE(jahr=None, bis_monat=None, traeger=None, wartezeit=None, caller=None):
    """Die Auswertung als Tabelle mit Kopfzeile; läuft über (Excel 2016/2019: Matrixformel)."""
    return _sicher(
        lambda: zf.fuer_bereich(
            zf.tabelle(zf.auswahl(caller, jahr, bis_monat, traeger, wartezeit)), caller
        )
    )
