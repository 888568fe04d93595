"""The claims register, the recompute functions and the verdicts of the claims audit."""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

import pandas as pd
import pytest

from casebook import audit
from casebook.audit import compare
from casebook.audit.model import FUNCTIONS, Grim
from casebook.data.load import load_claims
from casebook.reports.sts_series import missing_lesion

REQUIRED_FIRST = ["claim_id", "report", "location", "statement", "printed", "recomputed", "verdict", "note"]

# Every number printed in each report (from reading the reports; the tests never read the source texts).
# Each must appear in at least one printed value of that report's claims.
EXPECTED_NUMBERS = {
    "sts-series": [
        72,
        2004,
        100000,
        6,
        150,
        2014,
        5,
        1,
        63,
        49,
        71,
        9,
        4,
        12,  # Introduction, Methods
        59,
        3,
        "12.5",
        0,
        100,
        70,
        "57.5",
        "87.5",
        2,
        30,
        57,
        93,
        65,
        "37.5",
        25,
        "62.5",
        50,
        67,  # Table 1
        80,
        275,
        38,
        10,
        74,
        75,
        85,
        120,
        60,
        35,
        8,
        21,
        90,  # Results
    ],
    "jdm-case": [3, 10, "11.0", "7.3", "19.3", 35, 52, 50, 80, 2, 2012, 9, 1],
}

# Key claims and their printed values, verbatim.
EXPECTED_PRINTED = {
    "sts-intro-dc-prevalence": "up to 72%",
    "sts-intro-first-report-year": "In 2004",
    "sts-intro-solubility": "up to 100,000 times",
    "sts-intro-patients": "6 consecutive patients",
    "sts-methods-period": "From July to December 2014",
    "sts-methods-mean-age": "mean age 63 years",
    "sts-methods-age-range": "age range 49-71 years",
    "sts-methods-vas": "up to a visual analogue (VAS) score of 9",
    "sts-t1-r2-dose": "57.5 (12.5-87.5)",
    "sts-t1-r4-dose": "150 (100-275)",
    "sts-t1-r6-dose": "120 (60-150)",
    "sts-t1-r4-w12-pct": "80",
    "sts-t1-r6-age": "49",
    "sts-results-lesions": "A total of 8 lesions",
    "sts-results-injections": "a total of 21 injections",
    "sts-results-period": "up to a 4-week period",
    "sts-results-dose-range": "ranging from 12.5 to 275",
    "sts-results-reduction-w4": "on average, reduced by 67%",
    "sts-results-reduction-w12": "by 90%",
    "sts-results-complete-remission": "Complete remission was obtained in 50% of patients",
    "sts-results-remaining-share": "the remaining 50%",
    "sts-results-remaining-mean": "80% remission",
    "sts-results-transient-pain": "Most patients reported transient pain",
    "sts-results-infection": "One cutaneous infection",
    "sts-results-fig1-age": "a 59-year-old woman with SSc",
    "jdm-methods-age": "3 years and 10 months",
    "jdm-methods-aldolase-1": "11.0 U/L",
    "jdm-methods-aldolase-limit": "normal < 7.3 U/L",
    "jdm-methods-aldolase-2": "19.3 U/L",
    "jdm-methods-cmas": "35 out of 52",
    "jdm-methods-mmt8": "50 out 80",
    "jdm-methods-alendronate": "two years from disease onset",
    "jdm-methods-sts-3pct": "3% concentration",
    "jdm-methods-sts-10pct": "10% concentration",
    "jdm-methods-citation": "Arabshahi B, et al. J Pediatr 2012",
    "jdm-results-duration": "After 9 months of therapy",
    "jdm-conclusion-reported-once": "reported only once in literature",
}

