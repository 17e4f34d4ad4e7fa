"""RDB snapshots: SAVE/BGSAVE, save points, shutdown save, start-up loading, file
safety (mode, atomic replace), interop both ways with redis-server 7.0 and
redis-check-rdb, corrupt files refused cleanly, MISCONF after a failed background
save, and point-in-time consistency of a background save under concurrent writes."""
import os
import shutil
import signal
import struct
import subprocess
import tempfile
import threading
import time

import pytest
import redis

from conftest import BIN, SLOW, Server, free_port

REDIS_SERVER = shutil.which("redis-server")
CHECK_RDB = shutil.which("redis-check-rdb")


def wait_for(pred, timeout=5.0, step=0.02):
    deadline = time.time() + timeout * SLOW
    while time.time() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


class RedisServer:
    """A real redis-server 7.0 on a free port, for interop checks."""

    def __init__(self, d, dbfilename="dump.rdb"):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", d, "--dbfilename", dbfilename,
             "--save", "", "--daemonize", "no", "--appendonly", "no"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.c = raw_replies(redis.Redis(port=self.port, socket_timeout=10))
        deadline = time.time() + 10
        while True:
            try:
                self.c.ping()
                break
            except redis.ConnectionError:
                if self.proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError("redis-server did not start: %r" % self.proc.stdout.read())
                time.sleep(0.05)

    def stop(self):
        try:
            self.c.shutdown(nosave=True)
        except redis.ConnectionError:
            pass
        self.proc.wait(timeout=10)


def start_fail(d, dbfilename="dump.rdb", extra=()):
    """Start Warden on a data dir expecting it to refuse: returns (exit code, output)."""
    out = subprocess.run([BIN, "--port", str(free_port()), "--bind", "127.0.0.1", "--dir", d, "--dbfilename",
                          dbfilename, "--save", ""] + list(extra), capture_output=True, timeout=20 * SLOW, text=True)
    return out.returncode, out.stdout + out.stderr


def raw_replies(c):
    """Make SAVE/BGSAVE/BGREWRITEAOF return the server's reply as it is (redis-py maps them to bools)."""
    for name in ("SAVE", "BGSAVE", "BGREWRITEAOF"):
        c.set_response_callback(name, lambda r, **kw: r)
    return c


def client(s):
    return raw_replies(s.client())


def check_rdb(path):
    out = subprocess.run([CHECK_RDB, path], capture_output=True, text=True, timeout=30)
    return out.returncode, out.stdout + out.stderr


# A spread of string shapes: every RDB string encoding on the write side
SAMPLE = {
    b"int:small": b"7",
    b"int:neg": b"-120",
    b"int:16": b"30000",
    b"int:32": b"-2000000000",
    b"int:big": b"1234567890123456789",
    b"int:notcanon": b"007",
    b"emb": b"hello world",
    b"empty": b"",
    b"binary": b"\x00\x01\r\n\xff" * 3,
    b"raw:compressible": b"x" * 1000,
    b"raw:text": (b"the quick brown fox jumps over the lazy dog " * 40),
    b"raw:random": bytes((i * 7919 + 13) % 251 for i in range(3000)),
    b"12345": b"key that looks like an integer",
    b"k" * 300: b"long key",
}


def fill(c):
    for k, v in SAMPLE.items():
        c.set(k, v)
    c.set(b"ttl", b"v", px=3_600_000)
    for db in (1, 15):
        c.execute_command("SELECT", db)
        c.set(b"in-db-%d" % db, b"%d" % db)
    c.execute_command("SELECT", 0)


def verify(c):
    for k, v in SAMPLE.items():
        assert c.get(k) == v, k
    assert 3_500_000 < c.pttl(b"ttl") <= 3_600_000
    for db in (1, 15):
        c.execute_command("SELECT", db)
        assert c.get(b"in-db-%d" % db) == b"%d" % db
        assert c.dbsize() == 1
    c.execute_command("SELECT", 0)
    assert c.dbsize() == len(SAMPLE) + 1


