"""xlwings' custom add-in template and the few changes we make to its VBA.

The template ``quickstart_addin_ribbon.xlam`` comes with the installed xlwings. Its modules
are taken as they are, except for the changes listed in ``AENDERUNGEN``: each names the exact
text it replaces and how often that text must occur, so a new xlwings version that moves or
rewrites one of these places stops the build instead of silently keeping xlwings' behaviour.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ...fehler import EingabeFehler
from .projekt import Projekt

#: the xlwings version the add-in is built from; pinned exactly in pyproject.toml, because
#: the template's VBA loads xlwings' DLL of exactly this version (xlwings64-<version>.dll)
XLWINGS_VERSION = "0.37.8"
PROJEKTNAME = "Zielsteuerung"
#: PROJECT_NAME in xlwings' VBA: the add-in's sheet zielsteuerung.conf and the user's file
#: %USERPROFILE%\.zielsteuerung\zielsteuerung.conf
KONFIGURATION = "zielsteuerung"
RIBBON_MODUL = "RibbonZielsteuerung"
RIBBON_MAKRO = "ZielsteuerungAktualisieren"
XLWINGS_MODUL = "xlwings"
_RIBBON_VORLAGE = "RibbonMyAddin"


@dataclass(frozen=True)
class Aenderung:
    modul: str
    zweck: str
    alt: str
    neu: str
    anzahl: int = 1

    def fuer(self, quelle: str) -> tuple[str, str]:
        """``alt`` and ``neu`` with the line ends of ``quelle`` (the template's xlwings module
        has LF, the others CRLF)."""
        ende = "\r\n" if "\r\n" in quelle else "\n"
        return self.alt.replace("\n", ende), self.neu.replace("\n", ende)


_AKTIVE_MAPPE = """\
            'Workbook Sheet Config
            If SheetExists(ActiveWorkbook, PROJECT_NAME & ".conf") = True Then
                If GetConfigFromSheet(ActiveWorkbook).Exists(configKey) = True Then
                    GetConfig = GetConfigFromSheet(ActiveWorkbook).Item(configKey)
                    GetConfig = ExpandEnvironmentStrings(GetConfig)
                    Exit Function
                End If
            End If
"""
_ORDNER = """\
    ' Directory Config
    If source = "" Or source = "directory" Then
        #If App = "Microsoft Excel" Then
            If GetFullName(ActiveWorkbook) <> "" Then ' Empty if local dir can't be figured out (e.g. SharePoint)
        #Else
            If InStr(GetDirectoryPath(), "://") = 0 Then ' Other Office apps: skip for synced SharePoint/OneDrive files
        #End If
            If FileExists(GetDirectoryConfigFilePath()) = True Then
                If GetConfigFromFile(GetDirectoryConfigFilePath(), configKey, configValue) Then
                    GetConfig = configValue
                    GetConfig = ExpandEnvironmentStrings(GetConfig)
                    Exit Function
                End If
            End If
        End If
    End If