EXPECTED_VERDICTS = {
    "sts-methods-mean-age": ("consistent", ["all patients in Table 1"]),
    "sts-methods-age-range": ("inconsistent", []),
    "sts-methods-sites": ("inconsistent", []),
    "sts-results-lesions": ("inconsistent", []),
    "sts-results-extremities": ("inconsistent", []),
    "sts-results-injections": ("inconsistent", []),
    "sts-results-reduction-w4": ("inconsistent", []),
    "sts-results-reduction-w12": ("consistent", ["total size of the lesions"]),
    "sts-results-complete-remission": ("inconsistent", []),
    "sts-results-remaining-share": ("inconsistent", []),
    "sts-results-remaining-mean": ("consistent", ["lesions not in complete remission, printed %"]),
    "sts-results-transient-pain": ("inconsistent", []),
    "sts-t1-r4-w12-pct": ("inconsistent", []),
    "sts-t1-r4-w4-pct": ("consistent", ["from the sizes"]),
    "sts-results-dose-range": ("consistent", None),
    "sts-results-period": ("consistent", None),
    "sts-results-infection": ("consistent", None),
    "sts-discussion-infection": ("consistent", None),
    "sts-results-fig1-age": ("consistent", None),
    "sts-results-nsf-death": ("consistent", None),
    "sts-methods-single-rule": ("consistent", ["fingertip lesions < 5 mm that had a single injection"]),
    "sts-methods-weekly-rule": ("consistent", ["weekly regimens lasting 4 weeks, patients who did not die during treatment"]),
    "jdm-methods-aldolase-1": ("consistent", None),
    "jdm-methods-aldolase-2-elevated": ("consistent", None),
    "jdm-methods-citation": ("not derivable", None),
    "jdm-conclusion-reported-once": ("not derivable", None),
    "sts-intro-dc-prevalence": ("not derivable", None),
    "sts-intro-solubility": ("not derivable", None),
}


@pytest.fixture(scope="module")
def claims() -> pd.DataFrame:
    return load_claims()


@pytest.fixture(scope="module")
def data(claims) -> audit.AuditData:
    return audit.load_data(claims)


@pytest.fixture(scope="module")
def results(claims, data) -> pd.DataFrame:
    return audit.audit(claims, data)


def _by_id(results: pd.DataFrame) -> pd.DataFrame:
    return results.set_index("claim_id")


@pytest.fixture(scope="module")
def readings(claims, data):
    """The readings of a claim as {name: value}, through the function the register names."""
    by_id = claims.set_index("claim_id")

    def get(claim_id: str) -> dict:
        c = by_id.loc[claim_id]
        return {r.name: r.value for r in audit.readings_for(c["function"], audit.parse_args(c["args"]), data)}

    return get


# --- the register ------------------------------------------------------------------------------


def test_register_validates_and_has_both_reports(claims):
    counts = claims["report"].value_counts()
    assert counts["sts-series"] >= 90 and counts["jdm-case"] >= 15
    assert claims["claim_id"].is_unique


def test_every_named_function_exists_and_runs(claims, data):
    for _, c in claims.iterrows():
        if c["rule"] == "not_derivable":
            assert pd.isna(c["function"]), f"{c['claim_id']}: a not-derivable claim names no function"
            assert isinstance(c["note"], str) and c["note"], f"{c['claim_id']}: give the reason it is not derivable"
            continue
        assert c["function"] in FUNCTIONS, f"{c['claim_id']}: unknown function {c['function']!r}"
        readings = audit.readings_for(c["function"], audit.parse_args(c["args"]), data)
        assert readings, f"{c['claim_id']}: no reading"
        for r in readings:
            assert r.arithmetic, f"{c['claim_id']}: reading {r.name!r} has no arithmetic"


def test_every_registered_function_is_used(claims):
    assert set(FUNCTIONS) == set(claims["function"].dropna())


@pytest.mark.parametrize("report", sorted(EXPECTED_NUMBERS))
def test_register_covers_every_printed_number(claims, report):
    printed = claims.loc[claims["report"] == report, "printed"]
    found = Counter(p.value for text in printed for p in compare.parse_numbers(text))
    missing = [n for n in EXPECTED_NUMBERS[report] if Fraction(str(n)) not in found]
    assert not missing, f"{report}: numbers printed in the report but in no claim: {missing}"


def test_key_printed_values_verbatim(claims):
    printed = claims.set_index("claim_id")["printed"]
    for cid, text in EXPECTED_PRINTED.items():
        assert printed[cid] == text


