"""Each CertLogic operation against the specification's semantics, type rules included."""

from __future__ import annotations

from typing import Any

import pytest

from screening.certlogic import DateTime, EvaluationError, boolsiness, evaluate, to_json


def value(expr: Any, data: Any = None) -> Any:
    result = evaluate(expr, data)
    assert not isinstance(result, EvaluationError), result
    return result


def error(expr: Any, data: Any = None) -> str:
    result = evaluate(expr, data)
    assert isinstance(result, EvaluationError), f"expected an error, got {result!r}"
    return result.message


def date(text: str) -> dict[str, Any]:
    return {"plusTime": [text, 0, "day"]}


# Literals


@pytest.mark.parametrize("literal", ["", "text", 0, 42, -7, True, False])
def test_literals_evaluate_to_themselves(literal):
    assert value(literal) == literal and type(value(literal)) is type(literal)


def test_arrays_evaluate_item_by_item():
    assert value([1, {"var": "a"}, ["x"]], {"a": "A"}) == [1, "A", ["x"]]


@pytest.mark.parametrize("literal", [None, 1.5, {}, {"a": 1, "b": 2}, {"var": "a", "if": []}])
def test_null_floats_and_object_literals_are_errors(literal):
    error(literal)


def test_an_integer_valued_float_counts_as_an_integer_as_in_javascript():
    assert value({"+": [2.0, 1]}) == 3


@pytest.mark.parametrize("expr", [{"nope": [1]}, {"or": [True, False]}, {"==": [1, 1]},
                                  {"!!": [1]}, {"-": [2, 1]}, {"*": [2, 1]}, {"missing": ["a"]}])
def test_jsonlogic_operators_outside_certlogic_are_errors(expr):
    assert "unrecognised operator" in error(expr)


@pytest.mark.parametrize("expr", [{"if": []}, {"and": "x"}, {"===": {}}, {"!": 1}])
def test_operands_must_be_a_non_empty_array(expr):
    error(expr)


# Truthy, falsy and neither


@pytest.mark.parametrize("falsy", [False, None, "", 0, 0.0, [], {}])
def test_falsy_values(falsy):
    assert boolsiness(falsy) is False


@pytest.mark.parametrize("truthy", [True, "0", "false", 1, -1, [0], [[]], {"a": None}])
def test_truthy_values(truthy):
    assert boolsiness(truthy) is True


def test_a_date_time_is_neither_truthy_nor_falsy():
    moment = value(date("2021-01-01"))
    assert boolsiness(moment) is None
    assert "neither truthy nor falsy" in error({"!": [date("2021-01-01")]})
    assert "neither truthy nor falsy" in error({"if": [date("2021-01-01"), 1, 2]})
    assert "neither truthy nor falsy" in error({"and": [True, date("2021-01-01")]})


# var


DATA = {"a": {"b": [10, {"c": "deep"}], "n": None}, "x": 0}


@pytest.mark.parametrize(("path", "expected"), [
    ("a.b.0", 10), ("a.b.1.c", "deep"), ("x", 0), ("a.n", None), ("a.missing", None),
    ("a.b.2", None), ("a.b.x", None), ("a.b.0.c", None), ("a.n.deeper", None),
    ("nope.nope.nope", None), ("a.b.-1", None)])
def test_var_drills_down_and_answers_null_for_anything_missing(path, expected):
    assert value({"var": path}, DATA) == expected


def test_var_with_the_empty_path_is_the_whole_data():
    assert value({"var": ""}, DATA) is DATA


def test_var_reads_null_and_scalar_data_as_null():
    assert value({"var": "a"}, None) is None
    assert value({"var": "a.b"}, "text") is None


@pytest.mark.parametrize("form", [{"var": ["a", "default"]}, {"var": 0}, {"var": None},
                                  {"var": ["a"]}])
def test_var_defaults_and_non_string_paths_are_errors(form):
    error(form, DATA)


# if


def test_if_picks_a_branch_by_truthiness_and_evaluates_only_that_branch():
    broken = {"nope": [1]}
    assert value({"if": [{"var": "x"}, broken, "else"]}, DATA) == "else"
    assert value({"if": [[1], "then", broken]}) == "then"


@pytest.mark.parametrize("operands", [[True], [True, 1], [True, 1, 2, 3]])
def test_if_takes_exactly_three_operands(operands):
    error({"if": operands})


# ===


@pytest.mark.parametrize(("left", "right", "expected"), [
    ("a", "a", True), ("a", "b", False), (1, 1, True), (1, 2, False), (True, True, True),
    (1, True, False), (0, False, False), ("1", 1, False), ("", False, False),
    ({"var": "a.n"}, {"var": "a.missing"}, True), (0, {"var": "a.n"}, False),
])
def test_strict_equality_never_coerces(left, right, expected):
    assert value({"===": [left, right]}, DATA) is expected


