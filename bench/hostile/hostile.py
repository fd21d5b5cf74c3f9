"""Sends each hostile input class to a running telnyx-mock from a child process while the parent
times legitimate requests of another tenant (KEYlegit: a send on a new connection, then a read of
its first message, every 20 ms) and samples the mock's RSS every 10 ms. One Markdown row per class.

Usage: [ONLY=<parts of class function names, comma-separated>] hostile.py <mock url> <mock pid> <fixtures/fuzz dir>"""
import json
import multiprocessing as mp
import os
import socket
import sys
import threading
import time

URL, PID, FIXTURES = sys.argv[1], int(sys.argv[2]), sys.argv[3]
HOST, PORT = URL.split("//")[1].split(":")
PORT = int(PORT)
RSS_LIMIT_MB, LATENCY_LIMIT_MS = 1024, 250
MIN_SECONDS = 3   # repeated attacks last at least this long


# ---- HTTP over raw sockets (requests no client library sends as such) ----

class Reader:
    """Responses from one socket, in order (pipelined responses may share a recv)."""

    def __init__(self, sock):
        self.sock, self.buf = sock, bytearray()

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError
        self.buf += chunk

    def response(self):
        """(status, headers dict, body); status -1 when the connection was cut first."""
        try:
            while b"\r\n\r\n" not in self.buf:
                self._fill()
            end = self.buf.find(b"\r\n\r\n")
            head, self.buf = bytes(self.buf[:end]), self.buf[end + 4:]
            lines = head.decode("latin-1").split("\r\n")
            status = int(lines[0].split()[1])
            headers = {k.strip().lower(): v.strip() for k, _, v in (l.partition(":") for l in lines[1:])}
            n = int(headers.get("content-length", "0"))
            while len(self.buf) < n:
                self._fill()
            body, self.buf = bytes(self.buf[:n]), self.buf[n:]
            return status, headers, body
        except EOFError:
            return -1, {}, b""


def read_response(s):
    return Reader(s).response()


def request(method, path, body=b"", key=None, extra=b"", timeout=30):
    """A request on a new connection: (status, error code or '', body)."""
    if isinstance(path, str):
        path = path.encode()
    if isinstance(body, str):
        body = body.encode()
    head = method.encode() + b" " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
    if key is not None:
        head += b"Authorization: Bearer " + (key.encode() if isinstance(key, str) else key) + b"\r\n"
    if body:
        head += b"Content-Type: application/json\r\nContent-Length: %d\r\n" % len(body)
    s = socket.create_connection((HOST, PORT))
    s.settimeout(timeout)
    try:
        s.sendall(head + extra + b"\r\n" + body)
        status, _, got = read_response(s)
    except OSError:
        status, got = -1, b""
    finally:
        s.close()
    return status, error_code(got), got


def error_code(body):
    try:
        return json.loads(body)["errors"][0]["code"]
    except Exception:
        return ""


