"""The memcache front end, text protocol: memcached 1.6's commands on Warden's keyspace,
checked byte for byte against what Debian's memcached 1.6.18 answers (the CASES table was
recorded from it; test_cases_match_memcached replays it against a live memcached when one
is installed), then with real clients (pymemcache, libmemcached's tools), across
protocols (RESP sees memcache items and the other way round), under concurrency (CAS
races between clients), expiry, limits and hostile input."""
import os
import socket
import subprocess
import threading
import time

import pytest
import redis

from conftest import SLOW, Server, free_port
from mcwire import MC, Closed, exchange, memcached_ref, normalize  # noqa: F401 (fixture)

pymemcache = pytest.importorskip("pymemcache.client.base")


def pmclient(port):
    """pymemcache without its default noreply, so every reply is checked."""
    return pymemcache.Client(("127.0.0.1", port), timeout=10 * SLOW, connect_timeout=10 * SLOW, default_noreply=False)


@pytest.fixture(scope="module")
def mcs():
    port = free_port()
    s = Server(args=["--memcached-port", str(port)])
    s.mc_port = port
    yield s
    rc = s.stop()
    s.check_clean()
    assert rc == 0, s.read_log()[-3000:]


@pytest.fixture
def r(mcs):
    c = mcs.client()
    c.flushall()
    yield c
    c.close()


@pytest.fixture
def mc(mcs, r):
    m = MC(mcs.mc_port)
    yield m
    m.close()


@pytest.fixture
def pm(mcs, r):
    c = pmclient(mcs.mc_port)
    yield c
    c.close()


