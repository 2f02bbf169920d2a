"""CertLogic, the EU's JsonLogic dialect for DCC business rules, and rule sets in its format.

Pure like the rest of `screening`: an expression and a data object come in, a value or an
`EvaluationError` comes out, and nothing raises on any JSON.
"""

from __future__ import annotations

from screening.certlogic.dates import DateTime
from screening.certlogic.evaluator import EvaluationError, evaluate
from screening.certlogic.values import boolsiness, to_json

__all__ = ["DateTime", "EvaluationError", "boolsiness", "evaluate", "to_json"]
