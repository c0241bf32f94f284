"""Import of monthly base figures into the store: read, map, validate, store, all or nothing."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..fehler import EingabeFehler, ImportFehler, Problem
from . import grenzen, plausibilitaet
from .datenbestand import Datenbestand, ImportInfo
from .langformat import in_langformat
from .lesen import datei_lesen
from .plausibilitaet import gegen_bestand, in_der_datei
from .pruefung import pruefen
from .sammler import Sammler, anzahl
from .schreiben import KonfliktGefunden, Lieferung, anzahl_werte
from .titel import aus_dem_titel, gegen_spalten
from .zuordnung import Spaltenzuordnung

Fortschritt = Callable[[str, float | None], None]


def _still(_text: str, _anteil: float | None) -> None:
    pass


@dataclass
class GeprüfteDatei:
    """A file that passed validation, ready to be stored."""

    pfad: Path
    sha256: str
    daten: pd.DataFrame  # one row per key of the store, genders as columns (pruefen)
    namen: dict[str, str]
    beispieldaten: bool
    warnungen: list[Problem] = field(default_factory=list)
    ignoriert: list[str] = field(default_factory=list)  # headers of columns not read
    #: rows skipped, by what was not needed ("Merkmal", "Träger"): file text -> rows
    uebersprungen: dict[str, dict[str, int]] = field(default_factory=dict)
    zuordnung: str = ""  # fingerprint of the mapping it was read with
    zuordnung_datei: str | None = None
    spruenge_nur_warnen: bool = False  # the mapping's sprungpruefung = "warnung"
    aus_titel: dict[str, str] = field(default_factory=dict)  # fixed values read from the title


@dataclass
class ImportErgebnis:
    datei: str
    sha256: str
    zeilen: int
    neu: int
    bereits_importiert: bool = False
    beispieldaten: bool = False
    warnungen: list[Problem] = field(default_factory=list)
    ignoriert: list[str] = field(default_factory=list)
    uebersprungen: dict[str, dict[str, int]] = field(default_factory=dict)
    nr: int | None = None  # the import that already holds this file
    ersetzt: int | None = None  # the import of this file (another mapping) now replaced
    entfernt: int = 0  # rows of the replaced import removed
    aus_titel: dict[str, str] = field(default_factory=dict)
    zuordnung_datei: str | None = None  # the mapping's file name, None for the built-in one
    #: a folder's file whose import was removed then (ISO time): skipped, not imported again
    entfernt_am: str | None = None

    @property
    def importiert(self) -> bool:
        """Whether this call stored the file (not skipped as imported or removed before)."""
        return not self.bereits_importiert and self.entfernt_am is None


def pruefe_datei(
    pfad: Path | str, zuordnung: Spaltenzuordnung | None = None, fortschritt: Fortschritt = _still
) -> GeprüfteDatei:
    """Read and validate a whole file; raise ImportFehler listing every problem found."""
    pfad = Path(pfad)
    z = zuordnung or Spaltenzuordnung()
    s = Sammler(pfad.name)
    try:
        with pfad.open("rb") as datei:
            groesse = os.fstat(datei.fileno()).st_size
            if groesse > grenzen.max_datei_mb() * 1024 * 1024:
                s.fehler(
                    f"Die Datei ist {groesse // 1024 // 1024} MB groß (Grenze "
                    f"{grenzen.max_datei_mb()} MB, ZIELSTEUERUNG_MAX_DATEI_MB)."
                )
                s.abbrechen_falls_noetig()
            fortschritt(f"Lese {pfad.name}", None)
            gelesen = datei_lesen(pfad, datei, groesse, s, z)
    except FileNotFoundError:
        raise EingabeFehler(f"{pfad}: Datei nicht gefunden.") from None
    except IsADirectoryError:
        raise EingabeFehler(f"{pfad} ist ein Ordner, keine Datei.") from None
    except PermissionError:
        raise EingabeFehler(f"{pfad}: keine Berechtigung zum Lesen.") from None
    except OSError as exc:
        raise EingabeFehler(f"{pfad}: Datei nicht lesbar (Fehler {exc.errno}).") from None
    kopf, roh, erste_zeile, trenner = (
        gelesen.kopf,
        gelesen.roh,
        gelesen.erste_zeile,
        gelesen.trenner,
    )
    sha256 = gelesen.sha256
    fuer_datei, aus_titel = aus_dem_titel(gelesen.titel, z, s)  # the file's own fixed values
    del gelesen  # only the table is needed from here on (peak memory)
    if not kopf or roh.shape[0] == 0:
        s.fehler("Die Datei enthält keine Datenzeilen.")
        s.abbrechen_falls_noetig()
    lang = in_langformat(kopf, roh, erste_zeile, s, fuer_datei)
    del roh
    if lang.daten.empty:
        s.fehler("Die Datei enthält keine Datenzeilen.")
        s.abbrechen_falls_noetig()
    fortschritt(f"Prüfe {anzahl(len(lang.daten), 'Wert', 'Werte')}", None)
    daten, namen, uebersprungen = pruefen(lang, s, fuer_datei, tausenderpunkt=trenner == ";")
    gegen_spalten(daten, fuer_datei.feste_werte, aus_titel, lang.kopf, s)
    plausibilitaet.melden(in_der_datei(daten), s, z.sprungpruefung == "warnung")
    s.abbrechen_falls_noetig()
    return GeprüfteDatei(
        pfad,
        sha256,
        daten,
        namen,
        lang.beispieldaten,
        s.warnungen,
        lang.ignoriert,
        uebersprungen,
        z.kennung(),
        None if z.quelle == "eingebaut" else Path(z.quelle).name,
        z.sprungpruefung == "warnung",
        aus_titel,
    )


def importiere(
    pfade: Sequence[Path | str],
    store: Path | str,
    zuordnung: Spaltenzuordnung | None = None,
    fortschritt: Fortschritt = _still,
    ersetzen: bool | set[Path] = True,
    je_datei: dict[Path, Spaltenzuordnung] | None = None,
    aus_ordnern: Collection[Path] = (),
) -> list[ImportErgebnis]:
    """Validate every file first; then store all of them in one transaction, or nothing.

    A file imported before with another mapping replaces that import (the user named the file
    and its mapping); with ``ersetzen=False`` (a whole folder scanned, as the ribbon does) a
    file imported before is always skipped, with a set of files only those replace theirs.
    ``je_datei``: a mapping of its own for some files (``ordner.zuordnungen_im_ordner``), in
    place of ``zuordnung``. ``aus_ordnern``: the files found in a folder rather than named;
    one whose import was removed (``bestand entfernen``) is skipped: removed is removed until
    the file is named to be imported again."""
    store = Path(store)
    zuordnungen = [(Path(p), (je_datei or {}).get(Path(p), zuordnung)) for p in pfade]
    schon = (
        _schon_importiert(zuordnungen, store, ersetzen, set(aus_ordnern)) if store.exists() else {}
    )
    geprueft: list[GeprüfteDatei] = []
    probleme: list[Problem] = []
    weitere = 0
    for nr, (pfad, z) in enumerate(zuordnungen):  # every file is checked: all problems at once
        if nr in schon:
            continue
        try:
            geprueft.append(pruefe_datei(pfad, z, fortschritt))
        except ImportFehler as exc:
            probleme += exc.probleme
            weitere += exc.weitere
    if probleme:
        raise ImportFehler(probleme, weitere)
    if store.exists():
        return [*schon.values(), *_speichern(geprueft, store, fortschritt, ersetzen)]
    store.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=store.parent, prefix=".zielsteuerung-neu-") as tmp:
        ergebnisse = _speichern(geprueft, Path(tmp) / store.name, fortschritt, ersetzen)
        os.replace(Path(tmp) / store.name, store)  # a new store appears whole or not at all
    return ergebnisse


def _bleibt(vorhanden: ImportInfo, kennung: str, ersetzen: bool | set[Path], pfad: Path) -> bool:
    """Whether the import of this content stands and the file is skipped: read with the same
    mapping, or the file may not replace it (``ersetzen``: all, none, or these files)."""
    darf = ersetzen if isinstance(ersetzen, bool) else pfad in ersetzen
    return vorhanden.zuordnung == kennung or not darf


def _schon_importiert(
    zuordnungen: list[tuple[Path, Spaltenzuordnung | None]],
    store: Path,
    ersetzen: bool | set[Path],
    aus_ordnern: set[Path],
) -> dict[int, ImportErgebnis]:
    """The files whose content the store holds already, read with the same mapping (or with
    any, where the file may not replace its import), and the folder's files whose import was
    removed, by their place in the list: skipped unread. A folder the ribbon imports keeps
    every month's file, and each click would read and check them all again."""
    schon: dict[int, ImportErgebnis] = {}
    with Datenbestand(store) as db:
        entfernt = {sha256: am for _, sha256, am in db.entfernte()}
        for nr, (pfad, z) in enumerate(zuordnungen):
            try:
                with pfad.open("rb") as datei:
                    sha256 = hashlib.file_digest(datei, "sha256").hexdigest()
            except OSError:
                continue  # reading it says what is wrong
            if pfad in aus_ordnern and sha256 in entfernt:
                schon[nr] = ImportErgebnis(pfad.name, sha256, 0, 0, entfernt_am=entfernt[sha256])
                continue
            vorhanden = db.import_vorhanden(sha256)
            if vorhanden and _bleibt(
                vorhanden, (z or Spaltenzuordnung()).kennung(), ersetzen, pfad
            ):
                schon[nr] = ImportErgebnis(
                    pfad.name,
                    sha256,
                    vorhanden.zeilen,
                    0,
                    bereits_importiert=True,
                    beispieldaten=vorhanden.beispieldaten,
                    nr=vorhanden.import_id,
                    zuordnung_datei=vorhanden.zuordnung_datei,
                )
    return schon


