"""The CertLogic evaluator (specification 1.3.x): `evaluate(expression, data)` never raises."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from screening.certlogic import dates
from screening.certlogic.dates import DateTime, DateTimeError
from screening.certlogic.values import boolsiness, is_int, strict_equal

INTEGER_COMPARISONS = ("<", ">", "<=", ">=")
DATE_COMPARISONS = {"before": "<", "after": ">", "not-after": "<=", "not-before": ">="}
UVCI_PREFIX = "URN:UVCI:"
UVCI_SEPARATORS = re.compile(r"[/#:]")


@dataclass(frozen=True)
class EvaluationError:
    """Why an expression could not be evaluated; a rule that meets one is neither met nor failed."""

    message: str


class _Invalid(Exception):
    """An invalid expression or a type error: CertLogic says evaluation stops here."""


def evaluate(expression: Any, data: Any) -> Any:
    """The value of a CertLogic expression over `data`, or an EvaluationError; never raises."""
    try:
        return _eval(expression, data)
    except (_Invalid, DateTimeError) as exc:
        return EvaluationError(str(exc))
    except RecursionError:
        return EvaluationError("expression nested too deeply")


def _eval(expr: Any, data: Any) -> Any:
    if isinstance(expr, str | bool):
        return expr
    if is_int(expr):
        return int(expr)
    if isinstance(expr, list):
        return [_eval(item, data) for item in expr]
    if not isinstance(expr, dict):
        raise _Invalid(f"invalid CertLogic expression: {_shown(expr)}")
    if len(expr) != 1:
        raise _Invalid("an operation object has exactly one operator key")
    (operator, operands), = expr.items()
    if operator == "var":
        return _var(operands, data)
    if not isinstance(operands, list) or not operands:
        raise _Invalid(f'operation not of the form {{"{_shown(operator)}": [operands…]}}')
    handler = OPERATIONS.get(operator) if isinstance(operator, str) else None
    if handler is None:
        raise _Invalid(f"unrecognised operator: {_shown(operator)}")
    return handler(operator, operands, data)


def _var(path: Any, data: Any) -> Any:
    # A default value ({"var": [path, default]}) is not CertLogic; nor is a numeric path.
    if not isinstance(path, str):
        raise _Invalid('not of the form {"var": "<path>"}')
    if path == "":
        return data
    value = data
    for fragment in path.split("."):
        if isinstance(value, dict):
            value = value.get(fragment)
        elif isinstance(value, list) and fragment.isdecimal() and fragment.isascii():
            index = int(fragment)
            value = value[index] if index < len(value) else None
        else:
            return None
    return value


def _if(_: str, operands: list[Any], data: Any) -> Any:
    _arity(operands, 3, 3, "if")
    guard, then, otherwise = operands
    return _eval(then if _truth(_eval(guard, data), "if-guard") else otherwise, data)


def _and(_: str, operands: list[Any], data: Any) -> Any:
    _arity(operands, 2, None, "and")
    value: Any = True
    for operand in operands:  # lazy: the first falsy operand ends it
        value = _eval(operand, data)
        if not _truth(value, "an operand of and"):
            return value
    return value


def _not(_: str, operands: list[Any], data: Any) -> bool:
    _arity(operands, 1, 1, "!")
    return not _truth(_eval(operands[0], data), "the operand of !")


def _equal(_: str, operands: list[Any], data: Any) -> bool:
    _arity(operands, 2, 2, "===")
    left, right = (_eval(operand, data) for operand in operands)
    return strict_equal(left, right)


def _in(_: str, operands: list[Any], data: Any) -> bool:
    _arity(operands, 2, 2, "in")
    item, collection = (_eval(operand, data) for operand in operands)
    if not isinstance(collection, list):
        raise _Invalid('right-hand side of an "in" operation must be an array')
    return any(strict_equal(item, member) for member in collection)


def _plus(_: str, operands: list[Any], data: Any) -> int:
    _arity(operands, 2, 2, "+")
    left, right = (_eval(operand, data) for operand in operands)
    if not (is_int(left) and is_int(right)):
        raise _Invalid('operands of "+" must both be integers')
    return int(left) + int(right)


def _compare(operator: str, operands: list[Any], data: Any) -> bool:
    _arity(operands, 2, 3, operator)
    values = [_eval(operand, data) for operand in operands]
    if operator in DATE_COMPARISONS:
        if not all(isinstance(value, DateTime) for value in values):
            raise _Invalid(f'all operands of "{operator}" must be date-times (use plusTime)')
        keys = [value.instant for value in values]
        symbol = DATE_COMPARISONS[operator]
    else:
        if not all(is_int(value) for value in values):
            raise _Invalid(f'all operands of "{operator}" must be integers')
        keys, symbol = values, operator
    return all(_holds(symbol, left, right) for left, right in zip(keys, keys[1:], strict=False))


def _holds(symbol: str, left: Any, right: Any) -> bool:
    if symbol == "<":
        return bool(left < right)
    if symbol == ">":
        return bool(left > right)
    if symbol == "<=":
        return bool(left <= right)
    return bool(left >= right)


def _plus_time(_: str, operands: list[Any], data: Any) -> DateTime:
    _arity(operands, 3, 3, "plusTime")
    moment, amount, unit = operands
    if not is_int(amount):
        raise _Invalid('"amount" (#2) of "plusTime" must be an integer literal')
    if unit not in dates.TIME_UNITS:
        raise _Invalid(f'"unit" (#3) of "plusTime" must be one of {", ".join(dates.TIME_UNITS)}')
    text = _eval(moment, data)
    if not isinstance(text, str):
        raise _Invalid('the date argument (#1) of "plusTime" must be a string')
    start = dates.parse(text)
    return start if int(amount) == 0 else dates.plus_time(start, int(amount), unit)


def _date_of_birth(_: str, operands: list[Any], data: Any) -> DateTime:
    _arity(operands, 1, 1, "dccDateOfBirth")
    text = _eval(operands[0], data)
    if not isinstance(text, str):
        raise _Invalid('the operand of "dccDateOfBirth" must be a string')
    return dates.date_of_birth(text)


def _reduce(_: str, operands: list[Any], data: Any) -> Any:
    _arity(operands, 3, 3, "reduce")
    collection, step, initial = operands
    items = _eval(collection, data)
    if items is not None and not isinstance(items, list):
        raise _Invalid("the operand of reduce must be an array or null")
    accumulator = _eval(initial, data)
    for current in items or ():
        # The lambda sees only these two names, not the outer data (CertLogic, not JsonLogic).
        accumulator = _eval(step, {"accumulator": accumulator, "current": current})
    return accumulator


def _extract_from_uvci(_: str, operands: list[Any], data: Any) -> str | None:
    _arity(operands, 2, 2, "extractFromUVCI")
    uvci, index = _eval(operands[0], data), operands[1]
    if uvci is not None and not isinstance(uvci, str):
        raise _Invalid('the UVCI (#1) of "extractFromUVCI" must be a string or null')
    if not is_int(index):
        raise _Invalid('the index (#2) of "extractFromUVCI" must be an integer literal')
    if uvci is None or index < 0:
        return None
    fragments = UVCI_SEPARATORS.split(uvci.removeprefix(UVCI_PREFIX))
    return fragments[int(index)] if index < len(fragments) else None


def _truth(value: Any, what: str) -> bool:
    truth = boolsiness(value)
    if truth is None:
        raise _Invalid(f"{what} is neither truthy nor falsy")
    return truth


def _arity(operands: list[Any], least: int, most: int | None, operator: str) -> None:
    if len(operands) < least or (most is not None and len(operands) > most):
        wanted = str(least) if least == most else f"{least} to {most or 'any'}"
        raise _Invalid(f'"{operator}" takes {wanted} operands, not {len(operands)}')


def _shown(value: Any) -> str:
    return repr(value)[:40]


OPERATIONS = {
    "if": _if, "and": _and, "!": _not, "===": _equal, "in": _in, "+": _plus,
    **dict.fromkeys(INTEGER_COMPARISONS, _compare), **dict.fromkeys(DATE_COMPARISONS, _compare),
    "plusTime": _plus_time, "dccDateOfBirth": _date_of_birth, "reduce": _reduce,
    "extractFromUVCI": _extract_from_uvci,
}
