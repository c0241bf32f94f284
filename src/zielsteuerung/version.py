"""The program version, one place for every module that names it."""

__version__ = "0.1.0"
