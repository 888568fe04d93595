"""Rules for comparing a printed number with the value recomputed from the data.

Every comparison is exact: recomputed values are :class:`fractions.Fraction`
(data values enter through their decimal text, so 19.3 is 193/10, not a binary
approximation), and rounding is done on fractions, never on floats.

The rules (the ``rule`` column of ``data/claims.csv``):

``exact``
    Counts. The recomputed value must equal the printed number.
``rounded``
    The printed precision. A value printed with *d* decimals matches when the
    recomputed value rounds to it with *d* decimals, either half-up (62.5 -> 63)
    or half-to-even (62.5 -> 62): authors and software differ, so both readings
    of an exact x.5 are accepted, and the detail says which one matched. Anything
    else (truncation, 62.6 printed as 62) does not match.
``transcribed``
    Facts copied into the data from the report. Compared like ``rounded``,
    number by number (``35 out of 52`` against (35, 52)): the data must hold
    exactly the printed value. Consistent by transcription, not by recomputation.
``range``
    ``a-b`` or ``a to b``: both ends are compared, each at its own printed
    precision, against the recomputed (minimum, maximum).
``maximum``
    ``up to x``: the recomputed maximum must round to x.
``approximate``
    Words that announce an approximation (``about``, ``approximately``,
    ``around``, ``nearly``): the recomputed value may differ from the printed
    one by up to :data:`APPROX_RELATIVE` (5 %) of it, and never by less than half
    a unit of its last printed digit. ``on average`` is *not* such a word: it
    names the statistic (a mean) and the mean is held to the printed precision.
``most``
    A share (k/n) strictly greater than one half.
``all``
    A share of exactly one (k = n, n > 0).
``not_derivable``
    Literature figures and the like; never compared.

GRIM-style checks (:func:`grim_mean`, :func:`grim_percent`,
:func:`mean_range_feasible`) ask whether a printed summary is possible at all
for the stated n, whatever the data.
"""

from __future__ import annotations

import contextvars
import functools
import math
import re
from dataclasses import dataclass
from fractions import Fraction

from casebook.exceptions import CasebookError
from casebook.text import fixed as fmt_at  # noqa: F401 - part of this module's API
from casebook.text import number, round_half_up, to_fraction

RULES = ("exact", "rounded", "transcribed", "range", "maximum", "approximate", "most", "all", "not_derivable")
NUMERIC_RULES = RULES[:6]  # the rules of claims that print numbers the data give (the figure's points)
APPROX_RELATIVE = Fraction(5, 100)
# how printed values were rounded: "nearest" (half-up or half-even); the reconciliation tries "truncated"
ROUNDING: contextvars.ContextVar[str] = contextvars.ContextVar("rounding", default="nearest")

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
    "once": 1, "twice": 2, "single": 1,
}
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[A-Za-z]+")


@dataclass(frozen=True)
class Printed:
    """A number as printed: its exact value and its number of decimals."""

    value: Fraction
    decimals: int
    text: str

    @property
    def unit(self) -> Fraction:
        """One unit in the last printed digit."""
        return Fraction(1, 10**self.decimals)


@dataclass(frozen=True)
class Match:
    matched: bool
    detail: str


def parse_numbers(text: str) -> list[Printed]:
    """Every number in a printed value, in order: digits (``100,000`` is one number) and number words.

    A hyphen between numbers is a range sign, never a minus (``49-71`` is 49 and 71).
    """
    return list(_parse_numbers(text))


@functools.lru_cache(maxsize=1 << 12)
def _parse_numbers(text: str) -> tuple[Printed, ...]:
    # kept: the reconciliation compares the same printed texts tens of thousands of times
    out = []
    for token in _NUMBER.findall(text):
        if token[0].isalpha():
            word = token.lower()
            if word in _NUMBER_WORDS:
                out.append(Printed(Fraction(_NUMBER_WORDS[word]), 0, token))
            continue
        digits = token.replace(",", "")
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        out.append(Printed(Fraction(digits), decimals, token))
    return tuple(out)


def round_half_even(value, decimals: int) -> Fraction:
    """Round to ``decimals`` places, halves to the even neighbour (62.5 -> 62, 63.5 -> 64)."""
    v, unit = to_fraction(value), Fraction(1, 10**decimals)
    x = v / unit
    lower = math.floor(x)
    rest = x - lower
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and lower % 2 == 1):
        lower += 1
    return lower * unit


def fmt(value, decimals: int = 2) -> str:
    """A fraction shown with at most ``decimals`` places (half-up), trailing zeros dropped: 377/6 -> '62.83';
    a range (a tuple) as 'low-high'. The one number format of :mod:`casebook.text`."""
    if isinstance(value, tuple):
        return "-".join(fmt(v, decimals) for v in value)
    return number(value, decimals)


