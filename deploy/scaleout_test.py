#!/usr/bin/env python3
"""Scale-out by tenant, end to end on 127.0.0.1: three telnyx-mock instances (seeds 1-3, one
signing key) behind nginx running deploy/nginx.conf (its upstream pointed at them).

Checks: each API key sticks to one instance; GET /v2/messages/{id} works through the proxy (and
is 404 on an instance that does not hold the tenant); telnyx-loadgen through the proxy with
--webhooks, one run per key, loses no event; `telnyx-mockctl report` equals the sum of the three
reports and `telnyx-mockctl verify` judges that sum.

Environment: TELNYX_MOCK_BIN, LOADGEN_BIN, MOCKCTL_BIN (binaries), NGINX (default: nginx).
Exit 77 when nginx is not installed.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "clients" / "python"))
from telnyx_harness import TelnyxMock  # noqa: E402

SIGNING_KEY = REPO / "fixtures" / "keys" / "test_ed25519.pem"
INSTANCES = 3


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nginx_config(template: str, mocks, port: int, work: Path) -> str:
    """deploy/nginx.conf with its upstream servers replaced by the local mocks, listening on
    127.0.0.1:port, with every file nginx writes under work/."""
    servers = "".join(f"    server 127.0.0.1:{m.port};\n" for m in mocks)
    conf, n = re.subn(r"(    server telnyx-mock-\d+\.telnyx-mock:12111;\n)+", servers, template)
    assert n == 1, "deploy/nginx.conf: upstream server lines not found"
    conf, n = re.subn(r"listen 8080;", f"listen 127.0.0.1:{port};", conf)
    assert n == 1, "deploy/nginx.conf: 'listen 8080;' not found"
    conf = conf.replace("worker_processes auto;", "worker_processes 1;")
    paths = "".join(f"  {d}_temp_path {work}/{d};\n" for d in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = conf.replace("http {\n", "http {\n" + paths, 1)
    return (f"pid {work}/nginx.pid;\nerror_log {work}/error.log warn;\n"
            + ("user root;\n" if os.geteuid() == 0 else "") + conf)


def start_nginx(nginx: str, mocks, work: Path):
    template = (HERE / "nginx.conf").read_text()
    for _ in range(5):
        port = free_port()
        (work / "nginx.conf").write_text(nginx_config(template, mocks, port, work))
        proc = subprocess.Popen([nginx, "-p", str(work), "-c", str(work / "nginx.conf"), "-g", "daemon off;"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for _ in range(100):
            if proc.poll() is not None:
                break
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return proc, f"http://127.0.0.1:{port}"
            except OSError:
                time.sleep(0.05)
        err = proc.stderr.read() if proc.poll() is not None else ""
        proc.kill()
        proc.wait()
        if "Address already in use" not in err:
            raise SystemExit(f"nginx did not start: {err.strip()}")
    raise SystemExit("nginx did not start: no free port after 5 tries")


def holder(mocks, api_key):
    """The instances that hold messages of api_key."""
    return [i for i, m in enumerate(mocks) if m.messages(api_key=api_key)]


def main() -> int:
    nginx = os.environ.get("NGINX") or shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if not nginx:
        print("SKIPPED: nginx is not installed; the scale-out test did not run.")
        return 77
    loadgen = os.environ["LOADGEN_BIN"]
    mockctl = os.environ["MOCKCTL_BIN"]
    work = Path(tempfile.mkdtemp(prefix="telnyx-scaleout-"))
    mocks, proxy = [], None
    try:
        for i in range(INSTANCES):
            mocks.append(TelnyxMock.start(seed=i + 1, args=["--signing-key", str(SIGNING_KEY)]))
        assert len({m.webhook_public_key for m in mocks}) == 1, "instances must share the signing key"
        proxy, url = start_nginx(nginx, mocks, work)
        front = TelnyxMock(url)
        print(f"scaleout: nginx at {url} -> " + ", ".join(m.url for m in mocks))

        # 1. Stickiness: two sends per key through the proxy land on one instance; pick one key
        #    per instance.
        per_instance = {}
        for n in range(60):
            key = f"KEYtenant{n}"
            sent = [front.send("+17735550188", f"hello {k}", api_key=key) for k in range(2)]
            where = holder(mocks, key)
            assert len(where) == 1, f"{key} is spread over instances {where}"
            for msg in sent:
                status, body = front.request("GET", f"/v2/messages/{msg['id']}", api_key=key)
                assert status == 200 and body["data"]["id"] == msg["id"], (status, body)
                other = mocks[(where[0] + 1) % INSTANCES]
                status, _ = other.request("GET", f"/v2/messages/{msg['id']}", api_key=key)
                assert status == 404, f"instance {(where[0] + 1) % INSTANCES} answered {status} for another's message"
            per_instance.setdefault(where[0], key)
            if len(per_instance) == INSTANCES and n >= 11:
                break
        assert len(per_instance) == INSTANCES, f"60 keys reached only instances {sorted(per_instance)}"
        print(f"scaleout: keys stick to one instance each; GET by id works through the proxy; one key per instance: {per_instance}")

        # 2. telnyx-loadgen through the proxy, one run per key (so every instance takes load),
        #    each with its own webhook receiver on 127.0.0.1: no event may go missing.
        runs = []
        for i, key in sorted(per_instance.items()):
            report = work / f"loadgen-{i}.json"
            runs.append((key, report, subprocess.Popen(
                [loadgen, "send", "--url", url, "--api-key", key, "--rate", "40", "--duration", "3s",
                 "--webhooks", "--report-json", str(report), "--threshold", "missing==0",
                 "--threshold", "bad_signatures==0", "--threshold", "duplicates==0"],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)))
        for key, report, proc in runs:
            out, _ = proc.communicate(timeout=120)
            assert proc.returncode == 0, f"telnyx-loadgen ({key}) exit {proc.returncode}:\n{out}"
            w = json.loads(report.read_text())["webhooks"]
            assert w["registered"] > 0 and w["missing_sent"] == 0 and w["missing_finalized"] == 0, f"{key}: {w}"
            assert w["matched_finalized"] == w["registered"], f"{key}: {w}"
        sent_by_instance = [len(m.messages(limit=100000)) for m in mocks]
        assert all(n > 100 for n in sent_by_instance), f"messages per instance: {sent_by_instance}"
        print(f"scaleout: telnyx-loadgen through nginx, 0 missing webhook events; messages per instance: {sent_by_instance}")

        # 3. Verdicts on every instance (a duplicate per tenant), then the sum across instances.
        for i, key in per_instance.items():
            for _ in range(i + 2):        # i + 1 duplicates on instance i
                front.send("+17735550199", "dup", api_key=key)
        parts = [m.report() for m in mocks]
        dups = [p["verdicts"]["duplicates"]["count"] for p in parts]
        out = subprocess.run([mockctl, "report", *[m.url for m in mocks]], capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        merged = json.loads(out.stdout)
        v = merged["verdicts"]
        assert v["requests"] == sum(p["verdicts"]["requests"] for p in parts)
        for k in ("duplicates", "retry_after_violations", "permanent_error_retries"):
            assert v[k]["count"] == sum(p["verdicts"][k]["count"] for p in parts), k
            assert len(v[k]["items"]) == sum(len(p["verdicts"][k]["items"]) for p in parts), k
        for f, n in merged["faults"].items():
            assert n == sum(p["faults"][f] for p in parts), f
        assert merged["instances"] == [m.url for m in mocks]
        assert v["duplicates"]["count"] == sum(dups) >= 1 + 2 + 3, dups
        print(f"scaleout: merged report = sum of parts (requests {v['requests']}, duplicates {dups} -> {v['duplicates']['count']})")

        ok = subprocess.run([mockctl, "verify", *[m.url for m in mocks], "-e",
                             json.dumps({"duplicates": sum(dups), "retry_after_violations": 0})],
                            capture_output=True, text=True)
        assert ok.returncode == 0, ok.stdout + ok.stderr
        bad = subprocess.run([mockctl, "verify", *[m.url for m in mocks], "-e", '{"duplicates": 0}'],
                             capture_output=True, text=True)
        assert bad.returncode == 3 and json.loads(bad.stdout)["failures"][0]["actual"] == sum(dups), bad.stdout
        down = subprocess.run([mockctl, "report", mocks[0].url, f"http://127.0.0.1:{free_port()}"],
                              capture_output=True, text=True)
        assert down.returncode == 1 and len(down.stderr.strip().splitlines()) == 1, down.stderr
        print("scaleout: telnyx-mockctl verify judges the sum (0 ok, 3 failed, 1 unreachable)")
        print("scaleout: PASS")
        return 0
    finally:
        if proxy is not None:
            proxy.terminate()
            proxy.wait(10)
        for m in mocks:
            m.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
