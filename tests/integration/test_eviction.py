"""maxmemory and eviction (src/db/evict.c): every maxmemory-policy, the OOM error,
client buffers counting toward the limit, LRU/LFU choosing the cold keys. One server
for the module; each test flushes and sets its own limit relative to the memory in use
right then (INFO used_memory)."""
import socket
import time

import pytest
import redis

from conftest import SLOW

OOM = "OOM command not allowed when used memory > 'maxmemory'."
VALUE = "v" * 100


@pytest.fixture
def m(server):
    c = server.client()
    c.config_set("maxmemory", "0")
    c.flushall()
    c.config_set("maxmemory-samples", "10")
    yield c
    c.config_set("maxmemory", "0")
    c.config_set("maxmemory-policy", "noeviction")
    c.config_set("lfu-log-factor", "10")
    c.flushall()
    c.close()


def used(c):
    return c.info("memory")["used_memory"]


def stat(c, name):
    return c.info("stats")[name]


def fill(c, prefix, n, ttl=None, value=VALUE):
    p = c.pipeline(transaction=False)
    for i in range(n):
        if ttl:
            p.set("%s:%d" % (prefix, i), value, ex=ttl)
        else:
            p.set("%s:%d" % (prefix, i), value)
    p.execute()


def alive(c, prefix, n):
    p = c.pipeline(transaction=False)
    for i in range(n):
        p.exists("%s:%d" % (prefix, i))
    return sum(p.execute())


def limit_here(c, extra):
    """Set maxmemory to what is used now plus `extra` bytes."""
    c.config_set("maxmemory", used(c) + extra)


def test_noeviction_refuses_writes_not_reads(m):
    m.config_set("maxmemory-policy", "noeviction")
    fill(m, "a", 100)
    limit_here(m, 64 * 1024)
    before = stat(m, "oom_rejected_commands")
    with pytest.raises(redis.ResponseError) as e:
        for i in range(10000):
            m.set("b:%d" % i, VALUE)
    assert str(e.value) == OOM
    assert stat(m, "oom_rejected_commands") == before + 1
    assert "errorstat_OOM" in m.info("errorstats")
    assert stat(m, "evicted_keys") == 0
    # reads and deletes still work (not deny-oom)
    assert m.get("a:1") == VALUE.encode()
    assert m.dbsize() > 100
    # deny-oom commands of every kind are refused, raw protocol sees the exact error
    with socket.create_connection(("127.0.0.1", m.connection_pool.connection_kwargs["port"])) as s:
        s.sendall(b"*3\r\n$6\r\nAPPEND\r\n$3\r\na:1\r\n$1\r\nx\r\n")
        assert s.recv(200) == b"-" + OOM.encode() + b"\r\n"
    # freeing memory lets writes in again
    m.flushall()
    m.set("after", "ok")
    assert m.get("after") == b"ok"


def test_maxmemory_one_byte_nothing_to_evict(m):
    m.config_set("maxmemory-policy", "allkeys-lru")
    m.config_set("maxmemory", "1")
    with pytest.raises(redis.ResponseError, match="^" + OOM.replace(".", r"\.") + "$"):
        m.set("k", "v")
    m.config_set("maxmemory", "0")
    m.set("k", "v")


@pytest.mark.parametrize("policy", ["allkeys-random", "allkeys-lru", "allkeys-lfu"])
def test_allkeys_policies_keep_memory_under_limit(m, policy):
    m.config_set("maxmemory-policy", policy)
    limit_here(m, 256 * 1024)
    limit = int(m.config_get("maxmemory")["maxmemory"])
    ev0 = stat(m, "evicted_keys")
    fill(m, "k", 6000)  # ~1.5 MB of keys into 256 KB
    assert stat(m, "evicted_keys") - ev0 > 2000
    assert used(m) <= limit + 64 * 1024
    n = m.dbsize()
    assert 200 < n < 6000
    # the newest writes are there (an evicting write always succeeds)
    assert m.get("k:5999") == VALUE.encode()


