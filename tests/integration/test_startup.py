"""Process life cycle: --version/--help, start-up failures that must exit non-zero with
a reason (port taken, nowhere to listen, bad option), pidfile and logfile, daemonize,
thread counts, listening on a unix socket only, and a clean exit (status 0, nothing
left behind, no sanitizer report) on SIGTERM."""
import os
import signal
import socket
import subprocess
import tempfile
import time

import pytest

from conftest import ASAN, BIN, SLOW, free_port
from respwire import RawConn, short_tmp_path, wait_for

SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer",
                     "SUMMARY: UndefinedBehavior")


def env():
    e = dict(os.environ)
    e.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
    e.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
    return e


def run_once(*args, timeout=10):
    """Run the binary to completion; returns (rc, stdout, stderr)."""
    out = subprocess.run([BIN] + list(args), capture_output=True, text=True, timeout=timeout * SLOW, env=env())
    return out.returncode, out.stdout, out.stderr


def assert_clean(text):
    for m in SANITIZER_MARKERS:
        assert m not in text, "sanitizer report:\n" + text[-4000:]


class Proc:
    """A server started by hand (for options the shared fixture cannot express)."""

    def __init__(self, args, tmp):
        self.log_path = os.path.join(tmp, "out.log")
        self.log = open(self.log_path, "wb")
        self.p = subprocess.Popen([BIN] + list(args), stdout=self.log, stderr=subprocess.STDOUT, env=env())

    def output(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self, sig=signal.SIGTERM):
        if self.p.poll() is None:
            self.p.send_signal(sig)
            try:
                self.p.wait(15 * SLOW)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
                raise AssertionError("server ignored SIGTERM")
        self.log.close()
        assert_clean(self.output())
        return self.p.returncode


@pytest.fixture
def tmp():
    d = tempfile.mkdtemp(prefix="warden-startup-")
    yield d


def ping_tcp(port):
    try:
        with RawConn(port, timeout=0.5) as c:
            c.send(b"PING\r\n")
            c.expect(b"+PONG\r\n")
            return True
    except OSError:
        return False


def test_version():
    rc, out, err = run_once("--version")
    assert rc == 0
    assert out.startswith("Warden server v=")
    assert "bits=64" in out
    rc, out, err = run_once("-v")
    assert rc == 0 and out.startswith("Warden server v=")


def test_help():
    rc, out, err = run_once("--help")
    assert rc == 0
    assert "Usage:" in out + err


def test_port_in_use_fails(tmp):
    taken = socket.socket()
    taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    port = taken.getsockname()[1]
    try:
        rc, out, err = run_once("--port", str(port), "--bind", "127.0.0.1", "--dir", tmp)
    finally:
        taken.close()
    assert rc == 1
    assert "Address already in use" in out + err
    assert_clean(out + err)


def test_nowhere_to_listen_fails(tmp):
    rc, out, err = run_once("--port", "0", "--dir", tmp)
    assert rc == 1
    assert "Configured to not listen anywhere" in out + err


def test_unknown_option_fails(tmp):
    rc, out, err = run_once("--port", str(free_port()), "--no-such-option", "1", "--dir", tmp)
    assert rc == 1
    assert "FATAL CONFIG FILE ERROR" in err
    assert "no-such-option" in err


def test_config_file_and_overrides(tmp):
    port = free_port()
    conf = os.path.join(tmp, "w.conf")
    with open(conf, "w") as f:
        f.write("# a redis.conf\nport 1\nbind 127.0.0.1\nloglevel notice\n")
    p = Proc([conf, "--port", str(port), "--dir", tmp], tmp)
    try:
        assert wait_for(lambda: ping_tcp(port), timeout=10)
    finally:
        assert p.stop() == 0


