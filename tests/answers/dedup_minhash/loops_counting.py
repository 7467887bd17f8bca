import zlib


def shingle_ids(doc, k):
    if k < 1:
        raise ValueError("k")
    ids = set()
    i = 0
    while i + k <= len(doc):
        ids.add(zlib.crc32(bytes(doc[i:i + k], "utf-8")))
        i += 1
    if not ids:
        ids.add(zlib.crc32(bytes(doc, "utf-8")))
    return ids


def minhash_signature(ids, hash_params):
    sig = [None] * len(hash_params)
    seen = False
    for x in ids:
        seen = True
        for n, (a, b, p) in enumerate(hash_params):
            h = (a * x + b) % p
            if sig[n] is None or h < sig[n]:
                sig[n] = h
    if not seen:
        raise ValueError("no shingles")
    return sig


def lsh_candidate_pairs(signatures, bands, rows):
    for s in signatures:
        if len(s) != bands * rows:
            raise ValueError("bad signature length")
    buckets = {}
    for i, s in enumerate(signatures):
        for j in range(bands):
            buckets.setdefault((j,) + tuple(s[j * rows:(j + 1) * rows]), []).append(i)
    pairs = []
    for members in buckets.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                if (members[x], members[y]) not in pairs:
                    pairs.append((members[x], members[y]))
    return pairs


def near_duplicates(docs, k, hash_params, bands, rows, threshold):
    if bands * rows != len(hash_params):
        raise ValueError("len(hash_params) != bands * rows")
    sigs = [minhash_signature(shingle_ids(d, k), hash_params) for d in docs]
    keep = []
    for i, j in lsh_candidate_pairs(sigs, bands, rows):
        same = 0
        for u, v in zip(sigs[i], sigs[j]):
            same += u == v
        if same >= threshold * len(hash_params) - 1e-12:
            keep.append((i, j))
    keep.sort()
    return keep
