"""Article templates: the author's text, in Markdown, with every number a named value.

Syntax (a template is ``src/casebook/reports/<id>/article.md``; its first ``#`` heading is the title):

- ``{{ name }}``: the value ``name`` of the report's registry (:mod:`casebook.manuscript.values`), as prose shows it;
- ``[[figure: key]]``, ``[[table: key]]``, ``[[section: key]]`` alone on a line: a numbered, captioned figure or
  table, or a generated section (data availability, the audit appendix), from the blocks the build provides;
- ``@fig:key``, ``@tbl:key``: a cross-reference, rendered "Figure 2" or "Table 1" (numbered in order of placement);
- ``{{ cite: claim-id, table:ROW.column, ... }}`` at the end of each sentence: the sources it rests on
  (:mod:`casebook.manuscript.sources`); the HTML article shows them when the pointer rests on the sentence.

An unknown value, block or reference fails with the template's file and line. :func:`unbound_numbers` finds every
digit the template types itself: a test keeps that list empty, so every number shown comes from data. The short
list :data:`ALLOWED` names the few tokens with digits that are names, not numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from casebook import paths
from casebook.exceptions import CasebookError
from casebook.manuscript.sources import CITE, OWN, Sources, agrees, split
from casebook.manuscript.values import Registry

VALUE = re.compile(r"\{\{\s*(?!cite\s*:)([^{}]*?)\s*\}\}")
VALUE_UNIT = re.compile(VALUE.pattern + "(%)?")  # a mark follows the unit written right after the value
BLOCK = re.compile(r"^\[\[\s*(figure|table|section)\s*:\s*([\w-]+)\s*\]\]\s*$")
OPEN_CITE = re.compile(r"\{\{\s*cite\s*:")
REF = re.compile(r"@(fig|tbl):([\w-]+)")
PREFIX = {"fig": ("figure", "Figure"), "tbl": ("table", "Table")}
# Tokens with digits that are names, not numbers: instrument and hash names, and numbered section headings.
ALLOWED = (r"\bMMT8\b", r"\bsha256\b", r"^#+\s+\d+(\.\d+)*\.?\s")


@dataclass(frozen=True)
class Block:
    """What a template places: a figure (``body`` = project-relative image path), a table (``body`` = a Markdown
    pipe table) or a generated section (``body`` = Markdown)."""

    kind: str
    key: str
    caption: str = ""
    body: str = ""
    notes: tuple[str, ...] = ()
    width: str = "100%"  # a figure's width, as a share of the text width


@dataclass(frozen=True)
class Template:
    file: str  # project-relative, for messages
    text: str

    @classmethod
    def read(cls, path: str | Path) -> Template:
        from casebook.engine.io import record_input

        path = paths.resolve(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CasebookError(f"{paths.relative(path)}: cannot read the template: {exc}") from exc
        record_input(path)  # the build re-executes when an author edits the text
        return cls(paths.relative(path), text)

    def where(self, line: int) -> str:
        return f"{self.file}, line {line}"


def _numbers(t: Template, blocks: dict[tuple[str, str], Block]) -> dict[tuple[str, str], int]:
    """(kind, key) -> its number, in order of placement; an unknown block is an error."""
    numbers: dict[tuple[str, str], int] = {}
    counts = {"figure": 0, "table": 0}
    for i, line in enumerate(t.text.splitlines(), start=1):
        m = BLOCK.match(line.strip())
        if not m:
            continue
        kind, key = m.groups()
        if (kind, key) not in blocks:
            known = ", ".join(sorted(k for c, k in blocks if c == kind)) or "none"
            raise CasebookError(f"{t.where(i)}: unknown {kind} {key!r} (known: {known})")
        if kind in counts:
            if (kind, key) in numbers:
                raise CasebookError(f"{t.where(i)}: {kind} {key!r} placed twice")
            counts[kind] += 1
            numbers[(kind, key)] = counts[kind]
    return numbers


def _block_markdown(block: Block, n: int | None) -> str:
    if block.kind == "figure":
        return f"![**Figure {n}.** {block.caption}]({block.body}){{#fig-{block.key} width={block.width}}}"
    if block.kind == "table":
        notes = "".join(f"\n\n{note}" for note in block.notes)
        return f"{block.body.rstrip()}\n\n: **Table {n}.** {block.caption} {{#tbl-{block.key}}}{notes}"
    return block.body.rstrip()


def render(t: Template, registry: Registry, blocks: dict[tuple[str, str], Block], annotations=None,
           sources=None) -> str:
    """The template as Markdown with every value, block and reference filled in, each sentence a span whose title
    lists its sources (``sources``: a :class:`casebook.manuscript.sources.Sources`, which also checks them).

    ``annotations`` (the corrected edition: a :class:`casebook.manuscript.annotate.Annotations`) marks values and
    sentences, each sentence numbered by the cite that closes it: ``annotations.value(k, name)`` renders the first
    ``{{ name }}`` of sentence ``k`` (with the ``%`` that follows it), ``annotations.end(k)`` follows sentence ``k``.
    """
    numbers = _numbers(t, blocks)
    out: list[str] = []
    titles: list[str] = []
    done: set[tuple[int, str]] = set()

    for i, line in enumerate(t.text.splitlines(), start=1):
        m = BLOCK.match(line.strip())
        if m:
            kind, key = m.groups()
            out.append(_block_markdown(blocks[(kind, key)], numbers.get((kind, key))))
            continue

        def fill(v: re.Match, i=i) -> str:
            name, unit = v.group(1), v.group(2) or ""
            if name not in registry:
                raise CasebookError(f"{t.where(i)}: unknown value {{{{ {name} }}}} (not in the registry of "
                                    f"{registry.report_id}; see casebook.reports.<id>.values)")
            value, k = registry.get(name), len(titles)
            marked = annotations.value(k, name) if annotations is not None and (k, name) not in done else None
            if marked is None:
                return value.text + unit
            done.add((k, name))
            return marked.render(value.value, value.text, unit)

        def ref(r: re.Match, i=i) -> str:
            kind, label = PREFIX[r.group(1)]
            if (kind, r.group(2)) not in numbers:
                raise CasebookError(f"{t.where(i)}: reference {r.group(0)} to a {kind} the template does not place")
            return f"[{label} {numbers[(kind, r.group(2))]}](#{r.group(1)}-{r.group(2)})"

        if OPEN_CITE.search(CITE.sub("", line)):
            raise CasebookError(f"{t.where(i)}: a {{{{ cite: ... }}}} must close on the line it opens")
        pieces, pos = [], 0
        for c in CITE.finditer(line):  # a value belongs to the sentence of the next cite: fill before citing
            pieces += [VALUE_UNIT.sub(fill, line[pos:c.start()]), _cite(t, i, c, sources, titles)]
            pos = c.end()
        out.append(REF.sub(ref, "".join([*pieces, VALUE_UNIT.sub(fill, line[pos:])])))
    ends = annotations.end if annotations is not None else (lambda k: "")
    return _spans("\n".join(out), titles, ends).rstrip() + "\n"


def _cite(t: Template, i: int, c: re.Match, sources, titles: list[str]) -> str:
    """A cite mark: its sources checked and described; replaced by a placeholder its sentence's span replaces."""
    words = []
    try:
        for n in split(c.group(1)):
            if sources is not None:
                sources.candidates(n)  # an unknown claim, table, row or column fails here
            words.append(sources.describe(n) if sources is not None else n)
    except CasebookError as exc:
        raise CasebookError(f"{t.where(i)}: {exc}") from exc
    titles.append("Sources: " + "; ".join(words))
    return f"\x1e{len(titles) - 1}\x1f"


