"""An author's own series to a publication with one command, `casebook publish DATA_DIR --out OUT_DIR`, as a user
runs it: on the primary fixture (weeks 2, 8 and 26) and on one with growth, a missed visit, a patient lost to
follow-up, monthly and weekly regimens at 150 and 250 mg/ml, weeks 6, 12 and 24, a manuscript.toml and a draft.

Every expected number is computed here from the folder's CSV files with plain arithmetic (csv, statistics,
Decimal), never with casebook, and looked for in the text of the article's PDF (pdftotext).
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tomllib
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("series-primary", "series-growth")
NOT_SAID = ("printed", "report 2", "six patients", "sts-series", "Table 1 of the")  # primary mode never says these


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def rows(folder: str, table: str) -> list[dict[str, str]]:
    return read_csv(ROOT / "tests" / "fixtures" / folder / f"{table}.csv")


def short(x: float, places: int = 1) -> str:
    """As prose prints a number: rounded half up, no trailing zeros."""
    text = str(Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
    return text.rstrip("0").rstrip(".") if "." in text else text


def expected_weeks(folder: str) -> dict[int, dict]:
    lesions = [r["lesion_id"] for r in rows(folder, "lesions")]
    by_key = {(r["lesion_id"], int(r["week"])): r for r in rows(folder, "measurements")}
    lost_from = {}
    for (lid, week), r in by_key.items():
        if r["status"] == "lost_to_follow_up":
            lost_from[lid] = min(week, lost_from.get(lid, week))
    weeks = sorted({w for _, w in by_key if w > 0})
    out = {}
    for w in weeks:
        reductions, lost, not_recorded = {}, 0, 0
        for lid in lesions:
            r = by_key.get((lid, w))
            if r is not None and r["status"] == "measured":
                base, size = float(by_key[(lid, 0)]["size_mm"]), float(r["size_mm"])
                reductions[lid] = 100 * (base - size) / base
            elif (r is not None and r["status"] == "lost_to_follow_up") or (r is None and lid in lost_from):
                lost += 1
            else:
                not_recorded += 1
        out[w] = {"measured": len(reductions), "lost": lost, "not_recorded": not_recorded, "total": len(lesions),
                  "mean": statistics.mean(reductions.values()), "median": statistics.median(reductions.values()),
                  "grown": {lid: -v for lid, v in reductions.items() if v < 0}}
    return out


@pytest.fixture(scope="module", params=FOLDERS)
def run(request, tmp_path_factory) -> tuple[str, Path]:
    folder, out = request.param, tmp_path_factory.mktemp(request.param) / "out"
    env = {**os.environ, "CASEBOOK_ROOT": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "casebook", "publish", str(ROOT / "tests" / "fixtures" / folder),
                             "--out", str(out)], cwd=out.parent, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"publication written to {out}" in result.stdout
    return folder, out


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    text = re.sub(r"-\n\s*", "-", text)  # a hyphenated word broken over two lines
    return re.sub(r"\s+", " ", text)


@pytest.mark.slow
def test_every_file_is_named_from_the_folder(run):
    folder, out = run
    files = [p for p in out.rglob("*") if p.is_file()]
    assert files and all(p.name.startswith(f"{folder}-") for p in files), [p.name for p in files]
    for name in ("article.pdf", "article.html", "article.docx", "care-checklist.csv", "publication.ipynb"):
        assert (out / f"{folder}-{name}").is_file(), name
    assert (out / "tables" / f"{folder}-table1.csv").is_file() and (out / "figures" / f"{folder}-reduction-per-lesion.svg").is_file()


@pytest.mark.slow
def test_the_pdf_says_what_plain_arithmetic_on_the_csv_files_gives(run):
    folder, out = run
    text = pdf_text(out / f"{folder}-article.pdf")
    patients, lesions, regimens = rows(folder, "patients"), rows(folder, "lesions"), rows(folder, "regimens")
    assert f"It comprises {len(patients)} patients" in text
    assert f"In all, {len(lesions)} lesions were treated" in text
    ages = [int(p["age_years"]) for p in patients]
    assert f"aged {min(ages)} to {max(ages)} years (mean {short(statistics.mean(ages))}" in text
    doses = [float(r["dose_min_mg"]) for r in regimens] + [float(r["dose_max_mg"]) for r in regimens]
    assert f"ranged from {short(min(doses))} to {short(max(doses))} mg" in text
    per_patient = {p["patient_id"]: sum(r["patient_id"] == p["patient_id"] for r in lesions) for p in patients}
    injections = sum(int(r["sessions"]) * per_patient[r["patient_id"]] for r in regimens)
    assert f"Counting every lesion at every visit, {injections} injections were given" in text
    for w, e in expected_weeks(folder).items():
        assert f"At week {w}, {e['measured']} of {e['total']} lesions were measured" in text, w
        if e["lost"]:
            assert f"measured and {e['lost']} {'was' if e['lost'] == 1 else 'were'} lost to follow-up" in text, w
        if e["not_recorded"]:
            assert f"({e['not_recorded']} not recorded at that visit)" in text, w
        verb = "fallen" if e["mean"] >= 0 else "grown"
        assert f"had {verb} by a mean of {short(abs(e['mean']))}% (median {short(abs(e['median']))}%)" in text, w
        for lid, growth in e["grown"].items():
            assert re.search(rf"{lid} \([^)]*\) (had grown )?by {re.escape(short(growth))}%", text), (w, lid)


@pytest.mark.slow
def test_title_authors_and_keywords_come_from_manuscript_toml_or_the_data(run):
    folder, out = run
    text = pdf_text(out / f"{folder}-article.pdf")
    meta_file = ROOT / "tests" / "fixtures" / folder / "manuscript.toml"
    if not meta_file.is_file():
        assert text.strip().startswith(f"Intra-lesional sodium thiosulfate for calcinosis: a case series of "
                                       f"{len(rows(folder, 'patients'))} patients")
        return
    meta = tomllib.loads(meta_file.read_text(encoding="utf-8"))
    assert text.strip().startswith(meta["title"])
    for author in meta["authors"]:
        assert author["name"] in text
    for affiliation in meta["affiliations"].values():
        assert affiliation in text
    assert "; ".join(meta["keywords"]) in text


@pytest.mark.slow
def test_primary_mode_never_mentions_printed_values_or_the_published_report(run):
    folder, out = run
    for path in out.rglob("*"):
        if path.suffix in (".csv", ".md", ".tex", ".html"):
            text = path.read_text(encoding="utf-8")
        elif path.suffix == ".pdf" and path.name.endswith("article.pdf"):
            text = pdf_text(path)
        elif path.suffix == ".ipynb":
            text = json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False)
        else:
            continue
        for words in NOT_SAID:
            assert words.lower() not in text.lower(), (path.name, words)


@pytest.mark.slow
def test_the_draft_is_audited_against_the_data_and_the_checklist_grades_the_article(run):
    folder, out = run
    claims = ROOT / "tests" / "fixtures" / folder / "claims.csv"
    audit_file = out / f"{folder}-draft-audit.csv"
    assert audit_file.is_file() == claims.is_file()
    care = {r["care_item"]: r for r in read_csv(out / f"{folder}-care-checklist.csv")}
    assert len(care) == 13 and care["title"]["status"] == "covered" and care["abstract"]["status"] == "not covered"
    has_keywords = (ROOT / "tests" / "fixtures" / folder / "manuscript.toml").is_file()
    assert care["keywords"]["status"] == ("covered" if has_keywords else "not covered")
    if not claims.is_file():
        return
    verdicts = {r["claim_id"]: r["verdict"] for r in read_csv(audit_file)}
    ages = [int(p["age_years"]) for p in rows(folder, "patients")]
    for claim in read_csv(claims):
        if claim["function"] == "mean_age":  # the draft's mean age against the ages' mean, rounded half up
            printed = int(re.search(r"\d+", claim["printed"]).group())
            right = int(Decimal(repr(statistics.mean(ages))).quantize(Decimal(1), rounding=ROUND_HALF_UP)) == printed
            assert verdicts[claim["claim_id"]] == ("consistent" if right else "inconsistent")
    assert "Appendix: audit of the authors' draft" in pdf_text(out / f"{folder}-article.pdf")
