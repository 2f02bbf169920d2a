"""The MQTT links stay up under steady load over the shipped TLS listeners (issue 18).

A link written from two threads at once breaks its TLS records: on the previous BrokerLink
this half-minute run made the brokers log over a hundred "bad record mac" / "Protocol error"
lines and drop the gateway and kiosk links about eighty times. `chot bench link --minutes 10`
is the long version.
"""

from __future__ import annotations

from sim.bench.link import run_link_soak


def test_half_a_minute_of_load_over_tls_breaks_no_record_and_drops_no_link() -> None:
    result = run_link_soak(30.0, kiosks=4, rate=50.0)
    figures = result.to_json()
    assert figures["events"] == 6000
    assert figures["protocol_errors_total"] == 0, figures["error_lines"]
    assert figures["reconnects_total"] == 0, figures["reconnects"]
    assert figures["lost"] == 0
