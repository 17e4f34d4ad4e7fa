"""Raw-socket helpers for tests that must see exact protocol bytes: send a request and
read back complete RESP2/RESP3 replies, detect a closed connection."""
import socket

from conftest import SLOW


def _reply_end(buf, pos):
    """End offset of the complete RESP2/RESP3 reply starting at pos, or None."""
    nl = buf.find(b"\r\n", pos)
    if nl < 0:
        return None
    t, body, end = buf[pos:pos + 1], buf[pos + 1:nl], nl + 2
    if t in b"$=!":
        n = int(body)
        if n < 0:
            return end
        return end + n + 2 if len(buf) >= end + n + 2 else None
    if t in b"*~>%|":
        n = int(body)
        if t in b"%|":
            n *= 2
        for _ in range(max(n, 0)):
            end = _reply_end(buf, end)
            if end is None:
                return None
        return end
    return end


def resp(sock, data, expect_len=None, timeout=2.0, replies=1):
    """Send data; return the bytes of `replies` complete replies (or expect_len bytes,
    or whatever came before `timeout` of silence when the peer closes)."""
    sock.settimeout(timeout * SLOW)
    sock.sendall(data)
    buf = b""
    while True:
        if expect_len is not None:
            if len(buf) >= expect_len:
                return buf
        else:
            pos = 0
            for _ in range(replies):
                pos = _reply_end(buf, pos) if pos is not None and pos < len(buf) else None
                if pos is None:
                    break
            if pos is not None:
                return buf
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            return buf
        if not chunk:
            return buf
        buf += chunk


def connect(server):
    """A plain socket to the server."""
    return socket.create_connection(("127.0.0.1", server.port), timeout=5 * SLOW)


def wait_closed(sock, timeout=3.0):
    """True when the peer closed the connection."""
    sock.settimeout(timeout * SLOW)
    try:
        data = sock.recv(1024)
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False
    return data == b""
