"""clock() and advance_clock() against the real binary: a scheduled message fires when the mock's
clock passes its send_at, without waiting for real minutes."""

from datetime import datetime, timedelta

import pytest

from telnyx_harness import MockError


def test_advance_clock_fires_a_scheduled_message(telnyx_mock, receiver):
    start = telnyx_mock.clock()
    assert start["offset_seconds"] == 0
    assert start["advanceable"] is True
    send_at = datetime.fromisoformat(start["now"]) + timedelta(minutes=10)
    msg = telnyx_mock.send("+15005550001", "in ten minutes", send_at=send_at.isoformat(),
                           webhook_url=receiver.url)
    assert msg["to"][0]["status"] == "scheduled"

    early = telnyx_mock.advance_clock(540)
    assert early["scheduled_fired"] == 0
    assert early["offset_seconds"] == 540

    due = telnyx_mock.advance_clock(duration="2m")
    assert due["scheduled_fired"] == 1
    assert due["offset_seconds"] == 660
    assert datetime.fromisoformat(due["now"]) >= send_at
    status, got = telnyx_mock.request("GET", f"/v2/messages/{msg['id']}", api_key=telnyx_mock.api_key)
    assert status == 200
    assert got["data"]["to"][0]["status"] != "scheduled"
    telnyx_mock.wait_for_webhooks(timeout=30)
    assert receiver.event_types(msg["id"]) == ["message.sent", "message.finalized"]
    assert telnyx_mock.advance_clock(timedelta(seconds=1.5))["offset_seconds"] == 661.5


def test_advance_clock_refusals_raise(telnyx_mock):
    with pytest.raises(MockError, match="HTTP 422.*only moves forward"):
        telnyx_mock.advance_clock(-60)
    with pytest.raises(MockError, match="HTTP 400.*not a duration"):
        telnyx_mock.advance_clock(duration="soon")
    with pytest.raises(MockError, match="HTTP 422.*10004"):
        telnyx_mock.advance_clock()
    assert telnyx_mock.clock()["offset_seconds"] == 0
