"""The corrected edition's marks: every item of the editor's letter marked in place with its label, and nothing else.

A mark is the item's label as a superscript ("C1", "Q4", "G7") linking to its note in "Notes on this edition" at
the end. Where it stands (``place``), for each claim an item covers, in this order of preference:

1. a sentence that cites the claim, in the article's section the claim was printed in (its location's first word:
   "Results, paragraph 1" -> Results);
2. a sentence of that section that cites another claim printed in the same published sentence;
3. the first sentence that cites the claim, in any section; then 4. the first that cites a claim of its sentence;
5. the first sentence of the claim's section; 6. the first sentence of :data:`NO_CLAIM_SECTION` (Methods), which is
   also where an item that names no claim (a gap such as consent) is marked; failing all, the first sentence.

Only in case 1 does a mark sit on a value bound to the claim (``Value.claim``); a correction there strikes the
printed number that is wrong, and only it ("aged 49 to ~~71~~ **74**"), and shows the value at the printed precision.
Everywhere else, and always for a gap, the mark follows the sentence: a correction never strikes text the article's
sentence does not stand for, and a query or a gap never changes a value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from casebook.manuscript import corrigendum as corr
from casebook.manuscript.corrigendum import Item
from casebook.manuscript.letter import md
from casebook.manuscript.sources import CITE, split
from casebook.manuscript.template import BLOCK, VALUE, Template
from casebook.text import decimals, number

NO_CLAIM_SECTION = "methods"
NOTES_HEADING = "Notes on this edition"
NOUN = {"correction": "Correction", "query": "Query to the authors", "gap": "Reporting gap"}
MARK = re.compile(r"\[\^([CQG]\d+)\^\]\(#note-([cqg]\d+)\)")
NOTE = re.compile(r"\{#note-([cqg]\d+)\}")
LETTER_ITEM = re.compile(r"^### ([CQG]\d+)\. ", re.M)


def mark(label: str) -> str:
    return f"[^{label}^](#note-{label.lower()})"


@dataclass(frozen=True)
class Segment:
    """The text a ``{{ cite: ... }}`` closes (numbered like the cites, in order): its section and sources."""

    index: int
    section: str  # the heading of its section, lower case
    sources: tuple[str, ...]
    values: tuple[str, ...]  # the value names it binds


def segments(t: Template) -> list[Segment]:
    found, section, text = [], "", ""
    for line in t.text.splitlines():
        if BLOCK.match(line.strip()):
            continue
        heading = re.match(r"^#{1,2}\s+(.+?)\s*$", line)
        section = heading.group(1).strip().lower() if heading else section
        pos = 0
        for c in CITE.finditer(line):
            text += line[pos:c.start()]
            names = tuple(v.strip() for v in VALUE.findall(text))
            found.append(Segment(len(found), section, tuple(split(c.group(1))), names))
            text, pos = "", c.end()
        text += line[pos:] + "\n"
    return found


@dataclass(frozen=True)
class ValueMark:
    labels: tuple[str, ...]
    strike: str = ""  # the printed text struck before the value
    bold: bool = False  # a correction's value
    decimals: int | None = None  # shown at the printed precision

    def render(self, value, text: str, unit: str) -> str:
        if self.decimals is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
            text = number(value, self.decimals)
        shown = f"**{text}**" if self.bold else text
        struck = f"~~{self.strike}~~ " if self.strike else ""
        return f"{struck}{shown}{unit}" + "".join(mark(x) for x in self.labels)


@dataclass
class Annotations:
    """Where the items are marked: on values (segment, value name) and at the end of sentences (segment)."""

    values: dict[tuple[int, str], ValueMark] = field(default_factory=dict)
    ends: dict[int, list[str]] = field(default_factory=dict)

    def value(self, segment: int, name: str) -> ValueMark | None:
        return self.values.get((segment, name))

    def end(self, segment: int) -> str:
        return "".join(mark(x) for x in self.ends.get(segment, []))

    def labels(self) -> set[str]:
        return {x for m in self.values.values() for x in m.labels} | {x for v in self.ends.values() for x in v}

    def _add_end(self, segment: int, label: str) -> None:
        on_value = any(label in m.labels for (s, _), m in self.values.items() if s == segment)
        if not on_value and label not in self.ends.setdefault(segment, []):
            self.ends[segment].append(label)


def _sections(location: str) -> set[str]:
    """The sections a claim's location names ('Table 1 row 6, week 4; Results, paragraph 1' -> table 1 row 6,
    results)."""
    return {re.split(r"[,(]", part)[0].strip().lower() for part in str(location).split(";") if part.strip()}


def anchor(claim, segs: list[Segment], siblings: set[str]) -> tuple[int, bool]:
    """The segment a claim is marked in, and whether it is case 1 (the claim's own sentence in its own section)."""
    home = _sections(claim.location)
    cites = [s for s in segs if claim.claim_id in s.sources]
    near = [s for s in segs if siblings & set(s.sources)]
    for group, own in ((cites, True), (near, False)):
        found = [s for s in group if s.section in home]
        if found:
            return found[0].index, own
    for group in (cites, near, [s for s in segs if s.section in home]):
        if group:
            return group[0].index, False
    return fallback(segs), False


def fallback(segs: list[Segment]) -> int:
    found = [s for s in segs if s.section == NO_CLAIM_SECTION]
    return (found or segs)[0].index if segs else 0


def place(found: list[Item], t: Template, registry, verdicts) -> Annotations:
    """Every item marked: see the module's docstring for where."""
    segs = segments(t)
    bound = {}
    for v in registry:
        bound.setdefault(v.claim, []).append(v)
    mine = verdicts[verdicts["report"] == registry.report_id]
    sentence = dict(zip(mine["claim_id"], mine["sentence"], strict=True))
    out = Annotations()
    for item in found:
        if item.claims.empty:
            out._add_end(fallback(segs), item.label)
        for claim in item.claims.itertuples():
            s = sentence.get(claim.claim_id) or ""
            siblings = {c for c, x in sentence.items() if s and x == s and c != claim.claim_id}
            k, own = anchor(claim, segs, siblings)
            names = [v for v in bound.get(claim.claim_id, []) if v.name in segs[k].values] if own and segs else []
            if not names or item.kind == "gap":
                out._add_end(k, item.label)
                continue
            _on_value(out, item, claim, k, names)
    return out


def _on_value(out: Annotations, item: Item, claim, k: int, values: list) -> None:
    """A mark on the first value bound to the claim (a correction: on the value whose printed number is wrong)."""
    v, strike = values[0], ""
    if item.kind == "correction":
        wrong = [(x, corr.wrong_part(str(claim.printed), str(claim.recomputed), x.text)) for x in values]
        v, strike = next(((x, w) for x, w in wrong if w), (values[0], ""))
    old = out.values.get((k, v.name))
    labels = (*old.labels, item.label) if old and item.label not in old.labels else (item.label,)
    shown_at = decimals(strike) if strike and re.search(r"\d", strike) else None
    out.values[(k, v.name)] = ValueMark(labels, strike, item.kind == "correction", shown_at)


def notes(found: list[Item], letter_name: str) -> str:
    """The section that gives each mark's note, in the letter's order."""
    lines = [f"## {NOTES_HEADING}", "",
             f"Each mark refers to the item of the same label in the editor's letter (`{letter_name}`), which gives "
             "its arithmetic. C: a correction, substituted in place; Q: a query to the authors; G: a reporting gap. A "
             "query or a gap changes nothing in the text, which gives what the transcribed data give.", ""]
    for item in found:
        said = f" The report prints {_printed(item.claims)}." if len(item.claims) and item.kind != "gap" else ""
        data = ""
        if item.kind == "correction":
            data = " The data give " + "; ".join(dict.fromkeys(md(r) for r in item.claims["recomputed"])) + "."
        lines += [f"[**{item.label}.**]{{#note-{item.label.lower()}}} *{NOUN[item.kind]}: {item.title.lower()}.*"
                  f"{said}{data} {md(item.explanation)}", ""]
    return "\n".join(lines)


def _printed(claims) -> str:
    """What the claims print, by where ('“A total of 8 lesions”, “by 90%” (Results, paragraph 1)')."""
    where: dict[str, list[str]] = {}
    for r in claims.itertuples():
        where.setdefault(str(r.location).split(" (")[0], []).append(f"“{md(r.printed)}”")
    return "; ".join(f"{', '.join(v)} ({md(k)})" for k, v in where.items())


def marks_of(edition: str) -> list[tuple[str, str]]:
    """Every mark of an edition (Markdown or HTML) as (label, the note it links to)."""
    html = re.findall(r'<a href="#note-([cqg]\d+)"><sup>([CQG]\d+)</sup></a>', edition)
    return [*MARK.findall(edition), *((label, target) for target, label in html)]


def notes_of(edition: str) -> set[str]:
    return {n.upper() for n in NOTE.findall(edition) + re.findall(r'id="note-([cqg]\d+)"', edition)}


def unmatched(letter_markdown: str, edition: str) -> dict[str, list[str]]:
    """Both directions, between the letter's items and the edition's marks and notes (the edition as Markdown or
    HTML): items not marked, marks that are no item, items with no note, notes that are no item, and marks that
    link to another note than their own. Empty lists everywhere: the two agree."""
    items = set(LETTER_ITEM.findall(letter_markdown))
    found = marks_of(edition)
    marked, noted = {label for label, _ in found}, notes_of(edition)
    return {"not marked": sorted(items - marked), "not an item": sorted(marked - items),
            "no note": sorted(items - noted), "note of no item": sorted(noted - items),
            "wrong link": sorted(label for label, target in found if target != label.lower())}
