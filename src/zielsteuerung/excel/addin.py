"""The Excel add-in zielsteuerung.xlam, built on any platform from xlwings' own custom add-in
template (``quickstart_addin_ribbon.xlam``).

Four parts of the template change, each at byte level so that every other byte, namespace
declaration and prefix stays as xlwings ships it:

- ``customUI/customUI.xml``: our ribbon (addin/customUI.xml);
- ``xl/workbook.xml``: the configuration sheet ``_myaddin.conf`` becomes ``zielsteuerung.conf``,
  the name the add-in's VBA reads (PROJECT_NAME & ".conf");
- ``xl/worksheets/sheet1.xml``: that sheet's rows (UDF module, optionally the interpreter);
- ``xl/vbaProject.bin``: written anew (``excel.vba``): the template's modules with the changes of
  ``vba.vorlage``, plus the wrappers of the ZIEL_* functions and their descriptions.

The ribbon callback runs ``import <file name>; <file name>.main()``, hence the file name.
"""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from importlib import resources
from pathlib import Path
from xml.sax.saxutils import escape

from ..fehler import EingabeFehler
from .vba import funktionen, projekt, vorlage

ADDIN_NAME = funktionen.ADDIN_NAME
UDF_MODUL = funktionen.UDF_MODUL
KONFIGURATIONSBLATT = f"{vorlage.KONFIGURATION}.conf"
GEAENDERTE_TEILE = (
    "customUI/customUI.xml",
    "xl/workbook.xml",
    "xl/worksheets/sheet1.xml",
    "xl/vbaProject.bin",
)
_BLATT_VORLAGE = b'name="_myaddin.conf"'


def ribbon_xml() -> bytes:
    quelle = Path(__file__).resolve().parents[3] / "addin" / "customUI.xml"
    if quelle.exists():  # a source checkout: addin/customUI.xml is the source of truth
        return quelle.read_bytes()
    return resources.files("zielsteuerung").joinpath("ressourcen/customUI.xml").read_bytes()


def _einmal(muster: bytes, ersatz: bytes, inhalt: bytes, teil: str) -> bytes:
    neu, anzahl = re.subn(muster, lambda _: ersatz, inhalt, flags=re.DOTALL)
    if anzahl != 1:
        raise EingabeFehler(
            f"Die Add-in-Vorlage von xlwings hat sich geändert: {teil} enthält "
            f"{muster.decode()!r} {anzahl}-mal statt einmal."
        )
    return neu


def _zelle(ref: str, wert: str | bool) -> str:
    if isinstance(wert, bool):
        return f'<c r="{ref}" s="1" t="b"><v>{int(wert)}</v></c>'
    return f'<c r="{ref}" s="1" t="inlineStr"><is><t>{escape(wert)}</t></is></c>'


def konfiguration(interpreter: str = "") -> list[tuple[str, str | bool]]:
    """The rows of the add-in's configuration sheet. xlwings' VBA reads them before the
    user's file %USERPROFILE%\\.zielsteuerung\\zielsteuerung.conf, and a key listed here hides
    the file's value even when empty, so the interpreter is listed only when given."""
    zeilen: list[tuple[str, str | bool]] = [("Interpreter_Win", interpreter)] if interpreter else []
    return [*zeilen, ("UDF Modules", UDF_MODUL), ("Debug UDFs", False),
            ("Use UDF Server", False), ("Show Console", False)]  # fmt: skip


def konfigurationsblatt(blatt: bytes, zeilen: list[tuple[str, str | bool]]) -> bytes:
    """The template's configuration sheet with ``zeilen`` in columns A and B; only its
    ``dimension`` and ``sheetData`` elements change."""
    daten = "".join(
        f'<row r="{i}" spans="1:2">{_zelle(f"A{i}", k)}{_zelle(f"B{i}", w)}</row>'
        for i, (k, w) in enumerate(zeilen, start=1)
    )
    teil = "xl/worksheets/sheet1.xml"
    blatt = _einmal(rb"<dimension ref=\"[^\"]*\" ?/>", f'<dimension ref="A1:B{len(zeilen)}" />'
                    .encode(), blatt, teil)  # fmt: skip
    return _einmal(rb"<sheetData>.*?</sheetData>", f"<sheetData>{daten}</sheetData>".encode(),
                   blatt, teil)  # fmt: skip