# (request, memcached 1.6.18's answer), each on a fresh connection after flush_all.
CASES = [
    (b'set k 0 0 1\r\na\r\nget k\r\n', b'STORED\r\nVALUE k 0 1\r\na\r\nEND\r\n'),
    (b'set  k  0  0  1 \r\nb\r\nget k\r\n', b'STORED\r\nVALUE k 0 1\r\nb\r\nEND\r\n'),
    (b'set k 5 0 1\na\r\nget k\n', b'STORED\r\nVALUE k 5 1\r\na\r\nEND\r\n'),
    (b'set k 0 0 0\r\n\r\nget k\r\n', b'STORED\r\nVALUE k 0 0\r\n\r\nEND\r\n'),
    (b'set k 4294967295 0 1\r\na\r\nget k\r\n', b'STORED\r\nVALUE k 4294967295 1\r\na\r\nEND\r\n'),
    (b'set k 4294967296 0 1\r\na\r\nget k\r\n', b'STORED\r\nVALUE k 0 1\r\na\r\nEND\r\n'),
    (b'set k 18446744073709551615 0 1\r\na\r\nget k\r\n', b'STORED\r\nVALUE k 4294967295 1\r\na\r\nEND\r\n'),
    (b'set k +5 0 1\r\na\r\nget k\r\n', b'STORED\r\nVALUE k 5 1\r\na\r\nEND\r\n'),
    (b'set k 5\t 0 1\r\nx\r\nget k\r\n', b'STORED\r\nVALUE k 5 1\r\nx\r\nEND\r\n'),
    (b'set k 0 0 1\tx\r\nx\r\nget k\r\n', b'STORED\r\nVALUE k 0 1\r\nx\r\nEND\r\n'),
    (b'set k 0 0 4294967297\r\na\r\nget k\r\n', b'STORED\r\nVALUE k 0 1\r\na\r\nEND\r\n'),
    (b'set k 0 0 1 garbage\r\na\r\nget k\r\n', b'STORED\r\nVALUE k 0 1\r\na\r\nEND\r\n'),
    (b'set k 0 0 1 noreply\r\nz\r\nget k\r\n', b'VALUE k 0 1\r\nz\r\nEND\r\n'),
    (b'set k\x01x 0 0 1\r\na\r\nget k\x01x\r\n', b'STORED\r\nVALUE k\x01x 0 1\r\na\r\nEND\r\n'),
    (b'get a\x00b\r\n', b'END\r\n'),
    (b'get k k k\r\n', b'END\r\n'),
    (b'gets\r\n', b'ERROR\r\n'),
    (b'get\r\n', b'ERROR\r\n'),
    (b'get \r\n', b'ERROR\r\n'),
    (b'set k 0 0 1\r\nab\r\nget k\r\n', b'CLIENT_ERROR bad data chunk\r\nERROR\r\nEND\r\n'),
    (b'set k 0 0 3\r\na\r\nget k\r\n', b'CLIENT_ERROR bad data chunk\r\nERROR\r\n'),
    (b'set k 0 0 3\r\nabcde\r\nget k\r\n', b'CLIENT_ERROR bad data chunk\r\nERROR\r\nEND\r\n'),
    (b'set k -1 0 1\r\na\r\n', b'CLIENT_ERROR bad command line format\r\nERROR\r\n'),
    (b'set k 0x10 0 1\r\na\r\n', b'CLIENT_ERROR bad command line format\r\nERROR\r\n'),
    (b'set k 0 abc 1\r\na\r\n', b'CLIENT_ERROR bad command line format\r\nERROR\r\n'),
    (b'set k 0 0 -1\r\na\r\n', b'CLIENT_ERROR bad command line format\r\nERROR\r\n'),
    (b'set k 0 0 2147483646\r\na\r\n', b'CLIENT_ERROR bad command line format\r\nERROR\r\n'),
    (b'set k 0 0 abc\r\na\r\n', b'CLIENT_ERROR bad command line format\r\nERROR\r\n'),
    (b'set k 0 0\r\na\r\n', b'ERROR\r\nERROR\r\n'),
    (b'set k 0 0 1 noreply extra\r\na\r\n', b'ERROR\r\nERROR\r\n'),
    (b'set k 0 0 1 NOREPLY\r\nz\r\n', b'STORED\r\n'),
    (b'set\tk 0 0 1\r\nc\r\n', b'ERROR\r\nERROR\r\n'),
    (b'SET k 0 0 1\r\na\r\n', b'ERROR\r\nERROR\r\n'),
    (b'set k 0\t0 1\r\nx\r\n', b'ERROR\r\nERROR\r\n'),
    (b'set k 0 0 1 noreply\r\nab\r\n', b'ERROR\r\n'),
    (b'set k 0 0 abc noreply\r\nab\r\n', b'ERROR\r\n'),
    (b'cas k 0 0 1\r\n1\r\n', b'ERROR\r\nERROR\r\n'),
    (b'cas k 0 0 1 abc\r\n1\r\n', b'CLIENT_ERROR bad command line format\r\nERROR\r\n'),
    (b'cas k 0 0 1 -1\r\n2\r\n', b'CLIENT_ERROR bad command line format\r\nERROR\r\n'),
    (b'cas nope 0 0 1 1\r\n1\r\n', b'NOT_FOUND\r\n'),
    (b'cas k 0 0 1 1 noreply\r\nx\r\n', b''),
    (b'\r\n', b'ERROR\r\n'),
    (b'\n', b'ERROR\r\n'),
    (b'   \r\n', b'ERROR\r\n'),
    (b'foo\r\n', b'ERROR\r\n'),
    (b'GET k\r\n', b'ERROR\r\n'),
    (b'g\r\n', b'ERROR\r\n'),
    (b'mx\r\n', b'ERROR\r\n'),
    (b'm\r\n', b'ERROR\r\n'),
    (b'lru_crawler\r\n', b'ERROR\r\n'),
    (b'slabs\r\n', b'ERROR\r\n'),
    (b'mget a\r\n', b'ERROR\r\n'),
    (b'shutdown\r\n', b'ERROR: shutdown not enabled\r\n'),
    (b'xyz HTTP/1.1 extra\r\n', b'ERROR\r\n'),
    (b'GET / http/1.1\r\n', b'ERROR\r\n'),
    (b'dxyz HTTP/1.1\r\n', b'ERROR\r\n'),
    (b'set k 0 99999999999 1\r\na\r\nget k\r\n', b'STORED\r\nEND\r\n'),
    (b'set k 0 -99999999999 1\r\na\r\nget k\r\n', b'STORED\r\nEND\r\n'),
    (b'set k 0 -1 1\r\na\r\nget k\r\n', b'STORED\r\nEND\r\n'),
    (b'set k 0 2592000 2\r\n10\r\nmg k t\r\nset k 0 2592001 2\r\n10\r\nmg k t\r\n', b'STORED\r\nHD t2592000\r\nSTORED\r\nEN\r\n'),
    (b'set k 7 100 2\r\nhi\r\ntouch k -1\r\nget k\r\n', b'STORED\r\nTOUCHED\r\nEND\r\n'),
    (b'set k 7 100 2\r\nhi\r\ngat -1 k\r\nget k\r\n', b'STORED\r\nVALUE k 7 2\r\nhi\r\nEND\r\nEND\r\n'),
    (b'set k 7 100 2\r\nhi\r\ngat 0 k\r\nmg k t\r\n', b'STORED\r\nVALUE k 7 2\r\nhi\r\nEND\r\nHD t-1\r\n'),
    (b'set k 7 100 2\r\nhi\r\nmg k v f t\r\nappend k 9 0 1\r\n!\r\nmg k v f t\r\n', b'STORED\r\nVA 2 f7 t100\r\nhi\r\nSTORED\r\nVA 3 f7 t100\r\nhi!\r\n'),
    (b'gat 0\r\n', b'END\r\n'),
    (b'gat abc k\r\n', b'CLIENT_ERROR invalid exptime argument\r\n'),
    (b'set k 0 0 1\r\nz\r\ngat 100 k\r\n', b'STORED\r\nVALUE k 0 1\r\nz\r\nEND\r\n'),
    (b'touch k 10\r\n', b'NOT_FOUND\r\n'),
    (b'set k 0 0 1\r\nz\r\ntouch k 10\r\n', b'STORED\r\nTOUCHED\r\n'),
    (b'touch k abc\r\n', b'CLIENT_ERROR invalid exptime argument\r\n'),
    (b'touch nope 10\r\n', b'NOT_FOUND\r\n'),
    (b'touch k\r\n', b'ERROR\r\n'),
    (b'set k 0 0 1\r\nz\r\ntouch k 10 noreply\r\nget k\r\n', b'STORED\r\nVALUE k 0 1\r\nz\r\nEND\r\n'),
    (b'touch k abc noreply\r\n', b''),
    (b'set n 0 0 2\r\n10\r\nincr n 5\r\nincr n -1\r\nincr n abc\r\nincr n 18446744073709551615\r\nincr n 18446744073709551616\r\nget n\r\n', b'STORED\r\n15\r\nCLIENT_ERROR invalid numeric delta argument\r\nCLIENT_ERROR invalid numeric delta argument\r\n14\r\nCLIENT_ERROR invalid numeric delta argument\r\nVALUE n 0 2\r\n14\r\nEND\r\n'),
    (b'set n 0 0 2\r\n10\r\ndecr n 3\r\nget n\r\ndecr n 100\r\nget n\r\n', b'STORED\r\n7\r\nVALUE n 0 2\r\n7 \r\nEND\r\n0\r\nVALUE n 0 2\r\n0 \r\nEND\r\n'),
    (b'set n 0 0 3\r\n100\r\ndecr n 91\r\nget n\r\nincr n 1\r\nget n\r\n', b'STORED\r\n9\r\nVALUE n 0 3\r\n9  \r\nEND\r\n10\r\nVALUE n 0 3\r\n10 \r\nEND\r\n'),
    (b'set n 0 0 20\r\n18446744073709551615\r\nincr n 2\r\nget n\r\n', b'STORED\r\n1\r\nVALUE n 0 20\r\n1                   \r\nEND\r\n'),
    (b'set n 0 0 20\r\n18446744073709551616\r\nincr n 2\r\n', b'STORED\r\nCLIENT_ERROR cannot increment or decrement non-numeric value\r\n'),
    (b'set n 0 0 3\r\nabc\r\nincr n 2\r\ndecr n 1\r\n', b'STORED\r\nCLIENT_ERROR cannot increment or decrement non-numeric value\r\nCLIENT_ERROR cannot increment or decrement non-numeric value\r\n'),
    (b'set n 0 0 3\r\n 12\r\nincr n 2\r\n', b'STORED\r\n14\r\n'),
    (b'set n 0 0 3\r\n12 \r\nincr n 2\r\nget n\r\n', b'STORED\r\n14\r\nVALUE n 0 3\r\n14 \r\nEND\r\n'),
    (b'set n 0 0 2\r\n-1\r\nincr n 2\r\n', b'STORED\r\nCLIENT_ERROR cannot increment or decrement non-numeric value\r\n'),
    (b'set n 0 0 0\r\n\r\nincr n 2\r\n', b'STORED\r\nCLIENT_ERROR cannot increment or decrement non-numeric value\r\n'),
    (b'set n 0 0 3\r\n+12\r\nincr n 2\r\n', b'STORED\r\n14\r\n'),
    (b'set n 0 0 2\r\n07\r\nincr n 1\r\nget n\r\n', b'STORED\r\n8\r\nVALUE n 0 2\r\n8 \r\nEND\r\n'),
    (b'incr nope 1\r\ndecr nope 1\r\n', b'NOT_FOUND\r\nNOT_FOUND\r\n'),
    (b'set n 0 0 1\r\n8\r\nincr n 1 noreply\r\nget n\r\n', b'STORED\r\nVALUE n 0 1\r\n9\r\nEND\r\n'),
    (b'incr n\r\n', b'ERROR\r\n'),
    (b'incr n 1 2 3\r\n', b'ERROR\r\n'),
    (b'set n 5 0 2\r\n10\r\nincr n 1\r\nget n\r\n', b'STORED\r\n11\r\nVALUE n 5 2\r\n11\r\nEND\r\n'),
    (b'incr k abc noreply\r\n', b''),
    (b'incr nope 1 noreply\r\n', b''),
    (b'set n 0 0 1\r\n1\r\ndelete n\r\ndelete n\r\n', b'STORED\r\nDELETED\r\nNOT_FOUND\r\n'),
    (b'set n 0 0 1\r\n1\r\ndelete n 0\r\n', b'STORED\r\nDELETED\r\n'),
    (b'set n 0 0 1\r\n1\r\ndelete n 5\r\n', b'STORED\r\nCLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]\r\n'),
    (b'set n 0 0 1\r\n1\r\ndelete n noreply\r\nget n\r\n', b'STORED\r\nEND\r\n'),
    (b'set n 0 0 1\r\n1\r\ndelete n 0 noreply\r\nget n\r\n', b'STORED\r\nEND\r\n'),
    (b'delete n x y z\r\n', b'ERROR\r\n'),
    (b'delete\r\n', b'ERROR\r\n'),
    (b'delete nope noreply\r\n', b''),
    (b'add n 0 0 1\r\n1\r\nadd n 0 0 1\r\n2\r\nget n\r\n', b'STORED\r\nNOT_STORED\r\nVALUE n 0 1\r\n1\r\nEND\r\n'),
    (b'set n 0 0 1\r\n1\r\nreplace nn 0 0 1\r\n1\r\nreplace n 7 0 1\r\n3\r\nget n\r\n', b'STORED\r\nNOT_STORED\r\nSTORED\r\nVALUE n 7 1\r\n3\r\nEND\r\n'),
    (b'set n 7 0 1\r\n3\r\nappend nn 0 0 1\r\n1\r\nappend n 9 0 2\r\nxy\r\nprepend n 9 0 2\r\nab\r\nget n\r\n', b'STORED\r\nNOT_STORED\r\nSTORED\r\nSTORED\r\nVALUE n 7 5\r\nab3xy\r\nEND\r\n'),
    (b'add k 0 0 1 noreply\r\nx\r\n', b''),
    (b'flush_all\r\n', b'OK\r\n'),
    (b'flush_all 0\r\n', b'OK\r\n'),
    (b'flush_all noreply\r\n', b''),
    (b'flush_all abc\r\n', b'CLIENT_ERROR invalid exptime argument\r\n'),
    (b'flush_all -1\r\n', b'OK\r\n'),
    (b'flush_all 0 0\r\n', b'OK\r\n'),
    (b'flush_all 1 2 3\r\n', b'ERROR\r\n'),
    (b'flush_all HTTP/1.1\r\n', b'CLIENT_ERROR invalid exptime argument\r\n'),
    (b'version\r\n', b'VERSION 1.6.18\r\n'),
    (b'version x\r\n', b'VERSION 1.6.18\r\n'),
    (b'verbosity\r\n', b'ERROR\r\n'),
    (b'verbosity 1\r\n', b'OK\r\n'),
    (b'verbosity x\r\n', b'CLIENT_ERROR bad command line format\r\n'),
    (b'verbosity 1 noreply\r\n', b''),
    (b'verbosity 1 2 3\r\n', b'ERROR\r\n'),
    (b'stats foo\r\n', b'ERROR\r\n'),
    (b'stats a b c d e f\r\n', b'ERROR\r\n'),
    (b'STATS\r\n', b'ERROR\r\n'),
    (b'stats detail\r\n', b'CLIENT_ERROR usage: stats detail on|off|dump\r\n'),
    (b'stats reset\r\n', b'RESET\r\n'),
]


