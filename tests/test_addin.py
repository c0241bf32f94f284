"""The add-in zielsteuerung.xlam as built on Linux, compared with xlwings' template and read
by programs we did not write: oletools' olevba (the VBA modules), LibreOffice (opens it as a
macro workbook and imports its VBA), expat (the XML parts).

Excel itself does not run here: that Excel compiles the project, runs Auto_Open and loads the
ribbon is not tested (see docs/benutzerhandbuch.md, "Was nicht getestet ist").
"""

from __future__ import annotations

import re
import tomllib
import warnings
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from xml.parsers import expat

import olefile
import pytest
import xlwings
from test_arbeitsmappe import libreoffice_noetig

from zielsteuerung.excel import addin, installation, udfs
from zielsteuerung.excel.vba import vorlage
from zielsteuerung.fehler import EingabeFehler

with warnings.catch_warnings():  # oletools uses pyparsing names deprecated since
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import VBA_Parser

WURZEL = Path(__file__).resolve().parents[1]
MODULE = ["ThisWorkbook", "Dictionary", "RibbonZielsteuerung", "Sheet2", "xlwings",
          "xlwings_udfs", "ZielsteuerungFunktionen"]  # fmt: skip
STANDARD = "Optional jahr, Optional bis_monat, Optional traeger, Optional wartezeit"
#: what xlwings' generator makes of excel/udfs.py (checked against it in test_excel.py)
SIGNATUREN = {
    f"ZIEL_INTEGRATIONEN({STANDARD})",
    f"ZIEL_K2({STANDARD})",
    f"ZIEL_ABSTAND({STANDARD})",
    f"ZIEL_K3({STANDARD})",
    f"ZIEL_INTEGRATIONEN_LZB({STANDARD})",
    f"ZIEL_STATUS(ziel_id, {STANDARD})",
    f"ZIEL_ZIELWERT(ziel_id, {STANDARD})",
    f"ZIEL_WERT(kennzahl, {STANDARD}, Optional geschlecht)",
    "ZIEL_KENNZAHL(code, monat, Optional traeger, Optional geschlecht, Optional wartezeit)",
    f"ZIEL_TABELLE({STANDARD})",
}
olevba_marke = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # oletools at run time


