"""Words and numbers for generated prose and tables: one rounding rule, one number format, one list joiner.

Every number the workbook shows goes through :func:`round_half_up` (halves away from zero, as printed tables
round: 62.5 -> 63, 63.25 -> 63.3) and :func:`number` (no trailing zeros: 3, 12.5, 87.5). Exact arithmetic
(:class:`fractions.Fraction`) is used where a decimal float would round the wrong way (63.25 is 63.249999...).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

from casebook.exceptions import CasebookError

NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


def is_missing(x) -> bool:
    """None, NaN and pandas' NA/NaT are missing; strings and numbers are not."""
    if x is None:
        return True
    try:
        return bool(x != x)  # NaN is the only value not equal to itself; pd.NA raises
    except TypeError:
        return True


def to_fraction(x) -> Fraction:
    """An exact fraction of a number as written in decimal (63.25 -> 253/4, not the float's binary value): from an
    int, a Fraction, a Decimal, a decimal string, a float (via its shortest repr) or a numpy/pandas scalar."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, bool):
        return Fraction(int(x))
    if isinstance(x, int):
        return Fraction(x)
    if isinstance(x, float):
        if not math.isfinite(x):
            raise CasebookError(f"cannot compute with a non-finite value {x!r}")
        return _float_fraction(x)
    if isinstance(x, (Decimal, str)):
        return Fraction(str(x))
    if hasattr(x, "item"):  # numpy / pandas scalars
        return to_fraction(x.item())
    raise CasebookError(f"cannot turn {x!r} into a number")


@functools.lru_cache(maxsize=1 << 14)
def _float_fraction(x: float) -> Fraction:
    # kept: parsing the decimal text is the slow part, and the audit converts the same sizes thousands of times
    return Fraction(str(x))


def round_half_up(x, decimals: int = 0) -> Fraction:
    """``x`` rounded to ``decimals`` places, halves away from zero (62.5 -> 63, -62.5 -> -63, 63.25 -> 63.3)."""
    v, unit = to_fraction(x), Fraction(1, 10**decimals)
    sign = -1 if v < 0 else 1
    return sign * math.floor(abs(v) / unit + Fraction(1, 2)) * unit


def round_float(x, decimals: int = 0) -> float:
    """:func:`round_half_up` as a float, for tables; a missing value stays NaN."""
    if is_missing(x):
        return math.nan
    return float(round_half_up(x, decimals))


def number(x, decimals: int | None = None) -> str:
    """A number as printed: rounded half-up to at most ``decimals`` places (exact if None), no trailing zeros.

    3.0 -> '3', 12.5 -> '12.5', 87.5 -> '87.5', 377/6 with decimals=2 -> '62.83'; missing -> ''.
    """
    if type(x) is Fraction:
        return _number_fraction(x, decimals)
    if is_missing(x):
        return ""
    if isinstance(x, str):
        return x
    return _number(x, decimals)


@functools.lru_cache(maxsize=1 << 16)
def _number_fraction(x: Fraction, decimals: int | None) -> str:
    # kept: the audit's arithmetic strings show the same fractions hundreds of thousands of times
    return _number(x, decimals)


def _number(x, decimals: int | None) -> str:
    if decimals is None:
        v = to_fraction(x)
        if v.denominator == 1:
            return str(v.numerator)
        return f"{float(x):g}" if not isinstance(x, Fraction) else number(x, 6)
    text = fixed(x, decimals)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def decimals(text: str) -> int:
    """The decimals the first number of a printed text shows ('67' -> 0, '12.5 mg' -> 1; no number -> 0)."""
    m = re.search(r"\d+(?:[.,]\d+)*", str(text))
    return len(m.group().split(".")[1]) if m and "." in m.group() else 0


def fixed(x, decimals: int) -> str:
    """A number rounded half-up to exactly ``decimals`` places, trailing zeros kept (12.50)."""
    if isinstance(x, Fraction):
        return _fixed_fraction(x, decimals)
    return _fixed(x, decimals)


@functools.lru_cache(maxsize=1 << 14)
def _fixed_fraction(x: Fraction, decimals: int) -> str:
    # kept: the audit shows the same fractions in thousands of arithmetic strings
    return _fixed(x, decimals)


def _fixed(x, decimals: int) -> str:
    r = round_half_up(x, decimals)
    return f"{Decimal(r.numerator) / Decimal(r.denominator):.{decimals}f}"


def percent(x, decimals: int = 0) -> str:
    """A percentage for prose: '87.5%' (rounded half-up, no trailing zeros)."""
    return f"{number(x, decimals)}%"


def join(items: Iterable[str], last: str = " and ", sep: str = ", ") -> str:
    """'a', 'a and b', 'a, b and c' (empty items dropped)."""
    words = [w for w in items if w]
    if len(words) <= 1:
        return "".join(words)
    return sep.join(words[:-1]) + last + words[-1]


def plural(n, singular: str, plural_form: str | None = None) -> str:
    """The word for ``n`` things: 1 lesion, 2 lesions (``plural_form`` for irregular words)."""
    return singular if n == 1 else (plural_form or singular + "s")


def count(n: int, singular: str, plural_form: str | None = None, words: bool = False) -> str:
    """'1 lesion', '7 lesions'; with ``words``, small counts spelled out ('two patients')."""
    shown = NUMBER_WORDS[n] if words and 0 <= n < len(NUMBER_WORDS) else str(n)
    return f"{shown} {plural(n, singular, plural_form)}"


def all_of(n: int, noun_plural: str) -> str:
    """How prose says 'every one of n': 'the patient' (1), 'both patients' (2), 'all 5 patients'."""
    if n == 1:
        return f"the {noun_plural[:-1] if noun_plural.endswith('s') else noun_plural}"
    if n == 2:
        return f"both {noun_plural}"
    return f"all {n} {noun_plural}"


def article(word: str) -> str:
    """'a' or 'an' before ``word`` (by its first letter)."""
    return "an" if word[:1].lower() in "aeiou" else "a"


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def in_parentheses(text: str) -> str:
    """``text`` in parentheses, never nested: a parenthesis inside it becomes a comma ('Left thigh (lateral)' gives
    '(Left thigh, lateral)')."""
    flat = re.sub(r"\s*\(\s*([^()]*?)\s*\)", r", \1", str(text)).strip(", ")
    return f"({flat})"
