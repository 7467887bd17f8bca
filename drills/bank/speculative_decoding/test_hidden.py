"""Hidden suite for `speculative_decoding`. Inputs are built in NumPy and handed over in the user's framework.

The function is a sampler, so it is checked statistically with fixed seeds: the suite draws the draft
tokens from q itself, runs many independent rows in one batched call, and compares frequencies with
their exact values (binomial_z, MAX_Z standard deviations). Deterministic cases (p(x) >= q(x):
always accepted; p(x) = 0: always rejected; q = p; disjoint supports) are checked exactly.
"""

import numpy as np

from postprep.drills.harness import binomial_z, check, fail

MAX_Z = 5.0


# ---------------------------------------------------------------- helpers


def dirichlet(rng, vocab, alpha=1.0, size=None):
    return rng.dirichlet(np.full(vocab, alpha), size=size)


def draw(rng, probs, n):
    """n independent draws from each row of probs (..., V) -> (n, ...) ids (zero-probability ids never)."""
    cdf = np.cumsum(probs, axis=-1)
    cdf = cdf / cdf[..., -1:]
    u = rng.random((n,) + probs.shape[:-1] + (1,))
    ids = (np.broadcast_to(cdf, u.shape[:-1] + cdf.shape[-1:]) <= u).sum(-1)
    return np.minimum(ids, probs.shape[-1] - 1)


def run(impl, fw, tokens, q, p, seed=0, dtype="float64", generator="seeded"):
    """(n_accepted, next_token) as int64 NumPy arrays, after checking kinds, dtypes, shapes and ranges."""
    gen = fw.generator(seed) if generator == "seeded" else None
    out = impl.speculative_accept(fw.array(tokens, "int64"), fw.array(q, dtype), fw.array(p, dtype), generator=gen)
    check(isinstance(out, (tuple, list)) and len(out) == 2, f"speculative_accept returned {type(out).__name__}; expected a tuple (n_accepted, next_token)")
    k, vocab = tokens.shape[-1], p.shape[-1]
    return ids_of(fw, out[0], tokens.shape[:-1], k + 1, "n_accepted"), ids_of(fw, out[1], tokens.shape[:-1], vocab, "next_token")


def ids_of(fw, out, shape, bound, what):
    if isinstance(out, bool) or (fw.name == "torch" and isinstance(out, (int, float))):
        fail(f"{what} is {type(out).__name__}; expected {'a torch.Tensor' if fw.name == 'torch' else 'a NumPy integer array'}")
    got = fw.to_numpy(out, what=what)
    dtype = "int" if isinstance(out, int) else str(getattr(out, "dtype", type(out).__name__)).removeprefix("torch.")
    check(dtype.startswith(("int", "uint")), f"{what} has dtype {dtype}; expected an integer dtype")
    check(got.shape == tuple(shape), f"{what} has shape {tuple(got.shape)}; expected {tuple(shape)} (draft_tokens.shape[:-1])")
    bad = (got < 0) | (got >= bound) | (got != np.round(got))
    if bad.any():
        fail(f"{what} contains {got[bad].flat[0]:g}, outside 0..{bound - 1}")
    return got.astype(np.int64)


def emitted(tokens, n, nxt, j):
    """The j-th emitted token (0-based) of each row, and which rows emitted one (n >= j)."""
    has = n >= j
    tok = np.where(n > j, tokens[..., min(j, tokens.shape[-1] - 1)], nxt)
    return tok, has


def check_frequencies(ids, expected, what):
    n = ids.size
    counts = np.bincount(ids.ravel(), minlength=expected.size)
    outside = counts[expected == 0].sum()
    if outside:
        token = int(np.flatnonzero((counts > 0) & (expected == 0))[0])
        fail(f"{what}: {int(outside)} of {n} tokens have probability 0 under the expected distribution (e.g. token {token}); expected {np.round(expected, 4).tolist()}")
    for i in np.flatnonzero(expected > 0):
        z = binomial_z(int(counts[i]), n, float(expected[i]))
        check(abs(z) < MAX_Z, f"{what}: token {i} appeared {counts[i]} times in {n} (frequency {counts[i] / n:.4f}), expected probability {expected[i]:.4f} ({z:+.1f} standard deviations); expected distribution {np.round(expected, 4).tolist()}")