@pytest.mark.parametrize("policy", ["volatile-random", "volatile-lru", "volatile-lfu", "volatile-ttl"])
def test_volatile_policies_evict_only_keys_with_ttl(m, policy):
    m.config_set("maxmemory-policy", policy)
    fill(m, "keep", 300)
    limit_here(m, 200 * 1024)
    fill(m, "vol", 3000, ttl=10000)
    assert alive(m, "keep", 300) == 300
    assert 0 < alive(m, "vol", 3000) < 3000
    # once only persistent keys are left, writes are refused
    m.config_set("maxmemory", used(m) - 100 * 1024 if used(m) > 200 * 1024 else 1)
    with pytest.raises(redis.ResponseError) as e:
        fill(m, "more", 3000)
    assert str(e.value).endswith(" caused error: " + OOM)  # redis-py's pipeline wording
    assert alive(m, "keep", 300) == 300


def test_volatile_ttl_evicts_soonest_expiring_first(m):
    m.config_set("maxmemory-policy", "volatile-ttl")
    fill(m, "long", 1000, ttl=1000000)
    fill(m, "short", 1000, ttl=1000)
    limit_here(m, 0)
    fill(m, "new", 500)  # no TTL: they push out ~500 volatile keys
    short, long_ = alive(m, "short", 1000), alive(m, "long", 1000)
    assert short < 1000
    assert long_ >= 950, (short, long_)
    assert short < long_


def test_allkeys_lru_evicts_idle_keys(m):
    m.config_set("maxmemory-policy", "allkeys-lru")
    fill(m, "cold", 1000)
    fill(m, "hot", 1000)
    time.sleep(2.1)  # the LRU clock counts seconds
    p = m.pipeline(transaction=False)
    for i in range(1000):
        p.get("hot:%d" % i)
    p.execute()
    assert m.object("idletime", "hot:1") <= 1
    assert m.object("idletime", "cold:1") >= 2
    limit_here(m, 0)
    fill(m, "new", 600)
    hot, cold = alive(m, "hot", 1000), alive(m, "cold", 1000)
    assert hot >= 970, (hot, cold)
    assert cold < 500, (hot, cold)


def test_allkeys_lfu_keeps_frequently_used_keys(m):
    m.config_set("maxmemory-policy", "allkeys-lfu")
    m.config_set("lfu-log-factor", "0")  # every access counts: a deterministic test
    fill(m, "rare", 1000)
    fill(m, "often", 1000)
    p = m.pipeline(transaction=False)
    for _ in range(5):
        for i in range(1000):
            p.get("often:%d" % i)
    p.execute()
    assert m.object("freq", "often:7") >= 9
    assert m.object("freq", "rare:7") == 5  # a new key starts at 5
    limit_here(m, 0)
    fill(m, "new", 600)
    often, rare = alive(m, "often", 1000), alive(m, "rare", 1000)
    assert often >= 980, (often, rare)
    assert rare < 700, (often, rare)


def test_lfu_counter_is_logarithmic(m):
    m.config_set("maxmemory-policy", "allkeys-lfu")
    m.config_set("lfu-log-factor", "10")
    m.set("f", "1")
    p = m.pipeline(transaction=False)
    for _ in range(1000):
        p.get("f")
    p.execute()
    freq = m.object("freq", "f")
    # Redis's table: factor 10 → about 18 after 1,000 hits (well under 1,000)
    assert 10 <= freq <= 30, freq


