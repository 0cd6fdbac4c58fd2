"""A real HTTP server on 127.0.0.1 for download tests: serves files with Range support and injectable faults.

Paths: /ok/NAME serves NAME; /truncate/NAME always closes the connection halfway through the body;
/cut-once/NAME closes the first response halfway, then serves normally (Range included). Every request's
path and Range header are recorded in server.log.
"""
from __future__ import annotations

import threading
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