def check_rate(count, n, prob, what):
    z = binomial_z(int(count), n, float(prob))
    check(abs(z) < MAX_Z, f"{what}: {count} of {n} (frequency {count / n:.4f}), expected probability {prob:.4f} ({z:+.1f} standard deviations)")


def tile(a, rows):
    return np.broadcast_to(a, (rows,) + a.shape).copy()


def residual(p, q):
    r = np.maximum(p - q, 0.0)
    return r / r.sum()


# ---------------------------------------------------------------- tests


def test_worked_example(impl, fw):
    """The prompt's example: n = 0, 1, 2 with probabilities 0.5, 0.3, 0.2 and the right next-token distributions."""
    tokens = np.array([2, 0])
    q = np.array([[0.1, 0.2, 0.6, 0.1], [0.5, 0.2, 0.2, 0.1]])
    p = np.array([[0.1, 0.1, 0.3, 0.5], [0.2, 0.4, 0.3, 0.1], [0.25, 0.25, 0.25, 0.25]])
    rows = 20000
    n, nxt = run(impl, fw, tile(tokens, rows), tile(q, rows), tile(p, rows), seed=1)
    for value, prob in [(0, 0.5), (1, 0.3), (2, 0.2)]:
        check_rate(int((n == value).sum()), rows, prob, f"rows with n_accepted = {value}")
    check_frequencies(nxt[n == 0], np.array([0, 0, 0, 1.0]), "next_token when draft 0 is rejected (residual of position 0)")
    check_frequencies(nxt[n == 1], np.array([0, 2 / 3, 1 / 3, 0]), "next_token when draft 1 is rejected (residual of position 1)")
    check_frequencies(nxt[n == 2], np.full(4, 0.25), "next_token when both drafts are accepted (bonus from target_probs[2])")


def test_first_token_follows_target(impl, fw):
    """The central property: with x_1 ~ q_1, the first emitted token is distributed as p_1, for many p/q pairs."""
    rng = np.random.default_rng(2)
    vocab, rows = 6, 12000
    pairs = {
        "random p and q": (dirichlet(rng, vocab), dirichlet(rng, vocab)),
        "peaked q, flat p": (np.full(vocab, 1 / vocab), np.array([0.75, 0.05, 0.05, 0.05, 0.05, 0.05])),
        "flat q, peaked p": (np.array([0.02, 0.02, 0.9, 0.02, 0.02, 0.02]), np.full(vocab, 1 / vocab)),
        "q missing tokens p needs": (np.array([0.3, 0.1, 0.2, 0.1, 0.2, 0.1]), np.array([0.5, 0.5, 0, 0, 0, 0])),
        "one-hot p": (np.array([0, 0, 0, 1.0, 0, 0]), dirichlet(rng, vocab)),
    }
    for seed, (label, (p1, q1)) in enumerate(pairs.items()):
        k = 2
        q = np.stack([q1, dirichlet(rng, vocab)])
        p = np.stack([p1, dirichlet(rng, vocab), dirichlet(rng, vocab)])
        tokens = draw(rng, q, rows)  # (rows, k)
        n, nxt = run(impl, fw, tokens, tile(q, rows), tile(p, rows), seed=10 + seed)
        first, _ = emitted(tokens, n, nxt, 0)
        check_frequencies(first, p1, f"the first emitted token ({label}, {rows} rows)")


def test_every_position_follows_target(impl, fw):
    """For k = 3, given the first j drafts were accepted, the (j+1)-th emitted token is distributed as p_(j+1)."""
    rng = np.random.default_rng(3)
    vocab, k, rows = 5, 3, 30000
    q = dirichlet(rng, vocab, size=k)
    p = dirichlet(rng, vocab, size=k + 1)
    tokens = draw(rng, q, rows)
    n, nxt = run(impl, fw, tokens, tile(q, rows), tile(p, rows), seed=4)
    for j in range(k + 1):
        tok, has = emitted(tokens, n, nxt, j)
        check(has.sum() > 500, "suite bug: too few rows reach this position")
        check_frequencies(tok[has], p[j], f"emitted token {j} over the {int(has.sum())} rows that reach it")


