"""Judging a target (fachkonzept 3.2, 4): the year-to-date value it compares, the change
against the prior year, and whether the change meets the threshold."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .kennzahlen import Panel
from .vereinbarung import Ziel

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
    if not isinstance(aktuell, np.ndarray | pd.Series) and not isinstance(
        vorjahr, np.ndarray | pd.Series
    ):  # two numbers: the same arithmetic without numpy's overhead
        aktuell_ = math.nan if aktuell is None else float(aktuell)
        vorjahr_ = math.nan if vorjahr is None else float(vorjahr)
        if art == "relativ":
            return math.nan if vorjahr_ == 0 else (aktuell_ / vorjahr_ - 1) * 100
        return aktuell_ - vorjahr_
    a, v = np.asarray(aktuell, dtype=float), np.asarray(vorjahr, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if art == "relativ":
            return np.where(v == 0, np.nan, (a / v - 1) * 100)
        return a - v


def verbinden(*gruende: pd.Series) -> pd.Series:
    """Reasons of several parts joined per Träger ("; "), None where no part has one."""
    verbunden = pd.concat(gruende, axis=1)
    if not verbunden.notna().to_numpy().any():
        return pd.Series(None, index=verbunden.index, dtype=object)
    return verbunden.apply(lambda z: "; ".join(g for g in z if isinstance(g, str)) or None, axis=1)


@dataclass
class Zielverlauf:
    """The value a target compares in one year, for t = 1..12 (rows) and every Träger of a
    panel (columns), and the reasons where it is nicht berechenbar (by month)."""

    wert: np.ndarray
    grund: Callable[[int], pd.Series]


def zielverlauf(panel: Panel, ziel: Ziel, jahr: int) -> Zielverlauf:
    """The value a target compares (Jan..t) for every month t of one year, computed once per
    panel."""

    def berechnen() -> Zielverlauf:
        if ziel.art == "geschlechterabstand":
            f = panel.jahresverlauf(ziel.kennzahl, "frauen", jahr)
            m = panel.jahresverlauf(ziel.kennzahl, "maenner", jahr)
            # once per month, as the parts' reasons are (asked for per Träger)
            grund = functools.cache(lambda t: verbinden(m.grund(t), f.grund(t)))
            return Zielverlauf(np.abs(m.wert - f.wert), grund)
        verlauf = panel.jahresverlauf(ziel.kennzahl, ziel.geschlecht, jahr)
        return Zielverlauf(verlauf.wert, verlauf.grund)

    return panel.merken(("zielverlauf", ziel, jahr), berechnen)