def vba_projekt(vba_vorlage: bytes) -> bytes:
    """The add-in's vbaProject.bin: the template's project changed by ``vba.vorlage``, plus the
    ZIEL_* wrappers and their descriptions."""
    p = vorlage.anpassen(projekt.lesen(vba_vorlage))
    vba, beschreibungen = funktionen.erzeugen()
    p.module += [funktionen.wrapper_modul(vba), funktionen.beschreibung_modul(beschreibungen)]
    try:
        return projekt.schreiben(p)
    except UnicodeEncodeError as exc:
        raise EingabeFehler(
            f"Ein Text im VBA-Projekt lässt sich nicht in der Codepage {p.codepage} speichern: "
            f"„{exc.object[exc.start : exc.end]}“"
        ) from None


def bauen(ziel: Path, interpreter: str = "") -> Path:
    """Build zielsteuerung.xlam at ``ziel`` (a folder or a file named zielsteuerung.xlam)."""
    if ziel.suffix.lower() != ".xlam":
        ziel = ziel / ADDIN_NAME
    if ziel.name != ADDIN_NAME:
        raise EingabeFehler(
            f"Das Add-in muss {ADDIN_NAME} heißen: die Schaltfläche startet das Python-Paket mit "
            "dem Namen der Datei."
        )
    vorlage.version_pruefen()
    with zipfile.ZipFile(vorlage.pfad()) as archiv:
        eintraege = [(info, archiv.read(info)) for info in archiv.infolist()]
    teile = {info.filename: inhalt for info, inhalt in eintraege}
    neu = {
        "customUI/customUI.xml": ribbon_xml(),
        "xl/workbook.xml": _einmal(re.escape(_BLATT_VORLAGE),
                                   f'name="{KONFIGURATIONSBLATT}"'.encode(),
                                   teile["xl/workbook.xml"], "xl/workbook.xml"),
        "xl/worksheets/sheet1.xml": konfigurationsblatt(teile["xl/worksheets/sheet1.xml"],
                                                        konfiguration(interpreter)),
        "xl/vbaProject.bin": vba_projekt(teile["xl/vbaProject.bin"]),
    }  # fmt: skip
    ziel.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=ziel.parent, suffix=".xlam")
    # same order, names and time stamps as the template: the same input gives the same file
    with os.fdopen(fd, "wb") as datei, zipfile.ZipFile(datei, "w") as archiv:
        for info, inhalt in eintraege:
            kopie = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            kopie.compress_type, kopie.external_attr = zipfile.ZIP_DEFLATED, info.external_attr
            archiv.writestr(kopie, neu.get(info.filename, inhalt))
    os.chmod(tmp, 0o644)  # readable like any other file, not only by its builder (mkstemp: 0600)
    einsetzen(Path(tmp), ziel)
    return ziel


def einsetzen(tmp: Path, ziel: Path) -> None:
    """Move a finished add-in file into place in one step; Windows refuses while Excel has
    the old one loaded, which is said plainly (the temporary file is removed)."""
    try:
        os.replace(tmp, ziel)
    except PermissionError:
        tmp.unlink(missing_ok=True)
        raise EingabeFehler(
            f"{ziel} ist in Excel geladen. Bitte Excel schließen und erneut versuchen."
        ) from None


MANUELL = """\
Nur nötig, wenn im Add-in die Funktionen ZIEL_* fehlen (sie sind eingebaut): in Excel Alt+F11
(Visual-Basic-Editor), links im Projekt „Zielsteuerung (zielsteuerung.xlam)“ ein vorhandenes
Modul „xlwings_udfs“ entfernen (Rechtsklick > Entfernen > Nein), dann Datei > Datei
importieren… und die Datei {bas} wählen, speichern (Strg+S). Der Weg braucht keine
Einstellung im Trust Center; die Beschreibungen im Funktionsassistenten fehlen danach."""


def vba_modul_schreiben(ziel: Path) -> Path:
    """The module of ZIEL_* wrappers (the add-in's own ``xlwings_udfs``) as a file to import
    by hand, in the add-in's code page."""
    vba, _ = funktionen.erzeugen()
    modul = funktionen.wrapper_modul(vba)
    ziel.parent.mkdir(parents=True, exist_ok=True)
    ziel.write_bytes(modul.quelle.encode("cp1252"))
    return ziel
