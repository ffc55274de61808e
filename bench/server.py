"""A gunicorn serving civicgrid on a free loopback port, for the HTTP benchmarks.

    with Server(workers=2) as server:
        run(Load(urls=[server.url("/login/")]))
        server.worker_rss()

The server runs with the bench environment (DEBUG off, the bench database) and is
always stopped on leaving the block: SIGTERM to the master, then SIGKILL if it lingers.
"""

import http.client
import signal
import socket
import subprocess
import time
from pathlib import Path

from common import APP, OUT, ROOT, bench_env, rss_mb

GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
READY_SECONDS = 30


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(
        self,
        workers: int = 2,
        worker_class: str = "sync",
        threads: int = 1,
        app: str = "civicgrid.wsgi",
        env: dict | None = None,
    ):
        self.workers, self.worker_class, self.threads = workers, worker_class, threads
        self.app, self.env = app, env or {}
        self.port = free_port()
        self.process = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self):
        self.log = open(OUT / "gunicorn.log", "w")  # noqa: SIM115 - closed in __exit__
        self.process = subprocess.Popen(
            [str(GUNICORN), self.app, "--bind", f"127.0.0.1:{self.port}"]
            + ["--workers", str(self.workers), "--worker-class", self.worker_class]
            + ["--threads", str(self.threads), "--backlog", "256", "--log-level", "warning"],
            env={**bench_env(), **self.env},
            cwd=APP,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        try:
            self._wait_ready()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _wait_ready(self):
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}: see {OUT}")
            if len(self.worker_pids()) == self.workers and self._answers():
                return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn not ready after {READY_SECONDS} s: see {OUT}/gunicorn.log")

    def _answers(self) -> bool:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            conn.request("GET", "/login/")
            return conn.getresponse().status < 500
        except OSError:
            return False

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except FileNotFoundError:
            return []

    def worker_rss(self) -> list[float]:
        """RSS of each worker in MiB (the master, which serves nothing, is left out)."""
        return [rss_mb(pid) for pid in self.worker_pids()]

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.log.close()
