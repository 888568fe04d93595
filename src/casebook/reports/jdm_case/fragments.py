"""Report 1's case description as fragments: every number in the text traced to the data cell it came from.

The description is built from :class:`Fragment` objects. A fragment is either
template text (which may contain no digit) or a value taken from one data cell
(``table``, ``row id``, ``column``) or computed from cells (a ratio or a
percentage). Rendering joins fragments into sentences and keeps the character
span of each, so every number in the text can be traced to the data row it came
from and re-derived from it (:func:`trace_numbers`, :func:`verify`).

Facts the data do not give (missing cells, 'not reported') produce no text: the
builders skip them rather than write a placeholder.

A sentence names its sources through its fragments: each value's data cell, each derived value's cells and the
function that computed it (``computed:uln_multiple``), and the sources a :func:`cite` fragment names for the words
the template text states (a judgement such as the criteria met). :func:`.cited.to_prose` writes the description as cited
text (:class:`casebook.manuscript.prose.Prose`), checked with the articles' functions: a sentence with no source,
or a value that agrees with none of its sentence's sources, is found there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from casebook import text
from casebook.exceptions import CasebookError
from casebook.reports.jdm_case import analysis as cs

NUMBER = re.compile(r"\d+(?:\.\d+)?")
ORDINALS = ("First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth")


@dataclass(frozen=True)
class Ref:
    """One data cell: the table, the row's id (its key value) and the column."""

    table: str
    row_id: str
    column: str

    def __str__(self) -> str:
        return f"{self.table}:{self.row_id}.{self.column}"


@dataclass(frozen=True)
class Fragment:
    """A piece of a sentence. ``how`` is 'text' (template), 'value', 'ratio', 'percent', 'computed' (a judgement
    ``function`` made from the data, in words) or 'cite' (no text: the ``cites`` its sentence rests on)."""

    text: str
    refs: tuple[Ref, ...] = ()
    how: str = "text"
    decimals: int | None = None
    function: str = ""  # 'computed': the function that made the text (module.function)
    cites: tuple[str, ...] = ()  # 'cite': source names (casebook.manuscript.sources)

    @property
    def sourced(self) -> bool:
        return bool(self.refs)


@dataclass
class Section:
    heading: str
    sentences: list[list[Fragment]] = field(default_factory=list)


# --- Fragment constructors ---------------------------------------------------------------------------------------


def lit(text: str) -> Fragment:
    """Template text; it may not contain a number (numbers come only from data)."""
    if NUMBER.search(text):
        raise CasebookError(f"template text may not contain a number: {text!r}")
    return Fragment(text)


def cite(*names: str) -> Fragment:
    """The sources a sentence's template text rests on (claims are not allowed: see casebook.manuscript.prose)."""
    return Fragment("", how="cite", cites=tuple(n for n in names if n))


def computed(text: str, function) -> Fragment:
    """Words a function computed from the data (a judgement such as a criteria category); no number allowed."""
    from casebook.manuscript.values import source_of

    if NUMBER.search(text):
        raise CasebookError(f"computed words may not contain a number: {text!r}")
    return Fragment(text, how="computed", function=source_of(function))


def _cell_value(tables, ref: Ref):
    df = tables[ref.table]
    key = cs.ID_COLUMNS[ref.table]
    rows = df[df[key] == ref.row_id]
    if len(rows) != 1:
        raise CasebookError(f"{ref}: expected one row with {key} = {ref.row_id!r}, found {len(rows)}")
    return rows.iloc[0][ref.column]


def _fmt(value, decimals: int | None) -> str:
    if isinstance(value, str):
        return value
    if decimals is None:
        return text.number(value)
    return text.fixed(value, decimals)  # half-up, like every number shown (casebook.text)


def value(tables, table: str, row_id: str, column: str, decimals: int | None = None) -> Fragment:
    """The value of one data cell, formatted (numbers with ``decimals``, or as short as exact)."""
    ref = Ref(table, str(row_id), column)
    return Fragment(_fmt(_cell_value(tables, ref), decimals), (ref,), "value", decimals)


def ratio(tables, num: tuple[str, str, str], den: tuple[str, str, str], decimals: int = 2) -> Fragment:
    """``num / den`` of two data cells (e.g. a value as a multiple of its upper reference limit)."""
    refs = (Ref(num[0], str(num[1]), num[2]), Ref(den[0], str(den[1]), den[2]))
    return Fragment(_derive(tables, refs, "ratio", decimals), refs, "ratio", decimals)


