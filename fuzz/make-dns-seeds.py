#!/usr/bin/env python3
"""Writes the binary seed corpora of the DNS targets (dns-query, pipeline, upstream-answer).

Run from anywhere: python3 fuzz/make-dns-seeds.py. Existing seed files are overwritten; crash-* files are kept.
"""
import os
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def name(text):
    out = b""
    for label in text.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def header(id=0x1234, flags=0x0100, qd=1, an=0, ns=0, ar=0):
    return struct.pack(">HHHHHH", id, flags, qd, an, ns, ar)


def opt(payload=1232, version=0, do=False, options=b""):
    return b"\0" + struct.pack(">HHBBHH", 41, payload, 0, version, 0x8000 if do else 0, len(options)) + options


def query(qname, qtype=1, qclass=1, edns=None, flags=0x0100, id=0x1234, extra=b"", ar=None):
    body = name(qname) + struct.pack(">HH", qtype, qclass)
    additional = 0
    if edns is not None:
        body += edns
        additional = 1
    return header(id=id, flags=flags, ar=additional if ar is None else ar) + body + extra


def rr(owner, rtype, rdata, ttl=300, rclass=1):
    return owner + struct.pack(">HHIH", rtype, rclass, ttl, len(rdata)) + rdata


LONG_LABEL = "a" * 63
MAX_NAME = ".".join([LONG_LABEL] * 3 + ["b" * 61])  # 255 bytes in wire form
OVER_NAME = ".".join([LONG_LABEL] * 3 + ["b" * 62])  # 256 bytes in wire form

queries = {
    "a-www-example-com": query("www.example.com"),
    "aaaa-mixed-case": query("WwW.ExAmPlE.CoM", qtype=28),
    "edns-1232": query("www.example.com", edns=opt()),
    "edns-do-4096": query("example.org", qtype=48, edns=opt(4096, do=True)),
    "edns-payload-100": query("example.org", edns=opt(100)),
    "edns-version-1": query("example.org", edns=opt(version=1)),
    "edns-cookie-option": query("example.org", edns=opt(options=struct.pack(">HH", 10, 8) + b"\x01" * 8)),
    "edns-option-overrun": query("example.org", edns=opt(options=struct.pack(">HH", 10, 20) + b"\x01" * 8)),
    "edns-two-opts": query("example.org", edns=opt() + opt(), ar=2),
    "edns-opt-in-answer": header(an=1) + name("example.org") + struct.pack(">HH", 1, 1) + opt(),
    "edns-opt-owner-not-root": header(ar=1) + name("example.org") + struct.pack(">HH", 1, 1) + name("x") + opt()[1:],
    "root-ns": query(".", qtype=2),
    "max-length-name": query(MAX_NAME),
    "over-length-name": query(OVER_NAME),
    "label-64": header() + bytes([64]) + b"a" * 64 + b"\0" + struct.pack(">HH", 1, 1),
    "label-type-0x40": header() + b"\x41" + b"\0" + struct.pack(">HH", 1, 1),
    "label-type-0x80": header() + b"\x80" + b"\0" + struct.pack(">HH", 1, 1),
    "pointer-in-question": header() + b"\xc0\x0c" + struct.pack(">HH", 1, 1),
    "pointer-loop-self": header(an=1) + name("a.example") + struct.pack(">HH", 1, 1) + b"\xc0\x1d" + struct.pack(">HHIH", 1, 1, 0, 0),
    "pointer-loop-two": header(an=2) + name("a.example") + struct.pack(">HH", 1, 1) + b"\x01x\xc0\x22" + struct.pack(">HHIH", 1, 1, 0, 0) + b"\xc0\x1d" + struct.pack(">HHIH", 1, 1, 0, 0),
    "pointer-forward": header(an=1) + name("a.example") + struct.pack(">HH", 1, 1) + b"\xc0\x3f" + struct.pack(">HHIH", 1, 1, 0, 0),
    "pointer-truncated": header() + b"\x01a\xc0",
    "empty": b"",
    "one-byte": b"\x12",
    "header-11-bytes": header()[:11],
    "header-only-qd1": header(),
    "header-only-qd0": header(qd=0),
    "qd-2": query("a.example") [:4] + b"\x00\x02" + query("a.example")[6:] + name("b.example") + struct.pack(">HH", 1, 1),
    "qr-set": query("example.com", flags=0x8100),
    "opcode-notify": query("example.com", flags=0x2000),
    "opcode-update-no-question": header(flags=0x2800, qd=0),
    "opcode-status": header(flags=0x1000, qd=0),
    "question-truncated": query("www.example.com")[:-2],
    "name-unterminated": header() + b"\x03www\x07example",
    "trailing-garbage": query("example.com") + b"\xde\xad\xbe\xef",
    "answer-count-lies": header(an=5) + name("example.com") + struct.pack(">HH", 1, 1),
    "additional-count-65535": header(ar=0xFFFF) + name("example.com") + struct.pack(">HH", 1, 1),
    "tc-rd-cd-ad": query("example.com", flags=0x0330),
    "blocked-nxdomain": query("a.ads.example", edns=opt()),
    "blocked-nodata": query("nodata.example"),
    "blocked-override": query("x.walled.example", edns=opt(do=True)),
    "blocked-override-loop": query("loop.example"),
    "redirect-to-blocked": query("cname.example.com", edns=opt()),
    "big-answer-udp": query("big.example.com"),
    "big-answer-edns": query("big.example.com", edns=opt(4096)),
    "upstream-fails": query("fail.example.com", edns=opt()),
    "alert": query("a.alert.example"),
    "managed-test-domain": query("controldomain1.malwarelist.firewall.route53resolver.us-east-1.amazonaws.com"),
    "doh-canary": query("use-application-dns.net"),
    "class-chaos-txt": query("version.bind", qtype=16, qclass=3),
    "qtype-any": query("example.com", qtype=255),
    "binary-label": header() + b"\x04\x00.\xff\x7f\x00" + struct.pack(">HH", 1, 1),
}

