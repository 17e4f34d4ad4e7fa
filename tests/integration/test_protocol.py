"""Protocol framing over raw sockets: RESP2 and RESP3 replies byte for byte, inline
commands with redis-cli quoting, pipelining, requests split anywhere (one byte at a
time), large and binary values. Expected bytes are what redis-server 7.0 sends."""
import socket
import time

import pytest

from respwire import RawConn, assert_alive


@pytest.fixture
def c(server):
    conn = RawConn(server.port)
    yield conn
    conn.close()


def test_resp2_set_get_exact_bytes(c):
    c.send(b"*3\r\n$3\r\nSET\r\n$5\r\nproto\r\n$5\r\nhello\r\n")
    c.expect(b"+OK\r\n")
    c.send(b"*2\r\n$3\r\nGET\r\n$5\r\nproto\r\n")
    c.expect(b"$5\r\nhello\r\n")
    c.send(b"*2\r\n$3\r\nGET\r\n$13\r\nproto:missing\r\n")
    c.expect(b"$-1\r\n")
    c.send(b"*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nPING\r\n$2\r\nhi\r\n")
    c.expect(b"+PONG\r\n$2\r\nhi\r\n")


def test_resp3_after_hello(c):
    c.send(b"HELLO 3\r\n")
    hello = c.read_reply()
    assert isinstance(hello, dict)
    assert hello["proto"] == 3
    assert hello["server"] == b"redis"
    c.send(b"*2\r\n$3\r\nGET\r\n$13\r\nproto:missing\r\n")
    c.expect(b"_\r\n")  # RESP3 null
    c.send(b"*3\r\n$3\r\nSET\r\n$6\r\nproto3\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$6\r\nproto3\r\n")
    c.expect(b"+OK\r\n$1\r\nv\r\n")
    c.send(b"HELLO 2\r\n")
    assert isinstance(c.read_reply(), list)  # RESP2: the map is a flat array
    c.send(b"GET proto:missing\r\n")
    c.expect(b"$-1\r\n")


def test_hello_reply_framing_resp3(c):
    """The whole HELLO 3 reply is one well-formed map of 7 pairs."""
    c.send(b"HELLO 3\r\n")
    assert c.read_line() == b"%7"


def test_inline_commands(c):
    c.send(b"SET inl:a \"hello world\"\r\nGET inl:a\r\n")
    c.expect(b"+OK\r\n$11\r\nhello world\r\n")
    c.send(b"SET inl:b 'it\\'s'\r\nGET inl:b\r\n")
    c.expect(b"+OK\r\n$4\r\nit's\r\n")
    # escapes inside double quotes, literal backslashes inside single quotes
    c.send(b"ECHO \"\\x41\\x4a\\n\\t\\\"\"\r\n")
    c.expect(b"$5\r\nAJ\n\t\"\r\n")
    c.send(b"ECHO 'a\\nb'\r\n")
    c.expect(b"$4\r\na\\nb\r\n")
    c.send(b"ECHO \"\"\r\n")
    c.expect(b"$0\r\n\r\n")
    # tabs and runs of spaces separate; LF alone ends a line; blank lines are ignored
    c.send(b"\r\n\n   \r\nECHO\t  x  \nPING\r\n")
    c.expect(b"$1\r\nx\r\n+PONG\r\n")


def test_inline_unbalanced_quotes_closes(c):
    c.send(b"SET k \"unterminated\r\nPING\r\n")
    data = c.read_until_close()
    assert data == b"-ERR Protocol error: unbalanced quotes in request\r\n"


def test_inline_quote_must_end_argument(c):
    c.send(b"ECHO \"a\"b\r\n")
    assert c.read_until_close() == b"-ERR Protocol error: unbalanced quotes in request\r\n"


def test_unknown_command_error_text(c):
    c.send(b"NOSUCH a b\r\n")
    c.expect(b"-ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b' \r\n")
    # the connection stays usable after a command error
    c.send(b"PING\r\n")
    c.expect(b"+PONG\r\n")


def test_empty_and_negative_multibulk_are_ignored(c):
    c.send(b"*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n")
    c.expect(b"+PONG\r\n")


def test_binary_safe_values(c):
    value = bytes(range(256)) * 4 + b"\r\n$3\r\n*1\r\n\x00"
    c.cmd("SET", "bin:all", value)
    c.expect(b"+OK\r\n")
    c.cmd("GET", "bin:all")
    assert c.read_reply() == value
    key = b"k\x00\r\n\xff"
    c.cmd(b"SET", key, b"v")
    c.expect(b"+OK\r\n")
    c.cmd(b"GET", key)
    c.expect(b"$1\r\nv\r\n")