def test_acceptance_probabilities(impl, fw):
    """P(n >= j) is the product of the acceptance rates sum_x min(p_i(x), q_i(x)) of positions 1..j."""
    rng = np.random.default_rng(5)
    vocab, k, rows = 4, 3, 20000
    q = np.array([[0.4, 0.3, 0.2, 0.1], [0.25, 0.25, 0.25, 0.25], [0.7, 0.1, 0.1, 0.1]])
    p = np.array([[0.1, 0.2, 0.3, 0.4], [0.2, 0.3, 0.4, 0.1], [0.5, 0.3, 0.1, 0.1], [0.6, 0.2, 0.1, 0.1]])
    rates = np.minimum(p[:k], q).sum(-1)  # 0.6, 0.9, 0.8
    tokens = draw(rng, q, rows)
    n, _ = run(impl, fw, tokens, tile(q, rows), tile(p, rows), seed=6)
    for j in range(1, k + 1):
        check_rate(int((n >= j).sum()), rows, float(np.prod(rates[:j])), f"rows with n_accepted >= {j}")


def test_q_equals_p_accepts_everything(impl, fw):
    """q = p: every draft is accepted (n = k), and the bonus token is drawn from the extra target row p_(k+1)."""
    rng = np.random.default_rng(7)
    vocab, k, rows = 5, 4, 10000
    q = dirichlet(rng, vocab, size=k)
    p = np.concatenate([q, dirichlet(rng, vocab, size=1)])
    tokens = draw(rng, q, rows)
    n, nxt = run(impl, fw, tokens, tile(q, rows), tile(p, rows), seed=8)
    wrong = int((n != k).sum())
    check(wrong == 0, f"with draft_probs equal to target_probs[:k], {wrong} of {rows} rows accepted fewer than k={k} drafts (n_accepted {np.unique(n).tolist()})")
    check_frequencies(nxt, p[k], "the bonus token when every draft is accepted")


def test_disjoint_supports_reject_first_draft(impl, fw):
    """q and p with disjoint supports: the first draft is always rejected and the next token follows p_1."""
    rng = np.random.default_rng(9)
    rows = 10000
    q = np.array([[0.5, 0.5, 0, 0, 0], [0.2, 0.2, 0.2, 0.2, 0.2]])
    p = np.array([[0, 0, 0.2, 0.3, 0.5], [0.2, 0.2, 0.2, 0.2, 0.2], [0.2, 0.2, 0.2, 0.2, 0.2]])
    tokens = draw(rng, q, rows)
    n, nxt = run(impl, fw, tokens, tile(q, rows), tile(p, rows), seed=10)
    check(bool((n == 0).all()), f"draft tokens with target probability 0 were accepted in {int((n != 0).sum())} of {rows} rows")
    check_frequencies(nxt, p[0], "the next token after rejecting a draft outside the target's support")


def test_deterministic_acceptance_counts(impl, fw):
    """p(x) >= q(x) always accepts and p(x) = 0 always rejects: n_accepted is exact in such rows."""
    vocab, k = 4, 3
    hi = np.array([0.1, 0.6, 0.2, 0.1])   # p(1) = 0.6
    lo = np.array([0.4, 0.3, 0.2, 0.1])   # q(1) = 0.3 <= p(1): accepted for sure
    zero = np.array([0.0, 0.0, 0.5, 0.5])  # p(1) = 0: rejected for sure
    rows_tokens, rows_q, rows_p, expected = [], [], [], []
    for reject_at in range(k + 1):
        p = [zero if i == reject_at else hi for i in range(k)] + [np.full(vocab, 0.25)]
        rows_tokens.append(np.ones(k, dtype=np.int64))
        rows_q.append(np.stack([lo] * k))
        rows_p.append(np.stack(p))
        expected.append(min(reject_at, k))
    tokens, q, p = np.stack(rows_tokens), np.stack(rows_q), np.stack(rows_p)
    expected = np.array(expected)
    for seed in range(5):
        n, nxt = run(impl, fw, tokens, q, p, seed=seed)
        if (n != expected).any():
            r = int(np.flatnonzero(n != expected)[0])
            fail(f"row {r}: drafts 0..{k - 1} with p(x) >= q(x) except p(x) = 0 at position {expected[r]}; n_accepted is {n[r]}, expected {expected[r]}")
        rejected = expected < k
        bad = rejected & ~np.isin(nxt, [2, 3])
        check(not bad.any(), f"after a rejection where max(0, p - q) is nonzero only at tokens 2 and 3, next_token was {nxt[bad][:1].tolist()}")


