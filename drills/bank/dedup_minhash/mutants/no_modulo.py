"""Forgets the modulus: min over a*x + b, without % p."""

import zlib
from itertools import combinations


def shingle_ids(doc, k):
    """CRC-32 ids of the distinct character k-grams; a doc shorter than k is one shingle, itself."""
    if k < 1:
        raise ValueError("k must be >= 1")
    grams = [doc[i:i + k] for i in range(len(doc) - k + 1)] or [doc]
    return {zlib.crc32(g.encode("utf-8")) for g in grams}


def minhash_signature(ids, hash_params):
    """sig[i] = min over x of (a_i * x + b_i) mod p_i."""
    ids = list(ids)
    if not ids:
        raise ValueError("a signature needs at least one shingle")
    return [min((a * x + b) for x in ids) for a, b, p in hash_params]


def lsh_candidate_pairs(signatures, bands, rows):
    """Pairs (i, j), i < j, whose signatures agree on every row of at least one band."""
    if any(len(sig) != bands * rows for sig in signatures):
        raise ValueError(f"every signature must have bands * rows = {bands * rows} values")
    pairs = set()
    for band in range(bands):
        buckets = {}  # one bucket table per band: equal rows in different bands never meet
        for doc, sig in enumerate(signatures):
            key = tuple(sig[band * rows:(band + 1) * rows])
            buckets.setdefault(key, []).append(doc)
        for members in buckets.values():
            pairs.update(combinations(members, 2))  # members are in increasing order
    return pairs


def estimated_jaccard(sig1, sig2):
    return sum(x == y for x, y in zip(sig1, sig2)) / len(sig1)


def near_duplicates(docs, k, hash_params, bands, rows, threshold):
    if len(hash_params) != bands * rows:
        raise ValueError(f"need bands * rows = {bands * rows} hash functions, got {len(hash_params)}")
    sigs = [minhash_signature(shingle_ids(doc, k), hash_params) for doc in docs]
    return sorted((i, j) for i, j in lsh_candidate_pairs(sigs, bands, rows)
                  if estimated_jaccard(sigs[i], sigs[j]) >= threshold)
