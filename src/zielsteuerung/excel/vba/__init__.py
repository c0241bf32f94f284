"""The add-in's VBA project (xl/vbaProject.bin), written on any platform.

``komprimierung`` is the compression of [MS-OVBA] 2.4.1, ``verbund`` the compound file of
[MS-CFB] that holds the streams, ``projekt`` the VBA project itself ([MS-OVBA] 2.3: the
``PROJECT``, ``PROJECTwm``, ``dir`` and ``_VBA_PROJECT`` streams and one stream per module),
``vorlage`` reads xlwings' add-in template and applies our few changes to its VBA, and
``funktionen`` makes the modules for the ZIEL_* worksheet functions.

Why our own writer: olefile, the maintained library for compound files, reads them but cannot
write new ones. The packages that write (ms-ovba-compression, ms-cfb, ms-ovba, pycfb) are early
releases of one or two authors; ms-ovba-compression does not limit a match to the length a
copy token can hold (``0xFFFF << bit_count + 3``), which corrupts long runs such as VBA's comment
rulers, and pads a final uncompressed chunk with zeros; cfbwrite is AGPL. olefile reads the
template here; olefile, oletools and LibreOffice check what we write in the tests.
"""
