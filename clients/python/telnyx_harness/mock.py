"""Start telnyx-mock (or attach to a running one) and drive its control API.

Standard library only. ``TelnyxMock.start()`` runs the binary on a free port with a fresh seed and
reads its start-up line; ``TelnyxMock.attach(url)`` talks to a mock that is already running (a CI
service container, a docker compose service).
"""

from __future__ import annotations

import json
import os
import secrets
import select
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Union

STARTUP_PREFIX = "telnyx-mock listening "
DEFAULT_API_KEY = "KEYtest"
DEFAULT_FROM = "+17735550188"


class MockError(Exception):
    """The mock could not be started or answered a control request with an error."""


class VerifyError(AssertionError):
    """``POST /_mock/verify`` answered 409: the client under test broke an expectation."""

    def __init__(self, failures: Any, body: Any):
        self.failures = failures
        self.body = body
        super().__init__("telnyx-mock verify failed: " + json.dumps(failures, sort_keys=True))


class WebhookTimeout(AssertionError):
    """Webhooks were still pending when the deadline passed."""


def _find_binary() -> str:
    """TELNYX_MOCK_BIN, then build/mock-server/telnyx-mock above the working directory or this
    package, then telnyx-mock on PATH."""
    env = os.environ.get("TELNYX_MOCK_BIN")
    if env:
        if not os.access(env, os.X_OK):
            raise MockError(f"TELNYX_MOCK_BIN={env} is not an executable file")
        return env
    starts = [Path.cwd(), Path(__file__).resolve().parent]
    for start in starts:
        for d in [start, *start.parents]:
            candidate = d / "build" / "mock-server" / "telnyx-mock"
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate)
    on_path = shutil.which("telnyx-mock")
    if on_path:
        return on_path
    raise MockError(
        "telnyx-mock not found: set TELNYX_MOCK_BIN to the binary, TELNYX_MOCK_URL to a running "
        "mock, or build the repository (build/mock-server/telnyx-mock)")


def _duration(seconds: float) -> str:
    return f"{max(0, int(round(seconds * 1000)))}ms"


