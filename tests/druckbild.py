"""What a printed PDF shows, page by page: the words with their heights (poppler's
``pdftotext -bbox``), the sheet a page belongs to (from our footer) and the lines as laid out."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

_XHTML = "{http://www.w3.org/1999/xhtml}"

BANNER = "Beispieldaten – keine amtlichen Werte"


@dataclass
class Wort:
    text: str
    hoehe: float  # pt: the printed size of the word's line of type
    oben: float  # pt from the top of the page
    links: float  # pt from the left edge of the page
    rechts: float


@dataclass
class Seite:
    nummer: int
    blatt: str
    woerter: list[Wort]
    zeilen: list[str]  # the page as pdftotext -layout lays it out

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.woerter)

    def kopfzeile(self) -> str:
        """The words of the page header (above the body)."""
        return " ".join(w.text for w in self.woerter if w.oben < 52)


def seiten(pdf: Path) -> list[Seite]:
    roh = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    wurzel = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", roh))
    ergebnis = []
    for nr, seite in enumerate(wurzel.iter(f"{_XHTML}page"), start=1):
        woerter = [
            Wort(
                w.text or "",
                float(w.get("yMax", 0)) - float(w.get("yMin", 0)),
                float(w.get("yMin", 0)),
                float(w.get("xMin", 0)),
                float(w.get("xMax", 0)),
            )
            for w in seite.iter(f"{_XHTML}word")
        ]
        layout = subprocess.run(
            ["pdftotext", "-layout", "-f", str(nr), "-l", str(nr), str(pdf), "-"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        fuss = re.search(r"(\S+) – Seite \d+ von \d+", layout)
        ergebnis.append(Seite(nr, fuss.group(1) if fuss else "", woerter, layout.splitlines()))
    return ergebnis