@pytest.fixture
def datadir():
    d = tempfile.mkdtemp(prefix="warden-rdb-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


def test_save_file_mode_check_rdb_and_reload(datadir, make_server):
    s = make_server(args=["--dir", datadir, "--save", ""])
    c = client(s)
    fill(c)
    assert c.execute_command("SAVE") == b"OK"
    path = os.path.join(datadir, "dump.rdb")
    assert os.stat(path).st_mode & 0o777 == 0o600
    with open(path, "rb") as f:
        data = f.read()
    assert data[:9] == b"REDIS0010"
    assert data[-9] == 0xFF  # EOF opcode, then the checksum
    assert b"redis-ver" in data and b"aof-base" in data
    rc, out = check_rdb(path)
    assert rc == 0 and "RDB looks OK" in out, out
    assert not [n for n in os.listdir(datadir) if n.startswith("temp-")]
    s.stop()
    s2 = make_server(args=["--dir", datadir, "--save", ""])
    verify(s2.client())
    assert "Done loading RDB, keys loaded: %d, keys expired: 0." % (len(SAMPLE) + 3) in s2.read_log()


@pytest.mark.skipif(not REDIS_SERVER, reason="redis-server not installed")
def test_warden_rdb_loads_in_redis(datadir, make_server):
    s = make_server(args=["--dir", datadir, "--save", ""])
    fill(client(s))
    assert client(s).execute_command("SAVE") == b"OK"
    rs = RedisServer(datadir)
    try:
        verify(rs.c)
        assert rs.c.object("encoding", b"int:small") == b"int"
    finally:
        rs.stop()


@pytest.mark.skipif(not REDIS_SERVER, reason="redis-server not installed")
def test_redis_rdb_loads_in_warden(datadir, make_server):
    rs = RedisServer(datadir, "fromredis.rdb")
    try:
        fill(rs.c)
        rs.c.set(b"gone", b"x", px=300)
        assert rs.c.execute_command("SAVE") == b"OK"
    finally:
        rs.stop()
    time.sleep(0.35)  # "gone" expires between the save and the load
    s = make_server(args=["--dir", datadir, "--dbfilename", "fromredis.rdb", "--save", ""])
    verify(s.client())
    assert s.client().get(b"gone") is None
    assert "keys loaded: %d, keys expired: 1." % (len(SAMPLE) + 3) in s.read_log()


@pytest.mark.skipif(not REDIS_SERVER, reason="redis-server not installed")
def test_redis_rdb_without_compression_or_checksum(datadir, make_server):
    rs = RedisServer(datadir, "plain.rdb")
    try:
        rs.c.config_set("rdbcompression", "no")
        fill(rs.c)
        assert rs.c.execute_command("SAVE") == b"OK"
    finally:
        rs.stop()
    s = make_server(args=["--dir", datadir, "--dbfilename", "plain.rdb", "--save", ""])
    verify(s.client())


def test_rdbcompression_and_rdbchecksum_off(datadir, make_server):
    s = make_server(args=["--dir", datadir, "--save", "", "--rdbchecksum", "no"])
    c = client(s)
    c.set(b"big", b"y" * 5000)
    c.execute_command("SAVE")
    path = os.path.join(datadir, "dump.rdb")
    small = os.path.getsize(path)
    with open(path, "rb") as f:
        assert f.read()[-8:] == b"\0" * 8  # checksum not computed
    rc, out = check_rdb(path)
    assert rc == 0, out
    c.config_set("rdbcompression", "no")
    c.execute_command("SAVE")
    assert os.path.getsize(path) > small + 4900
    s.stop()
    s2 = make_server(args=["--dir", datadir, "--save", ""])
    assert s2.client().get(b"big") == b"y" * 5000


def test_expired_keys_are_not_saved(datadir, make_server):
    s = make_server(args=["--dir", datadir, "--save", ""])
    c = client(s)
    c.set(b"short", b"v", px=50)
    c.set(b"long", b"v", px=100000)
    time.sleep(0.1)
    c.execute_command("SAVE")
    with open(os.path.join(datadir, "dump.rdb"), "rb") as f:
        data = f.read()
    assert b"short" not in data and b"long" in data


def test_bgsave_and_errors(datadir, make_server):
    s = make_server(args=["--dir", datadir, "--save", ""])
    c = client(s)
    c.set(b"a", b"1")
    with pytest.raises(redis.ResponseError, match="^syntax error$"):
        c.execute_command("BGSAVE", "NOW")
    with pytest.raises(redis.ResponseError, match="wrong number of arguments for 'save' command"):
        c.execute_command("SAVE", "x")
    assert c.execute_command("BGSAVE") == b"Background saving started"
    path = os.path.join(datadir, "dump.rdb")
    assert wait_for(lambda: os.path.exists(path))
    rc, out = check_rdb(path)
    assert rc == 0, out
    # SCHEDULE with nothing running starts one at once
    assert wait_for(lambda: _try_bgsave(c, "SCHEDULE") in (b"Background saving started",))
    assert "Background saving terminated with success" in wait_for(
        lambda: "Background saving terminated with success" in s.read_log() and s.read_log())


def _try_bgsave(c, *args):
    try:
        return c.execute_command("BGSAVE", *args)
    except redis.ResponseError as e:
        return str(e)


def test_save_points_trigger_background_save(datadir, make_server):
    s = make_server(args=["--dir", datadir, "--save", "1", "2"])
    c = client(s)
    path = os.path.join(datadir, "dump.rdb")
    c.set(b"one", b"1")
    time.sleep(1.5)
    assert not os.path.exists(path)  # one change: below the point
    c.set(b"two", b"2")
    assert wait_for(lambda: os.path.exists(path), timeout=5)
    assert "2 changes in 1 seconds. Saving..." in s.read_log()


def test_shutdown_on_sigterm_saves_when_save_points_exist(datadir, make_server):
    s = make_server(args=["--dir", datadir, "--save", "3600", "1"])
    s.client().set(b"kept", b"yes")
    assert s.stop() == 0
    assert "Saving the final RDB snapshot before exiting." in s.read_log()
    s2 = make_server(args=["--dir", datadir, "--save", ""])
    assert s2.client().get(b"kept") == b"yes"


def test_no_save_points_no_file_at_shutdown(datadir, make_server):
    s = make_server(args=["--dir", datadir, "--save", ""])
    s.client().set(b"k", b"v")
    assert s.stop() == 0
    assert not os.path.exists(os.path.join(datadir, "dump.rdb"))


def test_flushall_with_save_points_writes_an_empty_snapshot(datadir, make_server):
    s = Server(args=["--dir", datadir, "--save", "3600", "1000"])
    c = client(s)
    c.set(b"k", b"v")
    c.execute_command("SAVE")
    c.flushall()
    s.proc.kill()  # no shutdown save: the file on disk must already be empty
    s.proc.wait()
    s.log.close()
    s2 = make_server(args=["--dir", datadir, "--save", ""])
    assert s2.client().dbsize() == 0


def test_misconf_after_failed_bgsave(datadir, make_server):
    s = make_server(args=["--dir", datadir, "--save", "3600", "1000"])
    c = client(s)
    c.set(b"k", b"v")
    os.mkdir(os.path.join(datadir, "dump.rdb"))  # the rename cannot replace a directory
    try:
        _misconf_checks(s, c, datadir)
    finally:
        if os.path.isdir(os.path.join(datadir, "dump.rdb")):
            os.rmdir(os.path.join(datadir, "dump.rdb"))
        c.config_set("save", "")  # the shutdown must not depend on this test's state


def _misconf_checks(s, c, datadir):
    assert c.execute_command("BGSAVE") == b"Background saving started"

    def refused():
        try:
            c.set(b"k2", b"v")
            return False
        except redis.ResponseError as e:
            return str(e).startswith("MISCONF Redis is configured to save RDB snapshots")
    assert wait_for(refused)
    with pytest.raises(redis.ResponseError, match="^MISCONF"):
        c.ping()
    assert c.get(b"k") == b"v"  # reads still work
    assert "Background saving error" in wait_for(lambda: "Background saving error" in s.read_log() and s.read_log())
    c.config_set("stop-writes-on-bgsave-error", "no")
    assert c.set(b"k3", b"v")
    c.config_set("stop-writes-on-bgsave-error", "yes")
    with pytest.raises(redis.ResponseError, match="^MISCONF"):
        c.set(b"k4", b"v")
    # SAVE fails too ("ERR"), and the rename target is untouched
    with pytest.raises(redis.ResponseError) as e:  # "-ERR" alone: redis-py strips the prefix
        c.execute_command("SAVE")
    assert str(e.value) == ""
    os.rmdir(os.path.join(datadir, "dump.rdb"))
    assert c.execute_command("BGSAVE") == b"Background saving started"
    assert wait_for(lambda: _set_ok(c))


def _set_ok(c):
    try:
        return c.set(b"after", b"v")
    except redis.ResponseError:
        return False


CORRUPTIONS = {
    "magic": lambda d: b"RODIS" + d[5:],
    "version": lambda d: d[:5] + b"0011" + d[9:],
    "truncated-header": lambda d: d[:7],
    "truncated-middle": lambda d: d[: len(d) // 2],
    "truncated-before-checksum": lambda d: d[:-4],
    "no-eof": lambda d: d[:-9],
    "bitflip-value": lambda d: d[:-30] + bytes([d[-30] ^ 0x40]) + d[-29:],
    "checksum": lambda d: d[:-1] + bytes([d[-1] ^ 1]),
    "unknown-type": lambda d: d[:-9] + b"\x08\x01k\x01v" + d[-9:],
    "module-type": lambda d: d[:-9] + b"\x07\x01k" + d[-9:],
    "stream-type": lambda d: d[:-9] + b"\x13\x01k" + d[-9:],
    "function": lambda d: d[:-9] + b"\xf5" + d[-9:],
    "selectdb-beyond": lambda d: d[:-9] + b"\xfe\x3f" + d[-9:],
    "huge-string": lambda d: d[:-9] + b"\x00\x01k\x81\x7f\xff\xff\xff\xff\xff\xff\xff" + d[-9:],
    "huge-lzf": lambda d: d[:-9] + b"\x00\x01k\xc3\x02\x80\x40\x00\x00\x00\x01a" + d[-9:],
    "bad-lzf": lambda d: d[:-9] + b"\x00\x01k\xc3\x03\x15\x1fabc" + d[-9:],
    "duplicate-key": lambda d: d[:-9] + b"\x00\x03dup\x01v\x00\x03dup\x01w" + d[-9:],
}


@pytest.mark.parametrize("kind", sorted(CORRUPTIONS))
def test_corrupt_rdb_is_refused(datadir, make_server, kind):
    s = make_server(args=["--dir", datadir, "--save", ""])
    c = client(s)
    c.set(b"a", b"1")
    c.set(b"b", b"hello" * 10)
    c.execute_command("SAVE")
    s.stop()
    path = os.path.join(datadir, "dump.rdb")
    with open(path, "rb") as f:
        data = f.read()
    bad = CORRUPTIONS[kind](data)
    if kind in ("unknown-type", "module-type", "stream-type", "function", "selectdb-beyond", "huge-string",
                "huge-lzf", "bad-lzf", "duplicate-key"):
        # keep the checksum right so the loader's own checks are what refuses
        bad = bad[:-8] + b"\0" * 8
    with open(path, "wb") as f:
        f.write(bad)
    rc, out = start_fail(datadir)
    assert rc == 1, out
    assert "Fatal error loading the DB" in out, out
    for marker in ("AddressSanitizer", "runtime error", "LeakSanitizer"):
        assert marker not in out, out
    expect = {
        "magic": "Wrong signature",
        "version": "Can't handle RDB format version 11",
        "checksum": "Wrong RDB checksum",
        "module-type": "module",
        "stream-type": "stream",
        "function": "functions",
        "selectdb-beyond": "more than 16 databases",
        "duplicate-key": "duplicated key 'dup'",
        "unknown-type": "unknown record type",
        "huge-string": "exceeds the data left",
        "huge-lzf": "impossible length",
        "bad-lzf": "invalid LZF",
    }.get(kind)
    if expect:
        assert expect in out, out


def test_point_in_time_bgsave_under_writes(datadir, make_server):
    """Pairs a:i / b:i are always written together by MSET; a background save running
    meanwhile must capture one instant: every pair equal in the file."""
    n = 60000
    s = make_server(args=["--dir", datadir, "--save", ""])
    c = client(s)
    for base in range(0, n, 2000):
        args = []
        for i in range(base, base + 2000):
            args += [b"a:%d" % i, b"0", b"b:%d" % i, b"0"]
        c.execute_command("MSET", *args)
    stop = threading.Event()
    errors = []

    def writer(seed):
        w = client(s)
        gen = 1
        try:
            while not stop.is_set():
                p = w.pipeline(transaction=False)
                for j in range(50):
                    i = (seed * 7919 + gen * 104729 + j * 31) % n
                    v = b"%d-%d" % (seed, gen)
                    p.execute_command("MSET", b"a:%d" % i, v, b"b:%d" % i, v)
                p.execute()
                gen += 1
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    time.sleep(0.2)
    assert c.execute_command("BGSAVE") == b"Background saving started"
    log_has = lambda: "Background saving terminated with success" in s.read_log()
    assert wait_for(log_has, timeout=30)
    stop.set()
    for t in threads:
        t.join()
    assert not errors, errors
    import re
    m = re.search(r"Snapshot: (\d+) keys, \d+ bytes; (\d+) shards", s.read_log())
    assert m and int(m.group(1)) == 2 * n
    assert int(m.group(2)) > 0, "no write overlapped the snapshot: the test proves nothing"
    s.stop()
    # load the snapshot alone and check every pair
    s2 = make_server(args=["--dir", datadir, "--save", ""])
    c2 = client(s2)
    assert c2.dbsize() == 2 * n
    for base in range(0, n, 5000):
        keys_a = [b"a:%d" % i for i in range(base, base + 5000)]
        keys_b = [b"b:%d" % i for i in range(base, base + 5000)]
        va, vb = c2.mget(keys_a), c2.mget(keys_b)
        assert va == vb


# ---- collections ----

BIG_ELEM = b"E" * 100_000


def fill_collections(c):
    c.rpush(b"l:small", b"a", b"1", b"-5", b"300", b"70000", b"", b"\x00\xff")
    big = [b"%d" % (i * 37 - 5000) if i % 2 else b"item-%d" % i for i in range(5000)]
    for k in range(0, len(big), 1000):
        c.rpush(b"l:big", *big[k:k + 1000])
    c.rpush(b"l:huge-elem", b"x", BIG_ELEM, b"y")
    c.hset(b"h:small", mapping={b"f1": b"v1", b"n": b"42", b"neg": b"-1", b"": b"empty field"})
    c.hset(b"h:big", mapping={b"field%d" % i: b"value%d" % i for i in range(600)})
    c.hset(b"h:longval", mapping={b"f": b"v" * 1000})
    c.pexpire(b"h:small", 3_600_000)
    c.pexpire(b"l:small", 3_600_000)
    c.sadd(b"s:ints", 1, -5, 300, 70000, 5_000_000_000, -9223372036854775808)
    c.sadd(b"s:strs", b"a", b"b", b"", b"\x00bin", b"12")
    c.sadd(b"s:big", *[b"m%d" % i for i in range(1000)])
    c.sadd(b"s:bigints", *range(2000))
    c.zadd(b"z:small", {b"a": 1, b"b": 2.5, b"c": -3, b"d": float("inf"), b"e": float("-inf"), b"f": 1e-300,
                        b"g": 4611686018427387904, b"h": 0.1})
    c.zadd(b"z:big", {b"member%d" % i: i * 0.5 for i in range(300)})
    c.pexpire(b"z:small", 3_600_000)


def verify_collections(c):
    assert c.lrange(b"l:small", 0, -1) == [b"a", b"1", b"-5", b"300", b"70000", b"", b"\x00\xff"]
    big = [b"%d" % (i * 37 - 5000) if i % 2 else b"item-%d" % i for i in range(5000)]
    assert c.lrange(b"l:big", 0, -1) == big
    assert c.lrange(b"l:huge-elem", 0, -1) == [b"x", BIG_ELEM, b"y"]
    assert c.hgetall(b"h:small") == {b"f1": b"v1", b"n": b"42", b"neg": b"-1", b"": b"empty field"}
    assert c.hgetall(b"h:big") == {b"field%d" % i: b"value%d" % i for i in range(600)}
    assert c.hget(b"h:longval", b"f") == b"v" * 1000
    assert 3_500_000 < c.pttl(b"h:small") <= 3_600_000
    assert 3_500_000 < c.pttl(b"l:small") <= 3_600_000
    assert c.smembers(b"s:ints") == {b"1", b"-5", b"300", b"70000", b"5000000000", b"-9223372036854775808"}
    assert c.smembers(b"s:strs") == {b"a", b"b", b"", b"\x00bin", b"12"}
    assert c.smembers(b"s:big") == {b"m%d" % i for i in range(1000)}
    assert c.scard(b"s:bigints") == 2000 and c.sismember(b"s:bigints", 1999)
    assert c.zrange(b"z:small", 0, -1, withscores=True) == [
        (b"e", float("-inf")), (b"c", -3.0), (b"f", 1e-300), (b"h", 0.1), (b"a", 1.0), (b"b", 2.5),
        (b"g", 4611686018427387904.0), (b"d", float("inf"))]
    assert c.zrange(b"z:big", 0, -1, withscores=True) == [(b"member%d" % i, i * 0.5) for i in range(300)]
    assert 3_500_000 < c.pttl(b"z:small") <= 3_600_000


def test_collections_round_trip(datadir, make_server):
    s = make_server(args=["--dir", datadir, "--save", ""])
    c = client(s)
    fill_collections(c)
    assert c.execute_command("SAVE") == b"OK"
    rc, out = check_rdb(os.path.join(datadir, "dump.rdb"))
    assert rc == 0 and "RDB looks OK" in out, out
    s.stop()
    s2 = make_server(args=["--dir", datadir, "--save", ""])
    verify_collections(client(s2))


@pytest.mark.skipif(not REDIS_SERVER, reason="redis-server not installed")
def test_collections_interop_both_ways(datadir, make_server):
    s = make_server(args=["--dir", datadir, "--save", ""])
    fill_collections(client(s))
    assert client(s).execute_command("SAVE") == b"OK"
    s.stop()
    rs = RedisServer(datadir)
    try:
        verify_collections(rs.c)
    finally:
        rs.stop()
    rs = RedisServer(datadir, "fromredis.rdb")
    try:
        fill_collections(rs.c)
        assert rs.c.execute_command("SAVE") == b"OK"
    finally:
        rs.stop()
    s2 = make_server(args=["--dir", datadir, "--dbfilename", "fromredis.rdb", "--save", ""])
    verify_collections(client(s2))


@pytest.mark.skipif(not REDIS_SERVER, reason="redis-server not installed")
def test_collections_dump_restore_both_ways(datadir, make_server):
    s = make_server(args=["--dir", datadir, "--save", ""])
    w = client(s)
    fill_collections(w)
    rs = RedisServer(datadir)
    try:
        rs.c.config_set("sanitize-dump-payload", "yes")  # deep checks of every blob we send
        keys = [b"l:small", b"l:big", b"l:huge-elem", b"h:small", b"h:big", b"h:longval", b"s:ints", b"s:strs",
                b"s:big", b"s:bigints", b"z:small", b"z:big"]
        for k in keys:
            rs.c.restore(k, 0, w.dump(k), replace=True)
        for k in (b"h:small", b"l:small", b"z:small"):
            rs.c.pexpire(k, 3_600_000)
        verify_collections(rs.c)
        for k in keys:
            w.restore(k + b":back", 0, rs.c.dump(k))
            assert w.dump(k + b":back") is not None
        assert w.lrange(b"l:big:back", 0, -1) == w.lrange(b"l:big", 0, -1)
        assert w.hgetall(b"h:big:back") == w.hgetall(b"h:big")
        assert w.object("encoding", b"h:big:back") == w.object("encoding", b"h:big")
        for k in (b"s:ints", b"s:big", b"s:bigints"):
            assert w.smembers(k + b":back") == w.smembers(k)
            assert w.object("encoding", k + b":back") == w.object("encoding", k)
        for k in (b"z:small", b"z:big"):
            assert w.zrange(k + b":back", 0, -1, withscores=True) == w.zrange(k, 0, -1, withscores=True)
            assert w.object("encoding", k + b":back") == w.object("encoding", k)
    finally:
        rs.stop()


def test_debug_reload(datadir, make_server):
    s = make_server(args=["--dir", datadir, "--save", "", "--enable-debug-command", "yes"])
    c = client(s)
    fill(c)
    fill_collections(c)
    assert c.execute_command("DEBUG", "RELOAD") == b"OK"
    verify_collections(c)
    for k, v in SAMPLE.items():
        assert c.get(k) == v
    assert c.lastsave().timestamp() >= int(time.time()) - 2
    # NOSAVE loads the file as it is: a key written since is gone
    c.set(b"unsaved", b"1")
    assert c.execute_command("DEBUG", "RELOAD", "NOSAVE") == b"OK"
    assert c.get(b"unsaved") is None
    # NOFLUSH without MERGE finds duplicates; with MERGE they are replaced
    with pytest.raises(redis.ResponseError, match="Error trying to load the RDB dump"):
        c.execute_command("DEBUG", "RELOAD", "NOFLUSH", "NOSAVE")
    c.set(b"emb", b"changed")
    assert c.execute_command("DEBUG", "RELOAD", "NOFLUSH", "MERGE", "NOSAVE") == b"OK"
    assert c.get(b"emb") == b"hello world"
    with pytest.raises(redis.ResponseError, match="only supports the MERGE, NOFLUSH and NOSAVE options"):
        c.execute_command("DEBUG", "RELOAD", "BOGUS")


def info_persistence(c):
    return c.info("persistence")


def test_info_persistence_and_lastsave(datadir, make_server):
    s = make_server(args=["--dir", datadir, "--save", ""])
    c = client(s)
    info = info_persistence(c)
    assert info["rdb_saves"] == 0 and info["rdb_bgsave_in_progress"] == 0
    assert info["rdb_last_bgsave_status"] == "ok" and info["rdb_last_bgsave_time_sec"] == -1
    assert info["aof_enabled"] == 0 and info["loading"] == 0
    before = c.lastsave()
    for i in range(5):
        c.set("k%d" % i, "v")
    assert info_persistence(c)["rdb_changes_since_last_save"] == 5
    time.sleep(1.1)
    c.execute_command("SAVE")
    info = info_persistence(c)
    assert info["rdb_changes_since_last_save"] == 0 and info["rdb_saves"] == 1
    assert c.lastsave() > before
    assert c.execute_command("BGSAVE") == b"Background saving started"
    assert wait_for(lambda: info_persistence(c)["rdb_saves"] == 2)
    info = info_persistence(c)
    assert info["rdb_bgsave_in_progress"] == 0 and info["rdb_last_bgsave_time_sec"] >= 0
    s.stop()
    s2 = make_server(args=["--dir", datadir, "--save", ""])
    info = info_persistence(client(s2))
    assert info["rdb_last_load_keys_loaded"] == 5 and info["rdb_last_load_keys_expired"] == 0


def test_shutdown_command_save_nosave(datadir, make_server):
    s = Server(args=["--dir", datadir, "--save", ""])
    c = client(s)
    c.set(b"a", b"1")
    try:
        c.execute_command("SHUTDOWN", "SAVE")
    except redis.ConnectionError:
        pass
    assert s.proc.wait(timeout=10 * SLOW) == 0
    s.log.close()
    s2 = Server(args=["--dir", datadir, "--save", "3600", "1"])
    c2 = client(s2)
    assert c2.get(b"a") == b"1"
    c2.set(b"b", b"2")
    try:
        c2.execute_command("SHUTDOWN", "NOSAVE")
    except redis.ConnectionError:
        pass
    assert s2.proc.wait(timeout=10 * SLOW) == 0
    s2.log.close()
    s3 = make_server(args=["--dir", datadir, "--save", ""])
    assert client(s3).get(b"b") is None  # NOSAVE: not saved despite the save point
    # a failing shutdown save refuses to exit
    c3 = client(s3)
    os.rename(os.path.join(datadir, "dump.rdb"), os.path.join(datadir, "keep.rdb"))
    os.mkdir(os.path.join(datadir, "dump.rdb"))
    try:
        with pytest.raises(redis.ResponseError, match="Errors trying to SHUTDOWN. Check logs."):
            c3.execute_command("SHUTDOWN", "SAVE")
        assert c3.ping()
    finally:
        os.rmdir(os.path.join(datadir, "dump.rdb"))
