#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Seeds for fuzz-kernel-reply: netlink answers as the kernel sends them to
# XFRM requests with sequence number 7 (acks, errors with and without the
# kernel's message, GETSA and GETPOLICY replies, other sequence numbers,
# truncations; a MAPPING event).  usage: gen_corpus.py DIR
# real-acquire and real-expire come from capture_events.sh (the kernel's own).
import os, struct, sys

NLMSG_ERROR, NEWSA, NEWPOLICY = 2, 16, 19
F_CAPPED, F_ACK_TLVS = 0x100, 0x200

def align(b):
    return b + b'\0' * (-len(b) % 4)

def msg(typ, payload, seq=7, flags=0):
    return align(struct.pack('=IHHII', 16 + len(payload), typ, flags, seq, 1234) + payload)

def attr(typ, payload):
    return align(struct.pack('=HH', 4 + len(payload), typ) + payload)

def err(e, extack=None, capped=True, echoed=b''):
    req = struct.pack('=IHHII', 16 + len(echoed), NEWSA, 5, 7, 0)
    body = struct.pack('=i', -e) + req + (b'' if capped else echoed)
    flags = F_CAPPED if capped else 0
    if extack is not None:
        body += attr(1, extack + b'\0')
        flags |= F_ACK_TLVS
    return msg(NLMSG_ERROR, body, flags=flags)

def addr4(a):
    return bytes(a) + b'\0' * 12

def selector(s, d, ps, pd, proto=0, sport=0, dport=0):
    # daddr saddr dport dport_mask sport sport_mask family prefixlen_d prefixlen_s proto ifindex user
    return (addr4(d) + addr4(s) + struct.pack('>HHHH', dport, 0xffff if dport else 0, sport,
            0xffff if sport else 0) + struct.pack('=HBBB3xiI', 2, pd, ps, proto, 0, 0))

LFT_CFG = struct.pack('=8Q', *([2**64 - 1] * 4 + [0] * 4))

def sa_info(spi, reqid, nbytes, packets):
    sel = selector([0] * 4, [0] * 4, 0, 0)
    xid = addr4([192, 0, 2, 2]) + struct.pack('>I', spi) + struct.pack('=B3x', 50)
    cur = struct.pack('=4Q', nbytes, packets, 1700000000, 1700000005)
    stats = struct.pack('=3I', 0, 2, 1)
    body = sel + xid + addr4([192, 0, 2, 1]) + LFT_CFG + cur + stats + struct.pack('=I', 0) + \
        struct.pack('=IHBBB7x', reqid, 2, 1, 32, 0)
    return body

def policy_info(direction, action, prio):
    sel = selector([10, 0, 1, 0], [10, 0, 2, 0], 24, 24, 6, 0, 443)
    cur = struct.pack('=4Q', 0, 0, 1700000000, 0)
    return sel + LFT_CFG + cur + struct.pack('=IIBBBB4x', prio, 8, direction, action, 0, 0)

def tmpl(mode, reqid):
    xid = addr4([192, 0, 2, 2]) + struct.pack('>I', 0) + struct.pack('=B3x', 50)
    return xid + struct.pack('=H2x', 2) + addr4([192, 0, 2, 1]) + \
        struct.pack('=IBBBxIII', reqid, mode, 0, 0, 0xffffffff, 0xffffffff, 0xffffffff)

def main(d):
    os.makedirs(d, exist_ok=True)
    ack = err(0)
    sa = msg(NEWSA, sa_info(0x1001, 0x74650001, 252, 3))
    XFRMA_TMPL, XFRMA_MARK = 5, 21
    pol = msg(NEWPOLICY, policy_info(1, 0, 0x74656f) + attr(XFRMA_MARK, struct.pack('=II', 7, 0xff))
              + attr(0x30, b'') + attr(XFRMA_TMPL, tmpl(1, 0x74650001)))
    pol_plain = msg(NEWPOLICY, policy_info(2, 1, 0x746500))
    # XFRM_MSG_MAPPING (38): xfrm_usersa_id, reqid, old and new source, ports
    v4 = lambda a: struct.pack('!I', a) + b'\0' * 12
    mapping = msg(38, v4(0xc0000202) + struct.pack('!I', 0xc0ffee01) + struct.pack('=HBx', 2, 50)
                  + struct.pack('=I', 16392) + v4(0xc00002fe) + v4(0xc00002fe)
                  + struct.pack('!HH', 4500, 34567), seq=0)
    seeds = {
        'mapping-v4': mapping,
        'ack': ack,
        'ack-plain': msg(NLMSG_ERROR, struct.pack('=i', 0) + struct.pack('=IHHII', 16, NEWSA, 5, 7, 0)),
        'esp-missing': err(93, b'Requested type not found'),
        'aead-missing': err(38, b'Requested AEAD algorithm not found'),
        'no-spi': err(2, b'No SPI available in the requested range.'),
        'uncapped-echo': err(22, b'bad', capped=False, echoed=b'\x11' * 40),
        'uncapped-header-only': err(22, b'bad', capped=False, echoed=b''),
        'getsa': sa + ack,
        'getsa-other-seq': msg(NEWSA, sa_info(0x2002, 1, 9, 9), seq=6) + sa + ack,
        'getpolicy': pol + ack,
        'getpolicy-block': pol_plain + ack,
        'truncated-sa': (sa + ack)[:60],
        'truncated-ack': (sa + ack)[:-3],
        'no-ack': sa,
        'empty': b'',
    }
    for name, data in seeds.items():
        with open(os.path.join(d, name), 'wb') as f:
            f.write(data)

if __name__ == '__main__':
    main(sys.argv[1])