# Upstream replies: the first byte selects the client query of UpstreamAnswerTarget (0: www.example.com A,
# 1: same with EDNS, 2: mixed-case AAAA with EDNS, 3: a.walled.example A (OVERRIDE), 4: a.walled.example TXT,
# 5: cdn.example.org A; +0x80: over TCP); the rest is the reply.
def reply(qname, qtype, answers=b"", an=0, ns=0, ar=0, rcode=0, flags=0x8180, extra=b""):
    return header(flags=flags | rcode, an=an, ns=ns, ar=ar) + name(qname) + struct.pack(">HH", qtype, 1) + answers + extra


Q = b"\xc0\x0c"
garden = "garden.example.net"
answers = {
    "a-record": b"\x00" + reply("www.example.com", 1, rr(Q, 1, bytes([192, 0, 2, 1])), an=1),
    "a-record-tcp": b"\x80" + reply("www.example.com", 1, rr(Q, 1, bytes([192, 0, 2, 1])), an=1),
    "edns-reply": b"\x01" + reply("www.example.com", 1, rr(Q, 1, bytes([192, 0, 2, 1])), an=1, ar=1, extra=opt(4096)),
    "cname-to-blocked": b"\x01" + reply("www.example.com", 1, rr(Q, 5, name("x.evil.example")) + rr(name("x.evil.example"), 1, bytes([1, 2, 3, 4])), an=2),
    "cname-compressed-target": b"\x00" + reply("www.example.com", 1, rr(Q, 5, b"\x03cdn\xc0\x10"), an=1),
    "dname": b"\x00" + reply("www.example.com", 1, rr(name("example.com"), 39, name("evil.example")), an=1),
    "lower-case-question": b"\x02" + reply("www.example.com", 28, rr(Q, 28, bytes(16)), an=1, ar=1, extra=opt()),
    "big-udp": b"\x00" + reply("www.example.com", 1, b"".join(rr(Q, 1, bytes([10, 0, i // 256, i % 256])) for i in range(60)), an=60),
    "big-edns": b"\x01" + reply("www.example.com", 1, b"".join(rr(Q, 16, bytes([255]) + b"t" * 255) for i in range(8)), an=8, ar=1, extra=opt(4096)),
    "override-answer": b"\x03" + reply(garden, 1, rr(Q, 1, bytes([198, 51, 100, 1])), an=1),
    "override-mx-srv-soa": b"\x04" + reply(garden, 16,
        rr(Q, 15, b"\x00\x0a" + b"\x04mail\xc0\x0c") + rr(Q, 33, b"\x00\x01\x00\x01\x00\x35" + b"\xc0\x0c") +
        rr(Q, 6, b"\x02ns\xc0\x0c" + b"\x05admin\xc0\x0c" + bytes(20)) + rr(Q, 2, b"\xc0\x0c") + rr(Q, 12, b"\xc0\x0c"), an=5),
    "override-short-mx": b"\x04" + reply(garden, 16, rr(Q, 15, b"\x00"), an=1),
    "override-short-soa": b"\x04" + reply(garden, 16, rr(Q, 6, b"\xc0\x0c\xc0\x0c" + bytes(4)), an=1),
    "servfail": b"\x05" + reply("cdn.example.org", 1, rcode=2),
    "nxdomain-soa": b"\x05" + reply("cdn.example.org", 1, rr(name("example.org"), 6, name("ns.example.org") + name("h.example.org") + bytes(20)), ns=1, rcode=3),
    "truncated-tc": b"\x00" + reply("www.example.com", 1, flags=0x8380),
    "answer-count-lies": b"\x00" + reply("www.example.com", 1, an=40),
    "record-rdlength-overrun": b"\x00" + reply("www.example.com", 1, Q + struct.pack(">HHIH", 1, 1, 0, 200) + b"\x01\x02", an=1),
    "pointer-loop-in-answer": b"\x00" + reply("www.example.com", 1, b"\xc0\x21" + struct.pack(">HHIH", 5, 1, 0, 2) + b"\xc0\x21", an=1),
    "question-mismatch": b"\x00" + reply("www.example.net", 1, rr(Q, 1, bytes(4)), an=1),
    "header-only": b"\x00" + header(flags=0x8180, qd=0),
    "empty-reply": b"\x00",
    "zero-ttl-negative": b"\x05" + reply("cdn.example.org", 1, rr(name("example.org"), 6, name("ns.example.org") + name("h.example.org") + bytes(20), ttl=0), ns=1, rcode=3),
}


def write(target, files):
    directory = os.path.join(ROOT, target)
    os.makedirs(directory, exist_ok=True)
    for file_name, data in files.items():
        with open(os.path.join(directory, file_name), "wb") as f:
            f.write(data)


write("dns-query", queries)
write("pipeline", queries)
write("upstream-answer", answers)
print(f"{len(queries)} queries, {len(answers)} upstream answers")
