"""`chot verify`: decode, verify and evaluate one code, as a kiosk would, and print the verdict."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from chot.failure import complain, reason_of, said


def register(tree: Any) -> None:
    """Add `chot verify`."""
    parser = tree.command("verify", verify,
                          said("help_verify"))
    parser.add_argument("code", nargs="?", help="the code text ('-' reads standard input)")
    parser.add_argument("--image", help="read the code from an image file instead")
    parser.add_argument("--trust", nargs="+", action="extend", default=[], metavar="FILE",
                        help="trusted issuer public keys (.pub), signed trust lists (.json), "
                             "foreign signers: DSC (PEM, DER, base64 DER), DCC gateway-style "
                             "JSON list, JWKS")
    parser.add_argument("--trust-issuer", metavar="URL",
                        help="the SMART Health Card issuer (iss) a bare JWKS belongs to")
    parser.add_argument("--center-pub", nargs="+", default=[], metavar="PUBKEY",
                        help="center public keys that sign policies and trust lists")
    parser.add_argument("--policy", help="policy file (signed envelope or plain body); "
                        "default: the built-in directives")
    parser.add_argument("--temp", type=float, help="body temperature in °C taken now")
    parser.add_argument("--at", help="evaluate at this ISO time instead of now")
    parser.add_argument("--origin", help="for a CCCD: origin as PROVINCE[/WARD] or a country code")
    parser.add_argument("--dest", help="for a CCCD: destination as PROVINCE/WARD")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def verify(args: argparse.Namespace) -> int:
    """Print the verdict for one code; any input, however broken, gets an answer and exit 0."""
    from datetime import UTC, datetime

    from screening.files import FileProblem, read_policy, read_trust, read_verify_key

    _never_fail_on_encoding()
    try:
        now = datetime.fromisoformat(args.at) if args.at else datetime.now(UTC)
        if now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
    except ValueError:
        print(f"{said('at_not_iso')}: {args.at}", file=sys.stderr)
        return 2
    if (args.code is None) == (args.image is None):
        print(said("code_or_image"),
              file=sys.stderr)
        return 2
    try:
        center = [read_verify_key(p) for p in args.center_pub]
        trusted = read_trust(args.trust, center, args.trust_issuer)
        policy = read_policy(args.policy, center)
        travel = _manual_travel(args.origin, args.dest)
    except (FileProblem, ValueError) as exc:
        return complain(f"{said('bad_setup')}: {exc}", reason_of(exc, "bad_argument"))
    for item in trusted.certificates.skipped:  # one bad signer never blocks the rest
        print(f"{said('skipped')}: {item}", file=sys.stderr)
    try:
        result = _check(args, trusted, policy, travel, now)
    except Exception as exc:  # the contract: an answer for every input, never a traceback
        result = {"outcome": "rejected", "reasons": ["internal_error"],
                  "detail": f"{type(exc).__name__}: {exc}"}
    _print(result, args.json)
    return 0


def _check(args: argparse.Namespace, trusted: Any, policy: Any, travel: Any,
           now: Any) -> dict[str, Any]:
    from screening.evaluate import TemperatureReading, evaluate
    from screening.scan import read_code, with_manual_entry

    texts = _image_texts(args.image) if args.image else [_code_text(args.code)]
    if not isinstance(texts, list):
        return _image_refused(args.image, texts)
    if not texts:
        return {"outcome": "rejected", "reasons": ["no_code_found"], "kind": None,
                "messages": [{"code": "no_code_found", "vi": "Không tìm thấy mã QR trong ảnh",
                              "en": "No QR code found in the image"}]}
    scan = read_code(texts[0], trusted.issuers, now, policy.validity(),
                     certificates=trusted.certificates, max_trust_age=policy.max_trust_age())
    if travel is not None and scan.identity is not None and scan.travel is None:
        scan = with_manual_entry(scan, travel)
    reading = TemperatureReading(args.temp, now) if args.temp is not None else None
    verdict = evaluate(scan, reading, policy, now)
    travel_out = scan.travel
    return {
        **verdict.to_json(), **_certificate_part(scan, verdict),
        "kind": str(scan.kind), "verification": str(scan.verification),
        "origin": travel_out.origin.to_json() if travel_out else None,
        "destination": travel_out.destination.to_json() if travel_out else None,
        "vehicle_plate": travel_out.vehicle_plate if travel_out else None,
        "detail": scan.detail, "prefix": scan.prefix,
    }


FORMATS = {"declaration": "chot", "cccd": "cccd"}


def _certificate_part(scan: Any, verdict: Any) -> dict[str, Any]:
    """`format`, `identity` and `certificate`; for a foreign certificate, messages in its words."""
    from screening.certificates import CertFormat, CertificateVerified
    from screening.certificates.who_ddcc import who_status

    cert = scan.certificate
    identity = scan.identity.to_json() if scan.identity else None
    if cert is None:
        return {"format": FORMATS.get(str(scan.kind)), "identity": identity, "certificate": None}
    verified = isinstance(cert, CertificateVerified)
    extra = {"who_status": who_status(cert)} if cert.format is CertFormat.WHO_DDCC else {}
    return {**extra,
        "format": str(cert.format) if cert.format else None,
        "identity": cert.holder.to_json() if verified else None,
        "certificate": {**cert.facts.to_json(), "signer": cert.signer,
                        "signer_expires_at": cert.to_json()["signer_expires_at"],
                        "trust_age_s": cert.trust_age_s} if verified else None,
        "messages": [{"code": str(r), "vi": verdict.reason_text(r, "vi", certificate=True),
                      "en": verdict.reason_text(r, "en", certificate=True)}
                     for r in verdict.reasons],
    }


def _code_text(code: str) -> str:
    # Undecodable bytes stay lone surrogates, as in argv, and the reader names them.
    return sys.stdin.buffer.read().decode("utf-8", "surrogateescape") if code == "-" else code


def _never_fail_on_encoding() -> None:
    # Whatever PYTHONIOENCODING says, a verdict holding odd text must still print.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


def _image_refused(path: str, refused: Any) -> dict[str, Any]:
    from screening.reasons import Reason, describe

    reason = Reason(refused.reason)
    return {"outcome": "rejected", "reasons": [str(reason)], "kind": None,
            "messages": [describe(reason)], "detail": f"{path[-80:]}: {refused.detail}"}


def _image_texts(path: str) -> Any:
    """The texts of the codes in the image, or why the file was not decoded (ImageRefused)."""
    from hardware.decode import decode_frame
    from hardware.image_file import ImageRefused, read_image_file

    frame = read_image_file(path)
    if isinstance(frame, ImageRefused):
        return frame
    return [code.text for code in decode_frame(frame) if code.text is not None]


def _manual_travel(origin: str | None, dest: str | None) -> Any:
    from screening.scan import Travel

    if origin is None and dest is None:
        return None
    if origin is None or dest is None:
        raise ValueError("--origin and --dest go together")
    return Travel(origin=_place(origin), destination=_place(dest))


def _place(text: str) -> Any:
    from screening.places import Place, normalize_province, normalize_ward

    if text.isalpha():
        place = Place(country=text.upper())
    else:
        province, _, ward = text.partition("/")
        place = Place(province=normalize_province(province),
                      ward=normalize_ward(ward) if ward else None)
    place.validate()
    return place


def _print(result: dict[str, Any], as_json: bool) -> None:
    from screening.text import printable, printable_json

    if as_json:
        print(printable_json(json.dumps(result, ensure_ascii=False)))
        return

    # A code's text is the sender's: its control characters are shown, never obeyed.
    for line in _text_lines(result):
        print(printable(line))


def _text_lines(result: dict[str, Any]) -> list[str]:
    from screening.verdict import OUTCOME_LABELS, Outcome

    try:
        vi, en = OUTCOME_LABELS[Outcome(result["outcome"])]
    except ValueError:
        vi = en = result["outcome"]
    lines = [f"{vi} / {en}"]
    lines += [f"  - {msg['vi']} / {msg['en']}" for msg in result.get("messages", [])]
    if ident := result.get("identity"):
        lines.append(f"  {ident['name']} ({ident.get('id_number') or ident.get('date_of_birth')})")
    if cert := result.get("certificate"):
        lines.append(f"  {result['format']}: {cert['type']} {cert['date'] or ''} "
                     f"{cert['issuer_country'] or ''}".rstrip())
    if result.get("quarantine_days"):
        lines.append(f"  {said('quarantine_line')}: {result['quarantine_days']} ngày/days")
    if result.get("notify_ward"):
        lines.append(f"  {said('notify_ward')}: {result['notify_ward']}")
    return lines