def _spans(text: str, titles: list[str], ends=lambda k: "") -> str:
    """Each sentence (the text before its cite mark, within its paragraph) as ``[sentence]{title="sources"}``,
    followed inside the span by ``ends(k)`` (the marks after sentence ``k``)."""
    def para(p: str) -> str:
        parts = re.split(r"\x1e(\d+)\x1f", p)
        out = ""
        for k in range(0, len(parts) - 1, 2):
            body = parts[k]
            lead = body[: len(body) - len(body.lstrip())]
            title = titles[int(parts[k + 1])].replace("\\", "/").replace('"', "'")
            out += f'{lead}[{body.strip()}{ends(int(parts[k + 1]))}]{{title="{title}"}}'
        return out + parts[-1]

    return "\n\n".join(para(p) for p in text.split("\n\n"))


@dataclass(frozen=True)
class Sentence:
    line: int  # the line the sentence ends on
    text: str  # as the template types it, its cite removed
    sources: tuple[str, ...]  # empty: the sentence names no source


END = re.compile(r"(?<=[.!?])\s+(?=[A-Z({@])")


def sentences(t: Template) -> list[Sentence]:
    """Every prose sentence of the template (headings and blocks excluded) with the sources it names."""
    found: list[Sentence] = []
    para: list[tuple[int, str]] = []
    for i, line in enumerate([*t.text.splitlines(), ""], start=1):
        if line.strip() and not line.lstrip().startswith("#") and not BLOCK.match(line.strip()):
            para.append((i, line))
            continue
        if para:
            found += _paragraph_sentences(para)
        para = []
    return found


