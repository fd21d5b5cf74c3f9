"""The telnyx_mock fixture and TelnyxMock against the real binary."""

import base64
import os
from pathlib import Path

import pytest

from telnyx_harness import MockError, TelnyxMock, VerifyError, WebhookTimeout

REPO = Path(__file__).resolve().parents[3]
DUP_TRAP = REPO / "scenarios" / "lost-response-duplicate-trap.yaml"


def test_fixture_starts_a_mock_on_a_free_port(telnyx_mock):
    assert telnyx_mock.url.startswith("http://127.0.0.1:")
    assert telnyx_mock.port not in (0, 12111)
    assert telnyx_mock.base_url == telnyx_mock.url + "/v2"
    assert len(base64.b64decode(telnyx_mock.webhook_public_key)) == 32
    assert telnyx_mock.health()["status"] == "ok"
    assert telnyx_mock.seed is not None


def test_each_start_gets_its_own_seed_and_port():
    with TelnyxMock.start() as a, TelnyxMock.start() as b:
        assert a.port != b.port
        assert a.seed != b.seed
        # The seed picks each open-mode tenant's numbers, so two mocks disagree.
        assert a.numbers() != b.numbers()


def test_fixed_seed_repeats_the_numbers(monkeypatch):
    monkeypatch.setenv("TELNYX_MOCK_SEED", "4242")
    with TelnyxMock.start() as a, TelnyxMock.start() as b:
        assert a.seed == b.seed == 4242
        assert a.numbers() == b.numbers()


def test_load_scenario_by_name_path_and_text(telnyx_mock):
    assert telnyx_mock.load_scenario("rate-limit-storm")["loaded"] == "rate-limit-storm"
    assert telnyx_mock.load_scenario(DUP_TRAP)["loaded"] == "lost-response-duplicate-trap"
    loaded = telnyx_mock.load_scenario("name: inline\nrules:\n  - name: nope\n    match: {body: {to: '+15550000000'}}\n    respond: {status: 503}\n")
    assert loaded["loaded"] == "inline"
    telnyx_mock.clear_scenario()


def test_bad_scenario_names_line_and_column(telnyx_mock):
    with pytest.raises(MockError, match=r"scenario refused: .*:\d+:\d+"):
        telnyx_mock.load_scenario("name: bad\nrules:\n  - fault: sideways\n")
    with pytest.raises(MockError, match="no ready scenario"):
        telnyx_mock.load_scenario("no-such-scenario")


def test_verify_passes_and_fails_with_the_failures(telnyx_mock):
    telnyx_mock.send("+17735550188", "code 1")
    assert telnyx_mock.verify(duplicates=0)["ok"] is True
    telnyx_mock.send("+17735550188", "code 1")      # the same text again: a duplicate
    with pytest.raises(VerifyError) as err:
        telnyx_mock.verify({"duplicates": 0}, retry_after_violations=0)
    assert "duplicates" in str(err.value)
    assert err.value.failures
    assert telnyx_mock.verify(duplicates=1)["ok"] is True
    assert telnyx_mock.report()["verdicts"]["duplicates"]["count"] == 1


def test_verify_within_waits_then_fails_with_the_failures(telnyx_mock):
    telnyx_mock.send("+17735550188", "only once")
    with pytest.raises(VerifyError) as err:
        telnyx_mock.verify(duplicates=1, within=0.3)
    assert err.value.failures[0]["actual"] == 0
    assert telnyx_mock.verify(requests={"min": 1}, within=5)["ok"] is True


def test_verify_after_webhooks_idle(telnyx_mock, receiver):
    msg = telnyx_mock.send("+15005550001", "idle", webhook_url=receiver.url)
    assert telnyx_mock.verify(duplicates=0, webhooks_idle=True, within=30)["ok"] is True
    assert receiver.event_types(msg["id"]) == ["message.sent", "message.finalized"]


def test_verify_rejects_an_unknown_expectation(telnyx_mock):
    with pytest.raises(MockError, match="unknown expectation"):
        telnyx_mock.verify(no_such_verdict=0)


