"""Append-only file: Redis 7.0's multi-part layout (manifest, base, incr files), replay
after restart, interop with redis-server and redis-check-aof, commands rewritten so that
replay does not depend on time, BGREWRITEAOF under writes, truncated and corrupt files,
the Redis <= 6 single-file upgrade, CONFIG SET appendonly, and kill -9 while 20 clients
write with appendfsync always: every acknowledged write survives."""
import os
import random
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time

import pytest
import redis

from conftest import BIN, SLOW, Server, free_port
from test_rdb import REDIS_SERVER, RedisServer, client, start_fail, wait_for

CHECK_AOF = shutil.which("redis-check-aof")
AOF_DIR = "appendonlydir"


@pytest.fixture
def datadir():
    d = tempfile.mkdtemp(prefix="warden-aof-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


def aof_args(d, *extra):
    return ["--dir", d, "--save", "", "--appendonly", "yes"] + list(extra)


def manifest(d):
    with open(os.path.join(d, AOF_DIR, "appendonly.aof.manifest")) as f:
        return f.read()


def incr_text(d):
    out = b""
    for line in manifest(d).splitlines():
        name = line.split()[1]
        if name.endswith(".incr.aof"):
            with open(os.path.join(d, AOF_DIR, name), "rb") as f:
                out += f.read()
    return out


def check_aof(d):
    out = subprocess.run([CHECK_AOF, os.path.join(d, AOF_DIR, "appendonly.aof.manifest")], capture_output=True,
                         text=True, timeout=30)
    return out.returncode, out.stdout + out.stderr


def fill(c):
    c.set("s", "v")
    c.set("n", 10)
    c.incr("n")
    c.rpush("l", "a", "b", "c")
    c.lpop("l")
    c.hset("h", mapping={"f1": "1", "f2": "2"})
    c.hdel("h", "f2")
    c.set("ttl", "x", ex=1000)
    c.execute_command("SELECT", 5)
    c.set("in5", "five")
    c.execute_command("SELECT", 0)
    c.append("s", "w")
    c.delete("gone")


def verify(c):
    assert c.get("s") == b"vw"
    assert c.get("n") == b"11"
    assert c.lrange("l", 0, -1) == [b"b", b"c"]
    assert c.hgetall("h") == {b"f1": b"1"}
    assert 990_000 < c.pttl("ttl") <= 1_000_000
    c.execute_command("SELECT", 5)
    assert c.get("in5") == b"five"
    c.execute_command("SELECT", 0)


def test_files_layout_replay_and_check_aof(datadir, make_server):
    s = make_server(args=aof_args(datadir))
    c = client(s)
    fill(c)
    m = manifest(datadir)
    assert m == "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"
    for name in os.listdir(os.path.join(datadir, AOF_DIR)):
        assert os.stat(os.path.join(datadir, AOF_DIR, name)).st_mode & 0o777 == 0o600
    assert os.stat(os.path.join(datadir, AOF_DIR)).st_mode & 0o777 == 0o700
    s.stop()
    rc, out = check_aof(datadir)
    assert rc == 0 and "All AOF files and manifest are valid" in out, out
    s2 = make_server(args=aof_args(datadir))
    verify(client(s2))
    info = client(s2).info("persistence")
    assert info["aof_enabled"] == 1 and info["aof_last_write_status"] == "ok"


@pytest.mark.skipif(not REDIS_SERVER, reason="redis-server not installed")
def test_interop_with_redis_both_ways(datadir, make_server):
    s = make_server(args=aof_args(datadir))
    fill(client(s))
    client(s).execute_command("BGREWRITEAOF")
    assert wait_for(lambda: client(s).info("persistence")["aof_rewrite_in_progress"] == 0 and
                    "appendonly.aof.2.base.rdb" in manifest(datadir))
    client(s).set("after-rewrite", "1")
    s.stop()
    # redis-server 7.0 loads Warden's AOF directory
    rs = _redis_aof(datadir)
    try:
        verify(rs)
        assert rs.get("after-rewrite") == b"1"
        # and writes its own on top (an incr file of its own, a MULTI/EXEC group)
        p = rs.pipeline(transaction=True)
        p.set("from-redis", "yes")
        p.incr("n")
        p.execute()
        rs.set("r-ttl", "1", px=500000)
    finally:
        rs.shutdown(nosave=True)
    s2 = make_server(args=aof_args(datadir))
    c = client(s2)
    assert c.get("from-redis") == b"yes" and c.get("n") == b"12"
    assert 400_000 < c.pttl("r-ttl") <= 500_000
    assert c.get("after-rewrite") == b"1"


def _redis_aof(d):
    port = free_port()
    subprocess.run([REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--dir", d, "--appendonly", "yes",
                    "--save", "", "--daemonize", "yes"], check=True, capture_output=True)
    c = redis.Redis(port=port, socket_timeout=10)
    assert wait_for(lambda: _ping(c))
    return c


def _ping(c):
    try:
        return c.ping()
    except redis.ConnectionError:
        return False


def test_relative_times_are_recorded_as_absolute(datadir, make_server):
    s = make_server(args=aof_args(datadir))
    c = client(s)
    c.set("a", "1")
    c.expire("a", 100)
    c.set("b", "1", px=200000)
    c.setex("c", 300, "v")
    c.set("d", "1")
    c.getex("d", ex=400)
    c.set("e", "1")
    p = c.dump("e")
    c.restore("f", 500000, p)
    c.set("g", "1.5")
    c.incrbyfloat("g", "0.25")
    c.hset("h", "f", "1")
    c.hincrbyfloat("h", "f", "2.5")
    c.set("short", "x", px=30)
    time.sleep(0.1)
    assert c.get("short") is None  # expires: recorded as DEL
    assert wait_for(lambda: b"*2\r\n$3\r\nDEL\r\n$5\r\nshort\r\n" in incr_text(datadir))
    text = incr_text(datadir)
    for rel in (b"$6\r\nexpire\r\n", b"$5\r\nsetex\r\n", b"$5\r\ngetex\r\n", b"$11\r\nincrbyfloat\r\n",
                b"$12\r\nhincrbyfloat\r\n", b"\r\nPX\r\n", b"\r\npx\r\n"):
        assert rel not in text, rel
    assert text.count(b"PEXPIREAT") == 2
    assert text.count(b"PXAT") >= 3  # SET b, SETEX c, SET short
    assert b"ABSTTL" in text and b"KEEPTTL" in text
    assert b"*2\r\n$3\r\nDEL\r\n$5\r\nshort\r\n" in text
    ttls = {k: c.pexpiretime(k) for k in "abcdf"}
    s.stop()
    s2 = make_server(args=aof_args(datadir))
    c2 = client(s2)
    for k, t in ttls.items():
        assert c2.pexpiretime(k) == t, k
    assert c2.get("g") == b"1.75" and c2.hget("h", "f") == b"3.5"


def test_bgrewriteaof_under_writes_keeps_every_write(datadir, make_server):
    s = make_server(args=aof_args(datadir))
    c = client(s)
    for base in range(0, 20000, 1000):
        c.mset({"k%d" % i: i for i in range(base, base + 1000)})
    stop = threading.Event()
    counts = [0] * 4

    def writer(i):
        w = s.client()
        while not stop.is_set():
            w.incr("ctr%d" % i)
            counts[i] += 1

    ts = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
    for t in ts:
        t.start()
    time.sleep(0.1)
    assert c.execute_command("BGREWRITEAOF") == b"Background append only file rewriting started"
    assert wait_for(lambda: c.info("persistence")["aof_rewrites"] == 1, timeout=20)
    time.sleep(0.1)
    stop.set()
    for t in ts:
        t.join()
    names = sorted(os.listdir(os.path.join(datadir, AOF_DIR)))
    assert names == ["appendonly.aof.2.base.rdb", "appendonly.aof.2.incr.aof", "appendonly.aof.manifest"], names
    assert c.info("persistence")["aof_rewrites"] == 1
    s.stop()
    rc, out = check_aof(datadir)
    assert rc == 0, out
    s2 = make_server(args=aof_args(datadir))
    c2 = client(s2)
    for i in range(4):
        assert int(c2.get("ctr%d" % i)) == counts[i]
    assert c2.get("k19999") == b"19999" and c2.dbsize() == 20004


def test_rewrite_without_rdb_preamble(datadir, make_server):
    s = make_server(args=aof_args(datadir, "--aof-use-rdb-preamble", "no"))
    c = client(s)
    fill(c)
    c.rpush("big", *range(200))
    assert c.execute_command("BGREWRITEAOF") == b"Background append only file rewriting started"
    assert wait_for(lambda: "appendonly.aof.2.base.aof" in manifest(datadir))
    with open(os.path.join(datadir, AOF_DIR, "appendonly.aof.2.base.aof"), "rb") as f:
        base = f.read()
    assert base.startswith(b"*2\r\n$6\r\nSELECT\r\n") and b"RPUSH" in base and b"PEXPIREAT" in base
    s.stop()
    rc, out = check_aof(datadir)
    assert rc == 0, out
    s2 = make_server(args=aof_args(datadir))
    verify(client(s2))
    assert client(s2).lrange("big", 0, -1) == [b"%d" % i for i in range(200)]


def test_bgrewriteaof_busy_and_with_aof_off(datadir, make_server):
    s = make_server(args=["--dir", datadir, "--save", ""])
    c = client(s)
    c.set("k", "v")
    assert c.execute_command("BGREWRITEAOF") == b"Background append only file rewriting started"
    assert wait_for(lambda: os.path.exists(os.path.join(datadir, AOF_DIR, "appendonly.aof.manifest")))
    assert wait_for(lambda: "base" in manifest(datadir) and c.info("persistence")["aof_rewrite_in_progress"] == 0)
    assert "incr" not in manifest(datadir)  # AOF off: a base alone


def test_config_set_appendonly(datadir, make_server):
    s = make_server(args=["--dir", datadir, "--save", ""])
    c = client(s)
    c.set("before", "1")
    c.config_set("appendonly", "yes")
    assert wait_for(lambda: c.info("persistence")["aof_enabled"] == 1 and
                    c.info("persistence")["aof_rewrite_in_progress"] == 0)
    c.set("after", "2")
    assert wait_for(lambda: b"after" in incr_text(datadir))
    c.config_set("appendonly", "no")
    assert c.info("persistence")["aof_enabled"] == 0
    c.set("not-logged", "3")
    s.stop()
    s2 = make_server(args=aof_args(datadir))
    c2 = client(s2)
    assert c2.get("before") == b"1" and c2.get("after") == b"2" and c2.get("not-logged") is None


def _cut_last_incr(d, how):
    path = os.path.join(d, AOF_DIR, "appendonly.aof.1.incr.aof")
    with open(path, "rb") as f:
        data = f.read()
    with open(path, "wb") as f:
        f.write(how(data))
    return data


def test_truncated_tail_loads_prefix_or_refuses(datadir, make_server):
    s = make_server(args=aof_args(datadir))
    c = client(s)
    c.set("a", "1")
    c.set("b", "2")
    s.stop()
    data = _cut_last_incr(datadir, lambda d: d[:-7])
    rc, out = start_fail(datadir, extra=["--appendonly", "yes", "--aof-load-truncated", "no"])
    assert rc == 1 and "Unexpected end of file reading the append only file appendonly.aof.1.incr.aof" in out, out
    s2 = make_server(args=aof_args(datadir))
    assert client(s2).get("a") == b"1" and client(s2).get("b") is None
    log = s2.read_log()
    assert "!!! Warning: short read while loading the AOF file appendonly.aof.1.incr.aof!!!" in log
    assert "loaded anyway because aof-load-truncated is enabled" in log
    # the file was cut back to the last complete command and goes on from there
    client(s2).set("c", "3")
    s2.stop()
    s3 = make_server(args=aof_args(datadir))
    assert client(s3).mget("a", "b", "c") == [b"1", None, b"3"]
    assert len(data) > 0


@pytest.mark.parametrize("where", ["middle", "base", "manifest", "unknown-command", "path-in-manifest"])
def test_corruption_refuses_to_start(datadir, make_server, where):
    s = make_server(args=aof_args(datadir))
    c = client(s)
    c.set("a", "1")
    c.set("b", "hello")
    c.set("c", "3")
    s.stop()
    adir = os.path.join(datadir, AOF_DIR)
    if where == "middle":
        _cut_last_incr(datadir, lambda d: d.replace(b"$5\r\nhello", b"$5\r\nhel!!!!!"))
        expect = "Bad file format reading the append only file appendonly.aof.1.incr.aof"
    elif where == "base":
        with open(os.path.join(adir, "appendonly.aof.1.base.rdb"), "r+b") as f:
            f.seek(30)
            b = f.read(1)
            f.seek(30)
            f.write(bytes([b[0] ^ 0xFF]))
        expect = "appendonly.aof.1.base.rdb"
    elif where == "manifest":
        with open(os.path.join(adir, "appendonly.aof.manifest"), "w") as f:
            f.write("file x seq\n")
        expect = "Invalid AOF manifest file format"
    elif where == "unknown-command":
        _cut_last_incr(datadir, lambda d: d + b"*1\r\n$7\r\nNOTACMD\r\n")
        expect = "Unknown command 'NOTACMD'"
    else:
        with open(os.path.join(adir, "appendonly.aof.manifest"), "w") as f:
            f.write("file ../../etc/passwd seq 1 type b\n")
        expect = "must not contain a path"
    rc, out = start_fail(datadir, extra=["--appendonly", "yes"])
    assert rc == 1 and expect in out, out
    for marker in ("AddressSanitizer", "runtime error", "LeakSanitizer"):
        assert marker not in out, out


def test_old_single_file_aof_is_upgraded(datadir, make_server):
    with open(os.path.join(datadir, "appendonly.aof"), "wb") as f:
        f.write(b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$3\r\nold\r\n$5\r\nvalue\r\n")
        f.write(b"*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$2\r\nt1\r\n$1\r\n1\r\n*3\r\n$3\r\nSET\r\n$2\r\nt2\r\n$1\r\n2\r\n"
                b"*1\r\n$4\r\nEXEC\r\n")
    s = make_server(args=aof_args(datadir))
    c = client(s)
    assert c.mget("old", "t1", "t2") == [b"value", b"1", b"2"]
    assert not os.path.exists(os.path.join(datadir, "appendonly.aof"))
    assert "appendonly.aof.1.base.aof" in manifest(datadir)
    c.set("new", "1")
    s.stop()
    s2 = make_server(args=aof_args(datadir))
    assert client(s2).mget("old", "new") == [b"value", b"1"]


def test_timestamps_annotations(datadir, make_server):
    s = make_server(args=aof_args(datadir, "--aof-timestamp-enabled", "yes"))
    client(s).set("a", "1")
    s.stop()
    assert re.search(rb"#TS:\d+\r\n", incr_text(datadir))
    rc, out = check_aof(datadir)
    assert rc == 0, out
    s2 = make_server(args=aof_args(datadir))
    assert client(s2).get("a") == b"1"


def test_everysec_and_no_policies(datadir, make_server):
    for policy in ("everysec", "no"):
        d = os.path.join(datadir, policy)
        os.mkdir(d)
        s = make_server(args=aof_args(d, "--appendfsync", policy))
        c = client(s)
        for i in range(100):
            c.set("k%d" % i, i)
        s.stop()
        s2 = make_server(args=aof_args(d))
        assert client(s2).get("k99") == b"99"


def _kill9_round(d, seed):
    """20 writers, appendfsync always; kill -9 at a random moment; every acknowledged
    write must be in the AOF after restart."""
    rnd = random.Random(seed)
    s = Server(args=aof_args(d, "--appendfsync", "always"))
    acked = [0] * 20
    stop = threading.Event()

    def writer(i):
        c = s.client(socket_timeout=5)
        n = 0
        try:
            while not stop.is_set():
                c.rpush("w%d:%d" % (seed, i), n)  # the n-th acknowledged write is element n
                n += 1
                acked[i] = n
        except (redis.ConnectionError, redis.TimeoutError, ConnectionError):
            pass

    ts = [threading.Thread(target=writer, args=(i,)) for i in range(20)]
    for t in ts:
        t.start()
    time.sleep(0.2 + rnd.random() * 0.6)
    os.kill(s.proc.pid, signal.SIGKILL)
    s.proc.wait()
    s.log.close()
    stop.set()
    for t in ts:
        t.join()
    s2 = Server(args=aof_args(d))
    try:
        c = s2.client()
        total = 0
        for i in range(20):
            got = c.lrange("w%d:%d" % (seed, i), 0, -1)
            # every acknowledged element, in order; at most the one in flight beyond
            assert len(got) >= acked[i], (i, len(got), acked[i])
            assert len(got) <= acked[i] + 1
            assert got == [b"%d" % k for k in range(len(got))]
            total += acked[i]
        c.close()
    finally:
        s2.stop()
    s2.check_clean()
    return total


def test_kill9_with_20_writers_loses_no_acknowledged_write(datadir):
    total = 0
    for round_ in range(3):
        total += _kill9_round(datadir, round_)
    assert total > 100  # the test really wrote something


def test_info_aof_fields(datadir, make_server):
    s = make_server(args=aof_args(datadir))
    c = client(s)
    c.set("k", "v")
    info = c.info("persistence")
    for f in ("aof_enabled", "aof_rewrite_in_progress", "aof_rewrite_scheduled", "aof_last_rewrite_time_sec",
              "aof_current_rewrite_time_sec", "aof_last_bgrewrite_status", "aof_rewrites",
              "aof_rewrites_consecutive_failures", "aof_last_write_status", "aof_current_size", "aof_base_size",
              "aof_pending_rewrite", "aof_buffer_length", "aof_pending_bio_fsync", "aof_delayed_fsync"):
        assert f in info, f
    assert info["aof_current_size"] > 0
    with pytest.raises(redis.ResponseError, match="wrong number of arguments"):
        c.execute_command("BGREWRITEAOF", "x")


def test_random_and_blocking_commands_replay_exactly(datadir, make_server):
    s = make_server(args=aof_args(datadir, "--aof-use-rdb-preamble", "no"))
    c = client(s)
    c.sadd("s", *range(50))
    c.sadd("strs", *["m%d" % i for i in range(30)])
    c.spop("s")
    c.spop("s", 5)
    c.spop("strs", 3)
    c.sadd("gone", "a", "b")
    c.spop("gone", 10)  # the whole set: recorded as DEL
    c.zadd("z", {"a": 1, "b": 2, "c": 3})
    c.bzpopmin("z", 1)
    c.rpush("src", "1", "2")
    c.blmove("src", "dst", 1, "LEFT", "RIGHT")
    got = []
    t = threading.Thread(target=lambda: got.append(s.client().blpop("later", 5)))
    t.start()
    time.sleep(0.2)
    c.rpush("later", "x", "y")  # serves the blocked BLPOP from another client
    t.join()
    assert got == [(b"later", b"x")]
    snap = {k: c.smembers(k) for k in ("s", "strs")}
    zs = c.zrange("z", 0, -1, withscores=True)
    assert wait_for(lambda: b"LPOP" in incr_text(datadir))
    text = incr_text(datadir).lower()
    for cmd in (b"spop", b"blpop", b"bzpopmin", b"blmove"):
        assert b"\r\n" + cmd + b"\r\n" not in text, cmd
    c.execute_command("BGREWRITEAOF")
    assert wait_for(lambda: c.info("persistence")["aof_rewrites"] == 1)
    c.sadd("s", "after")
    s.stop()
    s2 = make_server(args=aof_args(datadir))
    c2 = client(s2)
    assert c2.smembers("s") == snap["s"] | {b"after"} and c2.smembers("strs") == snap["strs"]
    assert c2.exists("gone") == 0
    assert c2.zrange("z", 0, -1, withscores=True) == zs
    assert c2.lrange("dst", 0, -1) == [b"1"] and c2.lrange("src", 0, -1) == [b"2"]
    assert c2.lrange("later", 0, -1) == [b"y"]


def test_multi_exec_is_one_group(datadir, make_server):
    s = make_server(args=aof_args(datadir))
    c = client(s)
    p = c.pipeline(transaction=True)
    p.set("t1", "1")
    p.incr("t2")
    p.get("t1")
    p.execute()
    p = c.pipeline(transaction=True)
    p.set("single", "1")
    p.execute()
    assert wait_for(lambda: b"single" in incr_text(datadir))
    text = incr_text(datadir)
    group = text.index(b"*1\r\n$5\r\nMULTI\r\n")
    assert text.index(b"t1", group) < text.index(b"t2", group) < text.index(b"*1\r\n$4\r\nEXEC\r\n", group)
    assert text.count(b"MULTI") == 1  # a transaction with one write is recorded bare
    # a crash inside the group: none of it comes back
    s.stop()
    path = os.path.join(datadir, AOF_DIR, "appendonly.aof.1.incr.aof")
    with open(path, "rb") as f:
        data = f.read()
    cut = data.index(b"*1\r\n$4\r\nEXEC\r\n")
    with open(path, "wb") as f:
        f.write(data[:cut])
    s2 = make_server(args=aof_args(datadir))
    c2 = client(s2)
    assert c2.get("t1") is None and c2.get("t2") is None
    assert "Revert incomplete MULTI/EXEC transaction" in s2.read_log()


def test_memcache_writes_are_persisted(datadir, make_server):
    """The memcache front end writes outside dispatch: its changes still reach the AOF
    (as SET/DEL of the key's resulting state) and RDB snapshots."""
    import socket as _socket

    mport = free_port()
    s = make_server(args=aof_args(datadir, "--memcached-port", str(mport), "--appendfsync", "always"))

    def mc(cmd):
        with _socket.create_connection(("127.0.0.1", mport), timeout=5) as m:
            m.sendall(cmd)
            return m.recv(4096)

    assert mc(b"set mk 0 0 5\r\nhello\r\n") == b"STORED\r\n"
    assert mc(b"set gone 0 0 1\r\nx\r\n") == b"STORED\r\n"
    assert mc(b"delete gone\r\n") == b"DELETED\r\n"
    assert mc(b"set ttl 0 1000 1\r\ny\r\n") == b"STORED\r\n"
    assert mc(b"set n 0 0 2\r\n10\r\n") == b"STORED\r\n"
    assert mc(b"incr n 5\r\n") == b"15\r\n"
    assert mc(b"append mk 0 0 1\r\n!\r\n") == b"STORED\r\n"
    c = client(s)
    c.execute_command("SAVE")
    s.stop()
    s2 = make_server(args=aof_args(datadir))
    c2 = client(s2)
    assert c2.get("mk") == b"hello!" and c2.get("gone") is None and c2.get("n") == b"15"
    assert 990 <= c2.ttl("ttl") <= 1000
