"""The formats under the add-in's VBA project, checked against the specifications' own
examples and against readers we did not write: oletools (decompression, VBA extraction) and
olefile (compound files)."""

from __future__ import annotations

import random
import struct
import warnings
import zipfile

import olefile
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

with warnings.catch_warnings():  # oletools uses pyparsing names deprecated since
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import VBA_Parser, decompress_stream
from zielsteuerung.excel.vba import projekt, verbund, vorlage
from zielsteuerung.excel.vba.komprimierung import entpacken, komprimieren


def hexbytes(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


# [MS-OVBA] 3.2.1 (no compression), 3.2.2 (normal) and 3.2.3 (maximum compression)
BEISPIELE = [
    (b"abcdefghijklmnopqrstuv.",
     "01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E"),
    (b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa",
     "01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 20 "
     "6D 6E 6F 70 06 71 02 70 04 00 72 73 74 75 76 10 77 78 79 7A 00 2C"),
    (b"a" * 73, "01 03 B0 02 61 45 00"),
]  # fmt: skip


@pytest.mark.parametrize(("klartext", "komprimiert"), BEISPIELE)
def test_compression_gives_the_specifications_examples_byte_for_byte(klartext, komprimiert):
    assert komprimieren(klartext) == hexbytes(komprimiert)
    assert entpacken(hexbytes(komprimiert)) == klartext


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="aab \r\n\tXyz0=\"'", max_size=20000))
def test_oletools_decompresses_what_we_compress(text):
    daten = text.encode()
    komprimiert = komprimieren(daten)
    assert bytes(decompress_stream(bytearray(komprimiert))) == daten
    assert entpacken(komprimiert) == daten


def test_long_matches_late_in_a_chunk_are_split_at_the_maximum_length():
    """Late in a chunk a copy token holds at most 18 bytes (12 offset bits)."""
    zufall = random.Random(7)
    daten = bytes(zufall.choice(b"abcdefgh") for _ in range(3500)) + b" " * 3000
    komprimiert = komprimieren(daten)
    assert bytes(decompress_stream(bytearray(komprimiert))) == daten
    assert len(komprimiert) < len(daten) // 2


def test_a_chunk_that_does_not_compress_is_refused():
    """The specification would store it raw and padded with zeros; VBA source never needs
    that, and Excel drops a module stored that way, so the writer stops instead."""
    with pytest.raises(ValueError, match="nicht komprimieren"):
        komprimieren(random.Random(1).randbytes(4096))


# --- compound file ----------------------------------------------------------------------------

GROESSEN = [0, 1, 63, 64, 65, 4095, 4096, 4097, 70_000]


@pytest.fixture
def verbunddatei() -> tuple[dict[str, bytes], bytes]:
    zufall = random.Random(3)
    stroeme = {f"S{n}": zufall.randbytes(n) for n in GROESSEN}
    stroeme |= {f"VBA/m{n}": zufall.randbytes(n) for n in GROESSEN}
    stroeme["VBA/Unter/tief"] = b"tief"
    return stroeme, verbund.schreiben(stroeme)


def test_olefile_reads_every_stream_back(verbunddatei):
    stroeme, datei = verbunddatei
    with olefile.OleFileIO(datei) as ole:
        assert sorted("/".join(p) for p in ole.listdir()) == sorted(stroeme)
        for pfad, inhalt in stroeme.items():
            assert ole.openstream(pfad).read() == inhalt, pfad
        assert ole.get_size("VBA/m4095") == 4095 and ole.minisectorcutoff == 4096


def test_siblings_form_a_red_black_tree_in_the_order_of_the_specification(verbunddatei):
    _, datei = verbunddatei
    with olefile.OleFileIO(datei) as ole:
        eintraege = ole.direntries
        speicher = [e for e in eintraege if e is not None and e.sid_child != olefile.NOSTREAM]
        assert len(speicher) == 3  # root, VBA, VBA/Unter
        for s in speicher:

            def pruefen(sid: int, rot_oben: bool) -> tuple[list[str], int]:
                """(names in order, black nodes on every path below)"""
                if sid == olefile.NOSTREAM:
                    return [], 0
                e = eintraege[sid]
                rot = e.color == 0  # [MS-CFB] 2.6.1: 0x00 red, 0x01 black
                assert not (rot and rot_oben), "two red nodes in a row"
                links, schwarz_l = pruefen(e.sid_left, rot)
                rechts, schwarz_r = pruefen(e.sid_right, rot)
                assert schwarz_l == schwarz_r, "unequal black height"
                return [*links, e.name, *rechts], schwarz_l + (not rot)

            assert eintraege[s.sid_child].color == 1  # the root is black
            namen, _ = pruefen(s.sid_child, False)
            assert namen == sorted(namen, key=verbund.reihenfolge)


# --- the VBA project --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def vorlage_bin() -> bytes:
    with zipfile.ZipFile(vorlage.pfad()) as archiv:
        return archiv.read("xl/vbaProject.bin")


def olevba_module(inhalt: bytes) -> dict[str, str]:
    makros = VBA_Parser("vbaProject.bin", data=inhalt).extract_macros()
    return {name.rsplit(".", 1)[0]: code for _, _, name, code in makros}


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # oletools, see the import
def test_template_sources_are_read_exactly_as_olevba_extracts_them(vorlage_bin):
    gelesen = projekt.lesen(vorlage_bin)
    assert {m.name: m.quelle for m in gelesen.module} == olevba_module(vorlage_bin)
    with olefile.OleFileIO(vorlage_bin) as ole:
        rohdaten = entpacken(ole.openstream("VBA/dir").read())
    assert projekt.saetze_bytes(projekt.saetze(rohdaten)) == rohdaten


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_written_project_has_source_only_and_no_performance_cache(vorlage_bin):
    p = projekt.lesen(vorlage_bin)
    neu = projekt.schreiben(p)
    assert olevba_module(neu) == olevba_module(vorlage_bin)
    with olefile.OleFileIO(neu) as ole:
        kopf = ole.openstream("VBA/_VBA_PROJECT").read()
        assert struct.unpack("<HHB", kopf[:5]) == (0x61CC, 0xFFFF, 0x00) and len(kopf) == 7
        saetze = projekt.saetze(entpacken(ole.openstream("VBA/dir").read()))
        offsets = [struct.unpack("<I", d)[0] for k, d in saetze if k == 0x0031]
        assert offsets == [0] * len(p.module)  # MODULEOFFSET: no compiled code before the source
        for m in p.module:
            strom = ole.openstream(f"VBA/{m.name}").read()
            assert entpacken(strom) == m.quelle.encode("cp1252")
        assert ole.openstream("PROJECTwm").read().endswith(b"x\0l\0w\0i\0n\0g\0s\0\0\0\0\0")
