"""CSV text whose cells no spreadsheet executes (CSV injection, after the OWASP advice).

Excel and LibreOffice run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return before
one) as a formula: a site or note written ``=HYPERLINK("...")`` in an author's data would become a live link in the
published table. Every CSV the workbook writes goes through :func:`to_csv`, which prefixes such a text cell with a
single quote, the OWASP remedy, so the spreadsheet shows it as text. Numbers are never touched: a lesion that grew
has a reduction of -10, and a text cell that is a plain number (``-10``, ``+2.5``, ``-10%``) runs nothing either.
The Markdown, LaTeX and HTML tables keep the text as it is; :func:`unescape` gives it back to a reader of the CSV
(the site's tables).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the site reads CSV text with unescape() and loads no pandas
    import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")


def _executable(text: str) -> bool:
    """Whether a spreadsheet could run the cell: it starts with a trigger after any quotes already there (escaped
    too, so that :func:`unescape` gives every cell back exactly) and is not a plain number."""
    return text.lstrip("'")[:1] in TRIGGERS and not _PLAIN_NUMBER.fullmatch(text)


def escape(value):
    """A text cell a spreadsheet would execute, prefixed with a single quote; anything else as it is."""
    return "'" + value if isinstance(value, str) and _executable(value) else value


def unescape(text: str) -> str:
    """The cell as the table holds it: the quote :func:`escape` added taken off again."""
    return text[1:] if text.startswith("'") and _executable(text[1:]) else text


def to_csv(df: pd.DataFrame) -> str:
    """``df`` as CSV text (no index, ``\\n`` line ends), text cells that a spreadsheet would execute escaped.

    Only a column with such a cell is rewritten, so a table without one is written byte for byte as pandas writes it.
    """
    out = df.copy()
    for i in range(out.shape[1]):
        cells = out.iloc[:, i].astype(object)  # a categorical column maps its categories, not its cells
        if cells.map(lambda v: isinstance(v, str) and _executable(v)).any():
            out.isetitem(i, cells.map(escape))
    out.columns = out.columns.map(escape)
    return out.to_csv(index=False, lineterminator="\n")