"""  # noqa: E501

AENDERUNGEN = (
    Aenderung(
        XLWINGS_MODUL,
        "eigener Name der Konfiguration (Blatt und Datei zielsteuerung.conf)",
        'Public Const PROJECT_NAME As String = "myaddin"\n',
        f'Public Const PROJECT_NAME As String = "{KONFIGURATION}"\n',
    ),
    Aenderung(
        XLWINGS_MODUL,
        "keine Einstellungen aus einem Blatt der aktiven Arbeitsmappe",
        _AKTIVE_MAPPE,
        "            'zielsteuerung: no settings from a sheet of the active workbook\n",
    ),
    Aenderung(
        XLWINGS_MODUL,
        "keine Einstellungen aus einer Datei neben der aktiven Arbeitsmappe",
        _ORDNER,
        "    ' zielsteuerung: no settings from a file beside the active workbook\n",
    ),
    Aenderung(
        XLWINGS_MODUL,
        "der Ordner der aktiven Arbeitsmappe kommt nie auf den Suchpfad von Python",
        'AddExcelDir = GetConfig("ADD_WORKBOOK_TO_PYTHONPATH", "true")\n',
        "AddExcelDir = \"false\" ' zielsteuerung: never the active workbook's folder\n",
        anzahl=2,
    ),
    Aenderung(
        XLWINGS_MODUL,
        "auch nicht das aktuelle Verzeichnis (Python -P statt des leeren Eintrags von -c)",
        ' -B -c ""import ',
        ' -B -P -c ""import ',
        anzahl=2,
    ),
    Aenderung(
        _RIBBON_VORLAGE,
        "eigener Name des Menüband-Moduls",
        f'Attribute VB_Name = "{_RIBBON_VORLAGE}"\n',
        f'Attribute VB_Name = "{RIBBON_MODUL}"\n',
    ),
    Aenderung(
        _RIBBON_VORLAGE,
        "eigener Name des Makros der Schaltfläche",
        "Sub RunMain(control As IRibbonControl)\n",
        f"Sub {RIBBON_MAKRO}(control As IRibbonControl)\n",
    ),
)


def pfad() -> Path:
    import xlwings

    vorlage = Path(xlwings.__file__).with_name("quickstart_addin_ribbon.xlam")
    if not vorlage.exists():
        raise EingabeFehler(f"Die Add-in-Vorlage von xlwings fehlt: {vorlage}")
    return vorlage


def version_pruefen() -> None:
    """The installed xlwings must be the one the add-in is built for (its DLL's version)."""
    import xlwings

    if xlwings.__version__ != XLWINGS_VERSION:
        raise EingabeFehler(
            f"Das Add-in wird aus der Vorlage von xlwings {XLWINGS_VERSION} gebaut, installiert "
            f"ist xlwings {xlwings.__version__}. Das Add-in lädt die Programmbibliothek von "
            f"xlwings in genau dieser Version. Bitte die passende Version installieren: "
            f"pip install xlwings=={XLWINGS_VERSION}"
        )


def dll_versionen(quelle: str) -> set[str]:
    """Versions in the names of xlwings' DLL that the VBA module loads."""
    return set(re.findall(r'"xlwings(?:32|64)-([^"]+)\.dll"', quelle))


def anpassen(projekt: Projekt) -> Projekt:
    """The template's project with our name and the changes in ``AENDERUNGEN``."""
    gefunden = dll_versionen(projekt.modul(XLWINGS_MODUL).quelle)
    if gefunden != {XLWINGS_VERSION}:
        raise EingabeFehler(
            f"Die Add-in-Vorlage von xlwings lädt die Programmbibliothek in Version "
            f"{', '.join(sorted(gefunden)) or '(keine gefunden)'}, erwartet {XLWINGS_VERSION}. "
            f"Bitte xlwings {XLWINGS_VERSION} installieren: pip install "
            f"xlwings=={XLWINGS_VERSION}"
        )
    for a in AENDERUNGEN:
        modul = projekt.modul(a.modul)
        alt, neu = a.fuer(modul.quelle)
        if (n := modul.quelle.count(alt)) != a.anzahl:
            raise EingabeFehler(
                f"Die Add-in-Vorlage von xlwings {XLWINGS_VERSION} hat sich geändert: Im Modul "
                f"{a.modul} steht die Stelle für „{a.zweck}“ {n}-mal statt {a.anzahl}-mal. "
                "Das Add-in wird so nicht gebaut (excel/vba/vorlage.py anpassen)."
            )
        modul.quelle = modul.quelle.replace(alt, neu)
    ribbon = projekt.modul(_RIBBON_VORLAGE)
    ribbon.name, ribbon.projektzeile = RIBBON_MODUL, f"Module={RIBBON_MODUL}"
    projekt.name = PROJEKTNAME
    return projekt
