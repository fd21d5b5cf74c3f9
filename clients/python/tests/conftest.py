"""A webhook receiver on 127.0.0.1 for the plugin's own tests."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class Receiver:
    """Records every webhook POST; ``hold()`` makes it keep requests open until ``release()``."""

    def __init__(self):
        self.events = []
        self._lock = threading.Lock()
        self._open = threading.Event()
        self._open.set()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver._open.wait(30)
                with receiver._lock:
                    receiver.events.append({"headers": dict(self.headers), "body": json.loads(body)})
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def event_types(self, message_id=None):
        with self._lock:
            return [e["body"]["data"]["event_type"] for e in self.events
                    if message_id is None or e["body"]["data"]["payload"]["id"] == message_id]

    def hold(self):
        self._open.clear()

    def release(self):
        self._open.set()

    def close(self):
        self.release()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()
