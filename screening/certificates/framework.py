"""The two families of signed certificates, for trust and revocation lists alike."""

from __future__ import annotations

from enum import StrEnum


class Framework(StrEnum):
    """Which codes an entry vouches for: HC1 containers (EU DCC, WHO DDCC) or SMART cards."""

    HCERT = "hcert"
    SHC = "shc"