def matches_printed(value, printed: Printed) -> Match:
    """Does ``value`` round to ``printed`` at its printed precision (half-up or half-even)? Under the rounding
    hypothesis of the reconciliation (:data:`ROUNDING` set to ``truncated``), only truncation counts."""
    return _matches_printed(to_fraction(value), printed, ROUNDING.get())


@functools.lru_cache(maxsize=1 << 16)
def _matches_printed(v: Fraction, printed: Printed, rounding: str) -> Match:
    # kept: the reconciliation and the GRIM checks ask the same questions many thousand times
    if rounding == "truncated":
        cut = math.floor(v / printed.unit) * printed.unit
        ok = cut == printed.value
        return Match(ok, f"{fmt(v, max(2, printed.decimals + 1))} truncates to {fmt_at(cut, printed.decimals)}"
                         + ("" if ok else f", not {printed.text}"))
    up, even = round_half_up(v, printed.decimals), round_half_even(v, printed.decimals)
    shown = fmt(v, max(2, printed.decimals + 1))
    if v == printed.value:
        return Match(True, f"{shown} = {printed.text}")
    if up == printed.value and even == printed.value:
        return Match(True, f"{shown} rounds to {printed.text}")
    if up == printed.value:
        return Match(True, f"{shown} rounds half-up to {printed.text} (half-to-even gives {fmt_at(even, printed.decimals)})")
    if even == printed.value:
        return Match(True, f"{shown} rounds half-to-even to {printed.text} (half-up gives {fmt_at(up, printed.decimals)})")
    return Match(False, f"{shown} rounds to {fmt_at(up, printed.decimals)}, not {printed.text}")


def approximately(value, printed: Printed, relative: Fraction = APPROX_RELATIVE) -> Match:
    """Within ``relative`` of the printed value (at least half a unit of its last digit)."""
    v = to_fraction(value)
    tolerance = max(abs(printed.value) * relative, printed.unit / 2)
    diff = abs(v - printed.value)
    ok = diff <= tolerance
    return Match(ok, f"|{fmt(v)} - {printed.text}| = {fmt(diff)} {'<=' if ok else '>'} tolerance {fmt(tolerance)}")


def _values(value) -> list:
    return list(value) if isinstance(value, (tuple, list)) else [value]


def _numbers_for(printed_text: str, expected: int | None, rule: str) -> list[Printed]:
    numbers = parse_numbers(printed_text)
    if expected is not None and len(numbers) != expected:
        raise CasebookError(f"rule '{rule}' needs {expected} number(s) in the printed value {printed_text!r}, found {len(numbers)}")
    return numbers


def compare(rule: str, printed_text: str, value) -> Match:
    """Compare one recomputed reading (a number, a tuple of numbers, a share or a text) with the printed value."""
    if rule not in RULES:
        raise CasebookError(f"unknown comparison rule {rule!r}; known: {', '.join(RULES)}")
    if rule == "not_derivable":
        return Match(False, "not derivable from the data")
    if value is None:
        return Match(False, "no value in the data")
    if rule in ("most", "all"):
        return _share(rule, value)
    if isinstance(value, str):
        ok = value.casefold() in printed_text.casefold()
        return Match(ok, f"'{value}' {'is' if ok else 'is not'} what is printed")
    return _compare_numbers(rule, printed_text, value)


def _share(rule: str, value) -> Match:
    """``most``: a share over one half; ``all``: a share of exactly one."""
    share = to_fraction(value)
    if rule == "most":
        ok = share > Fraction(1, 2)
        return Match(ok, f"{fmt(share, 3)} {'>' if ok else '<='} 1/2")
    ok = share == 1
    return Match(ok, f"{fmt(share, 3)} {'=' if ok else '<'} 1")


def _compare_numbers(rule: str, printed_text: str, value) -> Match:
    """Each recomputed number against the printed number in its place; a range's two as its low and high ends."""
    values = _values(value)
    if rule in ("exact", "rounded", "transcribed", "maximum", "approximate"):
        numbers = _numbers_for(printed_text, len(values), rule)
    else:  # range
        numbers = _numbers_for(printed_text, 2, rule)
        if len(values) != 2:
            raise CasebookError(f"rule 'range' needs a (minimum, maximum) reading, got {value!r}")
    parts = [_compare_number(rule, to_fraction(v), p) for v, p in zip(values, numbers, strict=False)]
    if rule == "range":
        parts = [Match(parts[0].matched, "low end: " + parts[0].detail), Match(parts[1].matched, "high end: " + parts[1].detail)]
    return Match(all(m.matched for m in parts), "; ".join(m.detail for m in parts))


