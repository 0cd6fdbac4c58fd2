"""A real HTTP server on 127.0.0.1 for download tests: serves files with Range support and injectable faults.

Paths: /ok/NAME serves NAME; /truncate/NAME always closes the connection halfway through the body;
/cut-once/NAME closes the first response halfway, then serves normally (Range included). Every request's
path and Range header are recorded in server.log.

Hostile modes (a weight server that lies or stalls):
/endless/NAME     the file, then random bytes forever (no Content-Length), until the client hangs up;
/lying-length/NAME announces Content-Length 1 TB and sends the file followed by endless random bytes;
/trickle/NAME     correct headers, then one byte every server.trickle_s seconds;
/slow-headers/NAME sends its status line and headers one byte every server.trickle_s seconds;
/redirect-loop/NAME answers 302 to itself forever;
/wrong-bytes/NAME the right Content-Length, but random bytes (same length, other hash).
server.bytes_sent counts the body bytes the hostile modes managed to send.
"""
from __future__ import annotations

import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class FileServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.root = root
        self.log: list[tuple[str, str | None]] = []
        self.cuts_done: set[str] = set()
        self.lock = threading.Lock()
        self.trickle_s = 0.2
        self.bytes_sent = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: FileServer

    def log_message(self, *args):  # keep test output quiet
        pass

    def do_GET(self):
        rng = self.headers.get("Range")
        with self.server.lock:
            self.server.log.append((self.path, rng))
        parts = self.path.strip("/").split("/", 1)
        if len(parts) != 2 or not (self.server.root / parts[1]).is_file():
            self.send_error(404)
            return
        mode, name = parts
        data = (self.server.root / name).read_bytes()
        if mode in HOSTILE:
            try:
                HOSTILE[mode](self, data)
            except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError):
                pass  # the client gave up, as it should
            self.close_connection = True
            return
        start = 0
        if rng and rng.startswith("bytes="):
            start = int(rng[len("bytes="):].split("-")[0])
            if start >= len(data):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(data)}")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        body = data[start:]
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        cut = mode == "truncate"
        if mode == "cut-once":
            with self.server.lock:
                cut = name not in self.server.cuts_done
                self.server.cuts_done.add(name)
        if cut:
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        for i in range(0, len(body), 1 << 15):
            self.wfile.write(body[i:i + (1 << 15)])


    def _send(self, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()
        with self.server.lock:
            self.server.bytes_sent += len(data)

    def _endless(self, data: bytes, length: int | None = None) -> None:
        self.send_response(200)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.send_header("Connection", "close")
        self.end_headers()
        self._send(data)
        noise = os.urandom(1 << 16)
        for _ in range(1 << 20):  # 64 GB at most: "forever" for a test
            self._send(noise)

    def _lying_length(self, data: bytes) -> None:
        self._endless(data, length=10**12)

    def _trickle(self, data: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        for i in range(len(data)):
            self._send(data[i:i + 1])
            time.sleep(self.server.trickle_s)

    def _slow_headers(self, data: bytes) -> None:
        head = (f"HTTP/1.1 200 OK\r\nContent-Length: {len(data)}\r\n" + "X-Pad: x\r\n" * 500).encode()
        for i in range(len(head)):
            self._send(head[i:i + 1])
            time.sleep(self.server.trickle_s)

    def _redirect_loop(self, data: bytes) -> None:
        self.send_response(302)
        self.send_header("Location", self.path)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _wrong_bytes(self, data: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self._send(os.urandom(len(data)))


HOSTILE = {"endless": _Handler._endless, "lying-length": _Handler._lying_length, "trickle": _Handler._trickle,
           "redirect-loop": _Handler._redirect_loop,
           "slow-headers": _Handler._slow_headers, "wrong-bytes": _Handler._wrong_bytes}
