"""Each comparison rule of casebook.audit.compare on crafted cases."""

from __future__ import annotations

from fractions import Fraction

import pytest

from casebook.audit import compare
from casebook.exceptions import CasebookError


def P(text: str) -> compare.Printed:
    (p,) = compare.parse_numbers(text)
    return p


# --- parsing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "values", "decimals"),
    [
        ("11.0 U/L", [Fraction(11)], [1]),
        ("age range 49-71 years", [49, 71], [0, 0]),
        ("57.5 (12.5-87.5)", [Fraction(115, 2), Fraction(25, 2), Fraction(175, 2)], [1, 1, 1]),
        ("up to 100,000 times", [100000], [0]),
        ("3 years and 10 months", [3, 10], [0, 0]),
        ("two years from disease onset", [2], [0]),
        ("died shortly after the third treatment", [3], [0]),
        ("up to a 4-week period", [4], [0]),
    ],
)
def test_parse_numbers(text, values, decimals):
    parsed = compare.parse_numbers(text)
    assert [p.value for p in parsed] == values
    assert [p.decimals for p in parsed] == decimals


def test_trailing_zero_is_precision():
    assert P("11.0").decimals == 1 and P("11").decimals == 0
    assert compare.matches_printed(Fraction("11.04"), P("11.0")).matched
    assert not compare.matches_printed(Fraction("11.06"), P("11.0")).matched


# --- rounding at the printed precision -----------------------------------------------------------


def test_half_printed_both_ways():
    # 62.5 is an exact half: half-up gives 63, half-to-even 62; both are accepted, and the detail says which.
    up = compare.matches_printed(Fraction(125, 2), P("63"))
    even = compare.matches_printed(Fraction(125, 2), P("62"))
    assert up.matched and "half-up" in up.detail
    assert even.matched and "half-to-even" in even.detail
    assert not compare.matches_printed(Fraction(125, 2), P("61")).matched


def test_half_where_both_roundings_agree():
    # 37.5 -> 38 both ways (8 is even); 37 is neither
    assert compare.matches_printed(Fraction(75, 2), P("38")).matched
    assert not compare.matches_printed(Fraction(75, 2), P("37")).matched


def test_just_below_half_is_not_rounded_up():
    assert not compare.matches_printed(Fraction(62499, 1000), P("63")).matched
    assert compare.matches_printed(Fraction(62499, 1000), P("62")).matched


def test_no_truncation():
    assert not compare.matches_printed(Fraction(626, 10), P("62")).matched  # 62.6 is not 62


def test_decimal_half_both_ways():
    assert compare.matches_printed(Fraction("0.125"), P("0.13")).matched  # half-up
    assert compare.matches_printed(Fraction("0.125"), P("0.12")).matched  # half-to-even


def test_rounding_functions_on_negative_values():
    assert compare.round_half_up(Fraction(-125, 2), 0) == -63
    assert compare.round_half_even(Fraction(-125, 2), 0) == -62


def test_float_inputs_are_taken_at_their_decimal_value():
    # 19.3 as a float is not 19.3 in binary; the comparison must still be exact
    assert compare.to_fraction(19.3) == Fraction(193, 10)
    assert compare.compare("transcribed", "19.3 U/L", 19.3).matched


# --- the rules ---------------------------------------------------------------------------------


def test_exact_counts():
    assert compare.compare("exact", "6 patients", 6).matched
    assert not compare.compare("exact", "A total of 8 lesions", 7).matched


def test_range_both_ends():
    assert compare.compare("range", "ranging from 12.5 to 275", (Fraction(25, 2), Fraction(275))).matched
    m = compare.compare("range", "age range 49-71 years", (49, 74))
    assert not m.matched
    assert "low end: 49 = 49" in m.detail and "high end" in m.detail and "not 71" in m.detail
    assert not compare.compare("range", "49-71", (48, 71)).matched


def test_range_needs_two_numbers():
    with pytest.raises(CasebookError):
        compare.compare("range", "71", (49, 71))


def test_maximum_up_to():
    assert compare.compare("maximum", "up to a 4-week period", 4).matched
    assert not compare.compare("maximum", "up to a 4-week period", 3).matched


