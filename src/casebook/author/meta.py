"""``manuscript.toml``: what an author's article says about itself and the data cannot say.

The file sits in the series folder beside its CSV tables; every key is optional::

    title = "Intra-lesional sodium thiosulfate for calcinosis cutis: our first five patients"
    keywords = ["calcinosis", "sodium thiosulfate", "case series"]

    [affiliations]                          # short key -> the affiliation as it is printed
    derm = "Department of Dermatology, Example Hospital, Example City, Country"

    [[authors]]                             # in byline order
    name = "A. Author"
    affiliations = ["derm"]                 # keys of [affiliations]
    orcid = "0000-0002-1825-0097"           # optional
    email = "a.author@example.org"          # optional
    corresponding = true                    # optional (default false)

Without a ``title`` the article's title is neutral and comes from the data (:func:`default_title`). The same
fields are what a JATS ``<article-meta>`` holds (``<title-group>``, ``<contrib-group>`` with ``<aff>`` ids,
``<kwd-group>``): :class:`Meta` is the one reader of the file for every output. An unknown key, a wrong type or an
author's affiliation that ``[affiliations]`` does not define is an error naming the file and the key.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from casebook import paths
from casebook.exceptions import CasebookError

FILE = "manuscript.toml"
TOP_KEYS = {"title": str, "keywords": list, "affiliations": dict, "authors": list}
AUTHOR_KEYS = {"name": str, "affiliations": list, "orcid": str, "email": str, "corresponding": bool}


@dataclass(frozen=True)
class Author:
    name: str
    affiliations: tuple[str, ...] = ()  # keys of Meta.affiliations
    orcid: str = ""
    email: str = ""
    corresponding: bool = False


@dataclass(frozen=True)
class Meta:
    """The article's metadata: title ("" = from the data), authors, affiliations (key -> text), keywords."""

    title: str = ""
    authors: tuple[Author, ...] = ()
    affiliations: dict[str, str] = field(default_factory=dict)
    keywords: tuple[str, ...] = ()
    file: str = ""  # the manuscript.toml it was read from ("" when the folder has none)


def _typed(where: str, key: str, value, kind: type):
    if not isinstance(value, kind) or (kind is list and not all(isinstance(x, str) for x in value)):
        nouns = {str: "a string", dict: "a table", bool: "true or false", list: "a list of strings"}
        noun = "a list of tables" if key == "authors" else nouns[kind]
        raise CasebookError(f"{where}: '{key}' must be {noun}, not {value!r}")
    return value


def _author(where: str, i: int, raw, affiliations: dict[str, str]) -> Author:
    at = f"{where}: [[authors]] number {i}"
    if not isinstance(raw, dict):
        raise CasebookError(f"{at} must be a table (name = ..., affiliations = [...])")
    unknown = sorted(set(raw) - set(AUTHOR_KEYS))
    if unknown:
        raise CasebookError(f"{at}: unknown key '{unknown[0]}' (known: {', '.join(AUTHOR_KEYS)})")
    if not str(raw.get("name", "")).strip():
        raise CasebookError(f"{at} has no 'name'")
    values = {k: _typed(at, k, v, AUTHOR_KEYS[k]) for k, v in raw.items()}
    for key in values.get("affiliations", []):
        if key not in affiliations:
            known = ", ".join(affiliations) or "none defined"
            raise CasebookError(f"{at}: affiliation '{key}' is not a key of [affiliations] (known: {known})")
    return Author(values["name"].strip(), tuple(values.get("affiliations", ())), values.get("orcid", ""),
                  values.get("email", ""), values.get("corresponding", False))


def read(folder: str | Path) -> Meta:
    """The folder's ``manuscript.toml``, checked; an empty :class:`Meta` when there is none."""
    path = paths.resolve(folder) / FILE
    if not path.is_file():
        return Meta()
    where = paths.relative(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CasebookError(f"{where}: cannot read it: {exc}") from exc
    unknown = sorted(set(raw) - set(TOP_KEYS))
    if unknown:
        raise CasebookError(f"{where}: unknown key '{unknown[0]}' (known: {', '.join(TOP_KEYS)})")
    values = {k: v if k == "authors" and isinstance(v, list) else _typed(where, k, v, TOP_KEYS[k]) for k, v in raw.items()}
    affiliations = {str(k): _typed(where, f"affiliations.{k}", v, str) for k, v in values.get("affiliations", {}).items()}
    authors = tuple(_author(where, i, a, affiliations) for i, a in enumerate(values.get("authors", []), start=1))
    return Meta(values.get("title", "").strip(), authors, affiliations, tuple(values.get("keywords", ())), where)


def series_id(folder: str | Path) -> str:
    """The id that names the publication's files: the folder's name, lower case, other characters as hyphens."""
    name = re.sub(r"[^a-z0-9]+", "-", paths.resolve(folder).resolve().name.lower()).strip("-")
    if not name:
        raise CasebookError(f"{folder}: the folder's name gives no id for its files (use letters or digits)")
    return name


def byline(meta: Meta) -> str:
    """Markdown under the title: the authors with their affiliations numbered, the affiliations, the keywords."""
    if not meta.authors and not meta.keywords:
        return ""
    used = list(dict.fromkeys(k for a in meta.authors for k in a.affiliations))
    number = {k: i for i, k in enumerate(used, start=1)}
    names = [a.name + (f"^{','.join(str(number[k]) for k in a.affiliations)}^" if len(used) > 1 else "")
             + ("\\*" if a.corresponding else "") for a in meta.authors]
    lines = [", ".join(names)] if names else []
    lines += [(f"^{number[k]}^ " if len(used) > 1 else "") + meta.affiliations[k] for k in used]
    contact = [f"\\*Correspondence: {a.email}" for a in meta.authors if a.corresponding and a.email]
    lines += contact
    if meta.keywords:
        lines.append(f"*Keywords:* {'; '.join(meta.keywords)}")
    return "\n\n".join(lines)