def run_case(port, data):
    m = MC(port)
    m.x(b"flush_all\r\n")
    out = m.x(data)
    m.close()
    return out


def test_cases(mcs, r):
    bad = []
    for data, want in CASES:
        got = run_case(mcs.mc_port, data)
        if normalize(got) != normalize(want):
            bad.append((data, want, got))
    assert not bad, "\n".join("%r\n  want %r\n  got  %r" % b for b in bad[:10])


def test_cases_match_memcached(memcached_ref):
    """The table above is memcached's behaviour, not ours: replay it against memcached."""
    bad = []
    for data, want in CASES:
        got = run_case(memcached_ref.port, data)
        if normalize(got) != normalize(want):
            bad.append((data, want, got))
    assert not bad, "\n".join("%r\n  want %r\n  got  %r" % b for b in bad[:10])


# ---------------------------------------------------------------- basic commands


def test_set_get_flags_binary_values(mc):
    blob = bytes(range(256)) + b"\r\nEND\r\n\x00" * 3
    assert mc.x(b"set bin 4294967295 0 %d\r\n%s\r\n" % (len(blob), blob)) == b"STORED\r\n"
    assert mc.x(b"get bin\r\n") == b"VALUE bin 4294967295 %d\r\n%s\r\nEND\r\n" % (len(blob), blob)
    assert mc.x(b"set empty 7 0 0\r\n\r\nget empty\r\n") == b"STORED\r\nVALUE empty 7 0\r\n\r\nEND\r\n"
    out = mc.x(b"gets bin empty missing bin\r\n")
    assert out.count(b"VALUE bin 4294967295 %d " % len(blob)) == 2 and out.endswith(b"END\r\n")
    assert b"VALUE missing" not in out


