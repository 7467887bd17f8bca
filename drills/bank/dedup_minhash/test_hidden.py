"""Hidden suite for `dedup_minhash` (plain Python): exact agreement with the spec for shingles,
signatures, bands and the final pairs; identical and disjoint documents; and two statistical checks
(the estimate tracks the true Jaccard similarity, candidates follow the S-curve) with fixed seeds."""

import copy
import operator
import random
import zlib

from hypothesis import Phase, given, settings, strategies as st

from postprep.drills.harness import binomial_z, check, fail

SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=30,
                    phases=[Phase.explicit, Phase.generate])
P = 2**31 - 1


def params(seed, count):
    rng = random.Random(seed)
    return [(rng.randrange(1, P), rng.randrange(P), P) for _ in range(count)]


def spec_shingles(doc, k):
    grams = set()
    for i in range(len(doc) - k + 1):
        grams.add(doc[i:i + k])
    if len(doc) < k:
        grams.add(doc)
    return {zlib.crc32(g.encode("utf-8")) for g in grams}


def spec_signature(ids, hash_params):
    sig = []
    for a, b, p in hash_params:
        best = None
        for x in ids:
            h = (a * x + b) % p
            best = h if best is None or h < best else best
        sig.append(best)
    return sig


def spec_pairs(sigs, bands, rows):
    out = set()
    for i in range(len(sigs)):
        for j in range(i + 1, len(sigs)):
            for band in range(bands):
                lo, hi = band * rows, (band + 1) * rows
                if sigs[i][lo:hi] == sigs[j][lo:hi]:
                    out.add((i, j))
    return out


def spec_near(docs, k, hash_params, bands, rows, threshold):
    sigs = [spec_signature(spec_shingles(d, k), hash_params) for d in docs]
    keep = []
    for i, j in spec_pairs(sigs, bands, rows):
        agree = sum(1 for x, y in zip(sigs[i], sigs[j]) if x == y)
        if agree / len(sigs[i]) >= threshold:
            keep.append((i, j))
    return sorted(keep)


def as_ints(values, what):
    try:
        return [operator.index(v) for v in values]
    except TypeError:
        fail(f"{what} contains {values!r}; expected ints")


def user_shingles(impl, doc, k):
    out = impl.shingle_ids(doc, k)
    check(isinstance(out, (set, frozenset)), f"shingle_ids returned {type(out).__name__}; expected a set of ints")
    return set(as_ints(out, "shingle_ids's result"))


def user_signature(impl, ids, hash_params):
    return as_ints(impl.minhash_signature(ids, hash_params), "the signature")


def pairs_of(out, what):
    if isinstance(out, (str, bytes, dict)) or not hasattr(out, "__iter__"):
        fail(f"{what} is {type(out).__name__}; expected (i, j) pairs")
    got = []
    for item in out:
        try:
            i, j = as_ints(item, what)
        except ValueError:
            fail(f"{what} contains {item!r}; expected (i, j) pairs")
        check(i < j, f"{what} contains the pair {(i, j)}; pairs are written with i < j")
        got.append((i, j))
    return got


def user_pairs(impl, sigs, bands, rows):
    return set(pairs_of(impl.lsh_candidate_pairs(sigs, bands, rows), "the candidate pairs"))


def user_near(impl, docs, k, hash_params, bands, rows, threshold):
    got = pairs_of(impl.near_duplicates(docs, k, hash_params, bands, rows, threshold), "near_duplicates's result")
    check(got == sorted(set(got)), f"near_duplicates returned {got}; expected a sorted list without repeats")
    return got


def expect_error(call, what):
    try:
        call()
    except ValueError:
        return
    fail(f"{what} should raise ValueError")


def test_worked_example(impl):
    """The prompt's examples: shingle ids, a small signature, banding, and near_duplicates at two thresholds."""
    got = user_shingles(impl, "abcab", 2)
    check(got == {2659403885, 3265866552, 901544789}, f"shingle_ids('abcab', 2) returned {got}")
    sig = user_signature(impl, {5, 3, 10}, [(1, 0, P), (48271, 11, P), (16807, 0, P)])
    check(sig == [3, 144824, 50421], f"the signature of {{5, 3, 10}} is {sig}, expected [3, 144824, 50421]")
    sigs = [[1, 2, 3, 4, 5, 6], [1, 2, 0, 0, 0, 0], [9, 9, 3, 4, 7, 7], [3, 4, 1, 2, 8, 8], [7, 7, 7, 7, 7, 7]]
    got = user_pairs(impl, sigs, 3, 2)
    check(got == {(0, 1), (0, 2), (2, 4)}, f"candidate pairs {sorted(got)}, expected [(0, 1), (0, 2), (2, 4)]")
    hp = params(0, 20)
    docs = ["the cat sat on the mat", "the cat sat on the hat", "a completely different text",
            "the cat sat on the mat", "hi", "hi"]
    got = user_near(impl, docs, 3, hp, 5, 4, 0.5)
    check(got == [(0, 1), (0, 3), (1, 3), (4, 5)], f"threshold 0.5: got {got}, expected [(0, 1), (0, 3), (1, 3), (4, 5)]")
    got = user_near(impl, docs, 3, hp, 5, 4, 0.65)
    check(got == [(0, 3), (4, 5)], f"threshold 0.65: got {got}, expected [(0, 3), (4, 5)]")


