"""valgrind memcheck over a scripted session against the release binary (build/warden,
hardened, with jemalloc: valgrind is told to intercept jemalloc's allocator). A few
hundred commands over several connections touch every command family, RESP2 and RESP3,
errors, expiry, ACL and CONFIG; then SIGTERM. Memcheck must report no invalid read or
write, no use of uninitialised memory and no lost block (--error-exitcode=1 turns any
of them into the exit status).

Slow under valgrind (tens of times slower), so it runs only from `make valgrind-test`
(WARDEN_VALGRIND=1), once per `make test`, not in the release and ASan suites."""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest
import redis

from conftest import ROOT, free_port
from rawresp import Resp

pytestmark = pytest.mark.skipif(not os.environ.get("WARDEN_VALGRIND"),
                                reason="run by `make valgrind-test` (WARDEN_VALGRIND=1)")

BIN = os.path.join(ROOT, "build/warden")


@pytest.fixture(scope="module")
def vg_server():
    if not shutil.which("valgrind"):
        pytest.fail("valgrind is not installed (scripts/install-deps.sh installs it)")
    d = tempfile.mkdtemp(prefix="warden-valgrind-")
    port = free_port()
    vlog = os.path.join(d, "valgrind.log")
    cmd = ["valgrind", "--error-exitcode=1", "--leak-check=full", "--errors-for-leak-kinds=definite,indirect,possible",
           "--track-origins=yes", "--soname-synonyms=somalloc=*jemalloc*", "--log-file=" + vlog,
           BIN, "--port", str(port), "--bind", "127.0.0.1", "--dir", d, "--threads", "2",
           "--audit-log", os.path.join(d, "audit.log")]
    log = open(os.path.join(d, "server.log"), "wb")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        assert proc.poll() is None, open(vlog).read()[-3000:]
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("server under valgrind did not start")
    yield port, proc, vlog
    if proc.poll() is None:
        proc.kill()
    log.close()
    shutil.rmtree(d, ignore_errors=True)


