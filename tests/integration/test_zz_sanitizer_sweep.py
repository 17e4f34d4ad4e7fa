"""Runs last (pytest takes files in name order): fails the sanitized run if ANY server
started during it wrote a sanitizer report — including servers that a test started on
its own and never checked, and reports written at exit (LeakSanitizer).

`make test` / `make asan-integration` point TMPDIR and WARDEN_LOG_SWEEP_DIR at one
fresh folder (build/asan/tmp), so every server log the fixtures create
(<TMPDIR>/warden-test-*/server.log) and every ASan log_path file lands under it.
Outside that setting this test is skipped."""
import os

import pytest

SWEEP_DIR = os.environ.get("WARDEN_LOG_SWEEP_DIR")
MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:", "SUMMARY: UndefinedBehavior",
           "ThreadSanitizer", "AddressSanitizer:DEADLYSIGNAL")


@pytest.mark.skipif(not SWEEP_DIR, reason="only in make's sanitized run (WARDEN_LOG_SWEEP_DIR)")
def test_no_sanitizer_report_in_any_server_log():
    scanned = 0
    reports = []
    for root, _dirs, files in os.walk(SWEEP_DIR):
        for name in files:
            if not (name.endswith(".log") or name.startswith("asan")):
                continue
            path = os.path.join(root, name)
            try:
                with open(path, "rb") as f:
                    text = f.read().decode(errors="replace")
            except OSError:
                continue
            scanned += 1
            for m in MARKERS:
                at = text.find(m)
                if at >= 0:
                    reports.append("%s:\n%s" % (path, text[max(0, at - 200):at + 3000]))
                    break
    assert scanned > 0, "no server logs under %s: is TMPDIR being honoured?" % SWEEP_DIR
    assert not reports, "sanitizer reports in %d server log(s):\n\n%s" % (len(reports), "\n\n".join(reports[:3]))