def test_gets_cas_changes_on_every_write(mc):
    mc.x(b"set k 0 0 1\r\na\r\n")
    def cas():
        return int(mc.x(b"gets k\r\n").split(b"\r\n")[0].split()[4])
    seen = [cas()]
    for req in (b"set k 0 0 1\r\nb\r\n", b"append k 0 0 1\r\nc\r\n", b"prepend k 0 0 1\r\nd\r\n",
                b"replace k 0 0 2\r\n10\r\n", b"incr k 1\r\n", b"decr k 1\r\n"):
        mc.x(req)
        seen.append(cas())
    assert len(set(seen)) == len(seen) and seen == sorted(seen)
    # touch and gat do not change it, as in memcached
    before = cas()
    mc.x(b"touch k 100\r\ngat 100 k\r\n")
    assert cas() == before


def test_cas_command(mc):
    assert mc.x(b"cas k 0 0 1 1\r\na\r\n") == b"NOT_FOUND\r\n"
    mc.x(b"set k 3 0 1\r\na\r\n")
    c = int(mc.x(b"gets k\r\n").split()[4])
    assert mc.x(b"cas k 9 0 1 %d\r\nb\r\n" % (c + 1)) == b"EXISTS\r\n"
    assert mc.x(b"cas k 9 0 1 %d\r\nb\r\n" % c) == b"STORED\r\n"
    assert mc.x(b"get k\r\n") == b"VALUE k 9 1\r\nb\r\nEND\r\n"
    assert mc.x(b"cas k 9 0 1 %d\r\nc\r\n" % c) == b"EXISTS\r\n"
    assert mc.x(b"cas k 9 0 1 %d noreply\r\nc\r\n" % c) == b""


def test_noreply_everywhere(mc):
    reqs = [b"set k 0 0 1 noreply\r\na\r\n", b"add k2 0 0 1 noreply\r\nb\r\n", b"replace k 0 0 2 noreply\r\n10\r\n",
            b"append k 0 0 1 noreply\r\n0\r\n", b"prepend k 0 0 1 noreply\r\n1\r\n", b"incr k 5 noreply\r\n",
            b"decr k 1 noreply\r\n", b"touch k 100 noreply\r\n", b"cas k 0 0 1 1 noreply\r\nx\r\n",
            b"delete k2 noreply\r\n", b"delete k2 0 noreply\r\n", b"verbosity 1 noreply\r\n",
            # errors are muted too, as memcached does
            b"incr k abc noreply\r\n", b"touch k abc noreply\r\n", b"set k 0 0 1 noreply\r\nab\r",
            b"flush_all 0 noreply\r\n"]
    for req in reqs:
        assert mc.x(req) == b"", req
    assert mc.x(b"get k k2\r\n") == b"END\r\n"


def test_add_replace_append_prepend(mc, r):
    assert mc.x(b"add k 1 0 1\r\na\r\n") == b"STORED\r\n"
    assert mc.x(b"add k 2 0 1\r\nb\r\n") == b"NOT_STORED\r\n"
    assert mc.x(b"replace nope 0 0 1\r\na\r\n") == b"NOT_STORED\r\n"
    assert mc.x(b"append nope 0 0 1\r\na\r\n") == b"NOT_STORED\r\n"
    assert mc.x(b"prepend nope 0 0 1\r\na\r\n") == b"NOT_STORED\r\n"
    assert mc.x(b"append k 9 0 2\r\nyz\r\nprepend k 9 0 2\r\n<<\r\n") == b"STORED\r\nSTORED\r\n"
    assert mc.x(b"get k\r\n") == b"VALUE k 1 5\r\n<<ayz\r\nEND\r\n"  # flags of the item kept
    assert r.get("k") == b"<<ayz"
    # a key of another type is not a memcache item: add refuses, set replaces
    try:
        r.rpush("list", "x")
    except redis.ResponseError:
        return  # no other type in this build yet
    assert mc.x(b"get list\r\nadd list 0 0 1\r\na\r\nappend list 0 0 1\r\na\r\n") == b"END\r\nNOT_STORED\r\nNOT_STORED\r\n"
    assert mc.x(b"set list 0 0 1\r\na\r\n") == b"STORED\r\n"
    assert r.type("list") == b"string"


def test_incr_decr(mc, r):
    mc.x(b"set n 5 0 2\r\n10\r\n")
    assert mc.x(b"incr n 18446744073709551615\r\n") == b"9\r\n"  # wraps at 2^64
    assert mc.x(b"get n\r\n") == b"VALUE n 5 2\r\n9 \r\nEND\r\n"  # shorter: space-padded
    assert mc.x(b"decr n 100\r\n") == b"0\r\n"
    assert mc.x(b"incr n 12345\r\n") == b"12345\r\n"
    assert mc.x(b"get n\r\n") == b"VALUE n 5 5\r\n12345\r\nEND\r\n"
    assert r.incrby("n", 5) == 12350  # the same value over RESP
    assert mc.x(b"incr n 1\r\n") == b"12351\r\n"
    r.set("s", "not a number")
    assert mc.x(b"incr s 1\r\n") == b"CLIENT_ERROR cannot increment or decrement non-numeric value\r\n"
    assert mc.x(b"incr n -1\r\nincr n 1.5\r\n") == b"CLIENT_ERROR invalid numeric delta argument\r\n" * 2


def test_delete_touch_and_events(mc, r):
    r.config_set("notify-keyspace-events", "KEA") if False else None
    mc.x(b"set k 0 0 1\r\na\r\n")
    assert mc.x(b"touch k 100\r\n") == b"TOUCHED\r\n"
    assert 95 <= r.ttl("k") <= 100
    assert mc.x(b"touch k 0\r\n") == b"TOUCHED\r\n"
    assert r.ttl("k") == -1
    assert mc.x(b"delete k\r\ndelete k\r\n") == b"DELETED\r\nNOT_FOUND\r\n"
    assert r.exists("k") == 0


def test_version_verbosity_quit(mc, mcs):
    assert mc.x(b"version\r\n") == b"VERSION 1.6.18\r\n"
    assert mc.x(b"verbosity 2\r\n") == b"OK\r\n"
    m = MC(mcs.mc_port)
    m.send(b"get a\r\nquit\r\nget b\r\n")
    assert m.closed()
    assert m.buf == b"END\r\n"


