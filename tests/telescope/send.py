"""Sends telescope-like traffic with scapy (run inside the sender namespace).

Usage: send.py IFACE DST_MAC [FILE]. Every packet goes to DST_MAC (the
telescope's veth); sources and destinations are in 10.99/16 -> 10.88/16 and
fd00:99::/64, which exist only inside the test's namespaces. With FILE the
packets are written there as a pcap instead of sent (where no namespaces
can be made)."""
import random
import socket
import struct
import sys

from scapy.all import IP, TCP, UDP, ICMP, IPv6, ICMPv6EchoRequest, Dot1Q, Ether, sendp, wrpcap

iface, mac = sys.argv[1], sys.argv[2]
random.seed(7)
E = lambda: Ether(dst=mac)
pk = []


def u32(a):
    return struct.unpack("!I", socket.inet_aton(a))[0]


# Mirai: seq == destination, 23 with every 10th probe to 2323, random IP ID.
for i in range(40):
    d = "10.88.%d.%d" % (i // 200, i % 200 + 1)
    pk.append(E() / IP(src="10.99.2.4", dst=d, id=random.randrange(65536), ttl=60)
              / TCP(sport=41234, dport=2323 if i % 10 == 9 else 23, flags="S", seq=u32(d), window=7381))
# ZMap <= 4.0: IP ID 54321, window 65535.
for i in range(30):
    pk.append(E() / IP(src="10.99.2.1", dst="10.88.3.%d" % (i + 1), id=54321, ttl=250)
              / TCP(sport=50000 + i, dport=8080, flags="S", seq=random.randrange(2**32), window=65535))
# Masscan: IP ID = dst ^ dport ^ seq.
for i in range(20):
    d = "10.88.4.%d" % (i + 1)
    seq = random.randrange(2**32)
    pk.append(E() / IP(src="10.99.2.2", dst=d, id=(u32(d) ^ 443 ^ seq) & 0xFFFF)
              / TCP(sport=40001, dport=443, flags="S", seq=seq, window=1024))
# Backscatter: SYN-ACKs and RSTs from a victim, ICMP errors from another.
for i in range(12):
    pk.append(E() / IP(src="10.99.2.3", dst="10.88.5.%d" % (i + 1))
              / TCP(sport=80, dport=3000 + i, flags="SA" if i % 2 else "R", seq=random.randrange(2**32)))
for i in range(6):
    pk.append(E() / IP(src="10.99.2.6", dst="10.88.5.%d" % (i + 1)) / ICMP(type=3, code=1)
              / IP(src="10.88.5.%d" % (i + 1), dst="10.99.9.9") / UDP(sport=53, dport=53))
# 802.1Q and QinQ tagged SYNs, one a Mirai probe.
for i in range(8):
    d = "10.88.6.%d" % (i + 1)
    seq = u32(d) if i < 4 else random.randrange(2**32)
    inner = IP(src="10.99.2.5", dst=d) / TCP(sport=1025, dport=23, flags="S", seq=seq)
    pk.append(E() / Dot1Q(vlan=10) / inner if i % 2 else E() / Dot1Q(vlan=20, type=0x8100) / Dot1Q(vlan=30) / inner)
# IPv6 scanner: UDP and ICMPv6 echo.
for i in range(9):
    d = "fd00:88::%x" % (i + 1)
    l4 = UDP(sport=5353, dport=1900) if i % 3 else ICMPv6EchoRequest()
    pk.append(E() / IPv6(src="fd00:99::1", dst=d) / l4)
# A lone chance Masscan match inside a plain SYN scan: stays "other".
for i in range(15):
    d = "10.88.7.%d" % (i + 1)
    seq = random.randrange(2**32)
    ipid = (u32(d) ^ 22 ^ seq) & 0xFFFF if i == 3 else random.randrange(65536)
    if ipid == 54321:
        ipid = 1
    pk.append(E() / IP(src="10.99.2.7", dst=d, id=ipid) / TCP(sport=33000, dport=22, flags="S", seq=seq))
# Other TCP (ACK, FIN) and a one-packet source.
pk.append(E() / IP(src="10.99.2.8", dst="10.88.8.1") / TCP(sport=1, dport=2, flags="A"))
pk.append(E() / IP(src="10.99.2.8", dst="10.88.8.2") / TCP(sport=1, dport=2, flags="F"))
pk.append(E() / IP(src="10.99.2.9", dst="10.88.8.3") / ICMP(type=8))
if len(sys.argv) > 3:
    for i, p in enumerate(pk):
        p.time = 1735732800 + i * 0.001
    wrpcap(sys.argv[3], pk)
else:
    sendp(pk, iface=iface, verbose=False, inter=0.001)
print(len(pk))
