"""check_parameters turns papermill's warnings about parameters into errors."""

import pytest

from casebook import ParameterError
from casebook.engine.parameters import check_parameters


def _ns(**injected):
    ns = {"__annotations__": {"data_dir": str, "weeks": list, "dose": float}, "data_dir": "data", "weeks": [4], "dose": 150.0}
    ns.update(injected)
    return ns


def test_declared_parameters_are_returned():
    assert check_parameters(_ns()) == {"data_dir": "data", "weeks": [4], "dose": 150.0}


def test_override_of_the_right_type_passes_and_int_counts_as_float():
    assert check_parameters(_ns(dose=100))["dose"] == 100


def test_unknown_parameter_is_an_error():
    with pytest.raises(ParameterError, match="unknown parameter.*data_dri.*accepts: data_dir, dose, weeks"):
        check_parameters(_ns(data_dri="x"))


@pytest.mark.parametrize("name,value", [("data_dir", 3), ("weeks", "4,12"), ("dose", "150"), ("dose", True)])
def test_wrongly_typed_value_is_an_error(name, value):
    with pytest.raises(ParameterError, match=f"parameter '{name}' must be"):
        check_parameters(_ns(**{name: value}))


def test_hostile_string_stays_a_string():
    value = '"); import os; os.system("echo pwned")  #'
    assert check_parameters(_ns(data_dir=value))["data_dir"] == value


def test_kernel_names_modules_and_functions_are_not_parameters():
    import math

    ns = _ns(In=[], Out={}, get_ipython=lambda: None, math=math, _private=1, check_parameters=check_parameters)
    assert set(check_parameters(ns)) == {"data_dir", "weeks", "dose"}


def test_no_declared_parameters_is_an_error():
    with pytest.raises(ParameterError, match="declares no parameter"):
        check_parameters({"x": 1})


@pytest.mark.parametrize("text", ["4,12", "[4, 8]"])
def test_a_list_passed_as_text_says_how_to_pass_a_list(text):
    with pytest.raises(ParameterError) as info:
        check_parameters(_ns(weeks=text))
    assert str(info.value) == (
        f"parameter 'weeks' must be list, got str {text!r}; pass a list as YAML with "
        "papermill's -y, e.g. -y 'weeks: [4, 12]' (-p passes text)"
    )


def test_a_parameter_error_shows_as_one_line_not_a_traceback():
    # IPython (hence papermill and the build) renders _render_traceback_ instead of the package's frames.
    with pytest.raises(ParameterError) as info:
        check_parameters(_ns(weekz=[4]))
    assert info.value._render_traceback_() == [f"ParameterError: {info.value}"]
    assert str(info.value).startswith("unknown parameter(s): weekz; this notebook accepts:")
