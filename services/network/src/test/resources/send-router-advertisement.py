#!/usr/bin/env python3
"""Sends one IPv6 router advertisement out of an interface as a raw Ethernet frame (AF_PACKET),
as a process with CAP_NET_RAW in a container can, whether or not the interface has IPv6 on.
Usage: send-router-advertisement.py IFACE PREFIX (PREFIX e.g. 2001:db8:bad::, advertised as /64)."""
import socket
import struct
import sys

iface, prefix = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((iface, 0))
mac = s.getsockname()[4]
# the link-local address a router would send from, derived from the MAC (EUI-64)
eui = bytes([mac[0] ^ 2]) + mac[1:3] + b"\xff\xfe" + mac[3:6]
src = b"\xfe\x80" + b"\x00" * 6 + eui
dst = socket.inet_pton(socket.AF_INET6, "ff02::1")
# RA: hop limit 64, no flags, router lifetime 1800 s; options: source link-layer address, prefix
# information (on-link, autonomous, valid and preferred for an hour)
body = struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 1800, 0, 0)
body += struct.pack("!BB", 1, 1) + mac[:6]
body += struct.pack("!BBBBIII", 3, 4, 64, 0xC0, 3600, 3600, 0) + socket.inet_pton(socket.AF_INET6, prefix)
pseudo = src + dst + struct.pack("!I3xB", len(body), 58)
total = 0
data = pseudo + body
for i in range(0, len(data), 2):
    total += (data[i] << 8) + data[i + 1]
while total >> 16:
    total = (total & 0xFFFF) + (total >> 16)
body = body[:2] + struct.pack("!H", ~total & 0xFFFF) + body[4:]
ipv6 = struct.pack("!IHBB", 6 << 28, len(body), 58, 255) + src + dst
ethernet = b"\x33\x33\x00\x00\x00\x01" + mac[:6] + b"\x86\xdd"
s.send(ethernet + ipv6 + body)
