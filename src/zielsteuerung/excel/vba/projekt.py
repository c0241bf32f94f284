"""A VBA project as [MS-OVBA] 2.3 stores it: read from xlwings' add-in template, written anew.

Written the way the specification asks of a program that is not the VBA editor: every module
as compressed source only (no compiled code, ``MODULEOFFSET`` 0), the ``_VBA_PROJECT`` stream
with Version 0xFFFF and no performance cache (2.3.4.1), so that Excel compiles the project from
source when it opens it. What the template says about the project itself (references, code
page, ID and protection state) is kept as it is.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field

from . import verbund
from .komprimierung import entpacken, komprimieren

#: _VBA_PROJECT (2.3.4.1): Reserved1 0x61CC, Version 0xFFFF, Reserved2 0x00, Reserved3 (ignored)
VBA_PROJECT_STROM = struct.pack("<HHBH", 0x61CC, 0xFFFF, 0x00, 0x0000)
_NAME, _CODEPAGE, _VERSION, _MODULE, _COOKIE, _ENDE = 0x0004, 0x0003, 0x0009, 0x000F, 0x0013, 0x0010
_ARTEN = {"Module": 0x0021, "Class": 0x0022, "Document": 0x0022}
_BEZEICHNER = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}")


@dataclass
class Modul:
    """One module: its name, its kind in the PROJECT stream and its source (CRLF line ends,
    ``Attribute`` lines included, as the VBA editor exports it)."""

    name: str
    quelle: str
    art: str = "Module"
    projektzeile: str = ""  # e.g. "Document=ThisWorkbook/&H00000000"; default "<art>=<name>"
    beschreibung: bytes = b""  # MODULEDOCSTRING in the project's code page
    beschreibung_unicode: bytes = b""
    hilfekontext: int = 0
    nur_lesen: bool = False
    privat: bool = False

    def __post_init__(self) -> None:
        if not _BEZEICHNER.fullmatch(self.name) or self.art not in _ARTEN:
            raise ValueError(f"ungültiges VBA-Modul: {self.art} {self.name}")
        self.projektzeile = self.projektzeile or f"{self.art}={self.name}"


@dataclass
class Projekt:
    name: str
    module: list[Modul]
    codepage: str = "cp1252"
    #: dir stream records before the modules: project information and references (2.3.4.2)
    kopf: list[tuple[int, bytes]] = field(default_factory=list)
    #: PROJECT stream lines other than the modules and the name: ID, protection state, ...
    eigenschaften: list[str] = field(default_factory=list)
    #: the PROJECT stream's [Host Extender Info] section
    host: list[str] = field(default_factory=list)

    def modul(self, name: str) -> Modul:
        return next(m for m in self.module if m.name == name)


# --- the dir stream: a sequence of records (Id, Size, Data) ----------------------------------


def saetze(daten: bytes) -> list[tuple[int, bytes]]:
    """The records of a decompressed dir stream."""
    ergebnis, i = [], 0
    while i < len(daten):
        kennung, groesse = struct.unpack_from("<HI", daten, i)
        if kennung == _VERSION:  # PROJECTVERSION: Reserved (4) then 6 bytes (2.3.4.2.1.11)
            groesse = 6
        ergebnis.append((kennung, daten[i + 6 : i + 6 + groesse]))
        i += 6 + groesse
    if i != len(daten):
        raise ValueError("dir-Strom endet mitten in einem Eintrag")
    return ergebnis


def saetze_bytes(liste: list[tuple[int, bytes]]) -> bytes:
    return b"".join(struct.pack("<HI", k, 4 if k == _VERSION else len(d)) + d for k, d in liste)


def _modul_saetze(m: Modul, cp: str) -> list[tuple[int, bytes]]:
    name, unicode = m.name.encode(cp), m.name.encode("utf-16-le")
    liste = [
        (0x0019, name),  # MODULENAME
        (0x0047, unicode),  # MODULENAMEUNICODE
        (0x001A, name),  # MODULESTREAMNAME (the stream is named like the module)
        (0x0032, unicode),
        (0x001C, m.beschreibung),  # MODULEDOCSTRING
        (0x0048, m.beschreibung_unicode),
        (0x0031, struct.pack("<I", 0)),  # MODULEOFFSET: the source starts the stream
        (0x001E, struct.pack("<I", m.hilfekontext)),
        (0x002C, struct.pack("<H", 0xFFFF)),  # MODULECOOKIE
        (_ARTEN[m.art], b""),
    ]
    liste += [(0x0025, b"")] * m.nur_lesen + [(0x0028, b"")] * m.privat
    return [*liste, (0x002B, b"")]


def dir_strom(p: Projekt) -> bytes:
    kopf = [(k, p.name.encode(p.codepage) if k == _NAME else d) for k, d in p.kopf]
    liste = [
        *kopf,
        (_MODULE, struct.pack("<H", len(p.module))),
        (_COOKIE, struct.pack("<H", 0xFFFF)),
    ]
    for m in p.module:
        liste += _modul_saetze(m, p.codepage)
    return saetze_bytes([*liste, (_ENDE, b"")])


# --- PROJECT and PROJECTwm --------------------------------------------------------------------


def project_strom(p: Projekt) -> bytes:
    zeilen = [p.eigenschaften[0], *(m.projektzeile for m in p.module)]
    zeilen += [f'Name="{p.name}"', *p.eigenschaften[1:], "", *p.host, "", "[Workspace]"]
    zeilen += [f"{m.name}=0, 0, 0, 0, C" for m in p.module]
    return ("\r\n".join(zeilen) + "\r\n\r\n").encode(p.codepage)


def projectwm_strom(p: Projekt) -> bytes:
    return (
        b"".join(
            m.name.encode(p.codepage) + b"\0" + m.name.encode("utf-16-le") + b"\0\0"
            for m in p.module
        )
        + b"\0\0"
    )


def schreiben(p: Projekt) -> bytes:
    """vbaProject.bin for the project ``p``."""
    if len({m.name.upper() for m in p.module}) != len(p.module):
        raise ValueError("doppelter Modulname im VBA-Projekt")
    stroeme = {
        "PROJECT": project_strom(p),
        "PROJECTwm": projectwm_strom(p),
        "VBA/_VBA_PROJECT": VBA_PROJECT_STROM,
        "VBA/dir": komprimieren(dir_strom(p)),
    }
    for m in p.module:
        stroeme[f"VBA/{m.name}"] = komprimieren(m.quelle.encode(p.codepage))
    return verbund.schreiben(stroeme)


# --- reading ----------------------------------------------------------------------------------


def lesen(inhalt: bytes) -> Projekt:
    """The project in a vbaProject.bin: name, modules with their sources, and what is kept."""
    import olefile

    with olefile.OleFileIO(inhalt) as ole:
        liste = saetze(entpacken(ole.openstream("VBA/dir").read()))
        grenze = next(i for i, (k, _) in enumerate(liste) if k == _MODULE)
        kopf = liste[:grenze]
        cp = f"cp{struct.unpack('<H', dict(kopf)[_CODEPAGE])[0]}"
        projektzeilen = ole.openstream("PROJECT").read().decode(cp).split("\r\n")
        module_zeilen = {}
        for zeile in projektzeilen[: projektzeilen.index("")]:
            schluessel, _, wert = zeile.partition("=")
            if schluessel in ("Package", "BaseClass"):
                raise ValueError(f"VBA-Projekt mit Formular oder Designer: {zeile}")
            if schluessel in _ARTEN:
                module_zeilen[wert.split("/")[0]] = (schluessel, zeile)
        module: list[Modul] = []
        felder: dict[int, bytes] = {}
        for kennung, daten in liste[grenze + 2 :]:
            felder.setdefault(kennung, daten)
            if kennung != 0x002B:
                continue
            name = felder[0x0019].decode(cp)
            strom = ole.openstream(f"VBA/{felder[0x001A].decode(cp)}").read()
            art, zeile = module_zeilen[name]
            module.append(Modul(
                name=name,
                quelle=entpacken(strom[struct.unpack("<I", felder[0x0031])[0]:]).decode(cp),
                art=art, projektzeile=zeile,
                beschreibung=felder.get(0x001C, b""),
                beschreibung_unicode=felder.get(0x0048, b""),
                hilfekontext=struct.unpack("<I", felder.get(0x001E, bytes(4)))[0],
                nur_lesen=0x0025 in felder, privat=0x0028 in felder,
            ))  # fmt: skip
            felder = {}
    eigenschaften = [
        z for z in projektzeilen[: projektzeilen.index("")]
        if z.partition("=")[0] not in (*_ARTEN, "Name")
    ]  # fmt: skip
    if not eigenschaften or not eigenschaften[0].startswith("ID="):
        raise ValueError("PROJECT-Strom beginnt nicht mit der Projektkennung (ID=)")
    host_start = projektzeilen.index("[Host Extender Info]")
    host = projektzeilen[host_start : projektzeilen.index("", host_start)]
    return Projekt(
        name=dict(kopf)[_NAME].decode(cp), module=module, codepage=cp, kopf=kopf,
        eigenschaften=eigenschaften, host=host,
    )  # fmt: skip
