"""pytest plugin: the ``telnyx_mock`` fixture.

Each test gets its own telnyx-mock on a free port with a fresh seed (or, with ``TELNYX_MOCK_URL``,
the running mock at that URL, reset before the test). When a test fails, the mock's report
(``GET /_mock/report``), its webhook stats and, for a mock the fixture started, its log are added
to the failure output.

Environment:
  TELNYX_MOCK_URL     use this running mock instead of starting one
  TELNYX_MOCK_BIN     the telnyx-mock binary (default: build/mock-server/telnyx-mock found above
                      the working directory, then telnyx-mock on PATH)
  TELNYX_MOCK_SEED    a fixed seed (default: a random one, printed with a failure)
  TELNYX_MOCK_ARGS    extra flags for the binary (split on spaces)
  TELNYX_MOCK_ADMIN_TOKEN  the --admin-token of the mock (sent on /_mock/ requests)
"""

from __future__ import annotations

import json
import os
from typing import Iterator

import pytest

from .mock import MockError, TelnyxMock

_KEY = pytest.StashKey[TelnyxMock]()


def _open_mock() -> TelnyxMock:
    token = os.environ.get("TELNYX_MOCK_ADMIN_TOKEN") or None
    url = os.environ.get("TELNYX_MOCK_URL")
    if url:
        mock = TelnyxMock.attach(url, admin_token=token)
        mock.reset()
        mock.clear_scenario()
        return mock
    args = os.environ.get("TELNYX_MOCK_ARGS", "").split()
    return TelnyxMock.start(args=args, admin_token=token)


@pytest.fixture
def telnyx_mock(request: pytest.FixtureRequest) -> Iterator[TelnyxMock]:
    """A telnyx-mock for this test: ``.url``, ``.base_url`` (for SDKs), ``.api_key``,
    ``.webhook_public_key``, ``.load_scenario()``, ``.inbound()``, ``.verify()``,
    ``.wait_for_webhooks()``, ``.reset()``, ``.report()``."""
    try:
        mock = _open_mock()
    except MockError as e:
        pytest.fail(f"telnyx_mock: {e}", pytrace=False)
    request.node.stash[_KEY] = mock
    try:
        yield mock
    finally:
        mock.close()


def _failure_sections(mock: TelnyxMock):
    sections = []
    where = f"{mock.url}" + (f", seed {mock.seed} (TELNYX_MOCK_SEED={mock.seed} to repeat)"
                             if mock.seed is not None else "")
    try:
        report = mock.report()
        sections.append(("telnyx-mock report", f"{where}\n{json.dumps(report, indent=2, sort_keys=True)}"))
    except MockError as e:
        sections.append(("telnyx-mock report", f"{where}\nunavailable: {e}"))
    try:
        stats = mock.webhooks(limit=1).get("stats", {})
        sections.append(("telnyx-mock webhooks", json.dumps(stats, indent=2, sort_keys=True)))
    except MockError:
        pass   # a mock without the webhook engine
    log = mock.log().strip()
    if log:
        lines = log.splitlines()
        sections.append(("telnyx-mock log", "\n".join(lines[-50:])))
    return sections


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    rep = outcome.get_result()
    if not rep.failed or rep.when not in ("call", "setup"):
        return
    mock = item.stash.get(_KEY, None)
    if mock is None:
        return
    for title, text in _failure_sections(mock):
        rep.sections.append((title, text))
    item.user_properties.append(("telnyx_mock_report", next(
        (t for n, t in rep.sections if n == "telnyx-mock report"), "")))