def test_reset_clears_messages_and_verdicts(telnyx_mock):
    telnyx_mock.send("+17735550188", "again")
    telnyx_mock.send("+17735550188", "again")
    assert telnyx_mock.report()["verdicts"]["duplicates"]["count"] == 1
    telnyx_mock.reset()
    assert telnyx_mock.messages() == []
    assert telnyx_mock.report()["verdicts"]["duplicates"]["count"] == 0


def test_listings_over_the_page_cap_are_gathered_page_by_page(telnyx_mock):
    sent = [telnyx_mock.send("+1773555%04d" % i, "page %d" % i)["id"] for i in range(1005)]
    assert len(telnyx_mock.messages()) == 100                   # the mock's default page
    assert len(telnyx_mock.messages(limit=1000)) == 1000       # one page
    every = telnyx_mock.messages(limit=5000)                   # two pages, then no cursor
    assert [m["message"]["id"] for m in every] == sent[::-1]              # newest first, none twice
    assert len(telnyx_mock.requests(path="/v2/messages", limit=1003)) == 1003


def test_wait_for_webhooks_sees_every_event_delivered(telnyx_mock, receiver):
    msg = telnyx_mock.send("+15005550001", "hello", webhook_url=receiver.url)
    stats = telnyx_mock.wait_for_webhooks(timeout=30)
    assert receiver.event_types(msg["id"]) == ["message.sent", "message.finalized"]
    assert stats["events_delivered"] == 2
    assert telnyx_mock.pending_webhooks() == 0


def test_wait_for_webhooks_times_out_while_the_receiver_holds(telnyx_mock, receiver):
    receiver.hold()
    telnyx_mock.send("+15005550001", "held", webhook_url=receiver.url)
    with pytest.raises(WebhookTimeout, match="still pending"):
        telnyx_mock.wait_for_webhooks(timeout=0.2)
    receiver.release()
    telnyx_mock.wait_for_webhooks(timeout=30)
    assert "message.finalized" in receiver.event_types()


def test_inbound_reaches_the_profile_webhook(telnyx_mock, receiver):
    profiles = telnyx_mock._request("GET", "/v2/messaging_profiles", api_key=telnyx_mock.api_key)["data"]
    telnyx_mock._request("PATCH", f"/v2/messaging_profiles/{profiles[0]['id']}",
                         {"webhook_url": receiver.url}, api_key=telnyx_mock.api_key)
    msg = telnyx_mock.inbound("STOP")
    assert msg["direction"] == "inbound"
    assert msg["to"][0]["phone_number"] == telnyx_mock.numbers()[0]
    telnyx_mock.wait_for_webhooks(timeout=30)
    assert receiver.event_types() == ["message.received"]
    assert receiver.events[0]["body"]["data"]["payload"]["text"] == "STOP"


def test_inbound_to_an_unowned_number_is_refused(telnyx_mock):
    with pytest.raises(MockError, match="404"):
        telnyx_mock.inbound("hi", to="+13125559999")


def test_admin_token_is_sent_on_control_requests():
    with TelnyxMock.start(admin_token="s3cret") as mock:
        assert mock.health()["status"] == "ok"
        status, _ = TelnyxMock(mock.url).request("GET", "/_mock/health")
        assert status == 401


def test_missing_binary_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("TELNYX_MOCK_BIN", "/nonexistent/telnyx-mock")
    with pytest.raises(MockError, match="not an executable"):
        TelnyxMock.start()


def test_a_binary_that_exits_is_a_clear_error(tmp_path):
    fake = tmp_path / "telnyx-mock"
    fake.write_text("#!/bin/sh\necho 'cannot listen on 127.0.0.1:0' >&2\nexit 1\n")
    fake.chmod(0o755)
    with pytest.raises(MockError, match="did not start .exit 1.: cannot listen"):
        TelnyxMock.start(str(fake))


def test_a_bad_flag_is_reported_with_the_mocks_message():
    with pytest.raises(MockError, match="did not start .exit 2.*--no-such-flag"):
        TelnyxMock.start(args=["--no-such-flag"])


def test_stop_ends_the_process_cleanly():
    mock = TelnyxMock.start()
    assert mock.running
    assert mock.stop() == 0
    with pytest.raises(MockError):
        mock.health()
    mock.close()
