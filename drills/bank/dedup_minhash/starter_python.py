import zlib


def shingle_ids(doc, k):
    """Set of zlib.crc32(g.encode('utf-8')) over the character k-grams g of doc (doc itself if len(doc) < k)."""
    raise NotImplementedError("write shingling here")


def minhash_signature(ids, hash_params):
    """[min((a * x + b) % p for x in ids) for (a, b, p) in hash_params]; ValueError if ids is empty."""
    raise NotImplementedError("write the MinHash signature here")


def lsh_candidate_pairs(signatures, bands, rows):
    """Set of (i, j), i < j, equal on all rows of some band j (sig[j*rows:(j+1)*rows]); one bucket table per band."""
    raise NotImplementedError("write LSH banding here")


def near_duplicates(docs, k, hash_params, bands, rows, threshold):
    """Sorted list of candidate pairs whose estimated Jaccard (fraction of equal signature positions) >= threshold."""
    raise NotImplementedError("put the steps together here")
