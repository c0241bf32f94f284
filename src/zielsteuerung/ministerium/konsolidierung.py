"""Consolidation: the checked copies of many Träger in one overview workbook. A rejected file is
listed with its reason and never stops the run.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ..daten.ordner import dateien_im_ordner
from ..fehler import EingabeFehler
from ..kern.monate import monatsname
from ..mappe.datei import nicht_ueberschreiben, pruefe_schreibbar, speichern
from .pruefung import Abgelehnt, Ablehnung, Grenzen, Konsolidierung, Kopie, datei_pruefen
from .uebersicht import UEBERSICHT, uebersicht_erstellen

_ENDUNGEN = (".xlsx", ".xlsm", ".xlam")


def dateien_sammeln(eingaben: list[Path], ausgabe: Path | None = None) -> list[Path]:
    """Files as given, and the .xlsx/.xlsm/.xlam files of given folders (not recursive);
    lock files, our temporary files and the output itself are skipped."""
    dateien: list[Path] = []
    for eingabe in eingaben:
        if eingabe.is_dir():
            dateien += dateien_im_ordner(eingabe, _ENDUNGEN)
        elif eingabe.is_file():
            dateien.append(eingabe)
        else:
            raise EingabeFehler(f"{eingabe} wurde nicht gefunden (weder Datei noch Ordner).")
    ziel = ausgabe.resolve() if ausgabe is not None else None
    return list(dict.fromkeys(p for p in dateien if p.resolve() != ziel))


def konsolidieren(
    eingaben: list[Path],
    ziel: Path,
    jahr: int | None = None,
    wartezeit: str | None = None,
    grenzen: Grenzen | None = None,
    bis_monat: int | None = None,
) -> Konsolidierung:
    """Check every export and write the overview workbook ``ziel``; bad files are listed.

    One overview holds one year, one Wartezeit and one report month (by default the most
    frequent; the later month where two are as frequent): copies of other months are listed
    as rejected, never mixed in."""
    if ziel.suffix.lower() != ".xlsx":
        raise EingabeFehler(f"{ziel.name}: Die Übersicht wird als .xlsx-Datei geschrieben.")
    dateien = dateien_sammeln(eingaben, ziel)
    if not dateien:
        raise EingabeFehler(
            "Keine Dateien gefunden (erwartet .xlsx-Dateien oder Ordner mit solchen Dateien)."
        )
    pruefe_schreibbar(ziel)
    nicht_ueberschreiben(
        ziel, "Übersicht der Zusammenführung", lambda _, tabellen: UEBERSICHT in tabellen
    )
    kopien: list[Kopie] = []
    abgelehnt: list[Ablehnung] = []
    for datei in dateien:
        try:
            kopien.append(datei_pruefen(datei, grenzen))
        except Abgelehnt as exc:
            abgelehnt.append(Ablehnung(datei, str(exc), exc.traeger))
        except Exception as exc:  # a hostile file must never stop the run
            abgelehnt.append(
                Ablehnung(datei, f"konnte nicht geprüft werden ({type(exc).__name__}).")
            )

    if jahr is None and kopien:
        jahr = Counter(k.jahr for k in kopien).most_common(1)[0][0]
    if wartezeit is None and kopien:
        wartezeit = Counter(k.wartezeit for k in kopien).most_common(1)[0][0]
    passend = [k for k in kopien if k.jahr == jahr and k.wartezeit == wartezeit]
    if bis_monat is None and passend:
        haeufig = Counter(k.bis_monat for k in passend)
        bis_monat = max(haeufig, key=lambda m: (haeufig[m], m or 0))
    gueltig: dict[str, Kopie] = {}
    for k in kopien:
        traeger = f"{k.traeger_name} ({k.traeger_id})"
        if k.jahr != jahr:
            abgelehnt.append(
                Ablehnung(
                    k.datei,
                    f"Jahr {k.jahr} weicht ab (zusammengeführt wird {jahr}); für dieses Jahr "
                    f"eine eigene Übersicht erstellen (--jahr {k.jahr}).",
                    traeger,
                )
            )
        elif k.wartezeit != wartezeit:
            abgelehnt.append(
                Ablehnung(
                    k.datei,
                    f"Wartezeit {k.wartezeit} weicht ab (zusammengeführt wird {wartezeit}); "
                    f"für diese Wartezeit eine eigene Übersicht erstellen "
                    f"(--wartezeit {k.wartezeit}).",
                    traeger,
                )
            )
        elif k.bis_monat != bis_monat:
            monat = monatsname(bis_monat) if bis_monat else "?"
            abgelehnt.append(
                Ablehnung(
                    k.datei,
                    f"Stand {k.zeitraum} weicht ab (zusammengeführt wird Januar bis "
                    f"{monat} {jahr}); für diesen Stand eine eigene Übersicht "
                    f"erstellen (--bis-monat {k.bis_monat}).",
                    traeger,
                    anderer_stand=True,
                )
            )
        elif k.traeger_id in gueltig:
            alt = gueltig[k.traeger_id]
            neuer, aelter = (k, alt) if k.exportiert_am > alt.exportiert_am else (alt, k)
            gueltig[k.traeger_id] = neuer
            abgelehnt.append(
                Ablehnung(
                    aelter.datei,
                    f"Träger doppelt; übernommen wird die neuere Kopie {neuer.datei.name} "
                    f"(exportiert {neuer.exportiert_am}).",
                    traeger,
                )
            )
        else:
            gueltig[k.traeger_id] = k
    angenommen = [gueltig[t] for t in sorted(gueltig)]
    abgelehnt.sort(key=lambda a: a.datei.name)
    ergebnis = Konsolidierung(ziel, jahr, wartezeit, angenommen, abgelehnt, bis_monat)
    speichern(uebersicht_erstellen(ergebnis), ziel)
    return ergebnis