def test_every_table1_cell_has_a_claim(claims, data):
    ids = set(claims["claim_id"])
    m = data["sts-series"]["measurements"]
    measured = m[(m["status"] == "measured") & (m["week"] > 0)]
    assert len(measured) == 12
    # 12 printed reductions and 12 follow-up sizes + 7 baseline sizes + 6 ages + 6 doses + 6 treatments
    assert sum(i.startswith("sts-t1-") and "-pct" in i for i in ids) == 12
    assert sum(i.startswith("sts-t1-") and "-size" in i for i in ids) == 19
    for kind in ("age", "dose", "treatment"):
        assert sum(i.startswith("sts-t1-r") and i.endswith(f"-{kind}") for i in ids) == 6


def test_reduction_claims_print_what_the_data_transcribe(claims, data):
    m = data["sts-series"]["measurements"].set_index(["lesion_id", "week"])
    for _, c in claims[claims["function"] == "reduction_pct"].iterrows():
        a = audit.parse_args(c["args"])
        assert m.loc[(a["lesion"], int(a["week"])), "reduction_printed_pct"] == float(c["printed"])


# --- verdicts ------------------------------------------------------------------------------------


def test_output_columns_and_verdicts(results, claims):
    assert list(results.columns[:8]) == REQUIRED_FIRST
    assert len(results) == len(claims)
    assert set(results["verdict"]) <= set(audit.VERDICTS)
    assert (results.loc[results["verdict"] != "not derivable", "arithmetic"] != "").all()


@pytest.mark.parametrize("claim_id", sorted(EXPECTED_VERDICTS))
def test_key_verdicts(results, claim_id):
    verdict, matching = EXPECTED_VERDICTS[claim_id]
    row = _by_id(results).loc[claim_id]
    assert row["verdict"] == verdict, row["arithmetic"]
    if matching is not None:
        assert (row["matching_readings"].split("; ") if row["matching_readings"] else []) == matching


def test_transcribed_claims_are_held_by_the_data(results):
    t = results[results["rule"] == "transcribed"]
    assert len(t) > 40
    assert (t["verdict"] == "consistent").all(), t.loc[t["verdict"] != "consistent", "claim_id"].tolist()
    assert t["note"].str.startswith("Consistent by transcription").all()


def test_inconsistent_claims(results):
    bad = set(results.loc[results["verdict"] == "inconsistent", "claim_id"])
    assert bad == {
        "sts-methods-age-range",
        "sts-methods-sites",
        "sts-t1-r4-w12-pct",
        "sts-results-lesions",
        "sts-results-extremities",
        "sts-results-injections",
        "sts-results-reduction-w4",
        "sts-results-complete-remission",
        "sts-results-remaining-share",
        "sts-results-transient-pain",
    }


def test_week4_mean_readings(readings):
    r = readings("sts-results-reduction-w4")
    assert r["per lesion, printed %"] == Fraction(439, 7)
    assert round(float(r["per lesion, % from sizes"]), 2) == 62.64
    assert r["per patient, printed % (a patient's lesions averaged)"] == Fraction(6325, 100)
    assert r["per lesion, only lesions followed to week 12, printed %"] == 64
    assert r["total size of the lesions"] == Fraction(100 * 174, 323)


def test_week12_mean_readings(readings):
    r = readings("sts-results-reduction-w12")
    assert list(r) == ["per lesion, printed %", "per lesion, % from sizes", "total size of the lesions"]
    assert r["per lesion, printed %"] == 88
    assert round(float(r["per lesion, % from sizes"]), 2) == 89.40
    assert r["total size of the lesions"] == Fraction(100 * 146, 163)


def test_injection_and_lesion_counts(readings):
    r = readings("sts-results-injections")
    assert sorted(r.values()) == [17, 20]
    assert sorted(readings("sts-results-lesions").values()) == [6, 7]


def test_remission_grim(results):
    row = _by_id(results).loc["sts-results-complete-remission"]
    assert "patients followed to week 12: impossible for n=5" in row["grim"]
    assert "all patients in Table 1: possible: 3/6 = 50%" in row["grim"]


def test_remaining_mean_depends_on_the_printed_row4(readings):
    r = readings("sts-results-remaining-mean")
    assert r["lesions not in complete remission, printed %"] == 80
    assert round(float(r["lesions not in complete remission, % from sizes"]), 2) == 82.34