def teile(pfad: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(pfad) as archiv:
        return {name: archiv.read(name) for name in archiv.namelist()}


def olevba_module(vba_bin: bytes) -> dict[str, str]:
    makros = VBA_Parser("vbaProject.bin", data=vba_bin).extract_macros()
    return {name.rsplit(".", 1)[0]: code for _, _, name, code in makros}


@pytest.fixture(scope="module")
def gebaut(tmp_path_factory) -> Path:
    return addin.bauen(tmp_path_factory.mktemp("addin"), r"C:\Python312\pythonw.exe")


@pytest.fixture(scope="module")
def vorlage_teile() -> dict[str, bytes]:
    return teile(vorlage.pfad())


# --- item 1: a well-formed add-in -------------------------------------------------------------


def test_only_the_intended_parts_differ_from_xlwings_template(gebaut, vorlage_teile):
    neu = teile(gebaut)
    assert list(neu) == list(vorlage_teile)  # same parts in the same order
    anders = {name for name in neu if neu[name] != vorlage_teile[name]}
    assert anders == set(addin.GEAENDERTE_TEILE)
    assert neu["xl/workbook.xml"] == vorlage_teile["xl/workbook.xml"].replace(
        b'name="_myaddin.conf"', b'name="zielsteuerung.conf"'
    )

    def ohne_zeilen(blatt: bytes) -> bytes:
        blatt = re.sub(rb"<sheetData>.*</sheetData>", b"", blatt, flags=re.DOTALL)
        return re.sub(rb'<dimension ref="[^"]*" />', b"", blatt)

    blatt = "xl/worksheets/sheet1.xml"
    assert ohne_zeilen(neu[blatt]) == ohne_zeilen(vorlage_teile[blatt])
    assert neu["customUI/customUI.xml"] == (WURZEL / "addin" / "customUI.xml").read_bytes()


def unerklaerte_ignorable_praefixe(xml: bytes) -> list[str]:
    """Prefixes named in mc:Ignorable without a namespace declaration in scope (Excel answers
    them with its repair prompt). Parses with expat, which sees every xmlns attribute."""
    fehlend: list[str] = []
    bereiche: list[set[str]] = [set()]
    parser = expat.ParserCreate()

    def start(_name: str, attribute: dict[str, str]) -> None:
        bereich = bereiche[-1] | {a[6:] for a in attribute if a.startswith("xmlns:")}
        bereiche.append(bereich)
        for schluessel, wert in attribute.items():
            if schluessel.endswith(":Ignorable"):
                fehlend.extend(p for p in wert.split() if p not in bereich)

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda _name: bereiche.pop()
    parser.Parse(xml, True)
    return fehlend


def test_every_xml_part_parses_and_declares_its_ignorable_prefixes(gebaut, vorlage_teile):
    xml_teile = {n: t for n, t in teile(gebaut).items() if n.endswith((".xml", ".rels"))}
    assert len(xml_teile) == len([n for n in vorlage_teile if n.endswith((".xml", ".rels"))])
    for name, inhalt in xml_teile.items():
        ET.fromstring(inhalt)  # well-formed
        assert unerklaerte_ignorable_praefixe(inhalt) == [], name
    assert b'mc:Ignorable="x14ac"' in xml_teile["xl/worksheets/sheet1.xml"]
    # the check finds what an ElementTree round trip of the sheet did to earlier add-ins
    runde = ET.tostring(ET.fromstring(vorlage_teile["xl/worksheets/sheet1.xml"]))
    assert unerklaerte_ignorable_praefixe(runde) == ["x14ac"]


def test_configuration_sheet_holds_the_udf_module_and_the_given_interpreter(gebaut, tmp_path):
    ns = {"s": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}

    def zeilen(pfad: Path) -> dict[str, object]:
        zellen = ET.fromstring(teile(pfad)["xl/worksheets/sheet1.xml"]).iterfind(".//s:c", ns)
        werte: list[object] = [
            bool(int(c.findtext("s:v", "", ns))) if c.get("t") == "b"
            else c.findtext(".//s:t", "", ns) for c in zellen
        ]  # fmt: skip
        return dict(zip(werte[::2], werte[1::2], strict=True))

    ohne = addin.bauen(tmp_path)
    assert zeilen(gebaut) == {"Interpreter_Win": r"C:\Python312\pythonw.exe",
                              "UDF Modules": "zielsteuerung.excel.udfs", "Debug UDFs": False,
                              "Use UDF Server": False, "Show Console": False}  # fmt: skip
    # without --interpreter the key is absent: a listed key would hide the user's file
    assert "Interpreter_Win" not in zeilen(ohne)


def test_build_is_reproducible(gebaut, tmp_path):
    assert addin.bauen(tmp_path, r"C:\Python312\pythonw.exe").read_bytes() == gebaut.read_bytes()


# --- item 2: the ZIEL_ functions inside the add-in ---------------------------------------------


@olevba_marke
def test_olevba_extracts_every_module_with_exactly_our_source(gebaut, vorlage_teile):
    aus_vorlage = olevba_module(vorlage_teile["xl/vbaProject.bin"])
    module = olevba_module(teile(gebaut)["xl/vbaProject.bin"])
    assert list(module) == MODULE
    for name in ("ThisWorkbook", "Dictionary", "Sheet2"):
        assert module[name] == aus_vorlage[name]  # unchanged, byte for byte
    erwartet = dict(aus_vorlage)
    for a in vorlage.AENDERUNGEN:  # the template's source, changed only where listed
        erwartet[a.modul] = erwartet[a.modul].replace(*a.fuer(erwartet[a.modul]))
    assert module["xlwings"] == erwartet["xlwings"]
    assert module["RibbonZielsteuerung"] == erwartet["RibbonMyAddin"]

    udf = module["xlwings_udfs"]
    assert udf.startswith('Attribute VB_Name = "xlwings_udfs"\r\n')
    assert set(re.findall(r"^Function (.+?)\r$", udf, flags=re.MULTILINE)) == SIGNATUREN
    assert 'XLPy.CallUDF("zielsteuerung.excel.udfs", "ZIEL_K2"' in udf


@olevba_marke
def test_function_wizard_gets_category_and_the_german_descriptions(gebaut):
    text = olevba_module(teile(gebaut)["xl/vbaProject.bin"])["ZielsteuerungFunktionen"]
    assert "Private Sub Auto_Open()" in text
    aufrufe = re.findall(
        r"""MacroOptions Macro:="'" & ThisWorkbook\.Name & "'!(\w+)", _\r\n"""
        r'\s+Description:="(.*)", _\r\n\s+Category:="(\w+)"'
        r"""(?:, ArgumentDescriptions:=Array\( _\r\n((?:\s+".*"(?:, _|\))\r\n)+))?""",
        text,
    )  # fmt: skip
    assert {a[0] for a in aufrufe} == {s.split("(")[0] for s in SIGNATUREN}
    for name, beschreibung, kategorie, argumente in aufrufe:
        assert kategorie == "Zielsteuerung"
        assert beschreibung == getattr(udfs, name).__doc__.replace('"', '""')
        if name == "ZIEL_K2":
            erwartet = [udfs._JAHR, udfs._MONAT, udfs._TRAEGER, udfs._WARTEZEIT]
            assert re.findall(r'"(.*)"', argumente) == [t.replace('"', '""') for t in erwartet]


def test_vba_project_is_named_zielsteuerung(gebaut):
    with olefile.OleFileIO(teile(gebaut)["xl/vbaProject.bin"]) as ole:
        project = ole.openstream("PROJECT").read().decode("cp1252")
    assert 'Name="Zielsteuerung"' in project and "MyAddin" not in project


@olevba_marke
def test_ribbon_buttons_call_our_own_macros(gebaut):
    inhalt = teile(gebaut)
    module = olevba_module(inhalt["xl/vbaProject.bin"])
    aktionen = [k.get("onAction") for k in ET.fromstring(inhalt["customUI/customUI.xml"]).iter()
                if k.get("onAction")]  # fmt: skip
    assert aktionen == ["RibbonZielsteuerung.ZielsteuerungAktualisieren"]
    for aktion in aktionen:
        modul, makro = aktion.split(".")
        assert re.search(rf"^Sub {makro}\(control As IRibbonControl\)", module[modul], re.MULTILINE)
    # the button runs `import zielsteuerung; zielsteuerung.main()` (the file's name)
    assert '".main()"' in module["RibbonZielsteuerung"]
    assert "ThisWorkbook.Name" in module["RibbonZielsteuerung"]


@olevba_marke
def test_libreoffice_imports_the_same_modules(gebaut, tmp_path):
    """LibreOffice opens the add-in as a macro workbook (content type switched) and imports
    its VBA into a Basic library named after the project; saved as .ods it lies under Basic/."""
    libreoffice_noetig()
    from zielsteuerung.mappe.libreoffice import umwandeln

    inhalt = teile(gebaut)
    module = olevba_module(inhalt["xl/vbaProject.bin"])
    inhalt["[Content_Types].xml"] = inhalt["[Content_Types].xml"].replace(
        b"application/vnd.ms-excel.addin.macroEnabled.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    mappe = tmp_path / "zielsteuerung.xlsm"
    with zipfile.ZipFile(mappe, "w") as archiv:
        for name, daten in inhalt.items():
            archiv.writestr(name, daten)
    ods = umwandeln(mappe, "ods", tmp_path / "ods")
    basic = {name.split("/")[-1].removesuffix(".xml"): daten for name, daten in teile(ods).items()
             if name.startswith("Basic/Zielsteuerung/")}  # fmt: skip
    assert sorted(basic) == sorted([*MODULE, "script-lb"])
    for name in MODULE:
        # LibreOffice drops the Attribute lines and puts its own two (three) lines in front
        text = ET.fromstring(basic[name]).text or ""
        zeilen = text.split("\n")
        assert (
            zeilen[0].startswith("Rem Attribute VBA_ModuleType=")
            and zeilen[1] == "Option VBASupport 1"
        )
        zeilen = zeilen[3:] if zeilen[2] == "Option ClassModule" else zeilen[2:]
        quelle = [z for z in module[name].replace("\r\n", "\n").split("\n")
                  if not z.startswith("Attribute ")]  # fmt: skip
        assert "\n".join(zeilen).rstrip("\n") == "\n".join(quelle).rstrip("\n"), name
    k2 = re.findall(r"^Function (ZIEL_K2\(.*\))$", ET.fromstring(basic["xlwings_udfs"]).text or "",
                    flags=re.MULTILINE)  # fmt: skip
    assert k2 == [f"ZIEL_K2({STANDARD})"]


# --- item 3: settings only from trusted places --------------------------------------------------


def vba_funktion(quelle: str, name: str) -> str:
    treffer = re.search(rf"^Function {name}\(.*?^End Function", quelle, re.MULTILINE | re.DOTALL)
    assert treffer, name
    return treffer.group(0)


@olevba_marke
def test_add_in_reads_settings_only_from_its_own_sheet_and_the_users_file(gebaut):
    xlwings_vba = olevba_module(teile(gebaut)["xl/vbaProject.bin"])["xlwings"]
    get_config = vba_funktion(xlwings_vba, "GetConfig")
    assert "ActiveWorkbook" not in get_config and "GetDirectoryConfigFilePath" not in get_config
    gelesen = re.findall(r"GetConfigFrom(?:Sheet|File)\((\w+(?:\(\))?)", get_config)
    assert set(gelesen) == {"ThisWorkbook", "GetConfigFilePath()"}
    assert 'Environ("USERPROFILE") & "\\." & PROJECT_NAME & "\\" & PROJECT_NAME & ".conf"' in (
        vba_funktion(xlwings_vba, "GetConfigFilePath")
    )
    assert 'Public Const PROJECT_NAME As String = "zielsteuerung"' in xlwings_vba
    # the add-in's own sheet carries that name
    assert b'<sheet name="zielsteuerung.conf"' in teile(gebaut)["xl/workbook.xml"]


@olevba_marke
def test_active_workbooks_folder_never_goes_on_pythons_path(gebaut):
    xlwings_vba = olevba_module(teile(gebaut)["xl/vbaProject.bin"])["xlwings"]
    assert "ADD_WORKBOOK_TO_PYTHONPATH" not in xlwings_vba
    zuweisungen = re.findall(r"^\s*AddExcelDir = (.*)$", xlwings_vba, flags=re.MULTILINE)
    assert zuweisungen and all(z.startswith('"false"') for z in zuweisungen)
    # xlwings.utils.prepare_sys_path adds the workbooks' folders only for a leading "true"
    aufrufe = re.findall(r"^.* -c .*prepare_sys_path.*$", xlwings_vba, flags=re.MULTILINE)
    assert len(aufrufe) == 2 and all(" -B -P -c " in z for z in aufrufe)  # -P: no cwd either


def test_each_change_of_xlwings_vba_matches_the_template_exactly(vorlage_teile):
    """Fails when a new xlwings version moves or rewrites one of the changed places."""
    from zielsteuerung.excel.vba import projekt

    p = projekt.lesen(vorlage_teile["xl/vbaProject.bin"])
    for a in vorlage.AENDERUNGEN:
        quelle = p.modul(a.modul).quelle
        assert quelle.count(a.fuer(quelle)[0]) == a.anzahl, a.zweck


def test_a_moved_line_stops_the_build_with_a_german_message(vorlage_teile):
    from zielsteuerung.excel.vba import projekt

    p = projekt.lesen(vorlage_teile["xl/vbaProject.bin"])
    xl = p.modul("xlwings")
    zeile = 'AddExcelDir = GetConfig("ADD_WORKBOOK_TO_PYTHONPATH", "true")'
    xl.quelle = xl.quelle.replace(zeile, zeile.replace("true", "True"), 1)
    with pytest.raises(
        EingabeFehler, match=r"hat sich geändert.*Suchpfad von Python.*1-mal statt 2"
    ):
        vorlage.anpassen(p)


# --- item 4: xlwings pinned to the template's DLL -----------------------------------------------


def test_xlwings_is_pinned_to_the_version_of_the_templates_dll(vorlage_teile):
    from zielsteuerung.excel.vba import projekt

    pyproject = tomllib.loads((WURZEL / "pyproject.toml").read_text(encoding="utf-8"))
    assert f"xlwings=={vorlage.XLWINGS_VERSION}" in pyproject["project"]["dependencies"]
    quelle = projekt.lesen(vorlage_teile["xl/vbaProject.bin"]).modul("xlwings").quelle
    assert vorlage.dll_versionen(quelle) == {vorlage.XLWINGS_VERSION} == {xlwings.__version__}


def test_another_xlwings_version_stops_the_build(cli, tmp_path, monkeypatch):
    monkeypatch.setattr(xlwings, "__version__", "0.99.0")  # stands in for another installed version
    lauf = cli("addin", "build", "-o", tmp_path)
    assert lauf.code == 2 and not (tmp_path / "zielsteuerung.xlam").exists()
    assert "installiert ist xlwings 0.99.0" in lauf.err
    assert f"pip install xlwings=={vorlage.XLWINGS_VERSION}" in lauf.err


# --- installation: only files, no Excel ------------------------------------------------------


@pytest.fixture
def windows_ordner(tmp_path, monkeypatch):
    """Windows' folders under tmp_path. Installing needs Windows; the platform check is the
    one thing replaced here, every file operation is real."""
    monkeypatch.setenv("APPDATA", str(tmp_path / "AppData" / "Roaming"))
    monkeypatch.setenv("USERPROFILE", str(tmp_path / "Benutzer"))
    monkeypatch.setenv("ZIELSTEUERUNG_EINSTELLUNGEN", str(tmp_path / "einstellungen.toml"))
    return tmp_path


def test_install_dry_run_shows_no_step_that_needs_excel_or_the_trust_center(cli, windows_ordner):
    lauf = cli("addin", "install", "--dry-run", "--store", windows_ordner / "d.sqlite")
    assert lauf.code == 0
    zeilen = lauf.out.splitlines()
    assert zeilen[0] == "Probelauf – es wird nichts verändert:" and len(zeilen) == 4
    xlstart = windows_ordner / "AppData" / "Roaming" / "Microsoft" / "Excel" / "XLSTART"
    assert zeilen[1] == f"- Add-in bauen und kopieren nach: {xlstart / 'zielsteuerung.xlam'}"
    konf = windows_ordner / "Benutzer" / ".zielsteuerung" / "zielsteuerung.conf"
    assert zeilen[2].startswith(f"- Python für Excel (Interpreter_Win) eintragen in {konf}: ")
    assert str(windows_ordner / "d.sqlite") in zeilen[3]
    for wort in ("Trust Center", "VBA", "über Excel", "importieren", "Excel beenden"):
        assert wort not in lauf.out
    assert not list(windows_ordner.rglob("*.xlam")) and not list(windows_ordner.rglob("*.conf"))


def test_install_copies_the_add_in_and_writes_the_settings(cli, windows_ordner, monkeypatch):
    monkeypatch.setattr(installation, "auf_windows", lambda: True)
    konf = windows_ordner / "Benutzer" / ".zielsteuerung" / "zielsteuerung.conf"
    konf.parent.mkdir(parents=True)
    konf.write_bytes(
        b'"INTERPRETER_WIN","C:\\alt\\pythonw.exe"\r\n"PYTHONPATH","D:\\M\xfcller"\r\n'
    )
    lauf = cli("addin", "install", "--store", windows_ordner / "d.sqlite")
    assert lauf.code == 0, lauf.err
    assert all(z.startswith("Erledigt: ") for z in lauf.out.splitlines())
    p = installation.plan()
    assert "xl/vbaProject.bin" in teile(p.addin)  # the built add-in, with its VBA
    neu = f'"INTERPRETER_WIN","{p.interpreter}"\r\n'.encode("cp1252")
    assert konf.read_bytes() == b'"PYTHONPATH","D:\\M\xfcller"\r\n' + neu
    einstellungen = (windows_ordner / "einstellungen.toml").read_text(encoding="utf-8")
    assert str(windows_ordner / "d.sqlite").replace("\\", "\\\\") in einstellungen

    # a given add-in (e.g. IT's signed copy) is copied unchanged instead of built
    eigenes = addin.bauen(windows_ordner / "von-der-it", r"%LOCALAPPDATA%\zs\Scripts\pythonw.exe")
    assert cli("addin", "install", "--addin", eigenes).code == 0
    assert p.addin.read_bytes() == eigenes.read_bytes()
    falsch = windows_ordner / "anders.xlam"
    falsch.write_bytes(eigenes.read_bytes())
    lauf = cli("addin", "install", "--addin", falsch)
    assert lauf.code == 2 and "muss zielsteuerung.xlam heißen" in lauf.err
    leer = windows_ordner / "leer" / "zielsteuerung.xlam"
    leer.parent.mkdir()
    with zipfile.ZipFile(leer, "w") as archiv:
        archiv.writestr("xl/workbook.xml", "<workbook/>")
    lauf = cli("addin", "install", "--addin", leer)
    assert lauf.code == 2 and "kein lesbares Add-in mit den Makros von xlwings" in lauf.err
    monkeypatch.setattr(xlwings, "__version__", "0.99.0")  # another xlwings installed later
    lauf = cli("addin", "install", "--addin", eigenes)
    assert lauf.code == 2 and f"für xlwings {vorlage.XLWINGS_VERSION} gebaut" in lauf.err
    assert p.addin.read_bytes() == eigenes.read_bytes()  # nothing changed


def test_settings_file_takes_only_what_excel_can_read_back(tmp_path):
    datei = tmp_path / "zielsteuerung.conf"
    with pytest.raises(EingabeFehler, match="Codepage 1252"):
        installation.konfiguration_schreiben(datei, "INTERPRETER_WIN", "C:\\Łukasz\\pythonw.exe")
    with pytest.raises(EingabeFehler, match="Anführungszeichen"):
        installation.konfiguration_schreiben(datei, "INTERPRETER_WIN", 'C:\\"x"\\pythonw.exe')
    assert not datei.exists()


def test_install_needs_windows_and_uninstall_keeps_the_settings(cli, windows_ordner, monkeypatch):
    lauf = cli("addin", "install")
    assert lauf.code == 2 and "nur unter Windows" in lauf.err
    lauf = cli("addin", "uninstall", "--dry-run")
    assert lauf.code == 0 and "zielsteuerung.xlam" in lauf.out and "bleiben erhalten" in lauf.out
    p = installation.plan()
    p.addin.parent.mkdir(parents=True)
    p.addin.write_bytes(b"x")
    assert cli("addin", "uninstall").code == 0 and not p.addin.exists()


@olevba_marke
def test_manual_fallback_is_the_add_ins_own_udf_module(cli, gebaut, tmp_path):
    lauf = cli("addin", "bas", "-o", tmp_path / "zielsteuerung_udfs.bas")
    assert lauf.code == 0 and "importieren" in lauf.out
    text = (tmp_path / "zielsteuerung_udfs.bas").read_bytes().decode("cp1252")
    assert text == olevba_module(teile(gebaut)["xl/vbaProject.bin"])["xlwings_udfs"]


def test_packaged_ribbon_equals_the_source():
    paket = WURZEL / "src" / "zielsteuerung" / "ressourcen" / "customUI.xml"
    assert paket.read_bytes() == (WURZEL / "addin" / "customUI.xml").read_bytes()
