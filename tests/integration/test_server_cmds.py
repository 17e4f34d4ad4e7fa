"""Small server commands: TIME, LASTSAVE, ROLE, LOLWUT, MEMORY, LATENCY, SLOWLOG basics
(slow entries are exercised in test_debug.py, where DEBUG SLEEP can make one)."""
import time

import pytest
import redis

from conftest import SLOW
from rawreply import connect, resp


def err(fn, *args):
    with pytest.raises(redis.ResponseError) as e:
        fn(*args)
    return str(e.value)


def test_time(r):
    raw = r.execute_command("TIME")
    secs, usecs = raw
    assert abs(secs + usecs / 1e6 - time.time()) < 2
    assert 0 <= usecs < 1000000
    assert err(r.execute_command, "TIME", "x") == "wrong number of arguments for 'time' command"


def test_time_wire_format(server):
    s = connect(server)
    out = resp(s, b"TIME\r\n")
    parts = out.split(b"\r\n")
    assert parts[0] == b"*2" and parts[1].startswith(b"$") and parts[3].startswith(b"$")
    s.close()


def test_lastsave(server, r):
    v = r.lastsave().timestamp()  # redis-py turns the integer into a datetime
    s = connect(server)
    raw = resp(s, b"LASTSAVE\r\n")
    s.close()
    assert raw == b":%d\r\n" % int(v)
    uptime = r.info("server")["uptime_in_seconds"]
    assert abs((time.time() - uptime) - v) <= 2
    assert err(r.execute_command, "LASTSAVE", "x") == "wrong number of arguments for 'lastsave' command"


def test_role(r):
    assert r.execute_command("ROLE") == [b"master", 0, []]


def test_lolwut(r):
    out = r.execute_command("LOLWUT").decode()
    assert "7.0.15" in out and out.endswith("\n")
    assert r.execute_command("LOLWUT", "VERSION", "5")
    assert err(r.execute_command, "LOLWUT", "VERSION", "x") == "value is not an integer or out of range"


def test_memory_usage(r):
    r.set("mem:small", "x")
    r.set("mem:big", "y" * 10000)
    small = r.memory_usage("mem:small")
    big = r.memory_usage("mem:big")
    assert 0 < small < 200
    assert big >= 10000
    assert r.memory_usage("mem:nokey") is None
    assert r.execute_command("MEMORY", "USAGE", "mem:small", "SAMPLES", "0") == small
    assert err(r.execute_command, "MEMORY", "USAGE", "mem:small", "SAMPLES", "x") == \
        "value is not an integer or out of range"
    assert err(r.execute_command, "MEMORY", "USAGE", "mem:small", "SAMPLES", "-1") == "syntax error"
    assert err(r.execute_command, "MEMORY", "USAGE", "mem:small", "foo") == "syntax error"
    assert err(r.execute_command, "MEMORY", "USAGE") == "wrong number of arguments for 'memory|usage' command"


def test_memory_other(r):
    stats = r.execute_command("MEMORY", "STATS")
    d = dict(zip(stats[::2], stats[1::2]))
    assert d[b"total.allocated"] > 0 and b"keys.count" in d
    assert r.execute_command("MEMORY", "DOCTOR")
    assert r.execute_command("MEMORY", "MALLOC-STATS")
    assert r.execute_command("MEMORY", "PURGE") == b"OK"
    assert r.execute_command("MEMORY", "HELP")[0].startswith(b"MEMORY <subcommand>")
    assert err(r.execute_command, "MEMORY", "nosuch") == "unknown subcommand 'nosuch'. Try MEMORY HELP."


def test_latency(r):
    assert r.execute_command("LATENCY", "LATEST") == []
    assert r.execute_command("LATENCY", "HISTORY", "command") == []
    assert r.execute_command("LATENCY", "RESET") == 0
    assert r.execute_command("LATENCY", "RESET", "command", "fork") == 0
    assert err(r.execute_command, "LATENCY", "GRAPH", "command") == "No samples available for event 'command'"
    assert r.execute_command("LATENCY", "DOCTOR")
    r.ping()
    h = r.execute_command("LATENCY", "HISTOGRAM", "ping", "nosuch")
    assert h[0] == b"ping" and h[1][0] == b"calls" and h[1][1] >= 1
    assert r.execute_command("LATENCY", "HELP")[0].startswith(b"LATENCY <subcommand>")


def test_slowlog_basics(server, r):
    assert r.execute_command("SLOWLOG", "RESET") == b"OK"
    for _ in range(5):
        r.ping()  # fast: not logged
    assert r.execute_command("SLOWLOG", "LEN") == 0
    assert r.execute_command("SLOWLOG", "GET") == []


def test_slowlog_follows_config(make_server):
    s = make_server()
    c = s.client()
    c.client_setname("cfg")
    assert c.config_set("slowlog-log-slower-than", 0)
    c.set("sl:k", "v")
    c.get("sl:k")
    log = c.execute_command("SLOWLOG", "GET", "-1")
    args = [e[3] for e in log]
    assert args[0] == [b"GET", b"sl:k"] and args[1] == [b"SET", b"sl:k", b"v"]
    assert log[0][5] == b"cfg"
    # secrets never reach the log
    with pytest.raises(redis.RedisError):
        c.execute_command("AUTH", "nobody", "s3cret")
    with pytest.raises(redis.RedisError):
        c.execute_command("HELLO", "2", "AUTH", "nobody", "s3cret")
    log = c.execute_command("SLOWLOG", "GET", "2")
    assert log[0][3] == [b"HELLO", b"2", b"AUTH", b"(redacted)", b"(redacted)"]
    assert log[1][3] == [b"AUTH", b"(redacted)", b"(redacted)"]
    # max-len caps what is kept and shown
    assert c.config_set("slowlog-max-len", 3)
    for i in range(10):
        c.ping()
    assert c.execute_command("SLOWLOG", "LEN") == 3
    assert len(c.execute_command("SLOWLOG", "GET", "-1")) == 3
    # more than 32 arguments are summarized
    c.execute_command("DEL", *["k%d" % i for i in range(40)])
    entry = c.execute_command("SLOWLOG", "GET", "1")[0][3]
    assert len(entry) == 32 and entry[-1] == b"... (10 more arguments)"  # 41 arguments
    # -1 disables
    assert c.config_set("slowlog-log-slower-than", -1)
    c.execute_command("SLOWLOG", "RESET")
    c.ping()
    assert c.execute_command("SLOWLOG", "LEN") == 0
    c.close()


def test_info_follows_config_and_resetstat(make_server):
    s = make_server()
    c = s.client()
    assert c.info("memory")["maxmemory_policy"] == "noeviction"
    assert c.config_set("maxmemory-policy", "allkeys-lru")
    assert c.info("memory")["maxmemory_policy"] == "allkeys-lru"
    with pytest.raises(redis.ResponseError):
        c.execute_command("NOSUCH")
    assert c.info("errorstats")["errorstat_ERR"] in ({"count": 1}, "count=1")
    assert c.config_resetstat()
    assert c.info("errorstats") == {}
    assert c.info("stats")["total_error_replies"] == 0
    c.close()
