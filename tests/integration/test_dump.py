"""DUMP and RESTORE: payload format byte-identical to redis-server 7.0 (DUMP on one,
RESTORE on the other, both ways), options (REPLACE, ABSTTL, IDLETIME, FREQ), and every
error reply compared with Redis's text, hostile payloads included."""
import shutil
import struct
import time

import pytest
import redis

from test_rdb import REDIS_SERVER, RedisServer

VALUES = [b"1", b"-5", b"70000", b"-2147483648", b"9223372036854775807", b"hello", b"", b"\x00\xff\r\n",
          b"x" * 500, bytes(range(256)) * 4, b"007"]


@pytest.fixture(scope="module")
def redis_ref(tmp_path_factory):
    if not REDIS_SERVER:
        pytest.skip("redis-server not installed")
    rs = RedisServer(str(tmp_path_factory.mktemp("redis-dump")))
    yield rs.c
    rs.stop()


def test_dump_missing_key_is_nil(r):
    assert r.dump("nope") is None


def test_payload_identical_to_redis(r, redis_ref):
    """Byte-identical for every value stored uncompressed; LZF output may differ (any
    valid LZF stream is accepted both ways, checked below)."""
    for i, v in enumerate(VALUES):
        r.set("k%d" % i, v)
        redis_ref.set("k%d" % i, v)
        if len(v) <= 20:
            assert r.dump("k%d" % i) == redis_ref.dump("k%d" % i), v
    r.config_set("rdbcompression", "no")
    redis_ref.config_set("rdbcompression", "no")
    try:
        for i, v in enumerate(VALUES):
            assert r.dump("k%d" % i) == redis_ref.dump("k%d" % i), v
    finally:
        r.config_set("rdbcompression", "yes")
        redis_ref.config_set("rdbcompression", "yes")


def test_restore_both_ways(r, redis_ref):
    for i, v in enumerate(VALUES):
        redis_ref.set("src%d" % i, v)
        assert r.restore("dst%d" % i, 0, redis_ref.dump("src%d" % i)) == b"OK"
        assert r.get("dst%d" % i) == v
        assert r.ttl("dst%d" % i) == -1
        r.set("wsrc%d" % i, v)
        redis_ref.restore("wdst%d" % i, 0, r.dump("wsrc%d" % i), replace=True)
        assert redis_ref.get("wdst%d" % i) == v


def test_restore_ttl_replace_busykey(r):
    r.set("a", "1")
    payload = r.dump("a")
    with pytest.raises(redis.ResponseError, match="^BUSYKEY Target key name already exists.$"):
        r.restore("a", 0, payload)
    assert r.restore("a", 5000, payload, replace=True)
    assert 4000 < r.pttl("a") <= 5000
    abs_ms = int(time.time() * 1000) + 100000
    assert r.restore("b", abs_ms, payload, absttl=True)
    assert r.pexpiretime("b") == abs_ms
    # an absolute time in the past creates nothing; with REPLACE the old value is gone too
    assert r.restore("b", 1000, payload, replace=True, absttl=True)
    assert r.exists("b") == 0


def test_restore_idletime_and_freq(r):
    r.set("a", "1")
    payload = r.dump("a")
    assert r.restore("idle", 0, payload, idletime=1000)
    assert 1000 <= r.object("idletime", "idle") <= 1002
    with pytest.raises(redis.ResponseError, match="^syntax error$"):
        r.execute_command("RESTORE", "x", 0, payload, "IDLETIME", 5, "FREQ", 3)
    with pytest.raises(redis.ResponseError, match="^syntax error$"):
        r.execute_command("RESTORE", "x", 0, payload, "FREQ", 3, "IDLETIME", 5)


def _err(c, *args):
    try:
        return ("ok", c.execute_command(*args))
    except redis.ResponseError as e:
        return ("err", str(e))


def test_errors_match_redis(r, redis_ref):
    r.set("a", "1")
    redis_ref.set("a", "1")
    good = r.dump("a")
    bad_crc = good[:-1] + bytes([good[-1] ^ 1])
    future = good[:-10] + struct.pack("<H", 11) + good[-8:]
    cases = [
        ("RESTORE", "n1", -1, good),
        ("RESTORE", "n1", "abc", good),
        ("RESTORE", "n1", 0, b"short"),
        ("RESTORE", "n1", 0, bad_crc),
        ("RESTORE", "n1", 0, future),
        ("RESTORE", "n1", 0, good, "IDLETIME", -1),
        ("RESTORE", "n1", 0, good, "IDLETIME", "x"),
        ("RESTORE", "n1", 0, good, "FREQ", 256),
        ("RESTORE", "n1", 0, good, "FREQ", -1),
        ("RESTORE", "n1", 0, good, "IDLETIME"),
        ("RESTORE", "n1", 0, good, "BOGUS"),
        ("RESTORE", "a", 0, good),
        ("RESTORE", "a", -5, good, "REPLACE"),
        ("RESTORE", "n1", 0),
        ("DUMP",),
        ("DUMP", "a", "b"),
    ]
    for cmd in cases:
        assert _err(r, *cmd) == _err(redis_ref, *cmd), cmd


def _payload(body):
    """A payload with a correct footer around an arbitrary body."""
    from zlib import crc32  # noqa: F401  (just to show the CRC is not CRC-32)
    body = body + struct.pack("<H", 10)
    return body + struct.pack("<Q", crc64(body))


def crc64(data):
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x95AC9329AC4BC9B5 if crc & 1 else crc >> 1
    return crc


def test_crc64_helper_matches_server(r):
    r.set("a", "hello")
    p = r.dump("a")
    assert struct.unpack("<Q", p[-8:])[0] == crc64(p[:-8])


HOSTILE_BODIES = [
    b"",                                    # no type byte
    b"\x00",                                # type, no value
    b"\x00\x05ab",                          # string running into the footer (Redis reads on into it)
    b"\x00\x81\x7f\xff\xff\xff\xff\xff\xff\xff",  # 2^63-byte string
    b"\x00\xc3\x02\x80\x40\x00\x00\x00\x01a",     # LZF claiming 1 GiB from 2 bytes
    b"\x00\xc3\x03\x15\x1fab",              # LZF literal past the input
    b"\x00\xc3\x02\x05\x20\x05",            # LZF back reference before the start
    b"\x00\xc4",                            # unknown string encoding
    b"\x00\x01a\x01b",                      # trailing bytes after the value
    b"\x08\x01a",                           # type 8 does not exist
    b"\x07\x01a",                           # module value
    b"\x13\x01a",                           # stream
    b"\xff",                                # an opcode, not a type
]


@pytest.mark.parametrize("body", HOSTILE_BODIES, ids=range(len(HOSTILE_BODIES)))
def test_hostile_payloads(r, redis_ref, body):
    p = _payload(body)
    got = _err(r, "RESTORE", "h", 0, p)
    assert got == ("err", "Bad data format"), got
    assert r.exists("h") == 0
    # redis-server refuses them too, except where it reads into the footer or ignores
    # trailing bytes (Warden checks the value ends exactly at the footer)
    if body not in (b"\x00\x05ab", b"\x00\x01a\x01b"):
        assert _err(redis_ref, "RESTORE", "h", 0, p)[0] == "err"


def test_binary_key_and_restore_event_count(r):
    key = b"\x00bin\xffkey"
    r.set(key, b"v")
    p = r.dump(key)
    r.delete(key)
    assert r.restore(key, 0, p)
    assert r.get(key) == b"v"
