"""Judging a target (fachkonzept 3.2, 4): the year-to-date value it compares, the change
against the prior year, and whether the change meets the threshold."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .kennzahlen import Ergebnis, Panel, jahreswert
from .vereinbarung import Ziel

STATUS = ("erreicht", "nicht erreicht", "auf Kurs", "gefährdet", "nicht berechenbar")
#: Relative tolerance when comparing a change with its threshold (float rounding only).
TOLERANZ = 1e-9


def erreicht(veraenderung: float, vergleich: str, schwelle: float) -> bool:
    toleranz = TOLERANZ * max(1.0, abs(schwelle))
    if vergleich == ">=":
        return veraenderung >= schwelle - toleranz
    return veraenderung <= schwelle + toleranz


def veraenderung_berechnen(aktuell: Any, vorjahr: Any, art: str) -> Any:
    """The change in the target's unit: relative in %, otherwise the difference. NaN where a
    value is missing (None or NaN) or a relative change has a prior year of 0. Takes numbers
    or numpy arrays."""
    a, v = np.asarray(aktuell, dtype=float), np.asarray(vorjahr, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if art == "relativ":
            return np.where(v == 0, np.nan, (a / v - 1) * 100)
        return a - v


def verbinden(*gruende: pd.Series) -> pd.Series:
    """Reasons of several parts joined per Träger ("; "), None where no part has one."""
    verbunden = pd.concat(gruende, axis=1)
    return verbunden.apply(lambda z: "; ".join(g for g in z if isinstance(g, str)) or None, axis=1)


def jahreswert_ziel(panel: Panel, ziel: Ziel, jahr: int, t: int) -> Ergebnis:
    """The value a target compares, in one year (Jan..t)."""
    if ziel.art == "geschlechterabstand":
        f = jahreswert(panel, ziel.kennzahl, "frauen", jahr, t)
        m = jahreswert(panel, ziel.kennzahl, "maenner", jahr, t)
        return Ergebnis((m.wert - f.wert).abs(), verbinden(m.grund, f.grund))
    return jahreswert(panel, ziel.kennzahl, ziel.geschlecht, jahr, t)
