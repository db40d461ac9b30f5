"""Which process holds the server's end of a TCP connection: with `kite start --workers N`,
the worker that answered a request (read from /proc, nothing asked of the app)."""

from __future__ import annotations

import os
import socket
from pathlib import Path


def _hex_address(host: str, port: int) -> str:
    # /proc/net/tcp writes an IPv4 address as the hex of its bytes in host (little-endian) order.
    packed = socket.inet_aton(host)
    return f"{int.from_bytes(packed, 'little'):08X}:{port:04X}"


def _server_side_inode(client: socket.socket) -> int | None:
    client_host, client_port = client.getsockname()[:2]
    server_host, server_port = client.getpeername()[:2]
    local, remote = _hex_address(server_host, server_port), _hex_address(client_host, client_port)
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == local and fields[2] == remote:
            return int(fields[9])
    return None


def children_of(parent: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name (in parentheses) may hold spaces: the fields after it are fixed.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == parent:
            children.append(int(entry.name))
    return children


def holder_of(client: socket.socket, candidates: list[int]) -> int | None:
    """The pid among `candidates` that holds the other end of the open `client` socket."""
    inode = _server_side_inode(client)
    if inode is None:
        return None
    wanted = f"socket:[{inode}]"
    for pid in candidates:
        folder = f"/proc/{pid}/fd"
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            try:
                if os.readlink(f"{folder}/{name}") == wanted:
                    return pid
            except OSError:
                continue
    return None
