"""An author's own series (tests/fixtures/series-primary: primary data, growth, missed visits, mixed regimens and
concentrations, weeks 2, 8 and 26) run through the report-2 notebook with papermill, as a user would.

Every expected number is computed here from the fixture's CSV files with plain arithmetic (csv, statistics,
Decimal), never with casebook, and compared with what the notebook wrote.
"""

from __future__ import annotations

import csv
import os
import statistics
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "series-primary"
NOTEBOOK = ROOT / "notebooks" / "02-sts-series-intralesional-thiosulfate.ipynb"
WEEKS = (2, 8, 26)


def rows(table: str) -> list[dict[str, str]]:
    with open(FIXTURE / f"{table}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def half_up(x: float, places: int = 1) -> str:
    """x rounded half up to `places` decimals, trailing zeros kept (how the outcomes table prints)."""
    return str(Decimal(repr(x)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def short(x: float, places: int = 1) -> str:
    """As prose prints a number: rounded half up, no trailing zeros."""
    text = half_up(x, places)
    return text.rstrip("0").rstrip(".") if "." in text else text


def expected_weeks() -> dict[int, dict]:
    """Per follow-up week: lesions measured / lost / not recorded, mean and median reduction, complete remissions."""
    lesions = [r["lesion_id"] for r in rows("lesions")]
    owner = {r["lesion_id"]: r["patient_id"] for r in rows("lesions")}
    by_key = {(r["lesion_id"], int(r["week"])): r for r in rows("measurements")}
    lost_from = {}
    for (lid, week), r in by_key.items():
        if r["status"] == "lost_to_follow_up":
            lost_from[lid] = min(week, lost_from.get(lid, week))
    out = {}
    for w in WEEKS:
        reductions, lost, not_recorded, complete, per_patient = {}, 0, 0, 0, {}
        for lid in lesions:
            r = by_key.get((lid, w))
            if r is not None and r["status"] == "measured":
                base, size = float(by_key[(lid, 0)]["size_mm"]), float(r["size_mm"])
                reductions[lid] = 100 * (base - size) / base
                complete += size == 0
                per_patient.setdefault(owner[lid], []).append(reductions[lid])
            elif (r is not None and r["status"] == "lost_to_follow_up") or (r is None and lid in lost_from and w > lost_from[lid]):
                lost += 1
            else:
                not_recorded += 1
        patient_means = [statistics.mean(v) for v in per_patient.values()]
        out[w] = {"measured": len(reductions), "lost": lost, "not_recorded": not_recorded, "complete": complete,
                  "mean": statistics.mean(reductions.values()), "median": statistics.median(reductions.values()),
                  "patients_measured": len(per_patient), "patient_mean": statistics.mean(patient_means),
                  "grown": {lid: -v for lid, v in reductions.items() if v < 0}}
    return out


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("primary")
    env = {**os.environ, "CASEBOOK_ROOT": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "papermill", "--no-progress-bar", "-k", "python3", str(NOTEBOOK), str(out / "series.ipynb"),
         "-p", "data_dir", "tests/fixtures/series-primary", "-p", "tables_dir", str(out / "tables"),
         "-p", "figures_dir", str(out / "figures"), "-y", "figure_formats: [png]",
         "-y", f"follow_up_weeks: {list(WEEKS)}"],
        cwd=out, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return out


def table(run: Path, stem: str) -> list[dict[str, str]]:
    with open(run / "tables" / f"{stem}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.slow
def test_outcomes_match_independent_arithmetic(run):
    got = {(int(r["Week"]), r["Unit"]): r for r in table(run, "sts-series-outcomes")}
    for w, e in expected_weeks().items():
        lesion, patient = got[(w, "lesion")], got[(w, "patient")]
        assert int(lesion["Measured"]) == e["measured"] and int(lesion["Lost to follow-up"]) == e["lost"]
        assert int(lesion["Not recorded"]) == e["not_recorded"]
        assert lesion["Mean reduction from sizes, %"] == half_up(e["mean"])
        assert lesion["Median reduction from sizes, %"] == half_up(e["median"])
        assert lesion["Complete remission, n of measured"] == f"{e['complete']} of {e['measured']}"
        assert int(patient["Measured"]) == e["patients_measured"]  # a patient with any lesion measured
        assert patient["Mean reduction from sizes, %"] == half_up(e["patient_mean"])
    assert not any("printed" in column.lower() for column in got[(WEEKS[0], "lesion")]), "primary data print nothing"


@pytest.mark.slow
def test_doses_volumes_and_injections_use_each_patients_data(run):
    regimens = {r["patient_id"]: r for r in rows("regimens")}
    lesions_of = {}
    for r in rows("lesions"):
        lesions_of[r["patient_id"]] = lesions_of.get(r["patient_id"], 0) + 1
    doses = {r["patient_id"]: r for r in table(run, "sts-series-doses")}
    for pid, r in regimens.items():
        conc = float(r["concentration_mg_per_ml"])
        assert float(doses[pid]["concentration_mg_per_ml"]) == conc  # as recorded, not the notebook's parameter
        assert float(doses[pid]["volume_mean_ml"]) == pytest.approx(float(r["dose_mean_mg"]) / conc, abs=5e-4)
        assert float(doses[pid]["volume_max_ml"]) == pytest.approx(float(r["dose_max_mg"]) / conc, abs=5e-4)
    injections = {r["patient_id"]: r for r in table(run, "sts-series-injections")}
    per_lesion = sum(int(r["sessions"]) * lesions_of[pid] for pid, r in regimens.items())
    per_visit = sum(int(r["sessions"]) for r in regimens.values())
    assert int(injections["Total"]["injections_per_lesion_reading"]) == per_lesion
    assert int(injections["Total"]["injections_per_visit_reading"]) == per_visit


@pytest.mark.slow
def test_table1_cells_in_the_datas_own_terms(run):
    text = (run / "tables" / "sts-series-table1.md").read_text(encoding="utf-8")
    sizes = {(r["lesion_id"], int(r["week"])): r for r in rows("measurements")}
    for (lid, week), r in sizes.items():
        if week and r["status"] == "measured":
            base, size = float(sizes[(lid, 0)]["size_mm"]), float(r["size_mm"])
            cell = f"{short(size)}/{short(100 * (base - size) / base, 0)}"
            assert cell in text, cell
    assert "Every 2 weeks" not in text and "Repeated injection" not in text  # not the published report's wording
    assert "4 injections every 2 weeks (both)" in text and "3 injections every month (all 3)" in text
    assert "Pulpe du médius; Coude (olécrane)" in text and "Cuisse – face latérale" in text
    assert "Hyperpigmentation at the injection site" in text  # a value the folder's vocabulary adds
    assert not (run / "tables" / "sts-series-table1-corrected.csv").exists()


@pytest.mark.slow
def test_summary_says_what_the_data_say(run):
    text = (run / "tables" / "sts-series-case-summary.md").read_text(encoding="utf-8")
    patients = rows("patients")
    sexes = [p["sex"] for p in patients]
    assert f"{sexes.count('female')} women, {sexes.count('male')} men and {sexes.count('not reported')} patient of unreported sex" in text
    died = sum(p["vital_status"] == "died" for p in patients)
    assert f"By the end of follow-up {died} patients had died, and their" in text
    concentrations = [r["concentration_mg_per_ml"] for r in rows("regimens")]
    assert (f"150 mg/ml for {concentrations.count('150')} patients and 250 mg/ml for {concentrations.count('250')} patients"
            in text)
    assert "The series covers patients treated from March 2021 to February 2022." in text
    for w, e in expected_weeks().items():
        verb = "fallen" if e["mean"] >= 0 else "grown"
        assert f"At week {w}, {e['measured']} of 9 lesions were measured" in text
        assert f"had {verb} by a mean of {short(abs(e['mean']))}%" in text
        for lid, growth in e["grown"].items():
            assert f"{lid} (" in text and f"by {short(growth)}%" in text
    assert "printed" not in text.lower()
    assert "{{" not in text and "cite" not in text and "Sources:" not in text  # the written summary: no markup


@pytest.mark.slow
def test_the_notebook_shows_each_summary_sentence_with_its_sources(run):
    """The sources resolve for an author's own series: the notebook shows them on hover, all from the data."""
    import json

    nb = json.loads((run / "series.ipynb").read_text(encoding="utf-8"))
    shown = ["".join(o["data"]["text/markdown"]) for c in nb["cells"] for o in c.get("outputs", [])
             if "text/markdown" in o.get("data", {}) and "### Methods" in "".join(o["data"]["text/markdown"])]
    assert len(shown) == 1 and shown[0].count('<span title="Sources: ') > 15
    assert "measurements[week=26].status" in shown[0] and "reduction_printed_pct" not in shown[0]  # nothing printed