ALPHABET = "ab c\nAé字-"


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), k=st.integers(1, 6))
def test_shingles_match_spec(impl, seed, k):
    """Character k-grams of the raw string, CRC-32 of their UTF-8 bytes; a string shorter than k is one shingle."""
    rng = random.Random(seed)
    doc = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 12)))
    got = user_shingles(impl, doc, k)
    want = spec_shingles(doc, k)
    check(got == want, f"shingle_ids({doc!r}, {k}) returned {sorted(got)}, expected {sorted(want)}")


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), count=st.integers(1, 12), size=st.integers(1, 30))
def test_signature_matches_spec(impl, seed, count, size):
    """Each entry is min over the ids of (a*x + b) % p, exactly, in the order of hash_params."""
    rng = random.Random(seed)
    ids = {rng.randrange(2**32) for _ in range(size)}
    hp = params(seed, count)
    got = user_signature(impl, ids, hp)
    want = spec_signature(ids, hp)
    check(got == want, f"signature {got}, expected {want} (ids {sorted(ids)[:5]}..., params {hp[:2]}...)")


def test_signature_edge_cases(impl):
    """A list with repeats gives the set's signature; large a, x stay exact; an empty collection raises ValueError."""
    hp = [(P - 1, P - 2, P), (2**30 + 7, 0, P), (1, 0, P)]
    ids = [2**32 - 1, 7, 7, 2**31 - 1, 2**31]
    got = user_signature(impl, ids, hp)
    want = spec_signature(set(ids), hp)
    check(got == want, f"signature {got}, expected {want}")
    expect_error(lambda: impl.minhash_signature(set(), hp), "minhash_signature of an empty set")


def test_bands_are_separate_and_contiguous(impl):
    """Bands are contiguous slices of r rows; equal slices in different bands never pair; a pair found twice appears once."""
    sigs = [[1, 2, 3, 4], [3, 4, 1, 2], [1, 2, 9, 9], [1, 9, 3, 9], [1, 2, 3, 4]]
    got = user_pairs(impl, sigs, 2, 2)
    want = {(0, 2), (0, 4), (2, 4)}
    check(got == want, f"candidate pairs {sorted(got)}, expected {sorted(want)} (bands of 2 contiguous rows)")
    got = user_pairs(impl, sigs, 4, 1)
    want = spec_pairs(sigs, 4, 1)
    check(got == want, f"with 4 bands of 1 row: {sorted(got)}, expected {sorted(want)}")
    got = user_pairs(impl, sigs, 1, 4)
    check(got == {(0, 4)}, f"with 1 band of 4 rows: {sorted(got)}, expected [(0, 4)]")
    check(user_pairs(impl, [], 2, 2) == set() and user_pairs(impl, [[1, 2]], 1, 2) == set(),
          "no or one signature should give no pair")
    expect_error(lambda: impl.lsh_candidate_pairs([[1, 2, 3], [1, 2, 3]], 2, 2), "signatures of length 3 with bands=2, rows=2")


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), bands=st.integers(1, 4), rows=st.integers(1, 3))
def test_candidate_pairs_match_spec(impl, seed, bands, rows):
    """On random signatures over a tiny alphabet (many collisions), matches a loop over every pair and band."""
    rng = random.Random(seed)
    sigs = [[rng.randrange(3) for _ in range(bands * rows)] for _ in range(rng.randint(0, 9))]
    got = user_pairs(impl, sigs, bands, rows)
    want = spec_pairs(sigs, bands, rows)
    check(got == want, f"candidate pairs differ: missing {sorted(want - got)[:4]}, extra {sorted(got - want)[:4]}")


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), k=st.integers(1, 5))
def test_near_duplicates_match_spec(impl, seed, k):
    """On random documents with small edits of each other, matches the spec at several thresholds."""
    rng = random.Random(seed)
    base = ["".join(rng.choice("abcd ") for _ in range(rng.randint(0, 14))) for _ in range(3)]
    docs = []
    for _ in range(rng.randint(2, 7)):
        d = list(rng.choice(base))
        for _ in range(rng.randint(0, 2)):
            if d:
                d[rng.randrange(len(d))] = rng.choice("abcd ")
        docs.append("".join(d))
    bands, rows = rng.choice([(4, 2), (2, 3), (6, 1), (1, 5)])
    hp = params(seed + 1, bands * rows)
    threshold = rng.choice([0.0, 0.3, 0.5, 0.75, 1.0])
    got = user_near(impl, docs, k, hp, bands, rows, threshold)
    want = spec_near(docs, k, hp, bands, rows, threshold)
    check(got == want, f"near_duplicates({docs!r}, k={k}, bands={bands}, rows={rows}, threshold={threshold}) "
                       f"returned {got}, expected {want}")