def test_residual_distribution(impl, fw):
    """After a rejection, the next token follows norm(max(0, p - q)) at the rejected position, not p or q."""
    rows = 20000
    q = np.array([[0.6, 0.1, 0.1, 0.2]])
    p = np.array([[0.1, 0.3, 0.4, 0.2], [0.25, 0.25, 0.25, 0.25]])
    tokens = np.zeros((rows, 1), dtype=np.int64)  # always draft token 0: accepted with probability 1/6
    n, nxt = run(impl, fw, tokens, tile(q, rows), tile(p, rows), seed=11)
    check_rate(int((n == 1).sum()), rows, 1 / 6, "acceptances of a draft with p(x) / q(x) = 1/6")
    check_frequencies(nxt[n == 0], residual(p[0], q[0]), "next_token after a rejection")


def test_rejection_uses_its_own_position(impl, fw):
    """A rejection at position 2 samples from position 2's residual, not position 1's or the bonus row."""
    rows = 12000
    q = np.array([[0.25, 0.25, 0.25, 0.25], [0.1, 0.1, 0.1, 0.7], [0.5, 0.5, 0.0, 0.0]])
    p = np.array([[0.7, 0.1, 0.1, 0.1],   # draft 0 = token 0: p >= q, accepted
                  [0.4, 0.3, 0.2, 0.1],   # draft 1 = token 0: p >= q, accepted
                  [0.0, 0.1, 0.3, 0.6],   # draft 2 = token 0: p = 0, rejected; residual [0, 0, 0.3, 0.6] / 0.9
                  [1.0, 0.0, 0.0, 0.0]])  # bonus (never reached)
    tokens = np.zeros((rows, 3), dtype=np.int64)
    n, nxt = run(impl, fw, tokens, tile(q, rows), tile(p, rows), seed=12)
    check(bool((n == 2).all()), f"n_accepted should be 2 in every row (drafts 0 and 1 certain, draft 2 impossible); got values {np.unique(n).tolist()}")
    check_frequencies(nxt, residual(p[2], q[2]), "next_token after the rejection at position 2")


def test_bonus_token_from_extra_target_row(impl, fw):
    """When all k drafts are accepted, the next token comes from the extra target row p_(k+1)."""
    rows = 12000
    q = np.array([[0.5, 0.5, 0, 0], [0.5, 0.5, 0, 0]])
    p = np.array([[0.5, 0.5, 0, 0], [0.6, 0.4, 0, 0], [0.1, 0.2, 0.3, 0.4]])
    rng = np.random.default_rng(13)
    tokens = draw(rng, q, rows)
    tokens[:, 1] = 0  # p_2(0) = 0.6 >= q_2(0) = 0.5: accepted for sure
    n, nxt = run(impl, fw, tokens, tile(q, rows), tile(p, rows), seed=14)
    check(bool((n == 2).all()), f"every draft has p(x) >= q(x), so n_accepted should be 2; got values {np.unique(n).tolist()}")
    check_frequencies(nxt, p[2], "the bonus token")


def test_unbatched_and_batched_shapes(impl, fw):
    """Unbatched (k,) drafts give 0-d results; (B1, B2, k) drafts give (B1, B2) results."""
    rng = np.random.default_rng(15)
    q = dirichlet(rng, 6, size=3)
    p = dirichlet(rng, 6, size=4)
    tokens = draw(rng, q, 1)[0]
    n, nxt = run(impl, fw, tokens, q, p, seed=16)
    check(0 <= int(n) <= 3, "n_accepted out of range")
    qb = dirichlet(rng, 6, size=(2, 3, 3))
    pb = dirichlet(rng, 6, size=(2, 3, 4))
    tokens = draw(rng, qb, 1)[0]
    run(impl, fw, tokens, qb, pb, seed=17)


def test_batch_rows_are_independent(impl, fw):
    """Rows of a batch use their own q and p: a certain-accept row and a certain-reject row side by side."""
    rows = 4000
    q = np.array([[[0.5, 0.5, 0.0]], [[0.5, 0.5, 0.0]]])
    p = np.array([[[0.5, 0.5, 0.0], [0.0, 0.0, 1.0]], [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]])
    tokens = np.array([[0], [1]])
    n, nxt = run(impl, fw, tile(tokens, rows), tile(q, rows), tile(p, rows), seed=18)
    check(bool((n[:, 0] == 1).all() and (nxt[:, 0] == 2).all()), "row 0 (q = p at position 0, bonus one-hot on token 2) should give n_accepted = 1 and next_token = 2 every time")
    check(bool((n[:, 1] == 0).all() and (nxt[:, 1] == 2).all()), "row 1 (p(x) = 0, residual one-hot on token 2) should give n_accepted = 0 and next_token = 2 every time")


