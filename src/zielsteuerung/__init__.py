"""zielsteuerung: target steering for SGB II Jobcenters (§ 48a / § 48b SGB II)."""

from .version import __version__

__all__ = ["__version__", "main"]


def main() -> None:
    """The ribbon button "Auswertung aktualisieren" of the add-in zielsteuerung.xlam.

    xlwings' stock ribbon callback runs ``import zielsteuerung; zielsteuerung.main()``.
    """
    from .excel.ribbon import ausfuehren

    ausfuehren()
