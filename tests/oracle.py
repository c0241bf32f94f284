"""Independent reference implementation ("oracle") of the target evaluation.

Used only by tests. Implements fachkonzept sections 2.3, 3.2, 3.3, 4 and 5 for the
Kreis Kleve 2023 agreement with plain loops and dicts, written for obviousness.
"""

from decimal import ROUND_HALF_UP, Decimal

GENDERS = ("gesamt", "frauen", "maenner")

# (id, kind of change, signed threshold, comparison)
TARGETS = [
    ("integrationen", "relative", 2.5, ">="),
    ("k2", "relative", 2.7, ">="),
    ("k2_abstand", "gap", -0.4, "<="),
    ("k3", "relative", -2.7, "<="),
    ("integrationen_lzb", "absolute", 0.0, ">="),
]
UNITS = {"relative": "%", "absolute": "abs", "gap": "pp"}


def _month(year, month):
    """Return 'YYYY-MM'; month 0 means December of the previous year."""
    if month == 0:
        year, month = year - 1, 12
    return f"{year:04d}-{month:02d}"


def _select(rows, traeger_id, wartezeit):
    """Decision 1: per (month, merkmal, geschlecht) the value of the newest datenstand."""
    newest = {}  # key -> (datenstand, wert)
    for r in rows:
        if r["traeger_id"] != traeger_id or r["wartezeit"] != wartezeit:
            continue
        key = (r["berichtsmonat"], r["merkmal"], r["geschlecht"])
        stand = r.get("datenstand") or ""
        if key not in newest or stand > newest[key][0]:
            newest[key] = (stand, r["wert"])
    return {key: wert for key, (stand, wert) in newest.items()}


def _derive(values):
    """Decision 2: fill one missing gender from the other two, per month and merkmal."""
    out = dict(values)
    for month, merkmal in {(m, x) for (m, x, g) in values}:
        g, f, m = (values.get((month, merkmal, s)) for s in GENDERS)
        if g is None and f is not None and m is not None:
            out[(month, merkmal, "gesamt")] = f + m
        elif f is None and g is not None and m is not None:
            out[(month, merkmal, "frauen")] = g - m
        elif m is None and g is not None and f is not None:
            out[(month, merkmal, "maenner")] = g - f
    return out


def _series(values, merkmal, geschlecht, months):
    """Values for the months, or None if any is missing."""
    result = []
    for month in months:
        v = values.get((month, merkmal, geschlecht))
        if v is None:
            return None
        result.append(v)
    return result


def ysum(values, merkmal, geschlecht, year, t):
    xs = _series(values, merkmal, geschlecht, [_month(year, m) for m in range(1, t + 1)])
    return None if xs is None else sum(xs)


def jdw(values, merkmal, geschlecht, year, t):
    xs = _series(values, merkmal, geschlecht, [_month(year, m) for m in range(1, t + 1)])
    return None if xs is None else sum(xs) / t


def jfw(values, num, den, geschlecht, year, t):
    """100 * sum num Jan..t / mean den over Dec(Y-1)..t-1."""
    n = ysum(values, num, geschlecht, year, t)
    ds = _series(values, den, geschlecht, [_month(year, m) for m in range(t)])  # month 0 = Dec(Y-1)
    if n is None or ds is None or sum(ds) == 0:
        return None
    return 100 * n / (sum(ds) / t)


def share(values, num, den, geschlecht, year, t):
    n = ysum(values, num, geschlecht, year, t)
    d = ysum(values, den, geschlecht, year, t)
    if n is None or d is None or d == 0:
        return None
    return 100 * n / d


def gap(values, year, t):
    m = jfw(values, "INT", "ELB", "maenner", year, t)
    f = jfw(values, "INT", "ELB", "frauen", year, t)
    return None if m is None or f is None else abs(m - f)


def change(kind, vorjahr, aktuell):
    if vorjahr is None or aktuell is None:
        return None
    if kind == "relative":
        return None if vorjahr == 0 else (aktuell / vorjahr - 1) * 100
    return aktuell - vorjahr


def reached(veraenderung, schwelle, op):
    tol = 1e-9 * max(1.0, abs(schwelle))
    if op == ">=":
        return veraenderung >= schwelle - tol
    return veraenderung <= schwelle + tol


def round_half_up(x, digits):
    q = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(x)).quantize(q, rounding=ROUND_HALF_UP))


def _target_values(values, target_id, year, t):
    """(vorjahr, aktuell) of the compared value for one target."""

    def both(fn, *args):
        return fn(values, *args, year - 1, t), fn(values, *args, year, t)

    if target_id == "integrationen":
        return both(ysum, "INT", "gesamt")
    if target_id == "k2":
        return both(jfw, "INT", "ELB", "gesamt")
    if target_id == "k2_abstand":
        return gap(values, year - 1, t), gap(values, year, t)
    if target_id == "k3":
        return both(jdw, "LZB", "gesamt")
    return both(ysum, "INT_LZB", "gesamt")


def evaluate(rows: list[dict], traeger_id: str, jahr: int, bis_monat: int, wartezeit: str) -> dict:
    values = _derive(_select(rows, traeger_id, wartezeit))
    t = bis_monat
    ziele = []
    for target_id, kind, schwelle, op in TARGETS:
        vorjahr, aktuell = _target_values(values, target_id, jahr, t)
        veraenderung = change(kind, vorjahr, aktuell)
        zielwert = None  # relative: vorjahr * (1 + s/100); absolute and gap: vorjahr + s
        if vorjahr is not None:
            zielwert = vorjahr * (1 + schwelle / 100) if kind == "relative" else vorjahr + schwelle
        knapp = False
        if veraenderung is None:
            status = "nicht berechenbar"
        else:
            ok = reached(veraenderung, schwelle, op)
            if t == 12:
                status = "erreicht" if ok else "nicht erreicht"
            else:
                status = "auf Kurs" if ok else "gefährdet"
            digits = 0 if kind == "absolute" else 1
            knapp = reached(round_half_up(veraenderung, digits), schwelle, op) != ok
        ziele.append(
            {
                "id": target_id,
                "vorjahr": vorjahr,
                "aktuell": aktuell,
                "veraenderung": veraenderung,
                "einheit": UNITS[kind],
                "schwelle": schwelle,
                "zielwert": zielwert,
                "status": status,
                "knapp": knapp,
            }
        )

    monitoring = []
    for mon_id, fn, args, kind in [
        ("llu", ysum, ("LLU", "gesamt"), "relative"),
        ("luh", ysum, ("LUH", "gesamt"), "relative"),
        ("bg", jdw, ("BG", "gesamt"), "relative"),
        ("elb", jdw, ("ELB", "gesamt"), "relative"),
        ("anteil_bd", share, ("INT_BD", "INT", "gesamt"), "gap"),
        ("lzb_4j", jdw, ("LZB_4J", "gesamt"), "relative"),
    ]:
        vorjahr = fn(values, *args, jahr - 1, t)
        aktuell = fn(values, *args, jahr, t)
        monitoring.append(
            {
                "id": mon_id,
                "vorjahr": vorjahr,
                "aktuell": aktuell,
                "veraenderung": change(kind, vorjahr, aktuell),
                "einheit": UNITS[kind],
            }
        )

    return {
        "traeger_id": traeger_id,
        "jahr": jahr,
        "bis_monat": bis_monat,
        "wartezeit": wartezeit,
        "ziele": ziele,
        "monitoring": monitoring,
    }