def percent(tables, num: tuple[str, str, str], den: tuple[str, str, str], decimals: int = 1) -> Fragment:
    """``100 * num / den`` of two data cells (e.g. points as percent of the maximum)."""
    refs = (Ref(num[0], str(num[1]), num[2]), Ref(den[0], str(den[1]), den[2]))
    return Fragment(_derive(tables, refs, "percent", decimals), refs, "percent", decimals)


def _derive(tables, refs: tuple[Ref, ...], how: str, decimals: int | None) -> str:
    if how == "value":
        return _fmt(_cell_value(tables, refs[0]), decimals)
    a, b = (float(_cell_value(tables, r)) for r in refs)
    if how == "ratio":
        return f"{cs.uln_multiple(a, b):.{decimals}f}"
    if how == "percent":
        return f"{cs.percent_of_max(a, b):.{decimals}f}"
    raise CasebookError(f"unknown derivation {how!r}")


# --- Rendering and tracing ---------------------------------------------------------------------------------------


def _sentence_spans(fragments: list[Fragment]) -> tuple[str, list[tuple[int, int, Fragment]]]:
    text, spans = "", []
    for frag in fragments:
        spans.append((len(text), len(text) + len(frag.text), frag))
        text += frag.text
    if text:
        text = text[0].upper() + text[1:]
        if not text.endswith((".", "?", "!")):
            text += "."
    return text, spans


def render(sections: list[Section], heading_level: int = 3) -> tuple[str, list[tuple[int, int, Fragment]]]:
    """Markdown text of the description, and the (start, end, fragment) span of every fragment in it."""
    out, spans = "", []
    for section in sections:
        if not section.sentences:
            continue
        out += "#" * heading_level + " " + section.heading + "\n\n"
        for i, sentence in enumerate(section.sentences):
            text, sp = _sentence_spans(sentence)
            if not text:
                continue
            if i:
                out += " "
            spans += [(out.__len__() + a, len(out) + b, f) for a, b, f in sp]
            out += text
        out += "\n\n"
    return out.rstrip("\n") + "\n", spans


def verify(fragment: Fragment, tables) -> bool:
    """True when a sourced fragment's text is exactly what its data cells give today."""
    if not fragment.sourced:
        return True
    try:
        return _derive(tables, fragment.refs, fragment.how, fragment.decimals) == fragment.text
    except (CasebookError, KeyError, ValueError, TypeError):
        return False


def trace_numbers(sections: list[Section], tables) -> pd.DataFrame:
    """Every number in the rendered text with the data cell(s) it comes from.

    ``traced`` is False for a number that lies in no sourced fragment, or whose fragment no longer matches the
    data; a correct description has none.
    """
    text, spans = render(sections)
    rows = []
    for m in NUMBER.finditer(text):
        owner = next((f for a, b, f in spans if a <= m.start() and m.end() <= b and f.sourced), None)
        rows.append(
            {
                "Number": m.group(),
                "Derivation": owner.how if owner else "",
                "Table": "; ".join(r.table for r in owner.refs) if owner else "",
                "Row": "; ".join(r.row_id for r in owner.refs) if owner else "",
                "Column": "; ".join(r.column for r in owner.refs) if owner else "",
                "traced": bool(owner) and verify(owner, tables),
            }
        )
    return pd.DataFrame(rows, columns=["Number", "Derivation", "Table", "Row", "Column", "traced"])


def join(parts: list[list[Fragment]], last: str = " and ", sep: str = ", ") -> list[Fragment]:
    """Join fragment lists as 'a, b and c' (or with other separators)."""
    out: list[Fragment] = []
    for i, p in enumerate(parts):
        if i:
            out.append(lit(last if i == len(parts) - 1 else sep))
        out += p
    return out


def article(word: str) -> str:
    return text.article(word) + " "


def select_rows(tables, table: str, **where) -> pd.DataFrame:
    df = tables[table]
    for col, val in where.items():
        df = df[df[col] == val]
    return df


def number_sources(sections: list[Section], tables) -> pd.DataFrame:
    """The trace of every number in the description, for display; raises if any number is untraced."""
    trace = trace_numbers(sections, tables)
    bad = trace[~trace["traced"]]
    if len(bad):
        raise CasebookError(f"numbers in the description not traced to the data: {', '.join(bad['Number'])}")
    return trace.drop(columns="traced")
