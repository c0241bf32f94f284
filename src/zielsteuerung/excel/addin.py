"""The Excel add-in zielsteuerung.xlam: built on Linux from xlwings' own custom add-in
template, installed on Windows.

Build: the template ``quickstart_addin_ribbon.xlam`` is taken from the installed xlwings
package; our ribbon (addin/customUI.xml) replaces its ribbon XML; its configuration sheet is
activated (renamed to ``myaddin.conf``, the name its VBA reads) and names the interpreter and
the UDF module ``zielsteuerung.excel.udfs``. The VBA itself (xl/vbaProject.bin) stays as xlwings
ships it: its ribbon callback ``RibbonMyAddin.RunMain`` runs ``import <file name>;
<file name>.main()``, hence the file name zielsteuerung.xlam.
"""

from __future__ import annotations

import os
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..daten import einstellungen
from ..fehler import EingabeFehler

ADDIN_NAME = "zielsteuerung.xlam"
UDF_MODUL = "zielsteuerung.excel.udfs"
_KONF_BLATT = "myaddin.conf"  # PROJECT_NAME & ".conf" in the template's VBA
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def xlwings_vorlage() -> Path:
    import xlwings

    vorlage = Path(xlwings.__file__).with_name("quickstart_addin_ribbon.xlam")
    if not vorlage.exists():
        raise EingabeFehler(f"Die Add-in-Vorlage von xlwings fehlt: {vorlage}")
    return vorlage


def ribbon_xml() -> bytes:
    quelle = Path(__file__).resolve().parents[3] / "addin" / "customUI.xml"
    if quelle.exists():  # a source checkout: addin/customUI.xml is the source of truth
        return quelle.read_bytes()
    return resources.files("zielsteuerung").joinpath("ressourcen/customUI.xml").read_bytes()


def _konfiguration(blatt_xml: bytes, strings: list[str], werte: dict[str, str]) -> bytes:
    """Fill column B of the configuration sheet for the keys in column A."""
    ET.register_namespace("", _NS)
    wurzel = ET.fromstring(blatt_xml)
    for zeile in wurzel.iter(f"{{{_NS}}}row"):
        zellen = list(zeile)
        if not zellen or zellen[0].get("t") != "s":
            continue
        schluessel = strings[int(zellen[0].findtext(f"{{{_NS}}}v") or -1)].upper()
        if schluessel not in werte:
            continue
        for alt in zellen[1:]:
            zeile.remove(alt)
        zelle = ET.SubElement(zeile, f"{{{_NS}}}c", {"r": f"B{zeile.get('r')}", "t": "inlineStr"})
        ET.SubElement(ET.SubElement(zelle, f"{{{_NS}}}is"), f"{{{_NS}}}t").text = werte[schluessel]
        zeile.set("spans", "1:2")
    return ET.tostring(wurzel, xml_declaration=True, encoding="UTF-8")


def bauen(ziel: Path, interpreter: str = "") -> Path:
    """Build zielsteuerung.xlam at ``ziel`` (a folder or a file named zielsteuerung.xlam)."""
    if ziel.suffix.lower() != ".xlam":
        ziel = ziel / ADDIN_NAME
    if ziel.name != ADDIN_NAME:
        raise EingabeFehler(
            f"Das Add-in muss {ADDIN_NAME} heißen: die Schaltfläche startet das Python-Paket mit "
            "dem Namen der Datei."
        )
    with zipfile.ZipFile(xlwings_vorlage()) as vorlage:
        teile = {name: vorlage.read(name) for name in vorlage.namelist()}
    strings = ["".join(t.itertext()) for t in ET.fromstring(teile["xl/sharedStrings.xml"])]
    werte = {"UDF MODULES": UDF_MODUL, "INTERPRETER_WIN": interpreter}
    teile["xl/worksheets/sheet1.xml"] = _konfiguration(
        teile["xl/worksheets/sheet1.xml"], strings, werte
    )
    teile["xl/workbook.xml"] = teile["xl/workbook.xml"].replace(
        b'name="_myaddin.conf"', f'name="{_KONF_BLATT}"'.encode()
    )
    teile["customUI/customUI.xml"] = ribbon_xml()
    ziel.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=ziel.parent, suffix=".xlam")
    with os.fdopen(fd, "wb") as datei, zipfile.ZipFile(datei, "w", zipfile.ZIP_DEFLATED) as neu:
        for name, inhalt in teile.items():
            neu.writestr(name, inhalt)
    try:
        os.replace(tmp, ziel)
    except PermissionError:
        Path(tmp).unlink(missing_ok=True)
        raise EingabeFehler(
            f"{ziel} ist in Excel geladen. Bitte Excel schließen und erneut versuchen."
        ) from None
    return ziel


# --- installation on Windows -----------------------------------------------------------------


@dataclass
class Plan:
    addin: Path
    einstellungen: Path
    interpreter: str
    store: str


