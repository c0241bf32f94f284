"""Defaults outside a controlling workbook: a small TOML file per user.

Used by the worksheet functions when they are called outside a controlling workbook, and
written by ``zielsteuerung addin install``. Keys: datenbestand, vereinbarung, traeger_id,
jahr, wartezeit (all optional).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path, PureWindowsPath
from typing import Any

from ..fehler import EingabeFehler, ZielFehler
from ..textdatei import text_lesen, toml_fehler

SCHLUESSEL = ("datenbestand", "vereinbarung", "traeger_id", "jahr", "wartezeit")


def pfad() -> Path:
    if env := os.environ.get("ZIELSTEUERUNG_EINSTELLUNGEN"):
        return Path(env)
    if os.name == "nt" and (basis := os.environ.get("APPDATA")):
        return Path(basis) / "zielsteuerung" / "einstellungen.toml"
    basis = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(basis) / "zielsteuerung" / "einstellungen.toml"


def lesen() -> dict[str, Any]:
    datei = pfad()
    if not datei.exists():
        return {}
    try:
        daten = tomllib.loads(text_lesen(datei.read_bytes()))
    except tomllib.TOMLDecodeError as exc:
        raise EingabeFehler(
            f"Einstellungen {datei}: kein gültiges TOML ({toml_fehler(exc)})."
        ) from None
    return {k: v for k, v in daten.items() if k in SCHLUESSEL}


def schreiben(werte: dict[str, Any], datei: Path | None = None) -> Path:
    datei = datei or pfad()
    datei.parent.mkdir(parents=True, exist_ok=True)
    zeilen = ["# Voreinstellungen von zielsteuerung (außerhalb einer Controlling-Arbeitsmappe)"]
    for k in SCHLUESSEL:
        if werte.get(k) not in (None, ""):
            wert = werte[k]
            zeilen.append(
                f"{k} = {wert}" if isinstance(wert, int) else f'{k} = "{_toml(str(wert))}"'
            )
    datei.write_text("\n".join(zeilen) + "\n", encoding="utf-8")
    return datei


def _toml(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def pfadtext(eingestellt: object) -> str:
    """A path as typed or pasted into a cell: without the blanks around it and without the
    quotes Windows Explorer's „Als Pfad kopieren“ puts around it ("" where empty)."""
    text = "" if eingestellt is None else str(eingestellt).strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1].strip()
    return text


def vollstaendiger_pfad(eingestellt: object, name: str, beispiel: str) -> Path | None:
    """A path setting of a controlling workbook (None where empty). It must be complete: a
    relative path would be read from wherever the program happens to run (Excel's current
    folder), so it might open another file of that name without a word."""
    text = pfadtext(eingestellt)
    if not text:
        return None
    pfad_ = Path(text).expanduser()
    if not (pfad_.is_absolute() or PureWindowsPath(text).is_absolute()):
        raise ZielFehler(
            f"Einstellungen: {name} „{text}“ ist kein vollständiger Pfad. Bitte mit Laufwerk "
            f"eintragen, z. B. {beispiel}."
        )
    return pfad_


def datenbestand(eingestellt: object = None) -> Path:
    """The store: the workbook's setting, else the user's defaults, else the standard place."""
    from .datenbestand import standardpfad

    if pfad_ := vollstaendiger_pfad(
        eingestellt, "Datenbestand", r"D:\Controlling\datenbestand.sqlite"
    ):
        return pfad_
    vorgabe = lesen().get("datenbestand")
    return Path(str(vorgabe)) if vorgabe else standardpfad()