def _paragraph_sentences(para: list[tuple[int, str]]) -> list[Sentence]:
    text = "\n".join(line for _, line in para)
    starts = [sum(len(line) + 1 for _, line in para[:k]) for k in range(len(para))]

    def line_of(pos: int) -> int:
        return para[max(k for k, s in enumerate(starts) if s <= pos)][0]

    out, pos = [], 0
    for m in [*CITE.finditer(text), None]:
        segment = text[pos: m.start() if m else len(text)]
        pieces = [p for p in END.split(segment) if p.strip()]
        for k, piece in enumerate(pieces):
            cited = m is not None and k == len(pieces) - 1
            end = m.start() if cited else pos + segment.find(piece) + len(piece) - 1
            out.append(Sentence(line_of(end), " ".join(piece.split()), tuple(split(m.group(1))) if cited else ()))
        pos = m.end() if m else len(text)
    return out


def unsourced(t: Template) -> list[str]:
    """Every sentence that names no source, as 'file, line N: the sentence'."""
    return [f"{t.where(s.line)}: {s.text}" for s in sentences(t) if not s.sources]


def title(markdown: str) -> str:
    """The text of the first ``#`` heading (the article's title)."""
    m = re.search(r"^#\s+(.+)$", markdown, re.M)
    return m.group(1).strip() if m else ""


def unbound_numbers(t: Template) -> list[str]:
    """Every number the template types itself (not through a value), as 'file, line N: 42'."""
    found = []
    for i, line in enumerate(t.text.splitlines(), start=1):
        if BLOCK.match(line.strip()):
            continue
        rest = REF.sub("", VALUE.sub("", CITE.sub("", line)))
        for pattern in ALLOWED:
            rest = re.sub(pattern, "", rest)
        found += [f"{t.where(i)}: {m.group()}" for m in re.finditer(r"\d+(?:[.,]\d+)*", rest)]
    return found


def disagreements(template: Template, registry: Registry, sources: Sources) -> list[str]:
    """Every bound value that agrees with none of its sentence's sources, and every ``own`` sentence that binds one,
    as 'file, line N: {{ name }} = text: ...'."""
    found = []
    for s in sentences(template):
        cited = [n for n in s.sources if n != OWN]
        for name in dict.fromkeys(VALUE.findall(s.text)):
            v = registry.get(name)
            if not any(agrees(v, sources.candidates(n)) for n in cited):
                why = ("it names no source" if not s.sources else "it cites only its own method" if not cited
                       else f"its sources: {', '.join(cited)}")
                found.append(f"{template.where(s.line)}: {{{{ {name} }}}} = {v.text} agrees with none of {why}")
    return found
