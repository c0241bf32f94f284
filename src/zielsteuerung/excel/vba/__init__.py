"""The add-in's VBA project (xl/vbaProject.bin), written on any platform.

``komprimierung`` is the compression of [MS-OVBA] 2.4.1, ``verbund`` the compound file of
[MS-CFB] that holds the streams, ``projekt`` the VBA project itself ([MS-OVBA] 2.3: the
``PROJECT``, ``PROJECTwm``, ``dir`` and ``_VBA_PROJECT`` streams and one stream per module),
``vorlage`` reads xlwings' add-in template and applies our few changes to its VBA, and
``funktionen`` makes the modules for the ZIEL_* worksheet functions.
"""
