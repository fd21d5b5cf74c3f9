"""telnyx-mock reads every flag from TELNYX_MOCK_<FLAG> too (how containers configure it)."""

import json
import os
import subprocess

import pytest

from telnyx_harness import TelnyxMock
from telnyx_harness.mock import STARTUP_PREFIX, _find_binary


def _run(env_extra, args=(), timeout=15):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELNYX_MOCK_")}
    env.update(env_extra)
    return subprocess.Popen([_find_binary(), *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_host_port_and_seed_come_from_the_environment():
    proc = _run({"TELNYX_MOCK_HOST": "127.0.0.1", "TELNYX_MOCK_PORT": "0", "TELNYX_MOCK_SEED": "77"})
    try:
        line = proc.stdout.readline()
        assert line.startswith(STARTUP_PREFIX), line
        info = json.loads(line[len(STARTUP_PREFIX):])
        assert info["port"] not in (0, 12111)
        assert info["host"] == "127.0.0.1"
        with TelnyxMock.start(seed=77) as same_seed:
            assert TelnyxMock(info["url"]).numbers() == same_seed.numbers()
    finally:
        proc.terminate()
        proc.wait(10)


def test_flags_from_the_environment_switch_features():
    proc = _run({"TELNYX_MOCK_PORT": "0", "TELNYX_MOCK_NO_WEBHOOKS": "1", "TELNYX_MOCK_ADMIN_TOKEN": "tok"})
    try:
        info = json.loads(proc.stdout.readline()[len(STARTUP_PREFIX):])
        mock = TelnyxMock(info["url"], admin_token="tok")
        assert mock.health()["status"] == "ok"
        assert TelnyxMock(info["url"]).request("GET", "/_mock/health")[0] == 401
        status, _ = mock.request("GET", "/_mock/webhooks")
        assert status == 404      # no webhook engine
    finally:
        proc.terminate()
        proc.wait(10)


def test_the_command_line_wins_over_the_environment():
    with TelnyxMock.start(seed=6) as reference:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("TELNYX_MOCK_SEED", "5")
            with TelnyxMock.start(seed=6) as by_flag, TelnyxMock.start(seed=5) as five:
                assert by_flag.numbers() == reference.numbers()
                assert five.numbers() != reference.numbers()


def test_a_bad_value_in_the_environment_is_one_line_and_exit_2():
    proc = _run({"TELNYX_MOCK_PORT": "70000"})
    out, err = proc.communicate(timeout=15)
    assert proc.returncode == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "--port" in err and "70000" in err
