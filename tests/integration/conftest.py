"""Shared fixtures: start a real Warden server on a free port and talk to it with real
clients (redis-py, redis-cli, raw sockets).

Environment:
  WARDEN_BIN   server binary (default build/warden); the ASan run sets build/asan/warden
  WARDEN_ASAN  set when the binary is sanitized: the server's stderr is checked for reports
"""
import os
import signal
import socket
import subprocess
import tempfile
import time

import pytest
import redis

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, os.environ.get("WARDEN_BIN", "build/warden"))
ASAN = bool(os.environ.get("WARDEN_ASAN"))
# Sanitized builds are several times slower: tests scale their waits with this.
SLOW = 4 if ASAN else 1


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    """One running server. Use .client(), .cli(...), .raw(...)."""

    def __init__(self, args=(), config_text=None, threads=None):
        args = list(args)
        self.dir = tempfile.mkdtemp(prefix="warden-test-")
        self.port = free_port()
        self.log_path = os.path.join(self.dir, "server.log")
        cmd = [BIN]
        if config_text is not None:
            conf = os.path.join(self.dir, "warden.conf")
            with open(conf, "w") as f:
                f.write(config_text)
            cmd.append(conf)
        cmd += ["--port", str(self.port), "--dir", self.dir]
        if "--bind" not in args:
            cmd += ["--bind", "127.0.0.1"]
        if threads is not None:
            cmd += ["--threads", str(threads)]
        cmd += list(args)
        self.cmd = cmd
        self.log = open(self.log_path, "wb")
        env = dict(os.environ)
        env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
        env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        self._wait_ready()

    def _wait_ready(self):
        deadline = time.time() + 10 * SLOW
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited at start:\n" + self.read_log())
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16)[:6] in (b"+PONG\r", b"-NOAUT"):
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("server did not start:\n" + self.read_log())

    def read_log(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def client(self, **kw):
        kw.setdefault("socket_timeout", 10 * SLOW)
        return redis.Redis(host="127.0.0.1", port=self.port, **kw)

    def cli(self, *args, input=None, check=True):
        """Run redis-cli against the server; returns stdout (str)."""
        out = subprocess.run(["redis-cli", "-p", str(self.port)] + [str(a) for a in args], input=input,
                             capture_output=True, timeout=30 * SLOW, text=True)
        if check and out.returncode != 0:
            raise AssertionError("redis-cli failed: " + out.stderr)
        return out.stdout

    def raw(self, data, read_until_close=False, timeout=2.0, expect=None):
        """Send raw bytes; return what the server answered (until close, until `expect`
        bytes were received, or until `timeout` of silence)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout * SLOW) as s:
            s.sendall(data)
            buf = b""
            while True:
                try:
                    chunk = s.recv(65536)
                except socket.timeout:
                    break
                if not chunk:
                    break
                buf += chunk
                if expect is not None and len(buf) >= expect and not read_until_close:
                    break
            return buf

    def alive(self):
        return self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=15 * SLOW)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("server did not stop on SIGTERM")
        self.log.close()
        return self.proc.returncode

    def check_clean(self):
        """No sanitizer report, no crash."""
        log = self.read_log()
        for marker in ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer", "SUMMARY: UndefinedBehavior"):
            assert marker not in log, "sanitizer report in server log:\n" + log[-6000:]


@pytest.fixture(scope="module")
def server():
    """One server shared by a test module (tests must not depend on each other's keys:
    use distinct key names or flush in a fixture)."""
    s = Server()
    yield s
    rc = s.stop()
    s.check_clean()
    assert rc == 0, "server exit code %r\n%s" % (rc, s.read_log()[-3000:])


@pytest.fixture
def r(server):
    """A redis-py client on a flushed db 0 (flushed with FLUSHALL when supported)."""
    c = server.client()
    try:
        c.execute_command("FLUSHALL")
    except redis.ResponseError:
        pass
    yield c
    c.close()


@pytest.fixture
def make_server():
    """Factory for tests that need their own server (custom config, crash tests)."""
    made = []

    def make(*args, **kw):
        s = Server(*args, **kw)
        made.append(s)
        return s

    yield make
    for s in made:
        rc = s.stop()
        s.check_clean()
        assert rc == 0, "server exit code %r\n%s" % (rc, s.read_log()[-3000:])