def test_one_byte_at_a_time(server, c):
    req = (b"*3\r\n$3\r\nSET\r\n$4\r\nslow\r\n$11\r\nhello world\r\n"
           b"GET slow\r\n"
           b"*2\r\n$4\r\nECHO\r\n$0\r\n\r\n")
    for i in range(len(req)):
        c.send(req[i:i + 1])
        time.sleep(0.001)
    c.expect(b"+OK\r\n$11\r\nhello world\r\n$0\r\n\r\n")
    assert_alive(server)


def test_request_split_at_every_point(c):
    """Two sends per request, split at each position, each answered once."""
    req = b"*3\r\n$3\r\nSET\r\n$5\r\nsplit\r\n$3\r\nabc\r\n"
    for cut in range(1, len(req)):
        c.send(req[:cut])
        time.sleep(0.002)
        c.send(req[cut:])
        c.expect(b"+OK\r\n")
    c.send(b"GET split\r\n")
    c.expect(b"$3\r\nabc\r\n")


def test_pipeline_10000_in_one_write(c):
    n = 10000
    reqs = []
    want = []
    for i in range(n):
        if i % 2 == 0:
            reqs.append(b"*3\r\n$3\r\nSET\r\n$%d\r\npipe:%d\r\n$%d\r\nv%d\r\n"
                        % (len(b"pipe:%d" % i), i, len(b"v%d" % i), i))
            want.append(b"+OK\r\n")
        else:
            # GET the key set by the previous command: order must be kept
            k = b"pipe:%d" % (i - 1)
            v = b"v%d" % (i - 1)
            reqs.append(b"*2\r\n$3\r\nGET\r\n$%d\r\n%s\r\n" % (len(k), k))
            want.append(b"$%d\r\n%s\r\n" % (len(v), v))
    c.send(b"".join(reqs))
    c.expect(b"".join(want))


def test_pipeline_crossing_reads(c):
    """A request cut at the end of one read and finished in the next, after others."""
    c.send(b"PING\r\n*2\r\n$4\r\nECHO\r\n$5\r\nhel")
    c.expect(b"+PONG\r\n")
    time.sleep(0.02)
    c.send(b"lo\r\nPING\r\n")
    c.expect(b"$5\r\nhello\r\n+PONG\r\n")


def test_large_value_roundtrip(c):
    value = (b"0123456789abcdef" * 65536) * 3  # 3 MB
    c.cmd("SET", "big:v", value)
    c.expect(b"+OK\r\n")
    c.cmd("GET", "big:v")
    assert c.read_reply() == value
    # sent in uneven chunks with pauses: the partial bulk waits in the query buffer
    payload = b"*3\r\n$3\r\nSET\r\n$5\r\nbig:w\r\n$%d\r\n%s\r\n" % (len(value), value)
    pos = 0
    step = 100003
    while pos < len(payload):
        c.send(payload[pos:pos + step])
        pos += step
    c.expect(b"+OK\r\n")
    c.cmd("GET", "big:w")
    assert c.read_reply() == value


def test_many_arguments(c):
    n = 20000
    args = [b"ECHO"] + [b"x"] * n
    c.cmd(*args)
    c.expect(b"-ERR wrong number of arguments for 'echo' command\r\n")
    c.send(b"PING\r\n")
    c.expect(b"+PONG\r\n")


def test_quit_replies_then_closes(c):
    c.send(b"QUIT\r\nPING\r\n")
    assert c.read_until_close() == b"+OK\r\n"


def test_redis_py_and_cli_agree(server):
    r = server.client()
    assert r.set("agree", "x y") is True
    assert server.cli("GET", "agree").strip() == "x y"
    assert r.echo(b"\x00\xff") == b"\x00\xff"
    r.close()


def test_reply_to_client_that_closed_write_side(server):
    """A client that half-closes after sending still gets its replies."""
    s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    s.sendall(b"PING\r\nECHO bye\r\n")
    s.shutdown(socket.SHUT_WR)
    data = b""
    s.settimeout(5)
    while True:
        try:
            chunk = s.recv(4096)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
    s.close()
    # Redis answers what arrived before the EOF it then sees
    assert data == b"+PONG\r\n$3\r\nbye\r\n"
    assert_alive(server)


def test_wrong_arity_keeps_connection(c):
    c.send(b"GET\r\nGET a b\r\nPING\r\n")
    c.expect(b"-ERR wrong number of arguments for 'get' command\r\n" * 2 + b"+PONG\r\n")