def test_client_output_buffers_count_toward_maxmemory(server, m):
    m.config_set("maxmemory-policy", "noeviction")
    m.set("big", b"x" * (1 << 20))
    limit_here(m, 2 << 20)
    greedy = socket.create_connection(("127.0.0.1", server.port))
    greedy.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    greedy.sendall(b"*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n" * 16)  # 16 MB of replies, unread
    deadline = time.time() + 5 * SLOW
    refused = False
    while time.time() < deadline and not refused:
        try:
            m.set("probe", "1")
            time.sleep(0.05)
        except redis.ResponseError as e:
            assert str(e) == OOM
            refused = True
    assert refused
    greedy.close()
    deadline = time.time() + 5 * SLOW
    while time.time() < deadline:
        try:
            m.set("probe", "2")
            break
        except redis.ResponseError:
            time.sleep(0.05)
    assert m.get("probe") == b"2"


def test_eviction_config_validation(m):
    for bad in ("lru", "allkeys", "volatile"):
        with pytest.raises(redis.ResponseError, match="argument\\(s\\) must be one of the following"):
            m.config_set("maxmemory-policy", bad)
    with pytest.raises(redis.ResponseError):
        m.config_set("maxmemory-samples", "0")
    m.config_set("maxmemory-samples", "64")
    m.config_set("lfu-decay-time", "0")
    assert m.config_get("lfu-decay-time") == {"lfu-decay-time": "0"}
    m.config_set("lfu-decay-time", "1")


def test_evicted_keyspace_event(m):
    m.config_set("notify-keyspace-events", "Ee")
    sub = m.pubsub()
    try:
        sub.subscribe("__keyevent@0__:evicted")
        assert sub.get_message(timeout=5 * SLOW)["type"] == "subscribe"
        m.config_set("maxmemory-policy", "allkeys-random")
        fill(m, "k", 300)
        ev0 = stat(m, "evicted_keys")
        limit_here(m, 0)
        fill(m, "more", 100)
        evicted = stat(m, "evicted_keys") - ev0
        assert evicted > 0
        got = []
        deadline = time.time() + 5 * SLOW
        while len(got) < evicted and time.time() < deadline:
            msg = sub.get_message(timeout=0.5)
            if msg and msg["type"] == "message":
                got.append(msg["data"])
        assert len(got) == evicted
        assert all(k.startswith((b"k:", b"more:")) for k in got)
        assert not any(m.exists(k) for k in got)
    finally:
        sub.close()
        m.config_set("notify-keyspace-events", "")


def test_oom_inside_multi_as_redis(server, m):
    """Replies checked against redis-server 7.0.15: inside MULTI everything but EXEC,
    DISCARD, QUIT and RESET is refused when over the limit, and EXEC of queued writes
    is aborted and the transaction discarded."""
    from respwire import RawConn
    m.config_set("maxmemory-policy", "noeviction")
    m.set("x", "1")
    oom = "OOM command not allowed when used memory > 'maxmemory'."
    with RawConn(server.port) as c:
        assert c.call("MULTI") == "OK"
        m.config_set("maxmemory", "1")
        for args in (("GET", "x"), ("SET", "a", "b"), ("WATCH", "x"), ("MULTI",), ("PING",)):
            assert str(c.call(*args)) == oom, args
        assert str(c.call("EXEC")) == "EXECABORT Transaction discarded because of previous errors."
        m.config_set("maxmemory", "0")
        assert c.call("MULTI") == "OK"
        assert c.call("SET", "q", "1") == "QUEUED"
        assert c.call("GET", "q") == "QUEUED"
        m.config_set("maxmemory", "1")
        assert str(c.call("EXEC")) == "EXECABORT Transaction discarded because of: " + oom
        assert str(c.call("EXEC")) == "ERR EXEC without MULTI"  # discarded
        # a read-only transaction still runs
        m.config_set("maxmemory", "0")
        assert c.call("MULTI") == "OK"
        assert c.call("GET", "x") == "QUEUED"
        m.config_set("maxmemory", "1")
        assert c.call("EXEC") == [b"1"]
        assert c.call("MULTI") == "OK"
        assert c.call("DISCARD") == "OK"
    m.config_set("maxmemory", "0")
    assert m.get("q") is None
