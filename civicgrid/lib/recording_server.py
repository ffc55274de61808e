"""A real HTTP server on 127.0.0.1 for tests of what civicgrid sends out (robots, webhooks).

    with RecordingServer(statuses=(500, 200)).running() as server:
        ...                       # send to server.url
    [first, second] = server.requests

Each POST is recorded with its path, headers, raw body and (when it is JSON) the parsed
body. Replies take the next status of `statuses` (the last one repeats) with `answer` as
JSON; `delay` holds a reply back, to try timeouts.
"""

import json
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class RecordingServer:
    def __init__(self, answer=None, statuses=(200,), delay: float = 0.0):
        self.answer = answer if answer is not None else {"ok": True}
        self.statuses = list(statuses)
        self.delay = delay
        self.requests: list[dict] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())

    @property
    def url(self) -> str:
        host, port = self.server.server_address
        return f"http://{host}:{port}"

    def _next_status(self) -> int:
        return self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]

    def _record(self, handler, body: bytes) -> None:
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        self.requests.append(
            {
                "path": handler.path,
                "headers": dict(handler.headers),
                "content_type": handler.headers.get("Content-Type"),
                "body": body,
                "json": parsed,
            }
        )

    def _handler(self):
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                recorder._record(self, self.rfile.read(int(self.headers.get("Content-Length", 0))))
                time.sleep(recorder.delay)
                reply = json.dumps(recorder.answer).encode()
                try:
                    self.send_response(recorder._next_status())
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(reply)))
                    self.end_headers()
                    self.wfile.write(reply)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender stopped waiting, as a timeout test wants

            def log_message(self, *args):
                pass

        return Handler

    @contextmanager
    def running(self):
        thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()
            thread.join()