def test_strict_equality_compares_arrays_objects_and_dates_by_identity():
    assert value({"===": [[1], [1]]}) is False
    assert value({"===": [{"var": "a"}, {"var": "a"}]}, DATA) is True  # the same object
    assert value({"===": [date("2021-01-01"), date("2021-01-01")]}) is False


def test_strict_equality_takes_two_operands():
    error({"===": [1]})
    error({"===": [1, 1, 1]})


# and


def test_and_returns_the_first_falsy_operand_or_the_last_one_without_coercion():
    assert value({"and": [1, "", True]}) == ""
    assert value({"and": [1, 0, {"nope": []}]}) == 0  # lazy: the broken operand is never read
    assert value({"and": [True, "yes", [1]]}) == [1]


def test_and_needs_two_operands():
    error({"and": [True]})


# !


@pytest.mark.parametrize(("operand", "expected"), [
    (True, False), (False, True), (0, True), (7, False), ("", True), ("x", False),
    ([], True), ([0], False), ({"var": "a.n"}, True), ({"var": "a"}, False)])
def test_not_negates_truthiness(operand, expected):
    assert value({"!": [operand]}, DATA) is expected


# in


def test_in_checks_membership_with_strict_equality():
    assert value({"in": ["EU/1/20/1528", ["EU/1/20/1507", "EU/1/20/1528"]]}) is True
    assert value({"in": ["x", []]}) is False
    assert value({"in": [1, ["1", True]]}) is False
    assert value({"in": [{"var": "a.n"}, [{"var": "a.n"}]]}, DATA) is True


@pytest.mark.parametrize("collection", ["abc", {"var": "a.n"}, 1, {"var": "a"}])
def test_in_needs_an_array_on_the_right(collection):
    assert "must be an array" in error({"in": ["a", collection]}, DATA)


# +


def test_plus_adds_two_integers_only():
    assert value({"+": [2, {"var": "x"}]}, DATA) == 2
    assert value({"+": [-3, 5]}) == 2
    for bad in (["1", 1], [1, None], [True, 1], [1.5, 1], [1, [1]]):
        error({"+": bad})
    error({"+": [1, 2, 3]})


# < > <= >=


@pytest.mark.parametrize(("operator", "operands", "expected"), [
    ("<", [1, 2], True), ("<", [2, 2], False), (">", [3, 2], True), (">", [2, 2], False),
    ("<=", [2, 2], True), ("<=", [3, 2], False), (">=", [2, 2], True), (">=", [1, 2], False),
    ("<", [1, 2, 3], True), ("<", [1, 3, 2], False), ("<=", [1, 1, 1], True),
    (">=", [3, 2, 2], True), (">", [3, 2, 2], False)])
def test_integer_comparisons_in_binary_and_ternary_form(operator, operands, expected):
    assert value({operator: operands}) is expected


@pytest.mark.parametrize("operands", [["1", 2], [1, {"var": "n"}], [1, True], [{"var": "f"}, 2],
                                      [date("2021-01-01"), date("2021-01-02")]])
def test_integer_comparisons_refuse_other_types(operands):
    assert "must be integers" in error({"<": operands}, {"n": None, "f": 1.5})


@pytest.mark.parametrize("operands", [[1], [1, 2, 3, 4]])
def test_comparisons_take_two_or_three_operands(operands):
    error({"<": operands})
    error({"before": [date("2021-01-01")] * len(operands)})


# before, after, not-before, not-after


@pytest.mark.parametrize(("operator", "left", "right", "expected"), [
    ("before", "2021-01-01", "2021-01-02", True), ("before", "2021-01-02", "2021-01-02", False),
    ("after", "2021-01-03", "2021-01-02", True), ("after", "2021-01-02", "2021-01-02", False),
    ("not-after", "2021-01-02", "2021-01-02", True), ("not-after", "2021-01-03", "2021-01-02",
                                                      False),
    ("not-before", "2021-01-02", "2021-01-02", True),
    ("not-before", "2021-01-01", "2021-01-02", False)])
def test_date_comparisons(operator, left, right, expected):
    assert value({operator: [date(left), date(right)]}) is expected


def test_date_comparisons_compare_instants_across_time_zones():
    # 12:00 in Hanoi (+07:00) is 05:00 UTC: before 06:00 UTC, although its wall time is later.
    assert value({"before": [date("2021-06-01T12:00:00+07:00"),
                             date("2021-06-01T06:00:00Z")]}) is True
    assert value({"not-after": [date("2021-06-01T12:00:00+07:00"),
                                date("2021-06-01T05:00:00Z"),
                                date("2021-06-01T00:00:00-05:00")]}) is True


def test_date_comparisons_in_ternary_form():
    low, mid, high = date("2021-01-01"), date("2021-06-01"), date("2022-01-01")
    assert value({"before": [low, mid, high]}) is True
    assert value({"before": [low, high, mid]}) is False
    assert value({"not-before": [high, mid, mid]}) is True


