"""A compound file as [MS-CFB] describes it (version 3, 512-byte sectors), written in one go.

Only what a VBA project needs: storages and streams below the root, no time stamps, no
class ids. Streams under 4096 bytes go to the mini stream (2.6.3), as the format requires.
olefile, the usual Python library, reads compound files but cannot write new ones.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

SEKTOR = 512
MINI_SEKTOR = 64
MINI_GRENZE = 4096
_FREI, _KETTENENDE, _FAT_SEKTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
_KEIN_EINTRAG = 0xFFFFFFFF
_SPEICHER, _STROM, _WURZEL = 1, 2, 5
_ROT, _SCHWARZ = 0, 1
_DIFAT_IM_KOPF = 109


@dataclass
class _Eintrag:
    name: str
    art: int
    inhalt: bytes = b""
    kinder: list[_Eintrag] = field(default_factory=list)
    nummer: int = 0
    farbe: int = _SCHWARZ
    links: int = _KEIN_EINTRAG
    rechts: int = _KEIN_EINTRAG
    kind: int = _KEIN_EINTRAG
    start: int = _KETTENENDE
    groesse: int = 0


def reihenfolge(name: str) -> tuple[int, str]:
    """Sort key of sibling names (2.6.4): shorter first, then by upper case."""
    return len(name), name.upper()


def _baum(geschwister: list[_Eintrag]) -> int:
    """Link siblings as a balanced binary search tree coloured as a red-black tree: every
    level black except an incomplete lowest level, which is red. Returns the root's number."""
    geordnet = sorted(geschwister, key=lambda e: reihenfolge(e.name))
    tiefe = len(geordnet).bit_length()  # levels of the tree built below
    voll = len(geordnet) == 2**tiefe - 1

    def bauen(teil: list[_Eintrag], ebene: int) -> int:
        if not teil:
            return _KEIN_EINTRAG
        mitte = len(teil) // 2
        knoten = teil[mitte]
        knoten.farbe = _ROT if ebene == tiefe - 1 and ebene > 0 and not voll else _SCHWARZ
        knoten.links = bauen(teil[:mitte], ebene + 1)
        knoten.rechts = bauen(teil[mitte + 1 :], ebene + 1)
        return knoten.nummer

    return bauen(geordnet, 0)


def _kette(fat: list[int], start: int, anzahl: int) -> int:
    """Chain ``anzahl`` sectors from ``start`` in ``fat``; the first sector (or end of chain)."""
    for i in range(anzahl):
        fat[start + i] = start + i + 1 if i < anzahl - 1 else _KETTENENDE
    return start if anzahl else _KETTENENDE


