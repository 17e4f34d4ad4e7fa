"""Protected mode: with no password, clients from a non-loopback address get Redis's
DENIED error and are disconnected; loopback clients are served; a password lifts it.

The non-loopback client lives in a network namespace this test creates (a veth pair
between the host and the namespace), so no traffic leaves the machine."""
import os
import subprocess
import uuid

import pytest

# Connect from inside the namespace; optionally send a PING; print the first reply line.
NS_PY = (
    "import socket,sys,time\n"
    "for i in range(50):\n"
    "    try:\n"
    "        s=socket.create_connection((sys.argv[1],int(sys.argv[2])),timeout=5); break\n"
    "    except OSError:\n"
    "        time.sleep(0.1)\n"
    "if sys.argv[3]=='1': s.sendall(b'PING\\r\\n')\n"
    "buf=b''\n"
    "while b'\\r\\n' not in buf:\n"
    "    d=s.recv(4096)\n"
    "    if not d: break\n"
    "    buf+=d\n"
    "sys.stdout.write(buf.decode())\n"
)


def sh(*args):
    return subprocess.run(list(args), capture_output=True, text=True)


@pytest.fixture(scope="module")
def netns():
    if os.geteuid() != 0 or sh("ip", "netns", "list").returncode != 0:
        pytest.skip("needs root and iproute2 for a test network namespace")
    tag = uuid.uuid4().hex[:6]
    ns, host_if, ns_if = "wd" + tag, "wdh" + tag, "wdn" + tag
    host_ip, ns_ip = "10.231.77.1", "10.231.77.2"
    steps = [
        ["ip", "netns", "add", ns],
        ["ip", "link", "add", host_if, "type", "veth", "peer", "name", ns_if],
        ["ip", "link", "set", ns_if, "netns", ns],
        ["ip", "addr", "add", host_ip + "/30", "dev", host_if],
        ["ip", "link", "set", host_if, "up"],
        ["ip", "netns", "exec", ns, "ip", "addr", "add", ns_ip + "/30", "dev", ns_if],
        ["ip", "netns", "exec", ns, "ip", "link", "set", ns_if, "up"],
        ["ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up"],
    ]
    for st in steps:
        res = sh(*st)
        if res.returncode != 0:
            sh("ip", "netns", "del", ns)
            sh("ip", "link", "del", host_if)
            pytest.skip("cannot build test namespace: " + res.stderr)
    yield ns, host_ip
    sh("ip", "netns", "del", ns)
    sh("ip", "link", "del", host_if)


def remote_ping(ns, host_ip, port, send=True):
    out = subprocess.run(["ip", "netns", "exec", ns, "/usr/bin/python3", "-c", NS_PY, host_ip, str(port),
                          "1" if send else "0"],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_non_loopback_denied_without_password(make_server, netns):
    ns, host_ip = netns
    s = make_server(args=["--bind", "127.0.0.1", host_ip])
    reply = remote_ping(ns, host_ip, s.port, send=False)
    assert reply.startswith("-DENIED Redis is running in protected mode"), reply
    # the loopback client is unaffected and the server is alive
    assert s.client().ping()


def test_password_lifts_protected_mode(make_server, netns):
    ns, host_ip = netns
    s = make_server(args=["--bind", "127.0.0.1", host_ip, "--requirepass", "s3cret"])
    assert remote_ping(ns, host_ip, s.port).startswith("-NOAUTH")


def test_protected_mode_off(make_server, netns):
    ns, host_ip = netns
    s = make_server(args=["--bind", "127.0.0.1", host_ip, "--protected-mode", "no"])
    assert remote_ping(ns, host_ip, s.port).startswith("+PONG")