@pytest.mark.parametrize("other", ["2021-01-01", 20210101, {"var": "missing"}])
def test_date_comparisons_refuse_anything_but_date_times(other):
    assert "must be date-times" in error({"before": [date("2021-01-01"), other]}, {})


# plusTime


def test_plus_time_makes_a_date_time_from_a_string():
    moment = value({"plusTime": [{"var": "d"}, 1, "day"]}, {"d": "2021-06-01"})
    assert isinstance(moment, DateTime) and to_json(moment) == "2021-06-02T00:00:00.000Z"


@pytest.mark.parametrize("operands", [
    [{"plusTime": ["2021-01-01", 0, "day"]}, 1, "day"],  # nested: operand 1 is no string
    [None, 1, "day"], [20210101, 1, "day"],
    ["2021-01-01", "1", "day"], ["2021-01-01", 1.5, "day"], ["2021-01-01", {"var": "n"}, "day"],
    ["2021-01-01", 1, "week"], ["2021-01-01", 1, "days"], ["2021-01-01", 1, {"var": "u"}],
    ["2021-01-01", 1]])
def test_plus_time_type_rules(operands):
    error({"plusTime": operands}, {"n": 1, "u": "day"})


# dccDateOfBirth


@pytest.mark.parametrize(("born", "expected"), [
    ("1990-04-02", "1990-04-02T00:00:00.000Z"), ("1990-04", "1990-04-30T00:00:00.000Z"),
    ("2000-02", "2000-02-29T00:00:00.000Z"), ("1990", "1990-12-31T00:00:00.000Z")])
def test_date_of_birth_rounds_partial_dates_up(born, expected):
    assert to_json(value({"dccDateOfBirth": [born]})) == expected


@pytest.mark.parametrize("born", ["1990-XX-XX", "90-04-02", "", "1990-13", None, 1990])
def test_date_of_birth_refuses_other_input(born):
    error({"dccDateOfBirth": [born]})


# reduce


def test_reduce_is_a_left_fold_over_current_and_accumulator():
    count_doses = {"reduce": [{"var": "v"}, {"+": [{"var": "accumulator"}, {"var": "current.dn"}]},
                              0]}
    assert value(count_doses, {"v": [{"dn": 1}, {"dn": 2}, {"dn": 3}]}) == 6
    order = {"reduce": [[1, 2, 3], {"if": [{"var": "accumulator"}, {"var": "current"}, -1]}, 0]}
    assert value(order) == 3


def test_reduce_of_an_empty_array_or_null_is_the_initial_value():
    assert value({"reduce": [[], {"nope": []}, "start"]}) == "start"
    assert value({"reduce": [{"var": "missing"}, {"nope": []}, "start"]}, {}) == "start"


def test_reduce_lambda_does_not_see_the_outer_data():
    expr = {"reduce": [[1], {"var": "outer"}, "start"]}
    assert value(expr, {"outer": "visible"}) is None
    assert value({"reduce": [[1], {"var": "data"}, 0]}, {"outer": 1}) is None


@pytest.mark.parametrize("operand", ["abc", 1, {"var": "o"}])
def test_reduce_refuses_non_arrays(operand):
    error({"reduce": [operand, {"var": "current"}, 0]}, {"o": {"a": 1}})


def test_reduce_takes_three_operands():
    error({"reduce": [[1], {"var": "current"}]})


# extractFromUVCI


UVCI = "URN:UVCI:01:VN:BYT/2021#X"


@pytest.mark.parametrize(("index", "expected"), [
    (0, "01"), (1, "VN"), (2, "BYT"), (3, "2021"), (4, "X"), (5, None), (-1, None)])
def test_extract_from_uvci_splits_on_slash_hash_and_colon(index, expected):
    assert value({"extractFromUVCI": [{"var": "ci"}, index]}, {"ci": UVCI}) == expected


def test_extract_from_uvci_keeps_empty_fragments_and_an_optional_prefix():
    assert [value({"extractFromUVCI": ["a::c/#/f", i]}) for i in range(7)] == [
        "a", "", "c", "", "", "f", None]
    assert value({"extractFromUVCI": ["01:VN:X", 1]}) == "VN"
    assert value({"extractFromUVCI": ["urn:uvci:01:VN", 0]}) == "urn"  # the prefix is case-exact


def test_extract_from_uvci_of_null_is_null():
    assert value({"extractFromUVCI": [{"var": "missing"}, 0]}, {}) is None


@pytest.mark.parametrize("operands", [[1, 0], [["a"], 0], ["a:b", "0"], ["a:b", 0.5],
                                      ["a:b", {"var": "i"}], ["a:b"]])
def test_extract_from_uvci_type_rules(operands):
    error({"extractFromUVCI": operands}, {"i": 0})
