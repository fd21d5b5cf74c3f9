#!/usr/bin/env python3
"""Webhook isolation through telnyx-mock: tenant A sends HOLE messages whose webhook_url accepts
and never answers and DRIP messages whose webhook_url answers one byte a second; then tenant B
sends PROBES messages to a receiver that answers at once. Prints each probe's send ->
message.sent arrival and the worst one (goal: within 1 s). Everything on 127.0.0.1, bounded.
Usage: isolation.py MOCK_URL [HOLE] [DRIP] [PROBES]"""
import http.server, json, socket, sys, threading, time, urllib.request

mock = sys.argv[1]
hole_n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
drip_n = int(sys.argv[3]) if len(sys.argv) > 3 else 20
probes = int(sys.argv[4]) if len(sys.argv) > 4 else 5
stop = threading.Event()

def listener():
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0)); s.listen(1024); s.settimeout(0.2)
    return s

held = []
def blackhole(s):          # accepts, never reads, never answers
    while not stop.is_set():
        try: c, _ = s.accept(); held.append(c)
        except socket.timeout: pass

def dripper(s):            # reads the request, answers one byte a second
    def serve(c):
        try:
            c.recv(65536)
            for b in b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}":
                if stop.is_set(): break
                c.send(bytes([b])); time.sleep(1)
        except OSError: pass
        finally: c.close()
    while not stop.is_set():
        try: c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
        except socket.timeout: pass

arrived = {}
class Good(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        ev = json.loads(body)["data"]
        if ev["event_type"] == "message.sent":
            arrived.setdefault(ev["payload"]["id"], time.monotonic())
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *a): pass

hole, drip = listener(), listener()
good = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Good)
for t in (threading.Thread(target=blackhole, args=(hole,)), threading.Thread(target=dripper, args=(drip,)),
          threading.Thread(target=good.serve_forever)):
    t.daemon = True; t.start()

def send(key, to, url):
    req = urllib.request.Request(mock + "/v2/messages", method="POST",
        data=json.dumps({"to": to, "text": "iso", "webhook_url": url}).encode(),
        headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())["data"]["id"]

hole_url = "http://127.0.0.1:%d/hooks" % hole.getsockname()[1]
drip_url = "http://127.0.0.1:%d/hooks" % drip.getsockname()[1]
good_url = "http://127.0.0.1:%d/hooks" % good.server_address[1]
for i in range(hole_n): send("KEY_tenant_a", "+1773555%04d" % i, hole_url)
for i in range(drip_n): send("KEY_tenant_a", "+1773556%04d" % i, drip_url)
worst = 0.0
for i in range(probes):
    t0 = time.monotonic()
    mid = send("KEY_tenant_b", "+1312555%04d" % i, good_url)
    while mid not in arrived and time.monotonic() - t0 < 10: time.sleep(0.002)
    dt = arrived.get(mid, float("inf")) - t0
    worst = max(worst, dt)
    print("probe %d: send -> message.sent %.1f ms" % (i + 1, dt * 1000))
print("tenant A: %d messages to a blackholed URL, %d to a dripping one; tenant B worst %.1f ms (goal <= 1000 ms): %s"
      % (hole_n, drip_n, worst * 1000, "PASS" if worst <= 1.0 else "FAIL"))
stop.set(); good.shutdown()
