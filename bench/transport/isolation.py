"""Opens IDLE keep-alive connections (one request answered, then silent) and TRICKLE connections
(a request line, then one header byte per second), then times fresh legitimate POST /v2/messages
requests while all of them are open. Prints one line per phase and the latencies."""
import socket, sys, time

url, idle_n, trickle_n, probes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
host, port = url.split("//")[1].split(":")
port = int(port)
body = b'{"to":"+17735550188","text":"isolation"}'
req = (b"POST /v2/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer KEYiso\r\nContent-Type: application/json\r\n"
       b"Content-Length: %d\r\n\r\n%s" % (len(body), body))

def exchange(s):
    s.sendall(req)
    buf = b""
    while b"\r\n\r\n" not in buf or len(buf) < buf.find(b"\r\n\r\n") + 4 + int(buf.split(b"Content-Length: ")[1].split(b"\r\n")[0]):
        chunk = s.recv(65536)
        if not chunk: break
        buf += chunk
    return buf

t0 = time.time()
idle = []
for i in range(idle_n):
    s = socket.create_connection((host, port)); s.settimeout(10)
    exchange(s)
    idle.append(s)
t_idle = time.time() - t0
trickle = []
for i in range(trickle_n):
    s = socket.create_connection((host, port)); s.setblocking(False)
    s.send(b"POST /v2/messages HTTP/1.1\r\nHost: x\r\n")
    trickle.append(s)
print(f"opened {idle_n} idle keep-alive connections ({t_idle:.1f} s) and {trickle_n} trickling ones")
lat = []
for i in range(probes):
    for s in trickle:
        try: s.send(b"X")
        except OSError: pass
    t = time.perf_counter()
    s = socket.create_connection((host, port)); s.settimeout(10)
    r = exchange(s)
    lat.append((time.perf_counter() - t) * 1000)
    ok = r.startswith(b"HTTP/1.1 200")
    s.close()
    if not ok: print("probe", i, "failed:", r[:80])
    time.sleep(0.1)
lat.sort()
print(f"{probes} legitimate requests (new connection each) while they were open: "
      f"median {lat[len(lat)//2]:.2f} ms, max {lat[-1]:.2f} ms")