def test_pidfile_and_logfile(tmp):
    port = free_port()
    pidfile = os.path.join(tmp, "w.pid")
    logfile = os.path.join(tmp, "w.log")
    p = Proc(["--port", str(port), "--bind", "127.0.0.1", "--dir", tmp, "--pidfile", pidfile,
              "--logfile", logfile], tmp)
    try:
        assert wait_for(lambda: ping_tcp(port), timeout=10)
        with open(pidfile) as f:
            assert int(f.read().strip()) == p.p.pid
        with open(logfile) as f:
            assert "Ready to accept connections" in f.read()
    finally:
        assert p.stop() == 0
    assert not os.path.exists(pidfile), "pidfile left behind"
    with open(logfile) as f:
        assert "bye" in f.read()
    assert "Ready to accept" not in p.output()  # the log went to the file, not stdout


@pytest.mark.parametrize("threads", [1, 3])
def test_thread_count(tmp, threads):
    port = free_port()
    p = Proc(["--port", str(port), "--bind", "127.0.0.1", "--dir", tmp, "--threads", str(threads)], tmp)
    try:
        assert wait_for(lambda: ping_tcp(port), timeout=10)
        assert "%d worker threads" % threads in p.output()
        # the workers really exist: main + workers + lazy-free at least
        nthreads = len(os.listdir("/proc/%d/task" % p.p.pid))
        assert nthreads >= threads + 2
        # clients land on every worker and all are served
        conns = [RawConn(port) for _ in range(threads * 2)]
        for c in conns:
            c.send(b"PING\r\n")
        for c in conns:
            c.expect(b"+PONG\r\n")
            c.close()
    finally:
        assert p.stop() == 0


def test_default_threads_follow_cores(tmp):
    port = free_port()
    p = Proc(["--port", str(port), "--bind", "127.0.0.1", "--dir", tmp], tmp)
    try:
        assert wait_for(lambda: ping_tcp(port), timeout=10)
        assert "%d worker threads" % os.cpu_count() in p.output()
    finally:
        assert p.stop() == 0


def test_unix_socket_only(tmp):
    path = short_tmp_path("warden-only-%d.sock" % os.getpid())
    p = Proc(["--port", "0", "--unixsocket", path, "--dir", tmp], tmp)
    try:
        assert wait_for(lambda: os.path.exists(path), timeout=10)

        def ping_unix():
            try:
                with RawConn(unix=path, timeout=0.5) as c:
                    c.send(b"PING\r\n")
                    c.expect(b"+PONG\r\n")
                    return True
            except OSError:
                return False
        assert wait_for(ping_unix, timeout=10)
    finally:
        assert p.stop() == 0
    assert not os.path.exists(path)


def test_starts_fast_and_stops_fast(tmp):
    port = free_port()
    t0 = time.time()
    p = Proc(["--port", str(port), "--bind", "127.0.0.1", "--dir", tmp], tmp)
    try:
        assert wait_for(lambda: ping_tcp(port), timeout=10)
        assert time.time() - t0 < 2 * SLOW
    finally:
        t1 = time.time()
        assert p.stop() == 0
        assert time.time() - t1 < 2 * SLOW


def test_daemonize(tmp):
    port = free_port()
    pidfile = os.path.join(tmp, "d.pid")
    e = env()
    if ASAN:
        # a daemon's stderr is /dev/null: send sanitizer reports to files instead
        e["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=0:log_path=" + os.path.join(tmp, "asan")
    rc = subprocess.run([BIN, "--port", str(port), "--bind", "127.0.0.1", "--dir", tmp, "--daemonize", "yes",
                         "--pidfile", pidfile], env=e, timeout=10 * SLOW).returncode
    assert rc == 0  # the parent returns at once
    assert wait_for(lambda: os.path.exists(pidfile) and ping_tcp(port), timeout=10)
    with open(pidfile) as f:
        pid = int(f.read().strip())
    os.kill(pid, signal.SIGTERM)

    def gone():
        try:
            os.kill(pid, 0)
            return False
        except ProcessLookupError:
            return True
    assert wait_for(gone, timeout=10)
    assert not os.path.exists(pidfile)
    reports = [f for f in os.listdir(tmp) if f.startswith("asan")]
    for r in reports:
        with open(os.path.join(tmp, r)) as f:
            assert_clean(f.read())
