"""SHUTDOWN: a clean exit (status 0) with no reply, the flag combinations Redis 7.0
accepts, its errors (ABORT with nothing to abort, SAVE until persistence exists), and
that a refused SHUTDOWN leaves the server serving."""
import time

import pytest
import redis

from conftest import SLOW


def err(fn, *args):
    with pytest.raises(redis.ResponseError) as e:
        fn(*args)
    return str(e.value)


def wait_exit(s, timeout=10):
    deadline = time.time() + timeout * SLOW
    while s.proc.poll() is None and time.time() < deadline:
        time.sleep(0.02)
    return s.proc.poll()


@pytest.mark.parametrize("args", [[], ["NOSAVE"], ["NOW"], ["FORCE"], ["nosave", "now", "force"]])
def test_shutdown_exits_zero(make_server, args):
    s = make_server()
    c = s.client()
    c.set("k", "v")
    with pytest.raises(redis.ConnectionError):
        c.execute_command("SHUTDOWN", *args)
    assert wait_exit(s) == 0
    assert "ready to exit" in s.read_log()


def test_shutdown_via_redis_py(make_server):
    s = make_server()
    c = s.client()
    try:
        c.shutdown(nosave=True)
    except redis.ConnectionError:
        pass
    assert wait_exit(s) == 0


def test_shutdown_pipelined_commands_do_not_run(make_server):
    s = make_server()
    out = s.raw(b"SHUTDOWN\r\nSET after 1\r\n", read_until_close=True)
    assert out == b""
    assert wait_exit(s) == 0


def test_shutdown_errors_keep_serving(make_server):
    s = make_server()
    c = s.client()
    assert err(c.execute_command, "SHUTDOWN", "ABORT") == "No shutdown in progress."
    assert err(c.execute_command, "SHUTDOWN", "foo") == "syntax error"
    assert err(c.execute_command, "SHUTDOWN", "NOSAVE", "SAVE") == "syntax error"
    assert err(c.execute_command, "SHUTDOWN", "ABORT", "NOW") == "syntax error"
    assert err(c.execute_command, "SHUTDOWN", "NOW", "ABORT") == "syntax error"
    # SHUTDOWN SAVE itself is covered by test_rdb.py (it saves and exits)
    assert c.ping() is True
    assert s.alive()


def test_sigterm_still_clean(make_server):
    s = make_server()
    s.client().ping()
    assert s.stop() == 0