def _sektoren(laenge: int, groesse: int = SEKTOR) -> int:
    return -(-laenge // groesse)


def _eintrag_bytes(e: _Eintrag | None) -> bytes:
    if e is None:  # an unused entry
        return bytes(64) + struct.pack("<HBB3I", 0, 0, 0, *[_KEIN_EINTRAG] * 3) + bytes(48)
    name = e.name.encode("utf-16-le") + b"\0\0"
    return (
        name.ljust(64, b"\0")
        + struct.pack("<HBB3I", len(name), e.art, e.farbe, e.links, e.rechts, e.kind)
        + bytes(16 + 4 + 8 + 8)  # class id, state bits, creation and modification time
        + struct.pack("<IQ", e.start, e.groesse)
    )


def schreiben(stroeme: dict[str, bytes]) -> bytes:
    """The compound file holding ``stroeme`` ("VBA/dir" is stream dir in storage VBA)."""
    wurzel = _Eintrag("Root Entry", _WURZEL)
    eintraege = [wurzel]
    for pfad, daten in stroeme.items():
        ort = wurzel
        *speicher, name = pfad.split("/")
        for teil in speicher:
            gefunden = next((k for k in ort.kinder if k.name == teil), None)
            if gefunden is None:
                gefunden = _Eintrag(teil, _SPEICHER)
                ort.kinder.append(gefunden)
                eintraege.append(gefunden)
            ort = gefunden
        if len(name) > 31 or any(k.name.upper() == name.upper() for k in ort.kinder):
            raise ValueError(f"ungültiger oder doppelter Name im Verbund: {pfad}")
        strom = _Eintrag(name, _STROM, daten, groesse=len(daten))
        ort.kinder.append(strom)
        eintraege.append(strom)
    for nummer, e in enumerate(eintraege):
        e.nummer = nummer
    for e in eintraege:
        if e.kinder:
            e.kind = _baum(e.kinder)

    # the mini stream: small streams in 64-byte sectors, itself the root entry's stream
    mini = bytearray()
    minifat: list[int] = []
    for e in eintraege:
        if e.art == _STROM and e.groesse < MINI_GRENZE:
            anzahl = _sektoren(e.groesse, MINI_SEKTOR)
            minifat += [_FREI] * anzahl
            e.start = _kette(minifat, len(mini) // MINI_SEKTOR, anzahl)
            mini += e.inhalt.ljust(anzahl * MINI_SEKTOR, b"\0")
    wurzel.groesse = len(mini)
    gross = [e for e in eintraege if e.art == _STROM and e.groesse >= MINI_GRENZE]

    # sector layout: FAT, directory, mini FAT, mini stream, large streams
    n_verzeichnis = _sektoren(len(eintraege) * 128)
    n_minifat = _sektoren(len(minifat) * 4)
    n_daten = n_verzeichnis + n_minifat + _sektoren(len(mini))
    n_daten += sum(_sektoren(e.groesse) for e in gross)
    n_fat = 1
    while n_fat * SEKTOR // 4 < n_daten + n_fat:
        n_fat += 1
    if n_fat > _DIFAT_IM_KOPF:
        raise ValueError("Verbunddatei zu groß für diesen Schreiber")
    fat = [_FAT_SEKTOR] * n_fat + [_FREI] * (n_fat * SEKTOR // 4 - n_fat)
    inhalt = bytearray()

    def ablegen(block: bytes) -> int:
        anzahl = _sektoren(len(block))
        start = _kette(fat, n_fat + len(inhalt) // SEKTOR, anzahl)
        inhalt.extend(block.ljust(anzahl * SEKTOR, b"\0"))
        return start

    verzeichnis_start = n_fat  # written last (it holds the start sectors), reserved first
    inhalt.extend(bytes(n_verzeichnis * SEKTOR))
    _kette(fat, verzeichnis_start, n_verzeichnis)
    minifat_start = ablegen(b"".join(struct.pack("<I", x) for x in minifat).ljust(
        n_minifat * SEKTOR, b"\xff"))  # fmt: skip
    wurzel.start = ablegen(bytes(mini)) if mini else _KETTENENDE
    for e in gross:
        e.start = ablegen(e.inhalt)
    verzeichnis = b"".join(_eintrag_bytes(e) for e in eintraege)
    verzeichnis += b"".join(_eintrag_bytes(None) for _ in range(n_verzeichnis * 4 - len(eintraege)))
    inhalt[: len(verzeichnis)] = verzeichnis

    kopf = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        bytes.fromhex("D0CF11E0A1B11AE1"),
        bytes(16),
        0x003E,  # minor version
        0x0003,  # major version 3: 512-byte sectors
        0xFFFE,  # little endian
        9,  # sector size 2**9
        6,  # mini sector size 2**6
        bytes(6),
        0,  # number of directory sectors: always 0 in version 3
        n_fat,
        verzeichnis_start,
        0,  # transaction signature
        MINI_GRENZE,
        minifat_start if n_minifat else _KETTENENDE,
        n_minifat,
        _KETTENENDE,  # no DIFAT sectors
        0,
    )
    kopf += struct.pack(f"<{_DIFAT_IM_KOPF}I", *range(n_fat), *[_FREI] * (_DIFAT_IM_KOPF - n_fat))
    return kopf + b"".join(struct.pack("<I", x) for x in fat) + bytes(inhalt)