class TelnyxMock:
    """One telnyx-mock: its address, its webhook key, and its control API.

    ``url`` is the mock's root (``http://127.0.0.1:PORT``); an SDK's base URL is ``base_url``
    (``url + "/v2"``). ``api_key`` is a key the tests can use (open mode accepts any ``KEY...``).
    """

    def __init__(self, url: str, *, webhook_public_key: Optional[str] = None,
                 seed: Optional[int] = None, admin_token: Optional[str] = None,
                 api_key: str = DEFAULT_API_KEY, process: Optional[subprocess.Popen] = None,
                 log_path: Optional[str] = None, timeout: float = 10.0):
        self.url = url.rstrip("/")
        parsed = urllib.parse.urlsplit(self.url)
        self.host = parsed.hostname or "127.0.0.1"
        self.port = parsed.port or (443 if parsed.scheme == "https" else 80)
        self.webhook_public_key = webhook_public_key
        self.seed = seed
        self.admin_token = admin_token
        self.api_key = api_key
        self.timeout = timeout
        self._process = process
        self._log_path = log_path

    # ---- life cycle ----------------------------------------------------------------------------

    @classmethod
    def start(cls, binary: Optional[str] = None, *, seed: Optional[int] = None,
              args: Iterable[str] = (), startup_timeout: float = 15.0,
              api_key: str = DEFAULT_API_KEY, admin_token: Optional[str] = None) -> "TelnyxMock":
        """Start the binary on 127.0.0.1, port 0, with ``seed`` (random when None)."""
        binary = binary or _find_binary()
        if seed is None:
            seed = int(os.environ["TELNYX_MOCK_SEED"]) if os.environ.get("TELNYX_MOCK_SEED") \
                else secrets.randbelow(2**31 - 1) + 1
        cmd = [binary, "--host", "127.0.0.1", "--port", "0", "--seed", str(seed)]
        if admin_token:
            cmd += ["--admin-token", admin_token]
        cmd += list(args)
        log = tempfile.NamedTemporaryFile(prefix="telnyx-mock-", suffix=".log", delete=False)
        try:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL)
        except OSError as e:
            log.close()
            raise MockError(f"cannot run {binary}: {e}") from e
        log.close()
        line = cls._read_startup_line(proc, startup_timeout)
        if line is None:
            proc.kill()
            proc.wait()
            tail = Path(log.name).read_text(errors="replace").strip()
            raise MockError(f"{binary} did not start (exit {proc.returncode}): {tail or 'no output'}")
        info = json.loads(line[len(STARTUP_PREFIX):])
        return cls(info["url"], webhook_public_key=info.get("webhook_public_key"), seed=seed,
                   admin_token=admin_token, api_key=api_key, process=proc, log_path=log.name)

    @staticmethod
    def _read_startup_line(proc: subprocess.Popen, timeout: float) -> Optional[str]:
        deadline = time.monotonic() + timeout
        buf = b""
        fd = proc.stdout.fileno()
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 4096)
            if not chunk:
                return None   # stdout closed: the process exited
            buf += chunk
            while b"\n" in buf:
                raw, buf = buf.split(b"\n", 1)
                text = raw.decode("utf-8", "replace")
                if text.startswith(STARTUP_PREFIX):
                    return text

    @classmethod
    def attach(cls, url: str, *, admin_token: Optional[str] = None,
               api_key: str = DEFAULT_API_KEY) -> "TelnyxMock":
        """Use a mock that is already running (``TELNYX_MOCK_URL``)."""
        mock = cls(url, admin_token=admin_token, api_key=api_key)
        try:
            mock.webhook_public_key = mock._request("GET", "/_mock/keys")["data"]["webhook_public_key"]
        except MockError:
            mock.health()   # a mock started with --no-webhooks has no keys; it must still answer
        return mock

    def stop(self, timeout: float = 10.0) -> Optional[int]:
        """Stop a mock this object started (SIGTERM, then SIGKILL); returns its exit code."""
        proc, self._process = self._process, None
        if proc is None:
            return None
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc.stdout:
            proc.stdout.close()
        return proc.returncode

    def close(self) -> None:
        self.stop()
        if self._log_path:
            try:
                os.unlink(self._log_path)
            except OSError:
                pass
            self._log_path = None

    def __enter__(self) -> "TelnyxMock":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @property
    def base_url(self) -> str:
        """What an SDK takes as its base URL."""
        return self.url + "/v2"

    @property
    def running(self) -> bool:
        return self._process is None or self._process.poll() is None

    def log(self) -> str:
        """What the mock wrote on stderr (only for a mock this object started)."""
        if not self._log_path:
            return ""
        try:
            return Path(self._log_path).read_text(errors="replace")
        except OSError:
            return ""

    # ---- HTTP ----------------------------------------------------------------------------------

    def _request(self, method: str, path: str, body: Union[None, bytes, str, Mapping, list] = None,
                 *, query: Optional[Mapping[str, Any]] = None, ok: Iterable[int] = (200,),
                 api_key: Optional[str] = None, timeout: Optional[float] = None) -> Any:
        """One request; returns the decoded JSON for a status in ``ok``, raises MockError otherwise."""
        status, data = self.request(method, path, body, query=query, api_key=api_key, timeout=timeout)
        if status not in tuple(ok):
            raise MockError(f"{method} {path}: HTTP {status}: {json.dumps(data) if not isinstance(data, str) else data}")
        return data

    def request(self, method: str, path: str, body: Union[None, bytes, str, Mapping, list] = None,
                *, query: Optional[Mapping[str, Any]] = None, api_key: Optional[str] = None,
                timeout: Optional[float] = None):
        """Any request to the mock: returns ``(status, decoded JSON or text)``. ``api_key``
        sends ``Authorization: Bearer`` (for /v2 routes); the admin token goes to /_mock/."""
        url = self.url + path
        if query:
            url += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
        headers = {}
        if isinstance(body, (dict, list)):
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        elif isinstance(body, str):
            data = body.encode()
        else:
            data = body
        token = api_key if api_key is not None else (self.admin_token if path.startswith("/_mock") else None)
        if token:
            headers["Authorization"] = "Bearer " + token
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout or self.timeout) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as e:
            status, raw = e.code, e.read()
        except (urllib.error.URLError, OSError) as e:
            raise MockError(f"{method} {url}: {getattr(e, 'reason', e)}") from e
        text = raw.decode("utf-8", "replace")
        try:
            return status, json.loads(text) if text else None
        except ValueError:
            return status, text

    # ---- control API ---------------------------------------------------------------------------

    def health(self) -> Dict[str, Any]:
        return self._request("GET", "/_mock/health")["data"]

    def reset(self) -> None:
        """Clear messages, journal, scenario state and verdicts (the scenario stays loaded)."""
        self._request("POST", "/_mock/reset")

    def load_scenario(self, scenario: Union[str, os.PathLike]) -> Dict[str, Any]:
        """Load a scenario: a path to a YAML file, the name of a ready scenario
        (``"rate-limit-storm"`` finds scenarios/rate-limit-storm.yaml), or YAML text."""
        text = self._scenario_text(scenario)
        status, data = self.request("PUT", "/_mock/scenario", text)
        if status != 200:
            detail = data.get("error") if isinstance(data, dict) and "error" in data else data
            raise MockError(f"scenario refused: {detail if isinstance(detail, str) else json.dumps(detail)}")
        return data

    def clear_scenario(self) -> None:
        """Back to the default scenario (magic numbers only)."""
        self._request("DELETE", "/_mock/scenario")

    @staticmethod
    def _scenario_text(scenario: Union[str, os.PathLike]) -> str:
        if isinstance(scenario, os.PathLike):
            return Path(scenario).read_text()
        if "\n" in scenario or ":" in scenario and not os.path.exists(scenario):
            return scenario   # YAML text
        path = Path(scenario)
        if path.is_file():
            return path.read_text()
        for d in _scenario_dirs():
            for name in (scenario, scenario + ".yaml"):
                if (d / name).is_file():
                    return (d / name).read_text()
        raise MockError(f"scenario {scenario!r}: no such file, and no ready scenario of that name")

    def report(self) -> Dict[str, Any]:
        """``GET /_mock/report``: duplicates, Retry-After violations, permanent-error retries, rules."""
        return self._request("GET", "/_mock/report")

    def verify(self, expectations: Optional[Mapping[str, Any]] = None, *, within: float = 0,
               webhooks_idle: bool = False, **kwargs: Any) -> Dict[str, Any]:
        """``POST /_mock/verify``. Keyword arguments add expectations
        (``verify(duplicates=0, retry_after_violations=0)``). Raises VerifyError (an
        AssertionError) on 409. ``within`` seconds: wait until the expectations hold or the time
        is up (for counts still rising; long-polled with ``?wait=`` where the mock has it).
        ``webhooks_idle``: first wait until no webhook is pending."""
        exp = dict(expectations or {})
        exp.update(kwargs)
        deadline = time.monotonic() + within
        if webhooks_idle:
            self.wait_for_webhooks(timeout=max(within, 10.0))
        while True:
            left = max(0.0, deadline - time.monotonic())
            query = {"wait": _duration(min(left, 60.0))} if left > 0 else None
            status, data = self.request("POST", "/_mock/verify", exp, query=query,
                                        timeout=min(left, 60.0) + self.timeout)
            if status == 200:
                return data
            if status != 409:
                raise MockError(f"POST /_mock/verify: HTTP {status}: {json.dumps(data)}")
            if time.monotonic() >= deadline:
                failures = data.get("failures", data) if isinstance(data, dict) else data
                raise VerifyError(failures, data)
            time.sleep(0.05)     # a mock without ?wait= answers at once

    def webhooks(self, **filters: Any) -> Dict[str, Any]:
        """``GET /_mock/webhooks``: delivery attempts (``data``) and engine ``stats``. Filters:
        message_id, event_type, event_id, tenant_id, limit."""
        return self._request("GET", "/_mock/webhooks", query=filters)

    def pending_webhooks(self) -> int:
        """Events queued or being delivered right now (retries waiting for their backoff count)."""
        stats = self.webhooks(limit=1)["stats"]
        return int(stats.get("queue_pending", 0)) + int(stats.get("in_flight", 0))

    def wait_for_webhooks(self, timeout: float = 10.0, poll: float = 0.02) -> Dict[str, Any]:
        """Wait until no webhook is pending (every scheduled event delivered, failed for good,
        dropped or abandoned); returns the engine stats. Raises WebhookTimeout at the deadline.
        Long-polls ``GET /_mock/wait?until=webhooks_idle`` where the mock has it, else polls the
        engine's counters."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            chunk = min(max(left, 0), 60.0)      # the mock caps one wait at 60 s
            status, body = self.request("GET", "/_mock/wait",
                                        query={"until": "webhooks_idle", "timeout": _duration(chunk)},
                                        timeout=chunk + self.timeout)
            if status == 200:
                return self.webhooks(limit=1)["stats"]
            if status == 404:
                return self._poll_webhooks_idle(deadline, timeout, poll)
            if status != 409:
                raise MockError(f"GET /_mock/wait: HTTP {status}: {json.dumps(body)}")
            if time.monotonic() >= deadline:
                pending = body.get("webhooks_pending") if isinstance(body, dict) else None
                raise WebhookTimeout(f"{pending if pending is not None else 'some'} webhook(s) still pending "
                                     f"after {timeout} s: " + json.dumps(body, sort_keys=True))

    def _poll_webhooks_idle(self, deadline: float, timeout: float, poll: float) -> Dict[str, Any]:
        while True:
            stats = self.webhooks(limit=1)["stats"]
            pending = int(stats.get("queue_pending", 0)) + int(stats.get("in_flight", 0))
            if pending == 0:
                return stats
            if time.monotonic() >= deadline:
                raise WebhookTimeout(f"{pending} webhook(s) still pending after {timeout} s: "
                                     + json.dumps(stats, sort_keys=True))
            time.sleep(poll)

    def _pages(self, path: str, query: Mapping[str, Any]) -> List[Dict[str, Any]]:
        """Items of a control listing, newest first. The mock serves at most 1,000 a page; a larger
        ``limit`` is gathered page by page through ``meta.next_before``."""
        want = query.get("limit")
        items: List[Dict[str, Any]] = []
        q = dict(query)
        while True:
            if want is not None:
                q["limit"] = int(want) - len(items)
            page = self._request("GET", path, query=q)
            items.extend(page["data"])
            cursor = (page.get("meta") or {}).get("next_before")
            if want is None or len(items) >= int(want) or cursor is None or not page["data"]:
                return items
            q["before"] = cursor

    def requests(self, **filters: Any) -> List[Dict[str, Any]]:
        """``GET /_mock/requests``, newest first. Filters: path, status, api_key, method, limit
        (a ``limit`` over the mock's 1,000-a-page cap is gathered page by page)."""
        return self._pages("/_mock/requests", filters)

    def messages(self, api_key: Optional[str] = None, limit: Optional[int] = None) -> List[Dict[str, Any]]:
        """``GET /_mock/messages``, newest first (default 100; a ``limit`` over the mock's
        1,000-a-page cap is gathered page by page)."""
        return self._pages("/_mock/messages", {"api_key": api_key, "limit": limit})

    def numbers(self, api_key: Optional[str] = None) -> List[str]:
        """The phone numbers of a tenant (``GET /v2/phone_numbers``)."""
        data = self._request("GET", "/v2/phone_numbers", api_key=api_key or self.api_key)
        return [n["phone_number"] for n in data["data"]]

    def send(self, to: str, text: str, *, api_key: Optional[str] = None, **fields: Any) -> Dict[str, Any]:
        """``POST /v2/messages`` (for tests of the mock itself; your app sends on its own)."""
        body = {"to": to, "text": text, **fields}
        return self._request("POST", "/v2/messages", body, api_key=api_key or self.api_key)["data"]

    def clock(self) -> Dict[str, Any]:
        """``GET /_mock/clock``: the mock's time ``now`` (RFC 3339, as its messages carry it), how
        far it is ahead of the system clock (``offset_seconds``) and whether it is ``advanceable``."""
        return self._request("GET", "/_mock/clock")["data"]

    def advance_clock(self, seconds: Union[None, float, timedelta] = None, *,
                      duration: Optional[str] = None) -> Dict[str, Any]:
        """``POST /_mock/clock/advance``: moves the mock's clock forward by ``seconds`` (a number
        or a ``timedelta``) or by a ``duration`` ("90s", "11m", "1.5h"). Scheduled messages whose
        ``send_at`` it passes are sent before it returns (``scheduled_fired`` says how many); their
        webhooks follow in real time. Raises MockError when the mock refuses (backwards, not a
        duration, past its limit, a clock that cannot move)."""
        body: Dict[str, Any] = {}
        if seconds is not None:
            body["seconds"] = seconds.total_seconds() if isinstance(seconds, timedelta) else seconds
        if duration is not None:
            body["duration"] = duration
        return self._request("POST", "/_mock/clock/advance", body)["data"]

    def inbound(self, text: str, *, to: Optional[str] = None, from_: str = DEFAULT_FROM,
                media_urls: Optional[List[str]] = None, api_key: Optional[str] = None) -> Dict[str, Any]:
        """Simulate an inbound SMS: a ``message.received`` webhook to the profile that owns ``to``.
        Without ``to``, the first number of ``api_key``'s tenant (default: ``self.api_key``)."""
        if to is None:
            numbers = self.numbers(api_key)
            if not numbers:
                raise MockError("the tenant has no numbers; pass to=")
            to = numbers[0]
        body: Dict[str, Any] = {"from": from_, "to": to, "text": text}
        if media_urls is not None:
            body["media_urls"] = media_urls
        return self._request("POST", "/_mock/inbound", body)["data"]


def _scenario_dirs() -> List[Path]:
    dirs = []
    if os.environ.get("TELNYX_MOCK_SCENARIOS"):
        dirs.append(Path(os.environ["TELNYX_MOCK_SCENARIOS"]))
    for start in (Path.cwd(), Path(__file__).resolve().parent):
        for d in [start, *start.parents]:
            if (d / "scenarios").is_dir():
                dirs.append(d / "scenarios")
                break
    return dirs
