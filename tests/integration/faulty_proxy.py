"""A fault-injecting HTTP proxy in front of the test S3 server, on 127.0.0.1 only.

Forwards requests verbatim (the Host header too, so SigV4 signatures still verify upstream) and,
depending on `mode`, answers some or all of them with S3's 503 SlowDown, or stalls them past the
client's read timeout. Bounded: it serves only until `stop()`.
"""

from __future__ import annotations

import http.client
import random
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

SLOW_DOWN = (b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code>'
             b"<Message>Please reduce your request rate.</Message></Error>")


class FaultyProxy:
    def __init__(self, upstream: str, seed: int = 0):
        self.upstream = urlsplit(upstream)
        self.mode = "pass"  # pass | flaky (503s) | down (all 503) | slow (stalls past the client's timeout)
        self.fail_rate = 0.3
        self.requests = 0
        self.injected = 0
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with proxy._lock:
                    proxy.requests += 1
                    fail = proxy.mode == "down" or (proxy.mode == "flaky" and proxy._rng.random() < proxy.fail_rate)
                    stall = proxy.mode == "slow" and proxy._rng.random() < proxy.fail_rate
                    if fail or stall:
                        proxy.injected += 1
                if stall:
                    time.sleep(3)  # past the client's read timeout: it gives up and retries
                    self.close_connection = True
                    return
                if fail:
                    self.send_response(503)
                    self.send_header("Content-Type", "application/xml")
                    self.send_header("Content-Length", str(len(SLOW_DOWN)))
                    self.end_headers()
                    self.wfile.write(SLOW_DOWN)
                    return
                conn = http.client.HTTPConnection(proxy.upstream.hostname, proxy.upstream.port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
                conn.request(self.command, self.path, body=body if body else None, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                self.send_response(resp.status, resp.reason)
                for k, v in resp.getheaders():
                    if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                conn.close()

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.endpoint_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> FaultyProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
