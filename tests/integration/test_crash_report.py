"""On a fatal signal Warden writes a short crash report to its log — version, signal,
the command the crashing thread ran (name only) — and nothing else: no argument
values, keys, passwords or client addresses. Then it dies of that same signal (exit
status and core dumps stay those of the crash). Sanitizer builds keep their own
reports instead, so this runs on the release build only."""
import os
import signal
import time

import pytest

from conftest import ASAN, Server

pytestmark = pytest.mark.skipif(ASAN, reason="sanitizer builds print their own crash reports")


@pytest.mark.parametrize("sig", [signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS, signal.SIGFPE])
def test_crash_report_then_dies_of_the_signal(sig):
    secret = "s3cret-Pa55word"
    s = Server(args=["--requirepass", secret], threads=2)
    try:
        c = s.client(password=secret)
        c.set("key-that-must-not-appear", "value-that-must-not-appear")
        c.close()
        os.kill(s.proc.pid, sig)
        deadline = time.time() + 20
        while s.proc.poll() is None and time.time() < deadline:
            time.sleep(0.05)
        assert s.proc.returncode == -sig, "exit status %r, expected death by %s" % (s.proc.returncode, sig.name)
        log = s.read_log()
        assert "=== WARDEN CRASH REPORT ===" in log and "=== END OF CRASH REPORT ===" in log
        assert "crashed by signal %d (%s)" % (sig.value, sig.name) in log
        assert "\ncommand: (none)\n" in log  # an asynchronous signal: no command was running
        report = log[log.index("=== WARDEN CRASH REPORT ==="):]
        for leak in (secret, "key-that-must-not-appear", "value-that-must-not-appear", "127.0.0.1"):
            assert leak not in report
    finally:
        if s.proc.poll() is None:
            s.proc.kill()
            s.proc.wait()
        s.log.close()
