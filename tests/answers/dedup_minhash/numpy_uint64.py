import zlib
from collections import defaultdict

import numpy as np


def shingle_ids(doc, k):
    if len(doc) < k:
        return {zlib.crc32(doc.encode("utf-8"))}
    return set(zlib.crc32(doc[i:i + k].encode("utf-8")) for i in range(len(doc) - k + 1))


def minhash_signature(ids, hash_params):
    x = np.fromiter(ids, dtype=np.uint64)
    if x.size == 0:
        raise ValueError("empty shingle set")
    hp = np.array(hash_params, dtype=np.uint64)  # a, b < 2**31 and x < 2**32: a*x + b < 2**64
    a, b, p = hp[:, 0:1], hp[:, 1:2], hp[:, 2:3]
    return [int(v) for v in ((a * x[None, :] + b) % p).min(axis=1)]


def lsh_candidate_pairs(signatures, bands, rows):
    if any(len(s) != bands * rows for s in signatures):
        raise ValueError("signature length must be bands * rows")
    sig = np.array(signatures, dtype=np.int64).reshape(len(signatures), bands * rows)
    out = set()
    for j in range(bands):
        table = defaultdict(list)
        for i, row in enumerate(sig[:, j * rows:(j + 1) * rows]):
            table[row.tobytes()].append(i)
        for docs in table.values():
            out.update((docs[u], docs[v]) for u in range(len(docs)) for v in range(u + 1, len(docs)))
    return out


def near_duplicates(docs, k, hash_params, bands, rows, threshold):
    if len(hash_params) != bands * rows:
        raise ValueError("wrong number of hash functions")
    sigs = np.array([minhash_signature(shingle_ids(d, k), hash_params) for d in docs], dtype=np.int64)
    sigs = sigs.reshape(len(docs), bands * rows)
    cands = lsh_candidate_pairs(sigs.tolist(), bands, rows)
    return sorted(p for p in cands if (sigs[p[0]] == sigs[p[1]]).mean() >= threshold)