def session(port):
    """~400 commands; returns how many ran."""
    c = redis.Redis(host="127.0.0.1", port=port, socket_timeout=60)
    c.response_callbacks.clear()  # raw replies: no client-side parsing of OBJECT, SCAN...
    n = 0

    def ok(*args):
        nonlocal n
        n += 1
        return c.execute_command(*args)

    def err(*args):
        nonlocal n
        n += 1
        with pytest.raises(redis.ResponseError):
            c.execute_command(*args)

    for i in range(60):
        ok("SET", "k%d" % i, "v" * (i * 7))
        ok("GET", "k%d" % i)
    ok("SET", "big", "x" * 100000)  # a raw string, freed by the lazy-free thread below
    ok("UNLINK", "big")
    ok("MSET", "a", "1", "b", "2", "c", "3")
    assert ok("MGET", "a", "b", "c", "nope") == [b"1", b"2", b"3", None]
    ok("INCR", "a"), ok("INCRBY", "a", "10"), ok("DECRBY", "a", "3"), ok("INCRBYFLOAT", "f", "1.25")
    ok("APPEND", "s", "hello"), ok("SETRANGE", "s", "10", "world"), ok("GETRANGE", "s", "0", "-1")
    ok("STRLEN", "s"), ok("GETSET", "s", "new"), ok("GETDEL", "b"), ok("GETEX", "c", "EX", "100")
    ok("LCS", "k10", "k20"), ok("SETNX", "a", "x"), ok("MSETNX", "x1", "1", "x2", "2")
    ok("SETBIT", "bits", "1000", "1"), ok("GETBIT", "bits", "1000"), ok("BITCOUNT", "bits")
    ok("BITPOS", "bits", "1"), ok("BITOP", "OR", "dst", "bits", "s")
    ok("BITFIELD", "bf", "SET", "u8", "0", "200", "INCRBY", "i16", "8", "-5", "GET", "u4", "0")
    ok("EXPIRE", "k1", "100"), ok("PEXPIRE", "k2", "5"), ok("TTL", "k1"), ok("PTTL", "k1"), ok("PERSIST", "k1")
    ok("EXPIREAT", "k3", "1"), ok("EXISTS", "k3"), ok("TYPE", "k4"), ok("OBJECT", "ENCODING", "k4")
    ok("RENAME", "k5", "k5b"), ok("RENAMENX", "k6", "k5b"), ok("COPY", "k7", "k7c"), ok("MOVE", "k8", "3")
    ok("SELECT", "3"), ok("KEYS", "*"), ok("SWAPDB", "0", "3"), ok("SWAPDB", "0", "3"), ok("SELECT", "0")
    cursor = b"0"
    while True:
        cursor, _ = ok("SCAN", cursor, "COUNT", "7", "MATCH", "k*")
        if cursor in (0, b"0"):
            break
    ok("RANDOMKEY"), ok("DBSIZE"), ok("TOUCH", "k9", "k10"), ok("DEL", "k11", "k12", "nope")
    err("INCR", "k13"), err("GET"), err("NOSUCHCOMMAND", "x"), err("SET", "k", "v", "EX", "-1")
    err("BITFIELD", "bf", "GET", "u99", "0"), err("SETRANGE", "s", "-1", "x"), err("CONFIG", "NOPE")
    ok("CONFIG", "GET", "maxmemory*"), ok("CONFIG", "SET", "maxmemory-samples", "7")
    ok("CONFIG", "SET", "slowlog-log-slower-than", "-1"), ok("CONFIG", "RESETSTAT")
    ok("ACL", "SETUSER", "vg", "on", ">pw", "~vg:*", "+@all", "(~sel:* +get)")
    ok("ACL", "LIST"), ok("ACL", "GETUSER", "vg"), ok("ACL", "WHOAMI"), ok("ACL", "CAT")
    u = redis.Redis(host="127.0.0.1", port=port, username="vg", password="pw", socket_timeout=60)
    u.set("vg:1", "x")
    with pytest.raises(redis.exceptions.NoPermissionError):
        u.set("other", "x")
    u.close()
    err("AUTH", "vg", "wrong"), ok("ACL", "LOG"), ok("ACL", "DELUSER", "vg")
    r3 = Resp(port, resp3=True)  # RESP3 replies (maps, nulls, doubles)
    assert r3.cmd("GET", "a") == b"9"
    r3.cmd("MGET", "a", "nope"), r3.cmd("CONFIG", "GET", "port"), r3.cmd("INCRBYFLOAT", "f", "0.5")
    r3.cmd("SCAN", "0"), r3.cmd("ACL", "GETUSER", "default"), r3.cmd("HELLO", "2")
    r3.close()
    n += 8
    ok("FLUSHDB", "ASYNC"), ok("FLUSHALL")
    c.close()
    # several connections at once, a pipeline and raw inline commands
    conns = [redis.Redis(host="127.0.0.1", port=port, socket_timeout=60) for _ in range(4)]
    for j, cc in enumerate(conns):
        p = cc.pipeline(transaction=False)
        for i in range(25):
            p.set("p%d:%d" % (j, i), i)
            p.incr("p%d:%d" % (j, i))
        assert len(p.execute()) == 50
        n += 50
        cc.close()
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.sendall(b"PING\r\nSET q \"a b\"\r\nGET q\r\n*1\r\n$4\r\nPING\r\n")
        got = b""
        while got.count(b"\r\n") < 5:
            got += s.recv(4096)
        n += 4
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.sendall(b"*2\r\n$3\r\nGET\r\n$-5\r\n")  # protocol error: reply, then close
        s.recv(4096)
    return n


def test_memcheck_clean(vg_server):
    port, proc, vlog = vg_server
    assert session(port) >= 300
    proc.send_signal(signal.SIGTERM)
    rc = proc.wait(timeout=120)
    report = open(vlog).read()
    assert "Memcheck" in report and "HEAP SUMMARY" in report, report[-3000:]  # valgrind really ran
    assert "definitely lost: 0 bytes" in report or "All heap blocks were freed" in report, report[-6000:]
    assert "ERROR SUMMARY: 0 errors" in report, report[-6000:]
    assert rc == 0, report[-6000:]