def test_stats(mc, pm):
    pm.set("a", b"1")
    pm.get("a")
    pm.get("missing")
    st = pm.stats()
    for k in (b"pid", b"uptime", b"version", b"curr_connections", b"total_connections", b"cmd_get", b"cmd_set",
              b"get_hits", b"get_misses", b"curr_items", b"bytes", b"threads", b"evictions"):
        assert k in st, k
    assert st[b"version"] == b"1.6.18" and st[b"get_hits"] >= 1 and st[b"get_misses"] >= 1
    assert st[b"curr_items"] == 1
    settings = pm.stats("settings")
    assert settings[b"item_size_max"] == 1048576 and settings[b"cas_enabled"] in (True, b"yes")
    assert settings[b"tcpport"] == pm.server[1]
    assert mc.x(b"stats reset\r\n") == b"RESET\r\n"
    after = pm.stats()
    assert after[b"get_hits"] == 0 and after[b"cmd_get"] == 0
    assert mc.x(b"stats items\r\nstats slabs\r\nstats sizes\r\n") == b"END\r\nEND\r\nSTAT sizes_status disabled\r\nEND\r\n"


def test_flush_all_and_delay(mc, r):
    r.set("resp-key", "1")
    mc.x(b"set k 0 0 1\r\na\r\n")
    assert mc.x(b"flush_all\r\n") == b"OK\r\n"
    assert mc.x(b"get k\r\n") == b"END\r\n" and r.dbsize() == 0  # all of db 0
    r.select(1)
    r.set("other-db", "1")
    r.select(0)
    mc.x(b"set k 0 0 1\r\na\r\n")
    assert mc.x(b"flush_all 1\r\n") == b"OK\r\n"
    assert mc.x(b"get k\r\n") == b"VALUE k 0 1\r\na\r\nEND\r\n"
    time.sleep(1.3)
    assert mc.x(b"get k\r\n") == b"END\r\n"
    c = redis.Redis(port=r.connection_pool.connection_kwargs["port"], db=1)
    assert c.get("other-db") == b"1"  # other databases untouched
    c.close()


# ---------------------------------------------------------------- expiry


def test_expiry_relative_absolute_negative(mc, r):
    now = int(time.time())
    mc.x(b"set rel 0 1 1\r\na\r\nset abs 0 %d 1\r\nb\r\nset past 0 %d 1\r\nc\r\nset neg 0 -1 1\r\nd\r\n"
         % (now + 100, now - 10))
    assert mc.x(b"get past neg\r\n") == b"END\r\n"
    assert 95 <= r.ttl("abs") <= 101
    assert r.pttl("rel") <= 1000
    # 30 days is still relative; one second more is an absolute time (1970: expired)
    mc.x(b"set d30 0 2592000 1\r\na\r\nset d30p 0 2592001 1\r\na\r\n")
    assert 2591990 <= r.ttl("d30") <= 2592000 and r.exists("d30p") == 0
    time.sleep(1.1)
    assert mc.x(b"get rel abs\r\n") == b"VALUE abs 0 1\r\nb\r\nEND\r\n"
    # gat/gats return the value and set the new TTL; a negative one expires it after
    assert mc.x(b"gat -1 abs\r\n") == b"VALUE abs 0 1\r\nb\r\nEND\r\n"
    assert mc.x(b"get abs\r\n") == b"END\r\n"


# ---------------------------------------------------------------- limits


def test_key_length_limit(mc):
    k250, k251 = b"k" * 250, b"k" * 251
    assert mc.x(b"set %s 0 0 1\r\na\r\nget %s\r\n" % (k250, k250)) == b"STORED\r\nVALUE %s 0 1\r\na\r\nEND\r\n" % k250
    err = b"CLIENT_ERROR bad command line format\r\n"
    assert mc.x(b"set %s 0 0 1\r\na\r\n" % k251) == err + b"ERROR\r\n"  # the data line is then a command
    for req in (b"get a %s\r\n", b"gets %s\r\n", b"gat 0 %s\r\n", b"delete %s\r\n", b"incr %s 1\r\n",
                b"touch %s 1\r\n", b"mg %s v\r\n", b"md %s\r\n", b"ma %s\r\n", b"me %s\r\n"):
        assert mc.x(req % k251) == err, req
    # a bad key anywhere in a multi-get fails the whole command: no partial answer
    assert mc.x(b"get %s %s\r\n" % (k250, k251)) == err
    k300 = b"x" * 300
    assert mc.x(b"set %s 0 0 1\r\na\r\nms %s 1\r\na\r\n" % (k300, k300)) == (err + b"ERROR\r\n") * 2
    # control characters are not refused (memcached does not check them either)
    assert mc.x(b"set k\x01\x7f\tx 0 0 1\r\na\r\nget k\x01\x7f\tx\r\n") == \
        b"STORED\r\nVALUE k\x01\x7f\tx 0 1\r\na\r\nEND\r\n"


def test_item_size_max(mc, mcs, r):
    """memcached's exact limit: header + key + flags + value within item-size-max."""
    mc.x(b"set x 0 0 1\r\nold\r\n")
    mc.x(b"set x 0 0 3\r\nold\r\n")
    ok = b"a" * 1048516
    assert mc.x(b"set x 0 0 %d\r\n%s\r\n" % (len(ok), ok)) == b"STORED\r\n"
    big = ok + b"a"
    assert mc.x(b"set x 0 0 %d\r\n%s\r\n" % (len(big), big)) == b"SERVER_ERROR object too large for cache\r\n"
    assert mc.x(b"get x\r\n") == b"END\r\n"  # set drops the old value, as memcached does
    assert mc.x(b"set x 5 0 1048513\r\n%s\r\n" % (b"a" * 1048513)) == b"SERVER_ERROR object too large for cache\r\n"
    mc.x(b"set y 0 0 1048000\r\n%s\r\n" % (b"y" * 1048000))
    assert mc.x(b"append y 0 0 1000\r\n%s\r\n" % (b"z" * 1000)) == b"NOT_STORED\r\n"
    # item-size-max is live
    r.config_set("item-size-max", "2mb")
    try:
        assert mc.x(b"set x 0 0 %d\r\n%s\r\n" % (len(big), big)) == b"STORED\r\n"
    finally:
        r.config_set("item-size-max", "1mb")
    st = pmclient(mcs.mc_port).stats()
    assert st[b"store_too_large"] >= 2


