"""The plugin as a user's test session sees it (pytester runs a separate pytest process)."""

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from telnyx_harness import TelnyxMock

CLIENT_DIR = Path(__file__).resolve().parents[1]

# Loads the plugin from this folder, blocking an installed copy so it is not registered twice.
PLUGIN_ARGS = ["-p", "no:telnyx_mock", "-p", "telnyx_harness.pytest_plugin"]

USER_TESTS = '''
def test_duplicate_is_caught(telnyx_mock):
    telnyx_mock.send("+17735550188", "pay 10")
    telnyx_mock.send("+17735550188", "pay 10")
    telnyx_mock.verify(duplicates=0)

def test_clean_run(telnyx_mock):
    telnyx_mock.send("+17735550188", "once")
    telnyx_mock.verify(duplicates=0)
'''


@pytest.fixture
def user_env(monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(CLIENT_DIR) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    # The user's session runs in a temporary folder: tell it where the binary is.
    if not os.environ.get("TELNYX_MOCK_BIN"):
        from telnyx_harness.mock import _find_binary
        monkeypatch.setenv("TELNYX_MOCK_BIN", _find_binary())
    monkeypatch.delenv("TELNYX_MOCK_URL", raising=False)


def test_failing_test_carries_the_report(pytester, user_env):
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess(*PLUGIN_ARGS, "-rA")
    result.assert_outcomes(passed=1, failed=1)
    out = result.stdout.str()
    assert "VerifyError" in out or "verify failed" in out
    # The report section belongs to the failing test only.
    assert out.count("telnyx-mock report") == 1
    result.stdout.fnmatch_lines(["*telnyx-mock report*", "*TELNYX_MOCK_SEED=*", "*\"duplicates\"*"])
    assert "telnyx-mock webhooks" in out
    assert "telnyx-mock log" in out


def test_report_goes_into_junit_xml(pytester, user_env):
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess(*PLUGIN_ARGS, "--junitxml=out.xml")
    result.assert_outcomes(passed=1, failed=1)
    xml = (pytester.path / "out.xml").read_text()
    assert 'name="telnyx_mock_report"' in xml
    assert xml.count('name="telnyx_mock_report"') == 1


def test_fixture_uses_a_running_mock_from_the_environment(pytester, user_env, monkeypatch):
    with TelnyxMock.start() as running:
        running.send("+17735550188", "before the session")
        monkeypatch.setenv("TELNYX_MOCK_URL", running.url)
        pytester.makepyfile(test_attach=f'''
def test_attached(telnyx_mock):
    assert telnyx_mock.url == "{running.url}"
    assert telnyx_mock.messages() == []          # reset before the test
    assert telnyx_mock.webhook_public_key == "{running.webhook_public_key}"
    telnyx_mock.send("+17735550188", "from the test")
''')
        result = pytester.runpytest_subprocess(*PLUGIN_ARGS)
        result.assert_outcomes(passed=1)
        assert [m["message"]["text"] for m in running.messages()] == ["from the test"]


@pytest.mark.parametrize("variable, value, line", [
    ("TELNYX_MOCK_URL", "http://127.0.0.1:1", "*telnyx_mock: GET http://127.0.0.1:1/_mock/*"),
    ("TELNYX_MOCK_BIN", "/nonexistent/telnyx-mock",
     "*telnyx_mock: TELNYX_MOCK_BIN=/nonexistent/telnyx-mock is not an executable file*"),
], ids=["unreachable_url", "missing_binary"])
def test_bad_setting_fails_the_test_with_one_line(pytester, user_env, monkeypatch, variable, value, line):
    monkeypatch.setenv(variable, value)
    pytester.makepyfile(test_x="def test_x(telnyx_mock):\n    pass\n")
    result = pytester.runpytest_subprocess(*PLUGIN_ARGS)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([line])


def test_pip_installs_it_from_its_folder_and_pytest_finds_the_fixture(tmp_path, user_env, monkeypatch):
    """pip install from the repository path (offline), then a plain pytest run with no conftest:
    the fixture arrives through the pytest11 entry point."""
    monkeypatch.delenv("PYTHONPATH")
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    pip = subprocess.run([str(py), "-m", "pip", "--version"], capture_output=True, text=True)
    if pip.returncode != 0:
        pytest.skip("pip is not available to the virtual environment: " + pip.stderr.strip())
    install = subprocess.run(
        [str(py), "-m", "pip", "install", "--no-index", "--no-build-isolation", "--no-deps",
         "--disable-pip-version-check", "-q", str(CLIENT_DIR)],
        capture_output=True, text=True, cwd=tmp_path)
    assert install.returncode == 0, install.stdout + install.stderr
    project = tmp_path / "project"
    project.mkdir()
    (project / "test_app.py").write_text(USER_TESTS)
    run = subprocess.run([str(py), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                         capture_output=True, text=True, cwd=project)
    assert "1 failed, 1 passed" in run.stdout, run.stdout + run.stderr
    assert "telnyx-mock report" in run.stdout
