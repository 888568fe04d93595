"""manuscript.toml (casebook.author.meta): read, checked with errors naming the file and key; the folder's id; the
neutral title from the data."""

from __future__ import annotations

import pytest

from casebook.author import meta
from casebook.author.article import neutral_title, renamed
from casebook.exceptions import CasebookError

GOOD = """title = "My series"
keywords = ["calcinosis", "thiosulfate"]
[affiliations]
a = "Hospital A"
[[authors]]
name = "Ada Author"
affiliations = ["a"]
corresponding = true
email = "ada@example.org"
"""


def test_a_good_file_is_read_whole(tmp_path):
    (tmp_path / "manuscript.toml").write_text(GOOD, encoding="utf-8")
    m = meta.read(tmp_path)
    assert m.title == "My series" and m.keywords == ("calcinosis", "thiosulfate")
    assert m.authors[0].name == "Ada Author" and m.authors[0].affiliations == ("a",) and m.authors[0].corresponding
    line = meta.byline(m)
    assert "Ada Author\\*" in line and "Hospital A" in line and "ada@example.org" in line and "calcinosis; thiosulfate" in line


def test_no_file_is_no_metadata(tmp_path):
    assert meta.read(tmp_path) == meta.Meta() and meta.byline(meta.Meta()) == ""


@pytest.mark.parametrize(("text", "message"), [
    ('titel = "x"', "unknown key 'titel' (known: title"),
    ("keywords = 'one'", "'keywords' must be a list of strings"),
    ('[[authors]]\nname = "A"\naffiliations = ["nowhere"]', "affiliation 'nowhere' is not a key of [affiliations]"),
    ('[[authors]]\naffiliations = []', "[[authors]] number 1 has no 'name'"),
    ('[[authors]]\nname = "A"\nemial = "a@b"', "unknown key 'emial'"),
    ('title = "unclosed', "cannot read it"),
])
def test_a_mistake_is_named_with_the_file_and_the_key(tmp_path, text, message):
    (tmp_path / "manuscript.toml").write_text(text, encoding="utf-8")
    with pytest.raises(CasebookError) as err:
        meta.read(tmp_path)
    assert "manuscript.toml" in str(err.value) and message in str(err.value)


def test_files_are_named_from_the_folder(tmp_path):
    assert meta.series_id(tmp_path / "My Series 2024") == "my-series-2024"
    assert renamed("sts-series-table1", "my-series") == "my-series-table1"
    with pytest.raises(CasebookError):
        meta.series_id(tmp_path / "___")


def test_the_neutral_title_counts_the_patients():
    import pandas as pd

    assert neutral_title({"patients": pd.DataFrame({"patient_id": ["a", "b", "c"]})}).endswith("a case series of 3 patients")
    assert neutral_title({"patients": pd.DataFrame({"patient_id": ["a"]})}).endswith("a case report")
