"""Revocation as the EU distribution service hands it to verifier apps: slices per signer,
as Bloom filters or hash-prefix lists, cut by the hash's leading hex characters."""

from __future__ import annotations

import base64
import io
import json
import tarfile
from datetime import timedelta

import pytest

from screening.certificates import (
    CertificateTrust,
    CertificateVerified,
    CertReason,
    read_certificate,
)
from screening.certificates.revocation import truncated_sha256
from screening.certificates.revocation_filters import (
    Mode,
    SliceError,
    position,
    read_slice,
    write_bloom,
    write_prefixes,
)
from screening.certificates.revocation_lists import (
    export_revocations,
    read_distribution,
    revocations_from_body,
)
from tests.certificates.vectors import NOW, rejected, vaccination

UCI = "URN:UVCI:01:VN:SLICED#9"


def tarball(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        for name, data in entries.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return out.getvalue()


def url_kid(kid: str) -> str:
    return base64.urlsafe_b64encode(base64.b64decode(kid)).decode().rstrip("=")


@pytest.mark.parametrize("mode", list(Mode))
@pytest.mark.parametrize("writer", [write_bloom, write_prefixes])
def test_a_dcc_in_its_signers_slice_is_revoked(es256, trust, mode, writer):
    code = es256.code({1: vaccination(ci=UCI)})
    digest = truncated_sha256(("VN" + UCI).encode())
    partition, chunk = position(digest, mode)
    lists = [{"kid": es256.entry.kid, "mode": str(mode), "hashTypes": ["COUNTRYCODEUCI"],
              "expires": (NOW + timedelta(days=30)).isoformat(), "lastUpdated": NOW.isoformat()}]
    slices = tarball({f"{url_kid(es256.entry.kid)}/{partition}/{chunk}/abc":
                      writer([digest, b"\x01" * 16])})
    found = read_distribution(lists, [("slices.tar.gz", slices)], NOW)
    held = CertificateTrust(trust.entries, trust.as_of, revocation=found.revocations)
    assert rejected(code, held) is CertReason.REVOKED
    other = es256.code({1: vaccination(ci="URN:UVCI:01:VN:FINE#1")})
    assert isinstance(read_certificate(other, held, NOW), CertificateVerified)
    exported = json.loads(json.dumps({"revocation": export_revocations(found.revocations)}))
    back = revocations_from_body(exported, None).revocations
    assert rejected(code, CertificateTrust(trust.entries, trust.as_of, revocation=back)) \
        is CertReason.REVOKED
    expired = [{**lists[0], "expires": (NOW - timedelta(days=1)).isoformat()}]
    gone = read_distribution(expired, [("slices.tar.gz", slices)], NOW).revocations
    assert isinstance(read_certificate(code, CertificateTrust(trust.entries, trust.as_of,
                                                              revocation=gone), NOW),
                      CertificateVerified)


def test_a_hash_type_the_signer_does_not_list_is_not_looked_up(es256, trust):
    code = es256.code({1: vaccination(ci=UCI)})
    digest = truncated_sha256(UCI.encode())
    lists = [{"kid": es256.entry.kid, "mode": "POINT", "hashTypes": ["SIGNATURE"],
              "expires": None}]
    slices = tarball({f"{url_kid(es256.entry.kid)}/null/{digest.hex()[0]}/s":
                      write_prefixes([digest])})
    held = CertificateTrust(trust.entries, trust.as_of, revocation=read_distribution(
        lists, [("s.tgz", slices)], NOW).revocations)
    assert isinstance(read_certificate(code, held, NOW), CertificateVerified)


@pytest.mark.parametrize("data", [b"", b"\x00" * 5, write_bloom([b"x" * 16])[:-3],
                                  write_prefixes([b"x" * 16], size=8)[:-1]])
def test_damaged_slices_are_refused_by_name(data):
    with pytest.raises(SliceError):
        read_slice(data, "BLOOMFILTER")
    with pytest.raises(SliceError):
        read_slice(data, "VARHASHLIST")


def test_slices_without_the_services_lists_or_with_junk_are_refused_cleanly(es256):
    from screening.certificates.revocation_lists import RevocationImportError

    with pytest.raises(RevocationImportError):
        read_distribution([], [("s.tgz", tarball({"a/b/c/d": b"x"}))], NOW)
    lists = [{"kid": es256.entry.kid, "mode": "POINT", "hashTypes": ["UCI"]}]
    with pytest.raises(RevocationImportError):
        read_distribution(lists, [("s.tgz", b"\x1f\x8bnot a tarball")], NOW)
    found = read_distribution(lists, [("s.tgz", tarball({
        f"{url_kid(es256.entry.kid)}/null/a/good": write_prefixes([b"a" * 16]),
        f"{url_kid(es256.entry.kid)}/null/a/bad": b"\x00\x01"}))], NOW)
    assert len(found.skipped) == 1 and "bad" in found.skipped[0]