def plan(store: str | None = None) -> Plan:
    """Where things go: Excel's XLSTART folder loads the add-in at every start."""
    appdata = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    python = Path(sys.executable)
    pythonw = python.with_name("pythonw.exe") if os.name == "nt" else python
    from ..daten.datenbestand import standardpfad

    return Plan(
        addin=appdata / "Microsoft" / "Excel" / "XLSTART" / ADDIN_NAME,
        einstellungen=einstellungen.pfad(),
        interpreter=str(pythonw),
        store=store or str(standardpfad()),
    )


MANUELL = """\
Excel erlaubt den Zugriff auf das VBA-Projekt nicht. So geht es von Hand, eins von beiden:
  1. Excel öffnen: Datei > Optionen > Trust Center > Einstellungen für das Trust Center >
     Makroeinstellungen: „Zugriff auf das VBA-Projektobjektmodell vertrauen“ anhaken, Excel
     schließen und „zielsteuerung addin install“ erneut ausführen; oder
  2. ohne diese Einstellung: in Excel Alt+F11 (Visual-Basic-Editor), links das Projekt
     „zielsteuerung.xlam“ markieren, Datei > Datei importieren… und die Datei
     {bas} wählen, dann speichern (Strg+S). Die Funktionen ZIEL_* stehen danach
     bereit, nur ohne die Beschreibungen im Funktions-Assistenten."""


def vba_modul_schreiben(ziel: Path) -> Path:
    """The VBA wrappers of the ZIEL_* functions as a module file, for the manual import.

    Generated by xlwings' own generator, exactly as its automatic import does.
    """
    import importlib
    import types

    from xlwings.udfs import VBAWriter, generate_vba_wrapper

    modul = importlib.import_module(UDF_MODUL)
    ziel.parent.mkdir(parents=True, exist_ok=True)
    with ziel.open("w", encoding="cp1252", newline="\r\n") as datei:
        vba = VBAWriter(datei)
        vba.writeln('Attribute VB_Name = "xlwings_udfs"')
        vba.writeln("'Erzeugt von zielsteuerung addin install - Änderungen gehen verloren.")
        vba.writeln("""#Const App = "Microsoft Excel" 'Adjust when using outside of Excel""")
        generate_vba_wrapper(UDF_MODUL, modul, datei, types.SimpleNamespace(Name=ADDIN_NAME))
    return ziel


def installieren(store: str | None = None, trocken: bool = False) -> list[str]:
    """Copy the add-in, write its configuration, import the UDF wrappers through Excel."""
    p = plan(store)
    bas = p.addin.parent.parent / "zielsteuerung_udfs.bas"
    schritte = [
        f"Add-in bauen und kopieren nach: {p.addin}",
        f"Python für Excel (Interpreter): {p.interpreter}",
        f"Voreinstellungen schreiben: {p.einstellungen} (Datenbestand: {p.store})",
        f"Funktionen ZIEL_* über Excel in das Add-in übernehmen (Modul {UDF_MODUL})",
    ]
    if trocken:
        return ["Probelauf – es wird nichts verändert:", *(f"- {s}" for s in schritte)]
    if os.name != "nt":
        raise EingabeFehler("Die Installation des Add-ins ist nur unter Windows mit Excel möglich.")
    bauen(p.addin, p.interpreter)
    vorhanden = einstellungen.lesen()
    datenbestand = store or vorhanden.get("datenbestand") or p.store
    einstellungen.schreiben({**vorhanden, "datenbestand": datenbestand})
    ergebnis = [f"Erledigt: {s}" for s in schritte[:3]]
    try:  # pragma: no cover - needs Excel
        import xlwings as xw
        from xlwings.udfs import import_udfs

        app = xw.App(visible=False, add_book=False)
        try:
            buch = app.books.open(str(p.addin))
            import_udfs(UDF_MODUL, buch.api)
            buch.save()
        finally:
            app.quit()
        ergebnis.append(f"Erledigt: {schritte[3]}")
    except Exception as exc:  # pragma: no cover - needs Excel
        vba_modul_schreiben(bas)
        ergebnis += [
            f"Nicht erledigt: {schritte[3]} ({type(exc).__name__}: {str(exc)[:200]})",
            MANUELL.format(bas=bas),
        ]
    return ergebnis


def deinstallieren(trocken: bool = False) -> list[str]:
    p = plan()
    schritte = [f"Add-in entfernen: {p.addin}"]
    if trocken:
        return [
            "Probelauf – es wird nichts verändert:",
            *(f"- {s}" for s in schritte),
            f"(Voreinstellungen {p.einstellungen} und der Datenbestand bleiben erhalten.)",
        ]
    if not p.addin.exists():
        return [f"Nichts zu tun: {p.addin} ist nicht vorhanden."]
    try:
        p.addin.unlink()
    except PermissionError:
        raise EingabeFehler(
            f"{p.addin} ist in Benutzung. Bitte Excel schließen und erneut versuchen."
        ) from None
    return [f"Erledigt: {schritte[0]}", "Voreinstellungen und Datenbestand bleiben erhalten."]