def _compare_number(rule: str, v: Fraction, p: Printed) -> Match:
    if rule == "exact":
        ok = v == p.value
        return Match(ok, f"{fmt(v)} {'=' if ok else '!='} {p.text}")
    if rule == "approximate":
        return approximately(v, p)
    return matches_printed(v, p)


# --- GRIM-style possibility checks -------------------------------------------------------------

def grim_mean(printed: str | Printed, n: int, step=1) -> tuple[bool, str]:
    """Can the mean of ``n`` values, each a multiple of ``step`` (integers by default), print as ``printed``?

    The total of such values is a multiple of ``step``; the check tries every total whose mean
    lies within half a printed unit of the printed mean, under both roundings.
    """
    p = printed if isinstance(printed, Printed) else _numbers_for(printed, 1, "grim")[0]
    step = to_fraction(step)
    if n < 1:
        raise CasebookError("GRIM needs n >= 1")
    lo_total = math.floor((p.value - p.unit) * n / step)
    hi_total = math.ceil((p.value + p.unit) * n / step)
    hits = [k for k in range(lo_total, hi_total + 1) if matches_printed(k * step / n, p).matched]
    if hits:
        k = min(hits, key=lambda t: (abs(t * step / n - p.value), t))  # the total nearest the printed mean
        return True, f"possible: {fmt(k * step)}/{n} = {fmt(k * step / n, p.decimals + 2)}"
    near = [fmt(k * step / n, p.decimals + 2) for k in range(lo_total, hi_total + 1)]
    return False, f"impossible for n={n}: nearest means are {', '.join(near)}"


def grim_percent(printed: str | Printed, n: int) -> tuple[bool, str]:
    """Can k of ``n`` (0 <= k <= n) print as the percentage ``printed``?"""
    p = printed if isinstance(printed, Printed) else _numbers_for(printed, 1, "grim")[0]
    if n < 1:
        raise CasebookError("GRIM needs n >= 1")
    hits = sorted((k for k in range(n + 1) if matches_printed(Fraction(100 * k, n), p).matched),
                  key=lambda k: (abs(Fraction(100 * k, n) - p.value), k))
    if hits:
        return True, f"possible: {hits[0]}/{n} = {fmt(Fraction(100 * hits[0], n), p.decimals + 2)}%"
    near = sorted(range(n + 1), key=lambda k: abs(Fraction(100 * k, n) - p.value))[:2]
    shown = ", ".join(f"{k}/{n} = {fmt(Fraction(100 * k, n), p.decimals + 1)}%" for k in sorted(near))
    return False, f"impossible for n={n}: nearest are {shown}"


def mean_range_feasible(mean, low, high, n: int, mean_decimals: int | None = None) -> tuple[bool, str]:
    """Can ``n`` values between ``low`` and ``high``, including both ends, have a mean printed as ``mean``?

    With n = 1 the mean must equal both ends. For n >= 2 the other n-2 values must make up the
    rest of the total while staying within the range; the printed mean may be off by up to half a
    unit of its last digit (``mean_decimals``; taken from the text when ``mean`` is a string).
    """
    if isinstance(mean, str):
        p = _numbers_for(mean, 1, "feasibility")[0]
        m, half = p.value, p.unit / 2
    else:
        m = to_fraction(mean)
        half = Fraction(1, 10**mean_decimals) / 2 if mean_decimals is not None else Fraction(0)
    lo, hi = to_fraction(low), to_fraction(high)
    if n < 1 or lo > hi:
        return False, f"impossible: n={n}, range {fmt(lo)}-{fmt(hi)}"
    if n == 1:
        ok = lo == hi and abs(m - lo) <= half
        return ok, f"{'possible' if ok else 'impossible'}: one value, so mean = minimum = maximum ({fmt(m)}, {fmt(lo)}, {fmt(hi)})"
    rest_lo, rest_hi = (m - half) * n - lo - hi, (m + half) * n - lo - hi
    can_lo, can_hi = (n - 2) * lo, (n - 2) * hi
    ok = rest_lo <= can_hi and rest_hi >= can_lo
    need = fmt(m * n - lo - hi)
    text = (f"{n}×{fmt(m)} - {fmt(lo)} - {fmt(hi)} = {need} for the other {n - 2} value(s), "
            f"which can total {fmt(can_lo)} to {fmt(can_hi)}")
    if n == 2:
        text = f"2×{fmt(m)} = {fmt(2 * m)} vs {fmt(lo)} + {fmt(hi)} = {fmt(lo + hi)}"
    elif ok and n > 2 and m * n - lo - hi in (can_lo, can_hi):
        end = "maximum" if m * n - lo - hi == can_hi else "minimum"
        text += f" (only if every other value is at the {end})"
    return ok, f"{'possible' if ok else 'impossible'}: {text}"
