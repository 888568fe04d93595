"""Report 1's case description as cited text: each sentence with the sources its fragments carry, each value bound.

:func:`to_prose` turns the :class:`~.fragments.Section` list that :mod:`.summary` builds into a
:class:`casebook.manuscript.prose.Prose`: a value fragment becomes ``{{ name }}`` bound to its cell's value, a ratio
or percentage ``{{ name }}`` bound to the function that computed it, and each sentence ends with
``{{ cite: ... }}`` naming its cells (``table:ROW.column``), those functions (``computed:...``) and whatever its
:func:`~.fragments.cite` fragments name. A sentence whose fragments carry no source gets no cite, so
:func:`casebook.manuscript.template.unsourced` finds it.
"""

from __future__ import annotations

from pathlib import Path

from casebook import paths
from casebook.manuscript.prose import Binder, Prose, cite
from casebook.reports.jdm_case.fragments import Fragment, Section
from casebook.text import capitalise

REPORT_ID = "jdm-case"
# The module whose builders word the description (named in messages, as an article names its template).
WORDING = Path(__file__).with_name("summary.py")
DERIVED = {"ratio": "casebook.reports.jdm_case.tables.uln_multiple",
           "percent": "casebook.reports.jdm_case.tables.percent_of_max"}


def _bound(f: Fragment, text: str, bind) -> tuple[str, list[str]]:
    """A sourced or computed fragment as ``{{ name }}`` (its value: the text the data gave it) and its sources."""
    if f.how == "computed":
        v = bind(f.function.rsplit(".", 1)[-1], text, f.function)
        return str(v), [f"computed:{f.function.rsplit('.', 1)[-1]}"]
    cells = [str(r) for r in f.refs]
    if f.how in DERIVED:
        fn = DERIVED[f.how]
        v = bind(f"{f.how}_{f.refs[0].table}_{f.refs[0].row_id}", float(f.text), fn, text=text)
        return str(v), [*cells, f"computed:{fn.rsplit('.', 1)[-1]}"]
    ref = f.refs[0]
    v = bind(f"{ref.table}_{ref.row_id}_{ref.column}", f.text, "casebook.reports.jdm_case.fragments.value", text=text)
    return str(v), cells


def sentence(fragments: list[Fragment], bind) -> str:
    """One sentence as cited text: capitalised and closed as the reader's text is (see ``fragments.render``)."""
    words, shown, sources = "", "", []
    for f in fragments:
        if f.how == "cite":
            sources += f.cites
            continue
        text = capitalise(f.text) if not shown else f.text
        if f.sourced or f.how == "computed":
            piece, named = _bound(f, text, bind)
            sources += named
        else:
            piece = text
        words, shown = words + piece, shown + text
    if not shown:
        return ""
    if not shown.endswith((".", "?", "!")):
        words += "."
    return words + (" " + cite(*dict.fromkeys(sources)) if sources else "")


def to_prose(sections: list[Section], heading_level: int = 3) -> Prose:
    """The description as cited text (headings, then each section's sentences in one paragraph)."""
    bind = Binder()
    out = []
    for section in sections:
        said = [s for s in (sentence(fr, bind) for fr in section.sentences) if s]
        if said:
            out += ["#" * heading_level + " " + section.heading, " ".join(said)]
    return Prose(REPORT_ID, f"{paths.relative(WORDING)} (rendered)", "\n\n".join(out) + "\n", tuple(bind.values.values()))


def to_markdown(sections: list[Section], heading_level: int = 3) -> str:
    """The description as a reader sees it (the cited text of :func:`to_prose`, its sources dropped)."""
    return to_prose(sections, heading_level).markdown()


def show(sections: list[Section], tables=None):
    """The description as Markdown for a notebook; given the ``tables``, each sentence shows its sources on hover."""
    from IPython.display import Markdown

    from casebook.manuscript.prose import data_sources

    prose = to_prose(sections, heading_level=3)
    return Markdown(prose.hover(data_sources(REPORT_ID, tables)) if tables is not None else prose.markdown())
