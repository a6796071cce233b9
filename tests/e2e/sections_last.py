#!/usr/bin/env python3
"""tests/e2e/sections_last.py IN OUT - IN with its program sections (and
their relocation sections) moved to the end of the section header table.

The bytes of every section stay where they are; only the headers are
reordered, and every reference to a section index is renumbered: the
symbols' st_shndx, each section's sh_link and (for SHF_INFO_LINK and
relocation sections) sh_info, and e_shstrndx. The result is the same
object with its programs at section indexes past its symbol count, as a
linker or objcopy may leave them (issue 17: rawload once stopped looking
for programs at index nsyms).
"""
import struct
import sys

SHT_SYMTAB, SHT_REL = 2, 9
SHF_EXECINSTR, SHF_INFO_LINK = 0x4, 0x40

data = bytearray(open(sys.argv[1], 'rb').read())
shoff, = struct.unpack_from('<Q', data, 0x28)
shentsize, shnum, shstrndx = struct.unpack_from('<HHH', data, 0x3a)
hdrs = [bytearray(data[shoff + i * shentsize:shoff + (i + 1) * shentsize]) for i in range(shnum)]
F = '<IIQQQQIIQQ'  # name type flags addr offset size link info addralign entsize


def field(h, k):
    return struct.unpack_from(F, h)[k]


progs = {i for i in range(1, shnum) if field(hdrs[i], 2) & SHF_EXECINSTR and field(hdrs[i], 5)}
rels = {i for i in range(1, shnum) if field(hdrs[i], 1) == SHT_REL and field(hdrs[i], 7) in progs}
order = [i for i in range(shnum) if i not in progs and i not in rels] + sorted(progs | rels)
new = {old: n for n, old in enumerate(order)}
out = []
for old in order:
    v = list(struct.unpack_from(F, hdrs[old]))
    if v[6]:
        v[6] = new[v[6]]
    if v[1] == SHT_REL or v[2] & SHF_INFO_LINK:
        v[7] = new[v[7]]
    if v[1] == SHT_SYMTAB:
        for off in range(v[4], v[4] + v[5], 24):
            ndx, = struct.unpack_from('<H', data, off + 6)
            if 0 < ndx < 0xff00:
                struct.pack_into('<H', data, off + 6, new[ndx])
    out.append(struct.pack(F, *v))
data[shoff:shoff + shnum * shentsize] = b''.join(out)
struct.pack_into('<H', data, 0x3e, new[shstrndx])
open(sys.argv[2], 'wb').write(data)
