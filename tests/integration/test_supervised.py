"""`supervised systemd`: Warden sends READY=1 to $NOTIFY_SOCKET once it accepts
connections, so Debian's Type=notify unit (redis-server --supervised systemd) works."""
import os
import socket
import subprocess

from conftest import BIN, SLOW, free_port
from respwire import short_tmp_path


def test_ready_notification(tmp_path):
    path = short_tmp_path("warden-notify-%d.sock" % os.getpid())
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(path)
    listener.settimeout(10 * SLOW)
    env = dict(os.environ, NOTIFY_SOCKET=path)
    p = subprocess.Popen([BIN, "--port", str(free_port()), "--bind", "127.0.0.1", "--supervised", "systemd",
                          "--dir", str(tmp_path)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        msg = listener.recv(4096)
        assert msg.startswith(b"READY=1\n")
    finally:
        p.terminate()
        assert p.wait(timeout=15 * SLOW) == 0
        listener.close()
        os.unlink(path)