def test_identical_documents_always_pair(impl):
    """Identical documents (short ones included) are reported even at threshold 1.0."""
    rng = random.Random(7)
    texts = ["".join(rng.choice("xyz ") for _ in range(rng.randint(0, 30))) for _ in range(6)] + ["", "a", "ab"]
    docs = []
    for t in texts:
        docs += [t, t]
    hp = params(3, 12)
    got = user_near(impl, docs, 4, hp, 3, 4, 1.0)
    want = spec_near(docs, 4, hp, 3, 4, 1.0)
    check(all((2 * i, 2 * i + 1) in got for i in range(len(texts))), f"identical documents were not all paired: {got}")
    check(got == want, f"near_duplicates returned {got}, expected {want}")


def test_disjoint_documents_never_pair(impl):
    """Documents with no shingle in common disagree at every signature position: never candidates, never pairs."""
    rng = random.Random(11)
    alphabets = ["abc", "def", "ghi", "jkl", "mno", "pqr"]
    docs = ["".join(rng.choice(al) for _ in range(40)) for al in alphabets]
    hp = params(5, 32)
    sigs = [spec_signature(spec_shingles(d, 3), hp) for d in docs]
    check(all(x != y for i in range(6) for j in range(i + 1, 6) for x, y in zip(sigs[i], sigs[j])),
          "the suite's disjoint documents share a signature value (a bug in this drill)")
    got = user_pairs(impl, [user_signature(impl, user_shingles(impl, d, 3), hp) for d in docs], 8, 4)
    check(got == set(), f"disjoint documents became candidates: {sorted(got)}")
    got = user_near(impl, docs, 3, hp, 8, 4, 0.0)
    check(got == [], f"disjoint documents were paired (threshold 0): {got}")


def test_estimate_tracks_true_jaccard(impl):
    """With 300 hash functions, the fraction of agreeing positions is within 4 standard deviations of the true Jaccard."""
    rng = random.Random(2024)
    hp = params(99, 300)
    for target in (0.1, 0.3, 0.5, 0.8, 0.95):
        union = 200
        inter = round(target * union)
        pool = rng.sample(range(2**32), union + (union - inter))
        shared, rest = pool[:inter], pool[inter:]
        only_a, only_b = rest[: (union - inter) // 2], rest[(union - inter) // 2: union - inter]
        a, b = set(shared + only_a), set(shared + only_b)
        true = len(a & b) / len(a | b)
        sa, sb = user_signature(impl, a, hp), user_signature(impl, b, hp)
        agree = sum(x == y for x, y in zip(sa, sb))
        z = binomial_z(agree, len(hp), true)
        check(abs(z) < 4, f"true Jaccard {true:.3f}, but the signatures agree at {agree}/300 positions "
                          f"({agree / 300:.3f}, z = {z:.1f})")


def test_candidate_probability_follows_s_curve(impl):
    """Pairs with Jaccard s become candidates with probability about 1 - (1 - s^r)^b (b = 10, r = 5)."""
    rng = random.Random(31337)
    bands, rows, pairs_per_s = 10, 5, 120
    hp = params(4242, bands * rows)
    for s in (0.3, 0.5, 0.65, 0.8):
        union = 40
        inter = round(s * union)
        sigs = []
        for _ in range(pairs_per_s):
            pool = rng.sample(range(2**32), union)
            shared, rest = pool[:inter], pool[inter:]
            half = len(rest) // 2
            a, b = set(shared + rest[:half]), set(shared + rest[half:])
            sigs += [user_signature(impl, a, hp), user_signature(impl, b, hp)]
        true = inter / union
        got = user_pairs(impl, sigs, bands, rows)
        hits = sum((2 * i, 2 * i + 1) in got for i in range(pairs_per_s))
        p = 1 - (1 - true**rows) ** bands
        z = binomial_z(hits, pairs_per_s, p)
        check(abs(z) < 4, f"Jaccard {true:.2f}: {hits}/{pairs_per_s} pairs became candidates, the S-curve "
                          f"1-(1-s^r)^b predicts {p * pairs_per_s:.1f} (z = {z:.1f})")


def test_errors_and_inputs_unchanged(impl):
    """ValueError when len(hash_params) != bands * rows; docs, hash_params and signatures are not modified."""
    hp = params(8, 12)
    docs = ["abcdef", "abcdeg", "zzz"]
    keep = (copy.deepcopy(docs), copy.deepcopy(hp))
    expect_error(lambda: impl.near_duplicates(docs, 2, hp, 5, 2, 0.5), "12 hash functions with bands=5, rows=2")
    user_near(impl, docs, 2, hp, 4, 3, 0.5)
    check((docs, hp) == keep, "docs or hash_params were modified")
    sigs = [[1, 2, 3, 4], [1, 2, 5, 6]]
    before = copy.deepcopy(sigs)
    user_pairs(impl, sigs, 2, 2)
    check(sigs == before, "the signatures were modified by lsh_candidate_pairs")