def test_approximate_tolerance():
    # 5% of the printed value, never less than half a unit of the last printed digit
    assert compare.compare("approximate", "about 67%", Fraction(64)).matched  # 3 <= 3.35
    assert not compare.compare("approximate", "about 67%", Fraction(63)).matched  # 4 > 3.35
    assert compare.compare("approximate", "about 2", Fraction(245, 100)).matched  # 0.45 <= 0.5
    assert Fraction(1, 20) == compare.APPROX_RELATIVE


def test_most_is_strictly_more_than_half():
    assert not compare.compare("most", "Most patients", Fraction(3, 6)).matched
    assert compare.compare("most", "Most patients", Fraction(4, 7)).matched


def test_all():
    assert compare.compare("all", "all lesions", Fraction(1)).matched
    assert not compare.compare("all", "all lesions", Fraction(5, 7)).matched


def test_text_reading():
    assert compare.compare("transcribed", "From July to December 2014", "July to December 2014").matched
    assert not compare.compare("transcribed", "From July to December 2014", "June to December 2014").matched


def test_transcribed_number_by_number():
    assert compare.compare("transcribed", "35 out of 52", (35, 52)).matched
    assert not compare.compare("transcribed", "35 out of 52", (36, 52)).matched


def test_missing_value_never_matches():
    assert not compare.compare("exact", "6", None).matched


def test_unknown_rule():
    with pytest.raises(CasebookError):
        compare.compare("roughly", "6", 6)


# --- percentages of small n and GRIM -------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "n", "possible"),
    [
        ("50%", 5, False),  # k/5 is 0, 20, 40, 60, 80 or 100%
        ("50%", 6, True),  # 3/6
        ("50%", 7, False),  # 42.9% or 57.1%
        ("67%", 3, True),  # 2/3 = 66.67
        ("67%", 6, True),  # 4/6
        ("33%", 3, True),
        ("80%", 6, False),  # 66.7% or 83.3%
        ("12.5%", 8, True),  # 1/8 exactly
    ],
)
def test_grim_percent_small_n(printed, n, possible):
    ok, text = compare.grim_percent(printed, n)
    assert ok is possible
    assert ("possible" if possible else "impossible") in text


def test_small_n_percentage_rounding():
    # 1 of 3 is 33.33...%, printed 33% (and 33.3%), never 34%
    assert compare.compare("rounded", "33%", Fraction(100, 3)).matched
    assert compare.compare("rounded", "33.3%", Fraction(100, 3)).matched
    assert not compare.compare("rounded", "34%", Fraction(100, 3)).matched


def test_grim_impossible_mean():
    # the classic case: a mean of 5.19 from 28 integers is impossible (145/28 = 5.18, 146/28 = 5.21)
    ok, text = compare.grim_mean("5.19", 28)
    assert not ok and "impossible for n=28" in text
    assert compare.grim_mean("5.18", 28)[0]


def test_grim_mean_integer_and_step():
    ok, text = compare.grim_mean("63", 6)
    assert ok and "378/6 = 63" in text  # the total nearest the printed mean is shown
    # a mean of 4 doses in steps of 12.5 mg: 56.25 = 225/4 is possible, 57.5 (230/4) is not
    assert compare.grim_mean("56.25", 4, step=Fraction(25, 2))[0]
    assert not compare.grim_mean("57.5", 4, step=Fraction(25, 2))[0]
    assert compare.grim_mean("57.5", 4)[0]  # with integer doses it is


def test_mean_range_feasibility():
    assert compare.mean_range_feasible("57.5", Fraction(25, 2), Fraction(175, 2), 4)[0]
    ok, text = compare.mean_range_feasible("120", 60, 150, 3)
    assert ok and "only if every other value is at the maximum" in text
    assert not compare.mean_range_feasible("130", 60, 150, 3)[0]  # 390 - 210 = 180 > 150
    assert not compare.mean_range_feasible("20", 25, 62.5, 4)[0]  # mean below the minimum
    assert compare.mean_range_feasible("12.5", 12.5, 12.5, 1)[0]
    assert not compare.mean_range_feasible("12.5", 10, 15, 1)[0]
    assert compare.mean_range_feasible("50", 40, 60, 2)[0]
    assert not compare.mean_range_feasible("55", 40, 60, 2)[0]


def test_fmt():
    assert compare.fmt(Fraction(377, 6)) == "62.83"
    assert compare.fmt(Fraction(88)) == "88"
    assert compare.fmt(Fraction(175, 2)) == "87.5"
    assert compare.fmt_at(Fraction(11), 1) == "11.0"