def test_float32_inputs(impl, fw):
    """float32 probabilities are accepted and give the same distributions."""
    rng = np.random.default_rng(19)
    vocab, rows = 5, 12000
    q = dirichlet(rng, vocab, size=2).astype(np.float32)
    p = dirichlet(rng, vocab, size=3).astype(np.float32)
    tokens = draw(rng, q.astype(np.float64), rows)
    n, nxt = run(impl, fw, tokens, tile(q, rows), tile(p, rows), seed=20, dtype="float32")
    first, _ = emitted(tokens, n, nxt, 0)
    check_frequencies(first, p[0].astype(np.float64) / p[0].sum(dtype=np.float64), "the first emitted token (float32 inputs)")


def test_same_seed_same_result(impl, fw):
    """The generator is honoured: equal seeds give equal results, different seeds different ones."""
    rng = np.random.default_rng(21)
    rows = 500
    q = dirichlet(rng, 5, size=2)
    p = dirichlet(rng, 5, size=3)
    tokens = draw(rng, q, rows)
    a = run(impl, fw, tokens, tile(q, rows), tile(p, rows), seed=5)
    b = run(impl, fw, tokens, tile(q, rows), tile(p, rows), seed=5)
    c = run(impl, fw, tokens, tile(q, rows), tile(p, rows), seed=6)
    check(all((x == y).all() for x, y in zip(a, b)), "two generators seeded alike gave different results: draw every random number from the generator argument")
    check(any((x != y).any() for x, y in zip(a, c)), "generators with seeds 5 and 6 gave identical results over 500 rows: the generator argument is ignored")


def test_without_generator(impl, fw):
    """generator=None works (a fresh default generator) and keeps the first token distributed as p_1."""
    rng = np.random.default_rng(22)
    rows = 6000
    q = np.array([[0.7, 0.1, 0.1, 0.1]])
    p = np.array([[0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.25, 0.25]])
    tokens = draw(rng, q, rows)
    n, nxt = run(impl, fw, tokens, tile(q, rows), tile(p, rows), generator=None)
    first, _ = emitted(tokens, n, nxt, 0)
    check_frequencies(first, p[0], "the first emitted token with generator=None")


def test_inputs_not_modified(impl, fw):
    """draft_tokens, draft_probs and target_probs are unchanged after the call."""
    rng = np.random.default_rng(23)
    q = dirichlet(rng, 5, size=(50, 3))
    p = dirichlet(rng, 5, size=(50, 4))
    tokens = draw(rng, q, 1)[0]
    args = [fw.array(tokens, "int64"), fw.array(q), fw.array(p)]
    impl.speculative_accept(*args, generator=fw.generator(0))
    for name, given_, original in zip(["draft_tokens", "draft_probs", "target_probs"], args, [tokens, q, p]):
        check(bool((fw.to_numpy(given_, what=name) == original).all()), f"{name} was modified by the call")


def test_shape_mismatch_raises_value_error(impl, fw):
    """target_probs without k + 1 rows, or draft_probs without k rows, raise ValueError."""
    rng = np.random.default_rng(24)
    tokens = np.array([0, 1])
    cases = [
        (dirichlet(rng, 4, size=2), dirichlet(rng, 4, size=2), "target_probs with k rows instead of k + 1"),
        (dirichlet(rng, 4, size=3), dirichlet(rng, 4, size=3), "draft_probs with k + 1 rows instead of k"),
        (dirichlet(rng, 4, size=2), dirichlet(rng, 5, size=3), "draft_probs and target_probs with different vocabularies"),
    ]
    for q, p, label in cases:
        try:
            impl.speculative_accept(fw.array(tokens, "int64"), fw.array(q), fw.array(p), generator=fw.generator(0))
        except ValueError:
            continue
        except Exception as exc:  # noqa: BLE001 - the wrong kind of error is the finding
            fail(f"{label}: raised {type(exc).__name__}: {exc}; expected ValueError")
        fail(f"{label}: returned without raising ValueError")
