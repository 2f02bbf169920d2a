"""Whatever lands in front of the scanner, the kiosk answers with a verdict and never crashes."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from screening import declaration
from screening.evaluate import evaluate
from screening.scan import CodeKind, Verification, read_code
from screening.signed_code import issue
from screening.verdict import Outcome

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=400), st.from_regex(r"\A\d{12}\|.*\Z"),
                 st.text(max_size=50).map(lambda t: "KB1:" + t)))
def test_any_text_gets_a_verdict(trusted, policy, text):
    scan = read_code(text, trusted, NOW)
    verdict = evaluate(scan, None, policy, NOW)
    assert verdict.outcome in (Outcome.REJECTED, Outcome.INCOMPLETE)
    assert verdict.reasons


def test_unsupported_code_shows_its_prefix(trusted):
    scan = read_code("https://tokhaiyte.vn/abc?id=12345", trusted, NOW)
    assert scan.kind is CodeKind.UNSUPPORTED and scan.prefix == "https://tokh"


def test_scanner_noise_around_a_declaration_is_ignored(issuer, trusted):
    code = issue(declaration.example(NOW), issuer)
    scan = read_code(f"\r\n {code}\r\n", trusted, NOW)
    assert scan.verification is Verification.VALID