def pipelined(requests, conns=4, batch=100):
    """Sends raw requests pipelined over `conns` keep-alive connections; returns statuses+codes."""
    out = []
    lock = threading.Lock()

    def worker(part):
        s = socket.create_connection((HOST, PORT))
        s.settimeout(30)
        reader = Reader(s)
        mine = []
        for i in range(0, len(part), batch):
            chunk = part[i:i + batch]
            s.sendall(b"".join(chunk))
            for _ in chunk:
                st, _, body = reader.response()
                mine.append((st, error_code(body)))
        s.close()
        with lock:
            out.extend(mine)

    threads = [threading.Thread(target=worker, args=(requests[i::conns],)) for i in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def tally(answers):
    """[(status, code)] -> '400 10015 x6, 200 x1' (most frequent first)."""
    counts = {}
    for st, code in answers:
        k = f"{st} {code}".strip()
        counts[k] = counts.get(k, 0) + 1
    return ", ".join(f"{k} x{n}" for k, n in sorted(counts.items(), key=lambda kv: -kv[1]))


def expect(answers, ok):
    bad = [a for a in answers if not ok(a)]
    return not bad, tally(answers)


def nested(depth):
    return "[" * depth + "]" * depth


def fixture(name):
    with open(os.path.join(FIXTURES, name), "rb") as f:
        return f.read()


# ---- the hostile input classes (each runs in a child process, returns (ok, summary)) ----

def deep_json():
    body = '{"to":' + nested(100000) + ',"text":"x"}'
    answers = []
    for _ in range(3):
        for path in ("/v2/messages", "/v2/messages/long_code", "/v2/messages/number_pool"):
            for key in (None, "KEYhostile"):
                answers.append(request("POST", path, body, key)[:2])
    answers.append(request("POST", "/_mock/inbound", '{"a":' + nested(100000) + "}")[:2])
    answers.append(request("PUT", "/_mock/scenario", nested(100000))[:2])
    return expect(answers, lambda a: a == (400, "10015"))


def yaml_bombs():
    scenario = fixture("yaml_loader/scenario-bomb.yaml")
    verify = fixture("mock_pipeline/verify-bomb.txt").split(b"\n\n", 1)[1]
    answers = []
    for _ in range(5):
        for method, path, body in (("PUT", "/_mock/scenario", scenario), ("POST", "/_mock/verify", verify)):
            st, code, got = request(method, path, body)
            # Control errors name the line and column of the alias that goes over the cap.
            answers.append((st, "naming line and column" if b"line" in got and b"column" in got else code))
    return expect(answers, lambda a: a == (400, "naming line and column"))


def invalid_utf8():
    answers = []
    big = b'{"to":"+17735550188","text":"' + b"\xff\xfe" * 400000 + b'"}'
    for _ in range(5):
        answers.append(request("GET", b"/\xff")[:2])
        answers.append(request("GET", b"/v2/messages/\xc3\x28?x=\xfe", key=b"KEY\xff")[:2])
        answers.append(request("POST", "/v2/messages", big, "KEYhostile")[:2])
    views = [request("GET", p)[:2] for p in ("/_mock/requests?limit=100000", "/_mock/report", "/_mock/messages")]
    ok_bad, summary = expect(answers, lambda a: 400 <= a[0] < 500 and a[1] != "")
    ok_views = all(v[0] == 200 for v in views)
    return ok_bad and ok_views, summary + f"; views {tally(views)}"


def giant_requests():
    answers = []
    answers.append(request("GET", "/v2/messages/" + "a" * 65536, key="KEYhostile")[:2])               # 414
    answers.append(request("GET", "/v2/messaging_profiles", key="KEYhostile",
                           extra=b"X-Big: " + b"b" * 100000 + b"\r\n")[:2])                          # 431
    answers.append(request("GET", "/v2/messaging_profiles", key="KEYhostile",
                           extra=b"".join(b"X-%d: v\r\n" % i for i in range(500)))[:2])              # 431
    answers.append(body_stream(b"Content-Length: %d\r\n" % (10 << 20), 10 << 20, chunked=False))      # 413
    answers.append(body_stream(b"Transfer-Encoding: chunked\r\n", 50 << 20, chunked=True))            # 413
    return expect(answers, lambda a: a[0] in (413, 414, 431))


def body_stream(framing, total, chunked):
    """Streams a body of `total` bytes (until the mock stops reading) and reads its answer."""
    s = socket.create_connection((HOST, PORT))
    s.settimeout(10)
    s.sendall(b"POST /v2/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer KEYhostile\r\n"
              b"Content-Type: application/json\r\n" + framing + b"\r\n")
    piece = b"a" * 65536
    chunk = (b"%x\r\n" % len(piece) + piece + b"\r\n") if chunked else piece
    sent = 0
    try:
        while sent < total:
            s.sendall(chunk)
            sent += len(piece)
    except OSError:
        pass
    try:
        status, _, body = read_response(s)
    except OSError:
        status, body = -1, b""
    s.close()
    return status, error_code(body)


def big_webhook_responses():
    """A receiver answering every webhook 200 with a 500 MB body, streamed until the mock hangs up."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)
    port = srv.getsockname()[1]
    served = []

    def serve(c):
        sent = 0
        try:
            c.settimeout(10)
            buf = b""
            while b"\r\n\r\n" not in buf:
                buf += c.recv(65536)
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n" % (500 << 20))
            piece = b"z" * 65536
            while sent < (500 << 20):
                c.sendall(piece)
                sent += len(piece)
        except OSError:
            pass
        served.append(sent)
        c.close()

    def acceptor():
        while True:
            try:
                c, _ = srv.accept()
            except OSError:
                return
            threading.Thread(target=serve, args=(c,), daemon=True).start()

    threading.Thread(target=acceptor, daemon=True).start()
    st, _, body = request("GET", "/v2/messaging_profiles", key="KEYwebhook")
    profile = json.loads(body)["data"][0]["id"]
    request("PATCH", f"/v2/messaging_profiles/{profile}",
            json.dumps({"webhook_url": f"http://127.0.0.1:{port}/hooks"}), "KEYwebhook")
    sends = [request("POST", "/v2/messages", '{"to":"+17735550188","text":"big answer"}', "KEYwebhook")[:2]
             for _ in range(5)]
    deadline = time.time() + 20
    while len(served) < 10 and time.time() < deadline:   # sent + finalized for each send
        time.sleep(0.05)
    srv.close()
    request("PATCH", f"/v2/messaging_profiles/{profile}", '{"webhook_url":null}', "KEYwebhook")
    most = max(served) if served else 0
    ok = len(served) >= 10 and all(a[0] == 200 for a in sends)
    return ok, (f"{len(served)} webhooks answered with 500 MB bodies; the mock hung up after "
                f"<= {most / (1 << 20):.1f} MB each (kernel buffers included)")


def glob_blowup():
    pattern = "*" + "a" * 2000 + "b"
    scenario = ("name: glob-blowup\nrules:\n  - name: slow-glob\n    match:\n      api_key: 'KEYglob*'\n"
                f"      body: {{text: '{pattern}'}}\n    respond: {{status: 500}}\n")
    st = request("PUT", "/_mock/scenario", scenario)[:2]
    body = '{"to":"+17735550188","text":"' + "a" * 1000000 + '"}'
    answers = [request("POST", "/v2/messages", body, "KEYglob")[:2] for _ in range(20)]
    request("DELETE", "/_mock/scenario")
    ok, summary = expect(answers, lambda a: 400 <= a[0] < 600)
    return ok and st[0] == 200, f"scenario {st[0]}; 20 x 1 MB text: {summary}"


def inbound_flood():
    _, _, body = request("GET", "/v2/phone_numbers", key="KEYflood")
    number = json.loads(body)["data"][0]["phone_number"]
    absurd = (f"name: flood\ninbound:\n  - {{to: '{number}', from: '+17735550188', text: x, "
              "count: 1000000000000000000, rate: 1000000000/s}\n")
    refused = request("PUT", "/_mock/scenario", absurd)[:2]
    most = (f"name: flood\ninbound:\n  - {{to: '{number}', from: '+17735550188', text: x, "
            "count: 1000000, rate: 10000/s}\n")
    loaded = request("PUT", "/_mock/scenario", most)[:2]
    time.sleep(12)   # 120,000 inbound messages: more than the store holds
    stored = json.loads(request("GET", "/_mock/health")[2])["data"]["messages"]
    request("DELETE", "/_mock/scenario")
    ok = refused[0] == 400 and loaded[0] == 200
    return ok, (f"count 10^18 at 1G/s: {tally([refused])}; the largest burst allowed (10,000/s) "
                f"ran 12 s: {loaded[0]}, store holds {stored}")


def big_lists():
    """The flooded tenant's messages listed whole, over and over (control API): limit=100000 is
    served as one capped page, then every further page through meta.next_before."""
    answers = []
    for _ in range(3):
        listed, pages, cursor, st, code = 0, 0, "", 200, ""
        while True:
            st, code, body = request("GET", "/_mock/messages?api_key=KEYflood&limit=100000" + cursor)
            if st != 200:
                break
            page = json.loads(body)
            listed += len(page["data"])
            pages += 1
            if page["meta"]["next_before"] is None:
                break
            cursor = "&before=%d" % page["meta"]["next_before"]
        answers.append((st, f"{listed} messages in {pages} pages" if st == 200 else code))
    return expect(answers, lambda a: a[0] == 200)


def many_tenants():
    reqs = [b"GET /v2/messaging_profiles HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer KEYmany%d\r\n\r\n" % i
            for i in range(30000)]
    answers = pipelined(reqs)
    ok = all(a in ((200, ""), (429, "10011")) for a in answers) and (429, "10011") in answers
    return ok, f"30,000 new KEY... keys: {tally(answers)}"


CLASSES = [   # (name, attack, repeat it for MIN_SECONDS)
    ("deep JSON, 100,000 levels (200 KB), API and control", deep_json, True),
    ("YAML alias bombs (scenario, verify)", yaml_bombs, True),
    ("invalid UTF-8 in path, key, 800 KB text; then the views", invalid_utf8, True),
    ("giant request line, headers, 10 MB and 50 MB chunked bodies", giant_requests, True),
    ("webhook receiver answering 500 MB bodies", big_webhook_responses, False),
    ("glob '*' + 2,000 chars + 'b' against 1 MB text", glob_blowup, True),
    ("inbound burst: count 10^18; then 10,000/s for 12 s", inbound_flood, False),
    ("another tenant lists its 50,000+ messages (GET /_mock/messages?limit=100000, every page)", big_lists, True),
    ("30,000 open-mode tenants", many_tenants, False),
]


# ---- measurement ----

def rss_mb():
    with open(f"/proc/{PID}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def child(fn, repeat, q):
    """Runs the attack (again and again for at least MIN_SECONDS when `repeat`, so that enough
    legitimate requests overlap it); every round must be answered right."""
    try:
        deadline, rounds, ok = time.time() + MIN_SECONDS, 0, True
        while True:
            round_ok, summary = fn()
            ok, rounds = ok and round_ok, rounds + 1
            if not repeat or time.time() >= deadline:
                break
        q.put((ok, summary + (f" (each of {rounds} rounds)" if rounds > 1 else "")))
    except Exception as e:   # a crash of the script is a failure, not a hang
        q.put((False, f"attack script error: {e!r}"))


def probe(first_id):
    """A legitimate send and a read of the tenant's first message: (worst ms, both right)."""
    t = time.perf_counter()
    st, _, _ = request("POST", "/v2/messages", '{"to":"+17735550188","text":"legit"}', "KEYlegit", timeout=10)
    t1 = time.perf_counter()
    rd, _, _ = request("GET", f"/v2/messages/{first_id}", key="KEYlegit", timeout=10)
    t2 = time.perf_counter()
    return max(t1 - t, t2 - t1) * 1000, st == 200 and rd == 200


def main():
    st, _, body = request("POST", "/v2/messages", '{"to":"+17735550188","text":"first"}', "KEYlegit")
    assert st == 200, body
    first_id = json.loads(body)["data"]["id"]
    print()
    print("| hostile input | how the mock answered it | peak RSS | legitimate requests | median | max | limits |")
    print("|---|---|---:|---:|---:|---:|---|")
    failed = False
    ctx = mp.get_context("fork")
    only = [o for o in os.environ.get("ONLY", "").split(",") if o]
    for name, fn, repeat in CLASSES:
        if only and not any(o in fn.__name__ for o in only):
            continue
        q = ctx.Queue()
        samples, lat, wrong = [rss_mb()], [], 0
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                try:
                    samples.append(rss_mb())
                except OSError:
                    return
                time.sleep(0.01)

        sampler = threading.Thread(target=sample)
        sampler.start()
        p = ctx.Process(target=child, args=(fn, repeat, q))
        p.start()
        while p.is_alive() or not lat:
            ms, right = probe(first_id)
            lat.append(ms)
            wrong += not right
            time.sleep(0.02)
        p.join()
        stop.set()
        sampler.join()
        ok, summary = q.get() if not q.empty() else (False, "no result")
        lat.sort()
        peak = max(samples)
        alive = os.path.exists(f"/proc/{PID}")
        meets = ok and alive and peak < RSS_LIMIT_MB and lat[-1] <= LATENCY_LIMIT_MS and wrong == 0
        failed |= not meets
        verdict = "PASS" if meets else "FAIL" + ("" if ok else " (answers)") + ("" if alive else " (mock died)")
        print(f"| {name} | {summary} | {peak:.0f} MB | {len(lat)} ({wrong} wrong) | "
              f"{lat[len(lat) // 2]:.1f} ms | {lat[-1]:.1f} ms | {verdict} |", flush=True)
        if not alive:
            break
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
