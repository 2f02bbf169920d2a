"""Whatever lands in front of the scanner, the kiosk answers with a verdict and never crashes."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from screening import declaration
from screening.evaluate import evaluate
from screening.reasons import Reason
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


def test_bytes_that_were_not_utf8_are_undecodable_and_safe_to_show(trusted):
    # Python keeps undecodable argv bytes as lone surrogates; no screen or database takes them.
    text = b"001099012345|123456789|Ng\xff\xfe|01021999|Nam|HN|15082021".decode(
        "utf-8", "surrogateescape")
    scan = read_code(text, trusted, NOW)
    assert (scan.verification, scan.rejection) == (Verification.REJECTED, Reason.UNDECODABLE)
    scan.prefix.encode("utf-8")  # shown as U+FFFD, never raises
    assert read_code("KB1:\udfff", trusted, NOW).rejection is Reason.UNDECODABLE


any_character = st.one_of(st.characters(), st.integers(0xD800, 0xDFFF).map(chr))


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(any_character, max_size=200),
                 st.text(any_character, max_size=60).map(lambda t: "001099012345|" + t),
                 st.text(any_character, max_size=60).map(lambda t: "KB1:" + t)))
def test_any_text_even_with_lone_surrogates_gets_a_verdict(trusted, policy, text):
    scan = read_code(text, trusted, NOW)
    assert evaluate(scan, None, policy, NOW).reasons
    scan.prefix.encode("utf-8")
    if scan.identity is not None:
        scan.identity.name.encode("utf-8")
