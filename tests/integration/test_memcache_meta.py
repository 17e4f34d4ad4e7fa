"""The memcache front end, meta protocol: mg ms md ma mn me with their flags and the
HD VA EN EX NS NF MN codes, checked byte for byte against Debian's memcached 1.6.18 (the
CASES table was recorded from it and is replayed against a live memcached when one is
installed), then the flows the flags exist for: stale-while-revalidate (md I, X/W/Z),
vivify on miss (N), early recache (R), base64 binary keys (b), pipelines with quiet mode,
explicit CAS values (E, from newer memcached), and the same items seen over RESP."""
import base64
import time

import pytest

from conftest import SLOW, Server, free_port
from mcwire import MC, memcached_ref, normalize  # noqa: F401 (fixture)


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


# (request, memcached 1.6.18's answer), each on a fresh connection after flush_all.
CASES = [
    (b'ms m1 2\r\nhi\r\nmg m1 v\r\n', b'HD\r\nVA 2\r\nhi\r\n'),
    (b'ms m1 2 T0 F7\r\nhi\r\nmg m1 v f t s k O123 q\r\n', b'HD\r\nVA 2 f7 t-1 s2 km1 O123\r\nhi\r\n'),
    (b'ms m1 2 c k O9 b\r\nhi\r\n', b'CLIENT_ERROR error decoding key\r\n'),
    (b'ms bTE= 2 b k\r\nhi\r\nmg bTE= b k v\r\nmg m1 b v\r\nmg m1 k v\r\n', b'HD kbTE= b\r\nVA 2 kbTE= b\r\nhi\r\nCLIENT_ERROR error decoding key\r\nVA 2 kbTE= b\r\nhi\r\n'),
    (b'ms m1 2\r\nhi\r\nmg m1\r\n', b'HD\r\nHD\r\n'),
    (b'mg nope\r\nmg nope q\r\nmg nope k O5\r\n', b'EN\r\nEN knope O5\r\n'),
    (b'ms m1 2\r\nhi\r\nmg nope q k\r\nmg m1 q k\r\n', b'HD\r\nHD km1\r\n'),
    (b'mg m1 x\r\n', b'CLIENT_ERROR invalid flag\r\n'),
    (b'mg m1 v v\r\n', b'CLIENT_ERROR duplicate flag\r\n'),
    (b'mg m1 v Oabc Oxyz\r\n', b'CLIENT_ERROR duplicate flag\r\n'),
    (b'mg m1 O123456789012345678901234567890123\r\n', b'CLIENT_ERROR opaque token too long\r\n'),
    (b'mg m1 O12345678901234567890123456789012\r\n', b'CLIENT_ERROR opaque token too long\r\n'),
    (b'ms m1 2\r\nhi\r\nmg m1 O1234567890123456789012345678901\r\n', b'HD\r\nHD O1234567890123456789012345678901\r\n'),
    (b'mg m1 T\r\n', b'CLIENT_ERROR bad token in command line format\r\n'),
    (b'mg m1 Tabc\r\n', b'CLIENT_ERROR bad token in command line format\r\n'),
    (b'mg m1 N\r\n', b'CLIENT_ERROR bad token in command line format\r\n'),
    (b'ms m1 2\r\nhi\r\nmg m1 T-1\r\nmg m1 v\r\n', b'HD\r\nHD\r\nEN\r\n'),
    (b'ms m1 2 T100\r\nhi\r\nmg m1 t\r\nmg m1 T30 t\r\n', b'HD\r\nHD t100\r\nHD t30\r\n'),
    (b'mg vv N30 v t\r\nmg vv N30 v t\r\nmg vv v t\r\n', b'VA 0 t30 W\r\n\r\nVA 0 t30 Z\r\n\r\nVA 0 t30 Z\r\n\r\n'),
    (b'mg vv2 N30 k O1 v\r\nmg vv2 k O1 v s N30\r\n', b'VA 0 kvv2 O1 W\r\n\r\nVA 0 kvv2 O1 s0 Z\r\n\r\n'),
    (b'mg vv3 N30\r\nmg vv3\r\nmg vv3 q\r\n', b'HD W\r\nHD Z\r\nHD Z\r\n'),
    (b'mg vv4 N30 q\r\n', b'HD W\r\n'),
    (b'ms rr 2 T100\r\nhi\r\nmg rr R200 v t\r\nmg rr R200 v t\r\nmg rr R50 v\r\n', b'HD\r\nVA 2 t100 W\r\nhi\r\nVA 2 t100 Z\r\nhi\r\nVA 2 Z\r\nhi\r\n'),
    (b'mg nok3 R30 v\r\n', b'EN\r\n'),
    (b'ms m1 2 MX\r\nhi\r\n', b'CLIENT_ERROR invalid mode for ms M token\r\n'),
    (b'ms m1 2 Ms\r\nhi\r\n', b'CLIENT_ERROR invalid mode for ms M token\r\n'),
    (b'ms m1 2 M\r\nhi\r\n', b'CLIENT_ERROR incorrect length for M token\r\n'),
    (b'ms m1 2 MSx\r\nhi\r\n', b'CLIENT_ERROR incorrect length for M token\r\n'),
    (b'ms m1 2\r\nhi\r\nms m1 2 ME\r\nhi\r\nms newk 2 ME\r\nhi\r\n', b'HD\r\nNS\r\nHD\r\n'),
    (b'ms m1 2\r\nhi\r\nms nf 2 MR\r\nhi\r\nms m1 2 MA\r\n!!\r\nmg m1 v\r\nms m1 2 MP\r\n<<\r\nmg m1 v\r\nms m1 2 MS\r\nok\r\n', b'HD\r\nNS\r\nHD\r\nVA 4\r\nhi!!\r\nHD\r\nVA 6\r\n<<hi!!\r\nHD\r\n'),
    (b'ms m1 2\r\nhi\r\nms m1 2 C1\r\nhi\r\nms nope 2 C1\r\nhi\r\n', b'HD\r\nEX\r\nNF\r\n'),
    (b'ms m1 2\r\nhi\r\nms m1 2 q\r\nhi\r\nms m1 2 q C1\r\nhi\r\n', b'HD\r\nEX\r\n'),
    (b'ms k 2\r\nhi\r\nms k 2 C1 O5 k c\r\nhi\r\n', b'HD\r\nEX O5 kk c0\r\n'),
    (b'ms k 2\r\nhi\r\nms k 2 ME O5 k c\r\nhi\r\n', b'HD\r\nNS O5 kk c0\r\n'),
    (b'ms nok 2 MR O5 k c\r\nhi\r\n', b'NS O5 knok c0\r\n'),
    (b'ms k 2\r\nhi\r\nms k 2 ME C1\r\nhi\r\n', b'HD\r\nNS\r\n'),
    (b'ms k 2\r\nhi\r\nms k 2 MR C1\r\nhi\r\nms nok 2 MR C1\r\nhi\r\n', b'HD\r\nEX\r\nNF\r\n'),
    (b'ms k 2\r\nhi\r\nms k 2 MA C1\r\nhi\r\nms nok 2 MA C1\r\nhi\r\n', b'HD\r\nEX\r\nNS\r\n'),
    (b'ms nok 2 MS C1 O5 k\r\nhi\r\n', b'NF O5 knok\r\n'),
    (b'ms k 2\r\nhi\r\nms k 2 T0 I C0\r\nhi\r\n', b'HD\r\nEX\r\n'),
    (b'ms m1 abc\r\nhi\r\n', b'CLIENT_ERROR bad command line format\r\nERROR\r\n'),
    (b'ms m1 -1\r\nhi\r\n', b'CLIENT_ERROR bad command line format\r\nERROR\r\n'),
    (b'ms m1\r\nhi\r\n', b'CLIENT_ERROR bad command line format\r\nERROR\r\n'),
    (b'ms\r\n', b'ERROR\r\n'),
    (b'ms m1 2 S5\r\nhi\r\n', b'CLIENT_ERROR invalid flag\r\n'),
    (b'ms m1 2 Fabc\r\nhi\r\n', b'CLIENT_ERROR bad command line format\r\n'),
    (b'ms m1 2 F-1\r\nhi\r\n', b'CLIENT_ERROR bad command line format\r\n'),
    (b'ms m1 2 F4294967296\r\nhi\r\nmg m1 f\r\n', b'HD\r\nHD f0\r\n'),
    (b'ms m1 2 Cabc\r\nhi\r\n', b'CLIENT_ERROR bad token in command line format\r\n'),
    (b'ms m1 2 I\r\nhi\r\n', b'HD\r\n'),
    (b'ms m1 2 invalid\r\nhi\r\n', b'CLIENT_ERROR invalid flag\r\n'),
    (b'ms m1 2 noreply\r\nhi\r\n', b'CLIENT_ERROR invalid flag\r\n'),
    (b'ms m1 3\r\nhi\r\nx\r\n', b'CLIENT_ERROR bad data chunk\r\nERROR\r\n'),
    (b'ms k 2 T1 T2\r\nhi\r\n', b'CLIENT_ERROR duplicate flag\r\n'),
    (b'ms k 2 F1 F2\r\nhi\r\n', b'CLIENT_ERROR duplicate flag\r\n'),
    (b'ms k 2 q q\r\nhi\r\n', b'CLIENT_ERROR duplicate flag\r\n'),
    (b'ms k 2  \r\nhi\r\nmg k v\r\n', b'HD\r\nVA 2\r\nhi\r\n'),
    (b'ms k 02\r\nhi\r\nmg k v\r\n', b'HD\r\nVA 2\r\nhi\r\n'),
    (b'ms k +2\r\nhi\r\nmg k v\r\n', b'HD\r\nVA 2\r\nhi\r\n'),
    (b'ms k 2x\r\nhi\r\n', b'CLIENT_ERROR bad command line format\r\nERROR\r\n'),
    (b'ms k 4294967298\r\nhi\r\nmg k v\r\n', b'HD\r\nVA 2\r\nhi\r\n'),
    (b'ms k 2147483647\r\n', b'CLIENT_ERROR bad command line format\r\n'),
    (b'ms k 2147483646\r\n', b'CLIENT_ERROR bad command line format\r\n'),
    (b'ms k 0\r\n\r\nmg k v s\r\n', b'HD\r\nVA 0 s0\r\n\r\n'),
    (b'ms m5 2 v\r\nhi\r\nms m5 2 h\r\nhi\r\nms m5 2 t\r\nhi\r\nms m5 2 f\r\nhi\r\nms m5 2 s\r\nhi\r\nms m5 2 N30\r\nhi\r\n', b'HD\r\nHD\r\nHD\r\nHD\r\nHD\r\nHD\r\n'),
    (b'ms m5 2 q O1 k\r\nhi\r\n', b''),
    (b'ms m6 2 MA N30\r\nhi\r\nmg m6 v t\r\n', b'NS\r\nEN\r\n'),
    (b'ms k 2 O123456789012345678901234567890123\r\nhi\r\n', b'CLIENT_ERROR opaque token too long\r\n'),
    (b'ms k 2 b\r\nhi\r\n', b'CLIENT_ERROR error decoding key\r\n'),
    (b'ms m1 2 c\r\nhi\r\nmd m1 q\r\nmd m1\r\nmd m1 q\r\n', b'HD c1041\r\nNF\r\nNF\r\n'),
    (b'ms m1 2\r\nhi\r\nmd m1 C1\r\nmd m1 k O1 b\r\n', b'HD\r\nEX\r\nCLIENT_ERROR invalid or duplicate flag\r\n'),
    (b'ms m1 2 T100\r\nhi\r\nmd m1 I T30\r\nmg m1 v t\r\nmg m1 v\r\nms m1 2\r\nnw\r\nmg m1 v\r\n', b'HD\r\nHD\r\nVA 2 t30 X W\r\nhi\r\nVA 2 Z X\r\nhi\r\nHD\r\nVA 2\r\nnw\r\n'),
    (b'ms m1 2\r\nhi\r\nmd m1 I\r\nmg m1 k O2 t\r\nms m1 2 I\r\nxx\r\nmg m1 v\r\n', b'HD\r\nHD\r\nHD km1 O2 t-1 X W\r\nHD\r\nVA 2\r\nxx\r\n'),
    (b'md nope\r\nmd nope q\r\n', b'NF\r\nNF\r\n'),
    (b'md m1 x\r\n', b'CLIENT_ERROR invalid or duplicate flag\r\n'),
    (b'md m1 T\r\n', b'CLIENT_ERROR invalid or duplicate flag\r\n'),
    (b'md\r\n', b'ERROR\r\n'),
    (b'ms k 2\r\nhi\r\nmd k O123456789012345678901234567890123\r\n', b'HD\r\nCLIENT_ERROR opaque token too long\r\n'),
    (b'md nok C5\r\n', b'NF\r\n'),
    (b'ms k 1\r\n1\r\nmd k C1 O5 k\r\n', b'HD\r\nEX O5 kk\r\n'),
    (b'ms m5 2\r\nhi\r\nmd m5 q O1\r\nmd m5 O2 k\r\n', b'HD\r\nNF O2 km5\r\n'),
    (b'ms m5 2 T100\r\nhi\r\nmd m5 T10\r\nmg m5\r\n', b'HD\r\nHD\r\nEN\r\n'),
    (b'ma nope\r\nma nope q\r\n', b'NF\r\nNF\r\n'),
    (b'ms a1 1\r\n5\r\nma a1\r\nma a1 v\r\nma a1 D10 v\r\nma a1 MD D3 v\r\nma a1 M- D100 v\r\nma a1 M+ v t\r\n', b'HD\r\nHD\r\nVA 1\r\n7\r\nVA 2\r\n17\r\nVA 2\r\n14\r\nVA 1\r\n0\r\nVA 1 t-1\r\n1\r\n'),
    (b'ms a1 1\r\n5\r\nma a1 Dabc\r\nma a1 D-1\r\nma a1 MX\r\n', b'HD\r\nCLIENT_ERROR invalid or duplicate flag\r\nCLIENT_ERROR invalid or duplicate flag\r\nCLIENT_ERROR invalid mode for ma M token\r\n'),
    (b'ma a2 N0 J13 v\r\nma a2 N0 J13 v\r\nma a3 N0 Jabc v\r\nma a4 J5 v\r\n', b'VA 2\r\n13\r\nVA 2\r\n14\r\nCLIENT_ERROR invalid or duplicate flag\r\nNF\r\n'),
    (b'ms a5 3\r\nabc\r\nma a5\r\n', b'HD\r\nCLIENT_ERROR cannot increment or decrement non-numeric value\r\n'),
    (b'ms a1 1\r\n5\r\nma a1 q\r\nma a1 q v\r\n', b'HD\r\n'),
    (b'ms a1 1\r\n5\r\nma a1 C1\r\nma a1 k O9 v\r\n', b'HD\r\nEX\r\nVA 1 ka1 O9\r\n6\r\n'),
    (b'ms a1 1\r\n5\r\nma a1 T100 t v\r\n', b'HD\r\nVA 1 t100\r\n6\r\n'),
    (b'ms n1 2\r\n10\r\nma n1 MI D5 v\r\nma n1 N0 v\r\n', b'HD\r\nVA 2\r\n15\r\nVA 2\r\n16\r\n'),
    (b'ms n1 2\r\n10\r\nma n1 t v k O5 b\r\n', b'HD\r\nCLIENT_ERROR invalid or duplicate flag\r\n'),
    (b'ms n1 2\r\n10\r\nma n1 f\r\nma n1 s\r\n', b'HD\r\nHD\r\nHD\r\n'),
    (b'ma n9 N30 J18446744073709551615 v\r\nma n9 v\r\n', b'VA 20\r\n18446744073709551615\r\nVA 1\r\n0\r\n'),
    (b'ma n9 D18446744073709551616 v\r\n', b'CLIENT_ERROR invalid or duplicate flag\r\n'),
    (b'ma n8 N0 v t\r\nmg n8 v f\r\n', b'VA 1 t-1\r\n0\r\nVA 1 f0\r\n0\r\n'),
    (b'ms k 1\r\n1\r\nma k Md v\r\nma k Mi v\r\nma k MI v\r\n', b'HD\r\nCLIENT_ERROR invalid mode for ma M token\r\nCLIENT_ERROR invalid mode for ma M token\r\nVA 1\r\n2\r\n'),
    (b'ma nok O5 k\r\nma nok q O5 k\r\n', b'NF O5 knok\r\nNF O5 knok\r\n'),
    (b'ms k 1\r\n1\r\nma k C1 O5 k\r\n', b'HD\r\nEX O5 kk\r\n'),
    (b'ms k 1\r\n1\r\nma k N0 J5 D2 t v O5 k s f\r\n', b'HD\r\nVA 1 t-1 O5 kk\r\n3\r\n'),
    (b'ms k 1\r\n1\r\nma k O123456789012345678901234567890123\r\n', b'HD\r\nCLIENT_ERROR opaque token too long\r\n'),
    (b'ms n1 2 F5\r\n10\r\nma n1 v\r\nmg n1 f v\r\n', b'HD\r\nVA 2\r\n11\r\nVA 2 f5\r\n11\r\n'),
    (b'me nope\r\n', b'EN\r\n'),
    (b'ms m1 2\r\nhi\r\nme m1 b\r\n', b'HD\r\nCLIENT_ERROR bad command line format\r\n'),
    (b'me\r\n', b'CLIENT_ERROR bad command line format\r\n'),
    (b'me a b c\r\n', b'CLIENT_ERROR bad command line format\r\n'),
    (b'mg k s v t f k h l O1 q u b\r\n', b'CLIENT_ERROR error decoding key\r\n'),
    (b'mg  m1  v \r\n', b'EN\r\n'),
    (b'ms m1 2\r\nhi\r\nmg m1 P L v\r\nmg m1 Pabc Lxyz v\r\nmg m1 vv\r\n', b'HD\r\nVA 2\r\nhi\r\nVA 2\r\nhi\r\nVA 2\r\nhi\r\n'),
    (b'MG m1\r\n', b'ERROR\r\n'),
    (b'mgg m1\r\n', b'ERROR\r\n'),
    (b'mg\r\n', b'ERROR\r\n'),
    (b'mg k v v v v v v v v v v v v v v v v v v v v v v v v v v v v v\r\n', b'CLIENT_ERROR options flags are too long\r\n'),
    (b'mg k P0 P1 P2 P3 P4 P5 P6 P7 P8 P9 P10 P11 P12 P13 P14 P15 P16 P17\r\n', b'CLIENT_ERROR options flags are too long\r\n'),
    (b'ma k D1 D1 D1 D1 D1 D1 D1 D1 D1 D1 D1 D1 D1 D1 D1 D1 D1 D1 D1 D1 D1 D1 D1 D1 D1 D1 D1 D1 D1 D1\r\n', b'CLIENT_ERROR options flags too long\r\n'),
    (b'mg bm9wZQ== b k v\r\n', b'EN kbm9wZQ== b\r\n'),
    (b'mg bm9wZQ b k v\r\n', b'CLIENT_ERROR error decoding key\r\n'),
    (b'mg b!!! b k v\r\n', b'CLIENT_ERROR error decoding key\r\n'),
    (b'mg "" v\r\n', b'EN\r\n'),
    (b'mg a HTTP/1.1\r\n', b'CLIENT_ERROR invalid flag\r\n'),
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
    bad = []
    for data, want in CASES:
        got = run_case(memcached_ref.port, data)
        if normalize(got) != normalize(want):
            bad.append((data, want, got))
    assert not bad, "\n".join("%r\n  want %r\n  got  %r" % b for b in bad[:10])


def cas_of(line):
    return int([t for t in line.split() if t.startswith(b"c")][0][1:])


# ---------------------------------------------------------------- mg


def test_mg_flags(mc, r):
    assert mc.x(b"ms k 5 F77 T100\r\nhello\r\n") == b"HD\r\n"
    line = mc.line(b"mg k s f t c k O99 v\r\n")
    assert line.startswith(b"VA 5 s5 f77 t100 c") and line.endswith(b" kk O99")
    assert mc.x(b"mg k v\r\n") == b"VA 5\r\nhello\r\n"
    assert mc.x(b"mg k\r\n") == b"HD\r\n"
    # h and l tell what was true before this request
    mc.x(b"ms fresh 1\r\nx\r\n")
    assert mc.x(b"mg fresh h l\r\n") == b"HD h0 l0\r\n"
    assert mc.x(b"mg fresh h\r\n") == b"HD h1\r\n"
    mc.x(b"ms fresh2 1\r\nx\r\n")
    assert mc.x(b"mg fresh2 u h\r\nmg fresh2 h\r\n") == b"HD h0\r\nHD h0\r\n"  # u: not marked fetched
    # misses: EN carries only O and k; q hides it
    assert mc.x(b"mg nope v k O1\r\nmg nope v q\r\n") == b"EN knope O1\r\n"
    # T updates the TTL; t after T sees the new one
    assert mc.x(b"mg k t T30 v\r\n") == b"VA 5 t100\r\nhello\r\n"
    assert 25 <= r.ttl("k") <= 30
    assert mc.x(b"mg k T0\r\n") == b"HD\r\n" and r.ttl("k") == -1
    assert mc.x(b"mg k T-1\r\nmg k\r\n") == b"HD\r\nEN\r\n"


def test_mg_quiet_pipeline(mc):
    mc.x(b"ms a 1\r\n1\r\nms c 1\r\n3\r\n")
    out = mc.x(b"mg a v q O1\r\nmg b v q O2\r\nmg c v q O3\r\n")
    assert out == b"VA 1 O1\r\n1\r\nVA 1 O3\r\n3\r\n"


# ---------------------------------------------------------------- ms


def test_ms_modes_and_cas(mc, r):
    line = mc.line(b"ms k 2 c\r\nhi\r\n")
    cas = cas_of(line)
    assert mc.x(b"ms k 2 C%d c\r\nho\r\n" % (cas + 100)) == b"EX c0\r\n"
    line = mc.line(b"ms k 2 C%d c\r\nho\r\n" % cas)
    assert line.startswith(b"HD c") and cas_of(line) > cas
    assert mc.x(b"ms k 2 ME\r\nxx\r\nms new 2 ME\r\nxx\r\n") == b"NS\r\nHD\r\n"
    assert mc.x(b"ms none 2 MR\r\nxx\r\nms k 1 MR F3\r\nr\r\n") == b"NS\r\nHD\r\n"
    assert mc.x(b"ms k 1 MA\r\na\r\nms k 1 MP\r\np\r\nmg k v f\r\n") == b"HD\r\nHD\r\nVA 3 f3\r\npra\r\n"
    assert mc.x(b"ms none 1 MA\r\na\r\n") == b"NS\r\n"
    assert r.get("k") == b"pra"
    # quiet mode hides only HD
    assert mc.x(b"ms k 1 q\r\nz\r\nms k 1 q C1\r\nz\r\nms none 1 q MR\r\nz\r\n") == b"EX\r\nNS\r\n"
    # T sets the TTL, F the flags, 0 bytes is a value
    assert mc.x(b"ms t 0 T50 F1\r\n\r\nmg t s f t v\r\n") == b"HD\r\nVA 0 s0 f1 t50\r\n\r\n"


def test_ms_errors_swallow_the_value(mc):
    # a bad flag: the value is still read (not taken for a command)
    assert mc.x(b"ms k 2 X\r\nhi\r\n") == b"CLIENT_ERROR invalid flag\r\n"
    assert mc.x(b"ms k 2 Fx\r\nhi\r\n") == b"CLIENT_ERROR bad command line format\r\n"
    # a bad length: no value is read, the next line is a command
    assert mc.x(b"ms k x\r\nhi\r\n") == b"CLIENT_ERROR bad command line format\r\nERROR\r\n"
    # bad data chunk, shown even in quiet mode
    assert mc.x(b"ms k 2 q\r\nhiX\r\n") == b"CLIENT_ERROR bad data chunk\r\nERROR\r\n"
    # too large: answered, old value dropped, value discarded
    mc.x(b"ms k 2\r\nhi\r\n")
    big = b"b" * (1024 * 1024)
    assert mc.x(b"ms k %d MA\r\n%s\r\n" % (len(big), big)) == b"SERVER_ERROR object too large for cache\r\n"
    assert mc.x(b"mg k\r\n") == b"EN\r\n"


# ---------------------------------------------------------------- md / stale-while-revalidate


def test_stale_while_revalidate(mcs, r):
    a, b = MC(mcs.mc_port), MC(mcs.mc_port)
    a.x(b"ms page 4 T100\r\nv1v1\r\n")
    assert a.x(b"md page I T30\r\n") == b"HD\r\n"
    # the first reader gets the stale value and the win; the next ones see Z
    first = a.line(b"mg page v c t\r\n")
    assert first.startswith(b"VA 4 c") and first.endswith(b" t30 X W")
    second = b.line(b"mg page v c\r\n")
    assert second.endswith(b" Z X")
    assert cas_of(first) == cas_of(second)
    # the winner stores the new value with the CAS it saw: fresh again
    assert a.x(b"ms page 4 C%d T100\r\nv2v2\r\n" % cas_of(first)) == b"HD\r\n"
    assert b.x(b"mg page v\r\n") == b"VA 4\r\nv2v2\r\n"
    # ms I with an older CAS stores but stays stale
    line = a.line(b"mg page c\r\n")
    assert a.x(b"md page I\r\n") == b"HD\r\n"
    assert a.x(b"ms page 4 I C%d\r\nold!\r\n" % cas_of(line)) == b"HD\r\n"
    assert b.line(b"mg page v\r\n").endswith(b" X W")
    # md with a CAS: only when it matches
    line = a.line(b"mg page c\r\n")
    assert a.x(b"md page C%d\r\n" % (cas_of(line) + 1)) == b"EX\r\n"
    assert a.x(b"md page C%d q\r\nmd page\r\n" % cas_of(line)) == b"NF\r\n"
    a.close()
    b.close()


def test_vivify_and_recache(mcs, r):
    a, b = MC(mcs.mc_port), MC(mcs.mc_port)
    assert a.x(b"mg hot N30 v t\r\n") == b"VA 0 t30 W\r\n\r\n"
    assert b.x(b"mg hot N30 v t\r\n") == b"VA 0 t30 Z\r\n\r\n"
    assert r.get("hot") == b"" and 25 <= r.ttl("hot") <= 30
    a.x(b"ms warm 1 T10\r\nw\r\n")
    assert a.x(b"mg warm R30 v\r\n") == b"VA 1 W\r\nw\r\n"
    assert b.x(b"mg warm R30 v\r\n") == b"VA 1 Z\r\nw\r\n"
    a.x(b"ms cool 1 T100\r\nc\r\n")
    assert a.x(b"mg cool R30 v\r\n") == b"VA 1\r\nc\r\n"
    a.close()
    b.close()


# ---------------------------------------------------------------- ma


def test_ma(mc, r):
    assert mc.x(b"ma n\r\n") == b"NF\r\n"
    assert mc.x(b"ma n N0 J10 v\r\n") == b"VA 2\r\n10\r\n"
    assert mc.x(b"ma n D5 v t\r\n") == b"VA 2 t-1\r\n15\r\n"
    assert mc.x(b"ma n MD D20 v\r\n") == b"VA 1\r\n0\r\n"
    assert r.get("n") == b"0 "  # space-padded in place, as memcached does
    assert mc.x(b"ma n M+ D18446744073709551615 v\r\nma n M+ D2 v\r\n") == b"VA 20\r\n18446744073709551615\r\nVA 1\r\n1\r\n"
    assert mc.x(b"ma n T100 t\r\n") == b"HD t100\r\n"
    line = mc.line(b"ma n c\r\n")
    cas = cas_of(line)
    assert mc.x(b"ma n C%d\r\n" % (cas + 1)) == b"EX\r\n"
    assert mc.x(b"ma n C%d q\r\n" % cas) == b""
    r.set("word", "abc")
    assert mc.x(b"ma word\r\n") == b"CLIENT_ERROR cannot increment or decrement non-numeric value\r\n"


# ---------------------------------------------------------------- base64 keys, me, mn


def test_binary_keys(mc, r):
    key = bytes([0, 1, 2, 32, 13, 10, 255]) + b"bin key"
    b64 = base64.b64encode(key)
    assert mc.x(b"ms %s 3 b k\r\nabc\r\n" % b64) == b"HD k%s b\r\n" % b64
    assert r.get(key) == b"abc"
    assert mc.x(b"mg %s b v k\r\n" % b64) == b"VA 3 k%s b\r\nabc\r\n" % b64
    # the item remembers its key is binary: k comes back in base64 even without b
    r.set("plain", "p")
    assert mc.x(b"mg plain k\r\n") == b"HD kplain\r\n"
    assert mc.x(b"ma %s b N0 J1 v\r\n" % base64.b64encode(b"ctr\x00")) == b"VA 1\r\n1\r\n"
    assert r.get(b"ctr\x00") == b"1"
    assert mc.x(b"md %s b q\r\nmg %s b\r\n" % (b64, b64)) == b"EN\r\n"
    assert mc.x(b"mg !!!! b\r\n") == b"CLIENT_ERROR error decoding key\r\n"
    assert mc.x(b"md !!!! b\r\n") == b"CLIENT_ERROR invalid or duplicate flag\r\n"


def test_me_and_mn(mc):
    mc.x(b"ms dbg 2 T100 F3\r\nhi\r\n")
    line = mc.line(b"me dbg\r\n")  # memcached 1.6.18 prints exp=-100 here (a sign bug fixed later)
    assert line.startswith(b"ME dbg exp=100 la=0 cas=") and line.endswith(b" fetch=no cls=1 size=68")
    mc.x(b"mg dbg v\r\n")
    assert mc.line(b"me dbg\r\n").endswith(b" fetch=yes cls=1 size=68")
    assert mc.x(b"me nope\r\n") == b"EN\r\n"
    mc.send(b"mn\r\n")
    assert mc.read_until(b"\r\n") == b"MN\r\n"


def test_explicit_cas_extension(mc):
    """E (newer memcached): the client chooses the new CAS value."""
    assert mc.x(b"ms e 1 E777 c\r\nx\r\n") == b"HD c777\r\n"
    assert mc.x(b"mg e c\r\n") == b"HD c777\r\n"
    assert mc.x(b"ms e 1 C777 E900 c\r\ny\r\n") == b"HD c900\r\n"
    assert mc.x(b"md e I E901\r\nmg e c\r\n") == b"HD\r\nHD c901 X W\r\n"
    assert mc.x(b"ms n 1 E5\r\n1\r\nma n E42 c\r\n") == b"HD\r\nHD c42\r\n"
    assert mc.x(b"ms e 1 Ex\r\nz\r\n") == b"CLIENT_ERROR bad token in command line format\r\n"


def test_meta_and_text_share_items(mc, r):
    mc.x(b"set t 9 0 3\r\nabc\r\n")
    line = mc.line(b"mg t f c v\r\n")
    assert line.startswith(b"VA 3 f9 c")
    gets = mc.x(b"gets t\r\n").split()
    assert int(gets[4]) == cas_of(line)
    assert mc.x(b"ms t 3 C%d\r\nxyz\r\nget t\r\n" % cas_of(line)) == b"HD\r\nVALUE t 0 3\r\nxyz\r\nEND\r\n"
    r.set("t", "from resp")
    assert mc.x(b"mg t f v\r\n") == b"VA 9 f0\r\nfrom resp\r\n"
