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
