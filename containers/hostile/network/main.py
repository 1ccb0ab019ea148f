"""Hostile: tries to reach the outside world (TCP, UDP, DNS). Exits 0 only if something was reachable."""

import socket
import sys

errors = []
for host, port in (("1.1.1.1", 443), ("8.8.8.8", 53), ("151.101.2.132", 80)):
    try:
        with socket.create_connection((host, port), timeout=3):
            print(f"REACHABLE: tcp {host}:{port}")
            sys.exit(0)
    except OSError as exc:
        print(f"tcp {host}:{port}: {exc}")
        errors.append(exc)
try:
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"\0" * 12, ("8.8.8.8", 53))
    print("REACHABLE: udp 8.8.8.8:53 accepted a datagram")
    sys.exit(0)
except OSError as exc:
    print(f"udp 8.8.8.8:53: {exc}")
try:
    print("REACHABLE: dns", socket.getaddrinfo("deb.debian.org", 80))
    sys.exit(0)
except OSError as exc:
    print(f"dns deb.debian.org: {exc}")
print("no network reachable", flush=True)
raise errors[0]
