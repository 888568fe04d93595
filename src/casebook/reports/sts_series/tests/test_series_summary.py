"""casebook.reports.sts_series.summary: the case summary is written from data, and only what the data support is written."""

from __future__ import annotations

import pytest

from casebook.reports.sts_series import summary as ss

from helpers import copy_tables, lose_week


def test_numbers_are_computed(tables):
    text = ss.case_summary(tables, [4, 12], 150.0)
    for expected in (
        "6 patients, all women",
        "aged 49 to 74 years",
        "5 had systemic sclerosis (SSc)",
        "1 had nephrogenic systemic fibrosis (NSF)",
        "7 lesions",
        "20 injections",
        "counting treatment visits, 17",
        "12.5 to 275 mg",
        "0.08 to 1.83 ml at 150 mg/ml",
        "At week 4, 7 of 7 lesions",
        "mean of 62.6%",
        "median 58.8%",
        "5 of 7 lesions were measured and 2 were lost to follow-up",
        "mean of 89.4%",
        "prints a reduction of 80%",
        "give 87.5%",
        "July 2014 to December 2014",
        "1 patient had an infection (week 2)",
        "3 patients had transient pain",
    ):
        assert expected in text, expected
    assert "NSE" not in text


def test_concentration_parameter_changes_the_volumes(tables):
    # 12.5 / 100 = 0.125 ml, rounded half-up (casebook.text)
    assert "0.13 to 2.75 ml at 100 mg/ml" in ss.case_summary(tables, [4, 12], 100.0)


def test_own_words_not_the_report_sentences(tables):
    text = ss.case_summary(tables)
    for sentence in (
        "Complete remission was obtained",
        "were, on average, reduced by",
        "All patients were women",
        "Most patients reported transient pain",
    ):
        assert sentence not in text


def test_no_complication_recorded_is_said_not_guessed(tables):
    t = copy_tables(tables)
    t["complications"] = t["complications"].iloc[0:0]
    text = ss.case_summary(t)
    assert "No complication is recorded for any patient." in text
    assert "transient pain" not in text and "had none" not in text


def test_complications_partly_recorded_says_so(tables):
    t = copy_tables(tables)
    t["complications"] = t["complications"][t["complications"]["patient_id"] != "P4"]
    assert "No complications are recorded for 1 patient." in ss.case_summary(t)


def test_no_mean_when_all_lesions_lost_at_a_week(tables):
    t = lose_week(tables, 12)
    text = ss.case_summary(t)
    assert "No lesion was measured at week 12 (7 of 7 lost to follow-up)." in text
    results = text.split("### Results", 1)[1]
    week12 = results[results.index("week 12") :]
    assert "mean" not in week12 and "median" not in week12
    assert "At week 4, 7 of 7 lesions" in text


def test_unsupported_sentences_are_not_written(tables):
    t = copy_tables(tables)
    t["study"] = t["study"][~t["study"]["key"].isin(["period_start", "period_end"])]
    t["patients"] = t["patients"].assign(anti_centromere="not reported", vital_status="alive")
    text = ss.case_summary(t)
    assert "treated from" not in text
    assert "nti-centromere" not in text
    assert "died" not in text


def test_one_dose_printed_for_two_lesions_is_flagged(tables):
    assert "do not say whether it went into each lesion or was shared" in ss.case_summary(tables)


def test_printed_mean_sentence_only_where_printed_differs(tables):
    t = copy_tables(tables)
    t["measurements"]["reduction_printed_pct"] = float("nan")
    assert "printed" not in ss.case_summary(t)


@pytest.mark.slow  # writes the summary twice (a second): make test, not make check
def test_write_summary_is_deterministic(tables, tmp_path):
    a = ss.write_summary(tables, tmp_path / "a").read_bytes()
    b = ss.write_summary(tables, tmp_path / "b").read_bytes()
    assert a == b and a.startswith(b"## Case summary")


@pytest.mark.parametrize("n_ssc, words", [(1, "in the patient with SSc"),
                                          pytest.param(2, "in both patients with SSc", marks=pytest.mark.slow),
                                          pytest.param(5, "in all 5 patients with SSc", marks=pytest.mark.slow)])
def test_plurals_follow_the_counts(tables, n_ssc, words):
    t = copy_tables(tables)
    pat = t["patients"]
    keep = list(pat.loc[pat["diagnosis"] == "SSc", "patient_id"])[:n_ssc] + list(pat.loc[pat["diagnosis"] != "SSc", "patient_id"])
    for name in ("patients", "lesions", "regimens", "complications"):
        t[name] = t[name][t[name]["patient_id"].isin(keep)].reset_index(drop=True)
    lesions = set(t["lesions"]["lesion_id"])
    t["measurements"] = t["measurements"][t["measurements"]["lesion_id"].isin(lesions)].reset_index(drop=True)
    assert f"Anti-centromere antibodies were present {words}." in ss.case_summary(t)


def test_a_recomputed_mean_cited_as_the_printed_one_is_found(tables):
    """A planted sentence: the mean from the sizes (62.6) cited to the printed reductions (mean 62.7)."""
    from casebook.manuscript.prose import data_sources
    from casebook.manuscript.template import Template, disagreements, unsourced

    prose = ss.prose(tables, [4, 12])
    wrong = "The printed reductions average {{ w4_mean }}%. {{ cite: measurements[week=4].reduction_printed_pct }}"
    found = disagreements(Template(prose.file, prose.text + wrong + "\n"), prose.registry, data_sources("sts-series", tables))
    assert len(found) == 1 and "{{ w4_mean }} = 62.6 agrees with none of its sources" in found[0]
    right = wrong.replace("w4_mean", "w4_printed_mean")
    assert disagreements(Template(prose.file, prose.text + right + "\n"), prose.registry, data_sources("sts-series", tables)) == []
    unsourced_found = unsourced(Template(prose.file, prose.text + "All lesions healed.\n"))
    assert len(unsourced_found) == 1 and unsourced_found[0].endswith(": All lesions healed.")


def test_the_summary_hedges_as_its_data_do(tables):
    text = ss.case_summary(tables, [4, 12])
    assert "2 patients had none reported" in text  # 'none' in the complications table is 'none reported'
    assert "By the end of follow-up 1 patient had died" in text  # vital status at the end of follow-up
    assert "Sizes are reported at baseline and at follow-up weeks 4 and 12." in text  # not 'every lesion measured'
    assert "could not be measured at week 12" in text