def test_dose_feasibility(results):
    g = _by_id(results)["grim"]
    assert g["sts-t1-r2-dose"].startswith("possible: 4×57.5 - 12.5 - 87.5 = 130")
    assert "only if every other value is at the maximum" in g["sts-t1-r6-dose"]


def test_arithmetic_can_be_checked_by_hand(results):
    a = _by_id(results)["arithmetic"]
    assert "(59+59+65+71+74+49)/6 = 377/6 = 62.83" in a["sts-methods-mean-age"]
    assert "(80-10)/80 × 100 = 87.5%" in a["sts-t1-r4-w12-pct"]
    assert "1+4+4+4+1+3+3" in a["sts-results-injections"]
    assert "(163-17)/163 × 100 = 89.57%" in a["sts-results-reduction-w12"]


def test_missing_lesion_scenarios(data):
    s = missing_lesion.missing_lesion_scenarios(data["sts-series"], 8, 21, "67%", "90%", "50%", "80%")
    assert set(s["injections"]) == {1}
    assert set(s["week12_pct"]) == {100}
    assert s["week4_pct"].min() == 93 and s["week4_pct"].max() == 100


def test_audit_is_deterministic(claims, data, results):
    again = audit.audit(claims, data)
    pd.testing.assert_frame_equal(results, again)


def test_summary_and_counts(results):
    text = audit.summary(results)
    assert "sts-results-reduction-w4" in text and "inconsistent" in text
    counts = audit.verdict_counts(results).set_index("report")
    assert counts.loc["all", "total"] == len(results)


# --- crafted claims through the whole audit --------------------------------------------------------


def _claim(**kw) -> pd.Series:
    base = {
        "claim_id": "x",
        "report": "sts-series",
        "location": "test",
        "statement": "test",
        "printed": "",
        "unit": "",
        "kind": "mean",
        "rule": "rounded",
        "function": "",
        "args": "",
        "source_file": "f",
        "note": "",
    }
    base.update(kw)
    return pd.Series(base)


def test_two_readings_only_one_matches(data):
    # 90% at week 12: the mean of the printed % (88) does not match; the total size (89.57) does
    res = audit.check_claim(_claim(printed="by 90%", function="mean_reduction", args="week=12"), data)
    assert res.verdict == "consistent"
    assert [m.matched for m in res.matches] == [False, False, True]


def test_an_impossible_mean_is_inconsistent_even_if_transcribed(data, monkeypatch):
    # a transcribed 'mean (range)' whose mean cannot lie in its range for n doses
    def fake(data):
        return [audit.Reading("doses", (Fraction(130), Fraction(60), Fraction(150)), "fake", grim=Grim("mean_range", 3))]

    monkeypatch.setitem(FUNCTIONS, "fake_dose", ("sts-series", fake))
    res = audit.check_claim(_claim(printed="130 (60-150)", rule="transcribed", function="fake_dose"), data)
    assert res.verdict == "inconsistent"
    assert "impossible" in res.matches[0].detail


def test_not_derivable(data):
    res = audit.check_claim(_claim(printed="up to 72%", rule="not_derivable", function=None), data)
    assert res.verdict == "not derivable"


def test_missing_lesion_scenarios_take_printed_numbers_from_the_register(data):
    from casebook.data.load import load_claims

    claims = load_claims()
    assert missing_lesion.missing_lesion_scenarios_from_register(data["sts-series"], claims).equals(
        missing_lesion.missing_lesion_scenarios(data["sts-series"], 8, 21, "67%", "90%", "50%", "80%")
    )


def test_grim_flag_is_the_check_not_its_prose(claims, data):
    results = audit.audit(claims, data)
    g = audit.grim_table(results)
    assert g["_impossible"].any() and not g["_impossible"].all()
    impossible = set(g.loc[g["_impossible"], "claim_id"])
    assert "sts-results-complete-remission" in impossible  # 50% of 5 (or 7) is not a possible share
    assert set(results.loc[results["grim_possible"] == "no", "claim_id"]) == impossible


def test_register_views(claims, data):
    results = audit.audit(claims, data)
    view = audit.register_view(results)
    assert view["_inconsistent"].sum() == (results["verdict"] == "inconsistent").sum() > 0
    counts = audit.register_counts(claims)
    assert counts["claims"].sum() == len(claims)
