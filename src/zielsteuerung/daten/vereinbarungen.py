"""Agreements from files: a TOML file of the user's, and the built-in 2023 agreement of Kreis
Kleve with MAGS NRW."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

from ..fehler import VereinbarungFehler
from ..kern.vereinbarung import Zielvereinbarung, laden_aus_text
from ..textdatei import text_lesen


def lade(pfad: Path | str) -> Zielvereinbarung:
    pfad = Path(pfad)
    try:
        text = text_lesen(pfad.read_bytes())
    except FileNotFoundError:
        raise VereinbarungFehler(f"Zielvereinbarung nicht gefunden: {pfad}") from None
    return laden_aus_text(text, str(pfad))


BEISPIEL = "ressourcen/kreis-kleve-2023.toml"


def beispiel_text() -> str:
    return resources.files("zielsteuerung").joinpath(BEISPIEL).read_text("utf-8")


@functools.cache
def beispiel() -> Zielvereinbarung:
    """The built-in 2023 agreement of Kreis Kleve with MAGS NRW."""
    return laden_aus_text(beispiel_text(), "Zielvereinbarung Kreis Kleve 2023 (eingebaut)")
