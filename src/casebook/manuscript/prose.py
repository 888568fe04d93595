"""Generated prose: the summaries a report writes from its data, held to the articles' bar.

A generator writes *cited text* in the syntax of an article template (:mod:`casebook.manuscript.template`): every
value it shows as ``{{ name }}`` and, after every sentence, ``{{ cite: ... }}`` naming what the sentence rests on
(:mod:`casebook.manuscript.sources`). A :class:`Prose` holds that text, the values it binds and the file that
words it (the template, or the module whose builders write it), so the functions that check the articles check
it unchanged: ``unsourced(prose.template)``, ``disagreements(prose.template, prose.registry, sources)`` and
``unbound_numbers(prose.template)``.

A summary cites data, never the register of printed claims: it must hold for an author's own series, which has no
register (:func:`data_sources` resolves cells, selections, ``computed:`` and ``own``, and rejects a claim id).
Readers see :meth:`Prose.markdown` (values filled in, sources dropped, as the PDF article shows them); an HTML page
shows :meth:`Prose.hover` (each sentence a span whose title lists its sources, as the HTML article does).

:class:`Binder` is how a generator binds a value: ``bind("n_patients", 6, series.series_overview)`` records a
:class:`~casebook.manuscript.values.Value` and returns a :class:`Shown`, which compares and tests as its number and
writes itself as ``{{ n_patients }}`` (in a Jinja template or an f-string alike).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from casebook.exceptions import CasebookError
from casebook.manuscript.sources import CITE, OWN, Sources, split
from casebook.manuscript.template import VALUE, Template
from casebook.manuscript.values import NAME, Registry, Value, value


class Shown:
    """A bound value as generated prose uses it: its number for logic (``==``, ``<``, ``bool``), and
    ``{{ name }}`` wherever it is written. Arithmetic is refused: compute first, then bind."""

    __slots__ = ("v",)

    def __init__(self, v: Value):
        self.v = v

    @property
    def value(self):
        return self.v.value

    @property
    def text(self) -> str:
        return self.v.text

    def __str__(self) -> str:
        return "{{ " + self.v.name + " }}"

    def __format__(self, spec: str) -> str:
        return str(self)

    def __repr__(self) -> str:
        return f"Shown({self.v.name}={self.v.text!r})"

    def __bool__(self) -> bool:
        return bool(self.v.value)

    def __hash__(self) -> int:
        return hash(self.v.name)

    def _cmp(self, other, op):
        return op(self.v.value, other.v.value if isinstance(other, Shown) else other)

    def __eq__(self, other):
        return self._cmp(other, lambda a, b: a == b)

    def __ne__(self, other):
        return self._cmp(other, lambda a, b: a != b)

    def __lt__(self, other):
        return self._cmp(other, lambda a, b: a < b)

    def __le__(self, other):
        return self._cmp(other, lambda a, b: a <= b)

    def __gt__(self, other):
        return self._cmp(other, lambda a, b: a > b)

    def __ge__(self, other):
        return self._cmp(other, lambda a, b: a >= b)


class Binder:
    """The values one piece of generated prose binds, each under a unique name (``n``, then ``n_2``, ...)."""

    def __init__(self):
        self.values: dict[str, Value] = {}

    def __call__(self, name: str, x, source, unit: str = "", decimals: int | None = 1, text: str | None = None) -> Shown:
        base = re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_")
        base = base if NAME.fullmatch(base or "-") else f"v_{base}"
        unique, k = base, 1
        while unique in self.values:
            k += 1
            unique = f"{base}_{k}"
        v = value(unique, x, source, unit, decimals=decimals, text=text)
        self.values[unique] = v
        return Shown(v)


def cite(*names, **fields) -> str:
    """``{{ cite: a, b }}`` for the sources named (empty or None ones dropped; ``{field}`` filled from ``fields``)."""
    kept = [str(n).format(**fields) for n in names if n]
    if not kept:
        raise CasebookError("a cite names no source")
    return "{{ cite: " + ", ".join(kept) + " }}"


@dataclass(frozen=True)
class Prose:
    """Generated text with its sources: ``text`` in template syntax, ``values`` it binds, ``file`` that words it."""

    report_id: str
    file: str  # project-relative: the template or module whose words these are (for messages)
    text: str
    values: tuple[Value, ...]

    @property
    def template(self) -> Template:
        return Template(self.file, self.text)

    @property
    def registry(self) -> Registry:
        return Registry(self.report_id, self.values)

    def _filled(self, text: str) -> str:
        reg = self.registry
        return VALUE.sub(lambda m: reg.get(m.group(1)).text, text)

    def markdown(self) -> str:
        """What a reader sees: values filled in, every ``{{ cite: ... }}`` dropped."""
        text = re.sub(r"[ \t]*" + CITE.pattern, "", self.text)
        return self._filled(text)

    def hover(self, sources: Sources) -> str:
        """Markdown for an HTML page: each paragraph an HTML ``<p>`` whose sentences are ``<span>`` elements titled
        with their sources (checked here). A block, not inline tags: renderers that parse inline HTML tag by tag
        (nbconvert embedding images) would close each ``<span>`` before its sentence."""
        out = []
        for para in self.text.split("\n\n"):
            parts = CITE.split(para)  # text, cite, text, cite, ..., text
            if len(parts) == 1:
                out.append(self._filled(para))
                continue
            shown = ""
            for k in range(0, len(parts) - 1, 2):
                body = parts[k]
                lead = body[: len(body) - len(body.lstrip())]
                words = "; ".join(_describe(sources, n, self.file) for n in split(parts[k + 1]))
                title = html.escape("Sources: " + words, quote=True)
                shown += f'{lead}<span title="{title}">{html.escape(self._filled(body.strip()), quote=False)}</span>'
            out.append(f"<p>{shown}{html.escape(self._filled(parts[-1].rstrip()), quote=False)}</p>")
        return "\n\n".join(out).rstrip("\n") + "\n"


def _describe(sources: Sources, name: str, file: str) -> str:
    try:
        sources.candidates(name)  # an unknown table, row or column fails here, naming the prose's file
        return "this summary's own method" if name == OWN else sources.describe(name)
    except CasebookError as exc:
        raise CasebookError(f"{file}: {exc}") from exc


def data_sources(report_id: str, tables) -> Sources:
    """Sources for generated prose: the data's cells and selections, ``computed:`` and ``own``; no claim."""
    import pandas as pd

    claims = pd.DataFrame(columns=["claim_id", "report", "location", "statement", "printed", "recomputed"])
    return Sources(report_id, claims, tables)