def _ergebnis(datei: GeprüfteDatei, neu: int = 0, **angaben: Any) -> ImportErgebnis:
    return ImportErgebnis(
        datei.pfad.name,
        datei.sha256,
        anzahl_werte(datei.daten),
        neu,
        beispieldaten=datei.beispieldaten,
        warnungen=datei.warnungen,
        ignoriert=datei.ignoriert,
        uebersprungen=datei.uebersprungen,
        aus_titel=datei.aus_titel,
        zuordnung_datei=datei.zuordnung_datei,
        **angaben,
    )


def _speichern(
    geprueft: list[GeprüfteDatei],
    store: Path,
    fortschritt: Fortschritt,
    ersetzen: bool | set[Path],
) -> list[ImportErgebnis]:
    ergebnisse: list[ImportErgebnis] = []
    with Datenbestand(store, anlegen=True) as db:
        neue: list[GeprüfteDatei] = []
        probleme: list[Problem] = []
        weitere = 0
        for datei in geprueft:
            vorhanden = db.import_vorhanden(datei.sha256)
            if vorhanden and _bleibt(vorhanden, datei.zuordnung, ersetzen, datei.pfad):
                nr = vorhanden.import_id
                ergebnisse.append(_ergebnis(datei, bereits_importiert=True, nr=nr))
                continue
            if any(n.sha256 == datei.sha256 for n in neue):
                ergebnisse.append(_ergebnis(datei, bereits_importiert=True))
                continue
            neue.append(datei)
            s = Sammler(datei.pfad.name)  # against earlier vintages and neighbouring months
            ersetzt = vorhanden.import_id if vorhanden else None
            spruenge = gegen_bestand(datei.daten, db, ersetzt)
            plausibilitaet.melden(spruenge, s, datei.spruenge_nur_warnen)
            if ueberholt := plausibilitaet.ohne_datenstand(datei.daten, db, ersetzt):
                s.warnung(*ueberholt)
            probleme += s.probleme
            weitere += s.weitere
            datei.warnungen += s.warnungen
        if probleme:
            raise ImportFehler(probleme, weitere)
        try:
            gespeichert = db.speichern(
                [
                    Lieferung(
                        d.daten,
                        d.pfad.name,
                        d.sha256,
                        d.namen,
                        d.beispieldaten,
                        d.zuordnung,
                        d.zuordnung_datei,
                    )
                    for d in neue
                ],
                fortschritt,
            )
        except KonfliktGefunden as exc:
            raise ImportFehler([Problem(datei, None, None, z) for datei, z in exc.zeilen]) from None
    for datei, g in zip(neue, gespeichert, strict=True):
        ersetzt = g.ersetzt.import_id if g.ersetzt else None
        ergebnisse.append(_ergebnis(datei, g.neu, ersetzt=ersetzt, entfernt=g.entfernt))
    return ergebnisse
