"""The compression of [MS-OVBA] 2.4.1, used for module sources and the ``dir`` stream.

``komprimieren`` follows the specification's algorithm exactly (greedy: at each position the
longest match in the chunk so far, the nearest one among equally long ones), so its output
for the specification's own examples (section 3.2) is byte for byte the one given there.
"""

from __future__ import annotations

CHUNK = 4096
_SIGNATUR = 0x01
_KOPF_KOMPRIMIERT = 0xB000  # CompressedChunkFlag 1, CompressedChunkSignature 0b011


def _bits(differenz: int) -> int:
    """BitCount of the CopyToken help (2.4.1.3.19.1): ceil(log2(difference)), at least 4."""
    return max((differenz - 1).bit_length(), 4)


def _gemeinsam(daten: bytes, kandidat: int, position: int, ende: int, mindestens: int) -> int:
    """Length of the match of ``daten[position:]`` at ``kandidat`` (overlap allowed, as the
    specification compares the uncompressed bytes), given that ``mindestens`` bytes match."""
    unten, oben = mindestens, ende - position
    if daten[kandidat : kandidat + oben] == daten[position:ende]:
        return oben
    while oben - unten > 1:  # daten matches for unten bytes, not for oben
        mitte = (unten + oben) // 2
        if daten[kandidat : kandidat + mitte] == daten[position : position + mitte]:
            unten = mitte
        else:
            oben = mitte
    return unten


def _chunk(daten: bytes) -> bytes:
    """One compressed chunk's data (2.4.1.3.7), without its header."""
    ausgabe = bytearray()
    ende = len(daten)
    ketten: dict[bytes, list[int]] = {}  # three bytes -> earlier positions that start with them
    position = eingetragen = 0
    while position < ende:
        flag_stelle, flags = len(ausgabe), 0
        ausgabe.append(0)
        for bit in range(8):
            if position >= ende:
                break
            laenge = beste = 0
            for kandidat in reversed(ketten.get(daten[position : position + 3], ())):
                # only a strictly longer match counts, so the nearest wins among equals
                probe = laenge + 1
                if daten[kandidat : kandidat + probe] != daten[position : position + probe]:
                    continue
                laenge, beste = _gemeinsam(daten, kandidat, position, ende, probe), kandidat
                if position + laenge == ende:
                    break
            if laenge >= 3:
                bits = _bits(position)
                laenge = min(laenge, (0xFFFF >> bits) + 3)
                token = ((position - beste - 1) << (16 - bits)) | (laenge - 3)
                ausgabe += token.to_bytes(2, "little")
                flags |= 1 << bit
                position += laenge
            else:
                ausgabe.append(daten[position])
                position += 1
            for p in range(eingetragen, position):
                ketten.setdefault(daten[p : p + 3], []).append(p)
            eingetragen = position
        ausgabe[flag_stelle] = flags
    return bytes(ausgabe)


def komprimieren(daten: bytes) -> bytes:
    """A CompressedContainer (2.4.1.1.1) holding ``daten``."""
    ausgabe = bytearray([_SIGNATUR])
    for start in range(0, len(daten), CHUNK):
        koerper = _chunk(daten[start : start + CHUNK])
        if len(koerper) > CHUNK:
            # The specification would store such a chunk uncompressed, padded to 4096 bytes;
            # that would add bytes to a module's source. VBA source never gets here.
            raise ValueError(f"Abschnitt ab Byte {start} lässt sich nicht komprimieren")
        ausgabe += (_KOPF_KOMPRIMIERT | (len(koerper) + 2 - 3)).to_bytes(2, "little")
        ausgabe += koerper
    return bytes(ausgabe)


def entpacken(daten: bytes) -> bytes:
    """The bytes held by a CompressedContainer (2.4.1.3.1)."""
    if not daten or daten[0] != _SIGNATUR:
        raise ValueError("kein komprimierter Container nach MS-OVBA (Signatur fehlt)")
    ausgabe = bytearray()
    position = 1
    while position < len(daten):
        kopf = int.from_bytes(daten[position : position + 2], "little")
        if (kopf >> 12) & 0b111 != 0b011:
            raise ValueError(f"ungültiger Abschnittskopf bei Byte {position}")
        ende = min(position + (kopf & 0x0FFF) + 3, len(daten))
        position += 2
        if not kopf >> 15:  # stored uncompressed
            ausgabe += daten[position : position + CHUNK]
            position += CHUNK
            continue
        start = len(ausgabe)
        while position < ende:
            flags = daten[position]
            position += 1
            for bit in range(8):
                if position >= ende:
                    break
                if not flags >> bit & 1:
                    ausgabe.append(daten[position])
                    position += 1
                    continue
                token = int.from_bytes(daten[position : position + 2], "little")
                position += 2
                bits = _bits(len(ausgabe) - start)
                laenge = (token & (0xFFFF >> bits)) + 3
                abstand = (token >> (16 - bits)) + 1
                if abstand > len(ausgabe) - start:
                    raise ValueError(f"Verweis vor den Abschnittsanfang bei Byte {position - 2}")
                for _ in range(laenge):
                    ausgabe.append(ausgabe[-abstand])
    return bytes(ausgabe)