def test_huge_declared_length_is_swallowed_not_buffered(mc, mcs, r):
    """A too-large value is answered at once and discarded as it arrives: declaring 2 GB
    costs no memory, and the connection stays usable after the value's bytes."""
    mc.send(b"set k 0 0 2147483645\r\n")
    assert mc.read_until(b"\r\n") == b"SERVER_ERROR object too large for cache\r\n"
    m = MC(mcs.mc_port)
    m.send(b"set k 0 0 3000000\r\n")
    assert m.read_until(b"\r\n") == b"SERVER_ERROR object too large for cache\r\n"
    chunk = b"x" * 100000
    for _ in range(30):
        m.send(chunk)
    m.send(b"\r\n")
    assert m.x(b"get k\r\n") == b"END\r\n"
    assert mcs.alive()
    m.close()


def test_hostile_lines_close(mcs):
    # no newline after 2048 bytes: garbage, closed (a multi-get may be longer)
    out, closed = exchange(mcs.mc_port, b"x" * 3000)
    assert closed and out == b""
    out, closed = exchange(mcs.mc_port, b"set " + b"k " * 2000)
    assert closed
    out, closed = exchange(mcs.mc_port, b"x" * 2000)
    assert not closed
    # an HTTP request is a web client on the wrong port
    for req in (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", b"POST /x HTTP/1.0\r\n"):
        out, closed = exchange(mcs.mc_port, req)
        assert closed and out == b""
    # leading spaces before a long get are limited too
    out, closed = exchange(mcs.mc_port, b" " * 101 + b"get " + b"k " * 2000)
    assert closed
    # and a multi-get line stops at 2 MB (each key costs memory to serve)
    m = MC(mcs.mc_port)
    m.send(b"get " + b"key:12345 " * 100000)
    try:
        m.send(b"key:12345 " * 120000)
    except OSError:
        pass
    assert m.closed()
    m.close()


def test_long_multiget_across_shards(mc, pm, r):
    keys = ["key:%d" % i for i in range(3000)]
    pm.set_many({k: k.encode() for k in keys})
    line = b"get " + b" ".join(k.encode() for k in keys) + b"\r\n"
    assert len(line) > 20000
    out = mc.x(line)
    assert out.count(b"VALUE ") == 3000 and out.endswith(b"END\r\n")
    assert pm.get_many(keys) == {k: k.encode() for k in keys}
    assert r.mget(keys[:5]) == [k.encode() for k in keys[:5]]


def test_byte_by_byte(mcs, r):
    """A pipeline sent one byte at a time answers exactly as sent whole."""
    pipeline = (b"set a 1 0 3\r\nabc\r\nget a\r\nincr n 1\r\nset n 0 0 1\r\n9\r\nincr n 1\r\n"
                b"ms m 2 T0 F3\r\nhi\r\nmg m v f t\r\nappend a 0 0 1\r\n!\r\ngets zz\r\ndelete a\r\nmn\r\n")
    whole = MC(mcs.mc_port)
    want = whole.x(b"flush_all\r\n" + pipeline)
    whole.close()
    m = MC(mcs.mc_port)
    m.x(b"flush_all\r\n")
    for i in range(len(pipeline)):
        m.send(pipeline[i:i + 1])
    got = m.x(b"")
    m.close()
    assert got == want.split(b"OK\r\n", 1)[1]
    assert b"VALUE a 1 3\r\nabc\r\n" in got and b"10\r\n" in got


def test_data_block_shorter_or_longer(mc):
    # longer: the declared bytes are consumed, the rest parsed as a command
    assert mc.x(b"set k 0 0 1\r\nabcd\r\nget k\r\n") == b"CLIENT_ERROR bad data chunk\r\nERROR\r\nEND\r\n"
    # shorter: the next line becomes part of the value, then the chunk check fails
    assert mc.x(b"set k 0 0 6\r\nab\r\nget k\r\n") == b"CLIENT_ERROR bad data chunk\r\nERROR\r\n"


def test_server_survives_random_garbage(mcs):
    import random
    rnd = random.Random(7)
    words = [b"get", b"set", b"ms", b"mg", b"ma", b"md", b"incr", b"cas", b"0", b"-1", b"4294967296", b"k",
             b"noreply", b"\r\n", b" ", b"v", b"T-1", b"b", b"MA", b"99999999999"]
    for _ in range(200):
        blob = b" ".join(rnd.choice(words) for _ in range(rnd.randint(1, 12))) + b"\r\n"
        exchange(mcs.mc_port, blob, wait=0.01)
    assert mcs.alive()
    assert MC(mcs.mc_port).x(b"version\r\n") == b"VERSION 1.6.18\r\n"


# ---------------------------------------------------------------- cross-protocol


def test_cross_protocol_visibility(mc, r):
    mc.x(b"set mckey 42 0 5\r\nhello\r\n")
    assert r.get("mckey") == b"hello" and r.ttl("mckey") == -1
    r.set("resp", "world")
    assert mc.x(b"get resp\r\n") == b"VALUE resp 0 5\r\nworld\r\nEND\r\n"  # flags 0
    # a RESP write gives a new CAS: a client's old CAS no longer matches
    cas = int(mc.x(b"gets mckey\r\n").split()[4])
    r.append("mckey", "!")
    assert mc.x(b"get mckey\r\n") == b"VALUE mckey 42 6\r\nhello!\r\nEND\r\n"  # in-place edit keeps flags
    assert mc.x(b"cas mckey 0 0 1 %d\r\nx\r\n" % cas) == b"EXISTS\r\n"
    cas = int(mc.x(b"gets mckey\r\n").split()[4])
    r.expire("mckey", 100)
    assert mc.x(b"cas mckey 1 0 1 %d\r\nx\r\n" % cas) == b"EXISTS\r\n"
    cas = int(mc.x(b"gets mckey\r\n").split()[4])
    r.set("mckey", "replaced")  # a new value: flags back to 0
    assert mc.x(b"cas mckey 0 0 1 %d\r\nx\r\n" % cas) == b"EXISTS\r\n"
    assert mc.x(b"get mckey\r\n") == b"VALUE mckey 0 8\r\nreplaced\r\nEND\r\n"
    r.delete("mckey")
    assert mc.x(b"get mckey\r\n") == b"END\r\n"
    # integers written by either side
    r.set("cnt", 10)
    assert mc.x(b"incr cnt 5\r\n") == b"15\r\n"
    assert r.incr("cnt") == 16
    # only db 0 is memcache's
    r.execute_command("SELECT", "2")
    r.set("db2only", "x")
    r.execute_command("SELECT", "0")
    assert mc.x(b"get db2only\r\n") == b"END\r\n"


def test_resp_sees_ttl_and_mc_sees_resp_ttl(mc, r):
    mc.x(b"set t 0 100 1\r\na\r\n")
    assert 95 <= r.ttl("t") <= 100
    r.set("u", "v", ex=50)
    assert mc.x(b"mg u t v\r\n") in (b"VA 1 t50\r\nv\r\n", b"VA 1 t49\r\nv\r\n")


# ---------------------------------------------------------------- clients


def test_pymemcache_api(pm):
    assert pm.set("a", b"1") is True
    assert pm.get("a") == b"1"
    assert pm.add("a", b"2") is False
    assert pm.replace("a", b"3") is True
    assert pm.append("a", b"4") is True and pm.prepend("a", b"0") is True
    assert pm.get("a") == b"034"
    val, cas = pm.gets("a")
    assert pm.cas("a", b"new", cas) is True
    assert pm.cas("a", b"newer", cas) is False
    assert pm.incr("missing", 1) is None
    pm.set("n", b"10")
    assert pm.incr("n", 5) == 15 and pm.decr("n", 20) == 0
    assert pm.touch("a", 100) is True and pm.touch("missing", 1) is False
    assert pm.get("a") == b"new"
    assert pm.delete("a") is True and pm.get("a") is None
    assert pm.set_many({"x": b"1", "y": b"2"}) == []
    assert pm.get_many(["x", "y", "z"]) == {"x": b"1", "y": b"2"}
    assert pm.delete_many(["x", "y"]) is True
    assert pm.version() == b"1.6.18"
    assert pm.flush_all() is True


def test_libmemcached_tools(mcs, r, tmp_path):
    srv = "--servers=127.0.0.1:%d" % mcs.mc_port
    f = tmp_path / "payload.bin"
    data = bytes(range(256)) * 40
    f.write_bytes(data)
    subprocess.run(["memccp", srv, str(f)], check=True, timeout=30, cwd=tmp_path)
    assert r.get("payload.bin") == data
    out = subprocess.run(["memccat", srv, "payload.bin"], check=True, capture_output=True, timeout=30).stdout
    assert out in (data, data + b"\n")  # memccat ends its output with a newline
    assert subprocess.run(["memcexist", srv, "payload.bin"], timeout=30).returncode == 0
    assert subprocess.run(["memcrm", srv, "payload.bin"], timeout=30).returncode == 0
    assert r.exists("payload.bin") == 0
    st = subprocess.run(["memcstat", srv], check=True, capture_output=True, text=True, timeout=30).stdout
    assert "version: 1.6.18" in st
    cap = subprocess.run(["memccapable", "-h", "127.0.0.1", "-p", str(mcs.mc_port), "-a"], capture_output=True,
                         text=True, timeout=120)
    assert cap.returncode == 0 and "All tests passed" in cap.stdout, cap.stdout[-2000:]
    slap = subprocess.run(["memcslap", srv, "--concurrency=4", "--execute-number=500"], capture_output=True,
                          text=True, timeout=120)
    assert slap.returncode == 0, slap.stderr


# ---------------------------------------------------------------- concurrency


def test_cas_race_between_clients(mcs, r):
    """gets/cas loops from several clients: every increment that reported success is
    counted exactly once; losers saw EXISTS and retried."""
    c0 = pmclient(mcs.mc_port)
    c0.set("ctr", b"0")
    wins = []
    def worker(n):
        c = pmclient(mcs.mc_port)
        done = 0
        while done < n:
            v, cas = c.gets("ctr")
            if c.cas("ctr", str(int(v) + 1).encode(), cas):
                done += 1
        wins.append(done)
        c.close()
    ts = [threading.Thread(target=worker, args=(60,)) for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(60)
    assert sum(wins) == 240
    assert c0.get("ctr") == b"240"
    c0.close()


def test_concurrent_incr_from_both_protocols(mcs, r):
    pymc = pmclient(mcs.mc_port)
    pymc.set("both", b"0")
    def mc_side():
        c = pmclient(mcs.mc_port)
        for _ in range(300):
            c.incr("both", 1)
        c.close()
    def resp_side():
        c = mcs.client()
        for _ in range(300):
            c.incr("both")
        c.close()
    ts = [threading.Thread(target=mc_side), threading.Thread(target=resp_side)] * 1
    ts += [threading.Thread(target=mc_side), threading.Thread(target=resp_side)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(60)
    assert int(r.get("both")) == 1200
    pymc.close()


# ---------------------------------------------------------------- configuration


def test_config_rows(mcs, r):
    assert r.config_get("memcached-port")["memcached-port"] == str(mcs.mc_port)
    assert r.config_get("item-size-max")["item-size-max"] == "1048576"
    assert r.config_get("memcached-tls-port")["memcached-tls-port"] == "0"
    with pytest.raises(redis.ResponseError):  # start-up only, like memcached-port
        r.config_set("memcached-tls-port", "11212")
    with pytest.raises(redis.ResponseError):
        r.config_set("item-size-max", "100")
    with pytest.raises(redis.ResponseError):
        r.config_set("memcached-port", "11211")


def test_startup_refusals(tmp_path):
    from conftest import BIN
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
    p = free_port()
    out = subprocess.run([BIN, "--port", str(p), "--memcached-port", str(p), "--bind", "127.0.0.1"],
                         capture_output=True, text=True, timeout=30, env=env)
    assert out.returncode == 1 and "memcached-port" in out.stdout + out.stderr
    # memcache over TLS without a certificate cannot start
    out = subprocess.run([BIN, "--port", str(free_port()), "--memcached-tls-port", str(free_port())],
                         capture_output=True, text=True, timeout=30, env=env)
    assert out.returncode == 1 and "TLS" in out.stdout + out.stderr


def test_memcache_off_by_default(make_server):
    s = make_server()
    assert s.client().config_get("memcached-port")["memcached-port"] == "0"


# ---------------------------------------------------------------- security


def auth(m, user, password):
    cred = b"%s %s" % (user, password)
    return m.lines(b"set auth 0 0 %d\r\n%s\r\n" % (len(cred), cred), 1)


def test_auth_with_requirepass(make_server):
    port = free_port()
    s = make_server(args=["--memcached-port", str(port), "--requirepass", "s3cret"])
    m = MC(port)
    assert m.lines(b"get a\r\nversion\r\nmg a v\r\n", 3) == b"CLIENT_ERROR unauthenticated\r\n" * 3
    assert auth(m, b"default", b"wrong") == b"CLIENT_ERROR authentication failure\r\n"
    assert m.lines(b"set a 0 0 5\r\nnopwd\r\n", 1) == b"CLIENT_ERROR bad authentication token format\r\n"
    assert auth(m, b"default", b"s3cret") == b"STORED\r\n"
    assert m.x(b"get auth\r\nset a 0 0 1\r\n1\r\nget a\r\n") == b"END\r\nSTORED\r\nVALUE a 0 1\r\n1\r\nEND\r\n"
    m.close()
    # memcached clients log in the same way, unmodified: a set of "user password"
    pm = pmclient(port)
    assert pm.set("whatever", b"default s3cret") is True
    assert pm.get("a") == b"1"
    pm.close()
    # noreply does not hide the verdict (memcached answers STORED anyway)
    m = MC(port)
    assert m.lines(b"set x 0 0 14 noreply\r\ndefault s3cret\r\n", 1) == b"STORED\r\n"
    m.close()
    # an unauthenticated client may not send long lines
    out, closed = exchange(port, b"get " + b"k" * 3000)
    assert closed and out == b""
    st = pmclient(port)
    st.set("a", b"default s3cret")
    stats = st.stats()
    assert stats[b"auth_cmds"] >= 4 and stats[b"auth_errors"] >= 2
    st.close()


def test_acl_users_and_key_patterns(make_server, tmp_path):
    port = free_port()
    audit = tmp_path / "audit.log"
    conf = ("user alice on >apass ~a:* +@all\n"
            "user reader on >rpass ~r:* +get +@connection\n")
    s = make_server(args=["--memcached-port", str(port), "--audit-log", str(audit)], config_text=conf)
    r = s.client()
    # the default user has no password, but other users exist: memcache needs a login
    m = MC(port)
    assert m.lines(b"get a:1\r\n", 1) == b"CLIENT_ERROR unauthenticated\r\n"
    assert auth(m, b"alice", b"apass") == b"STORED\r\n"
    assert m.x(b"set a:1 0 0 1\r\n1\r\n") == b"STORED\r\n"
    denied_key = b"CLIENT_ERROR NOPERM this user has no permissions to access one of the keys used as arguments\r\n"
    assert m.x(b"set b:1 0 0 1\r\n1\r\n") == denied_key
    assert m.x(b"get a:1 b:1\r\n") == denied_key  # nothing of a multi-get is answered
    assert m.x(b"mg b:1 v\r\nincr b:1 1\r\ndelete b:1\r\n") == denied_key * 3
    m.close()
    rd = MC(port)
    assert auth(rd, b"reader", b"rpass") == b"STORED\r\n"
    r.set("r:1", "ok")
    assert rd.x(b"get r:1\r\n") == b"VALUE r:1 0 2\r\nok\r\nEND\r\n"
    assert rd.x(b"set r:1 0 0 1\r\nx\r\n") == \
        b"CLIENT_ERROR NOPERM this user has no permissions to run the 'set' command\r\n"
    assert rd.x(b"flush_all\r\n") == \
        b"CLIENT_ERROR NOPERM this user has no permissions to run the 'flushdb' command\r\n"
    assert r.get("r:1") == b"ok"
    rd.close()
    log = [dict(zip(e[::2], e[1::2])) for e in r.execute_command("ACL", "LOG")]
    assert {e[b"reason"] for e in log} == {b"key", b"command"}
    assert sum(e[b"count"] for e in log) == 7  # 5 key denials (grouped), 2 command denials
    assert {e[b"object"] for e in log if e[b"reason"] == b"key"} == {b"b:1"}
    time.sleep(0.3)
    events = audit.read_text()
    assert '"auth_success"' in events and '"acl_denied"' in events
    assert "apass" not in events and "rpass" not in events


def test_auth_throttling(make_server):
    port = free_port()
    s = make_server(args=["--memcached-port", str(port), "--requirepass", "pw", "--auth-failure-limit", "3"])
    m = MC(port)
    for _ in range(3):
        assert auth(m, b"default", b"bad") == b"CLIENT_ERROR authentication failure\r\n"
    out = auth(m, b"default", b"pw")  # even the right password waits out the lockout
    assert out.startswith(b"CLIENT_ERROR too many failed authentication attempts")
    m.close()
    del s


def test_auth_requirement_follows_config(make_server):
    port = free_port()
    s = make_server(args=["--memcached-port", str(port)])
    r = s.client()
    assert MC(port).x(b"version\r\n") == b"VERSION 1.6.18\r\n"
    r.config_set("requirepass", "later")
    m = MC(port)
    assert m.lines(b"version\r\n", 1) == b"CLIENT_ERROR unauthenticated\r\n"
    r.execute_command("AUTH", "later")
    r.config_set("requirepass", "")
    assert m.x(b"version\r\n") == b"VERSION 1.6.18\r\n"  # the requirement went away
    m.close()


def test_maxmemory_applies_to_memcache_writes(make_server):
    port = free_port()
    s = make_server(args=["--memcached-port", str(port), "--maxmemory-policy", "noeviction"])
    r = s.client()
    r.config_set("maxmemory", "1")  # every write is now over the limit
    import socket
    with socket.create_connection(("127.0.0.1", port), timeout=5) as m:
        m.sendall(b"set k 0 0 1\r\nx\r\nget k\r\n")
        buf = b""
        while not buf.endswith(b"END\r\n"):
            buf += m.recv(1000)
    assert buf == b"SERVER_ERROR out of memory storing object\r\nEND\r\n"
    r.config_set("maxmemory", "0")
    assert r.info("stats")["oom_rejected_commands"] >= 1
