import zlib
from collections import defaultdict
from itertools import combinations


def shingle_ids(doc, k):
    if len(doc) < k:
        return {zlib.crc32(doc.encode("utf-8"))}
    return {zlib.crc32(doc[i:i + k].encode("utf-8")) for i in range(len(doc) - k + 1)}


def minhash_signature(ids, hash_params):
    ids = list(ids)
    if not ids:
        raise ValueError("empty")
    return [min((a * x + b) % p for x in ids) for a, b, p in hash_params]


def lsh_candidate_pairs(signatures, bands, rows):
    for s in signatures:
        if len(s) != bands * rows:
            raise ValueError("length")
    pairs = set()
    for j in range(bands):
        buckets = defaultdict(list)
        for i, s in enumerate(signatures):
            buckets[tuple(s[j * rows:(j + 1) * rows])].append(i)
        for members in buckets.values():
            pairs.update(combinations(members, 2))
    return pairs


def near_duplicates(docs, k, hash_params, bands, rows, threshold):
    if len(hash_params) != bands * rows:
        raise ValueError("params")
    sigs = [minhash_signature(shingle_ids(d, k), hash_params) for d in docs]
    out = []
    for i, j in lsh_candidate_pairs(sigs, bands, rows):
        est = sum(x == y for x, y in zip(sigs[i], sigs[j])) / len(hash_params)
        if est >= threshold:
            out.append((i, j))
    return sorted(out)
