"""Hidden suite for `top_p`. Inputs are built in NumPy and handed over in the user's framework.

Boundary rule (stated in the prompt): the nucleus is the smallest set of most probable tokens whose
probabilities (softmax of logits / T) sum to >= p; its size n is fixed by the sorted probabilities.
Tie rule: when probabilities tie with the n-th largest, a row keeps exactly n tokens (any of the
tied) or every token whose probability is >= the n-th largest (the top_k drill's two rules).
Every input here keeps p at least MARGIN away from every cumulative sum of the sorted probabilities
(except p = 1, checked by value only), so float32 rounding cannot move the boundary.
"""

import numpy as np
from hypothesis import assume, given, settings, strategies as st

from postprep.drills.harness import assert_close, binomial_z, check, fail

SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=40)
MAX_Z = 5.0  # standard deviations allowed for an empirical frequency
MARGIN = 1e-3  # minimum distance between p and any cumulative sum of the sorted probabilities
ORDER = ["float16", "bfloat16", "float32", "float64"]


# ---------------------------------------------------------------- references


def softmax(x, temperature=1.0):
    x = np.asarray(x, dtype=np.float64)
    e = np.exp((x - x.max()) / temperature)
    return e / e.sum()


def row_cumsums(row, temperature):
    """The cumulative sums of a row's probabilities sorted in decreasing order (float64)."""
    return np.cumsum(np.sort(softmax(row, temperature))[::-1])


def unsafe_rows(logits, p, temperature):
    """Which rows have a cumulative sum of sorted probabilities within MARGIN of p (vectorised)."""
    rows = np.asarray(logits, np.float64).reshape(-1, np.shape(logits)[-1]) / temperature
    e = np.exp(rows - rows.max(-1, keepdims=True))
    cums = np.cumsum(-np.sort(-e / e.sum(-1, keepdims=True), axis=-1), axis=-1)
    return (np.abs(cums - p) <= MARGIN).any(-1)


def p_is_safe(logits, p, temperature):
    """True when p is at least MARGIN away from every cumulative sum of every row."""
    return not unsafe_rows(logits, p, temperature).any()


def nucleus_size(row, p, temperature):
    """n: the number of most probable tokens whose probabilities first sum to >= p."""
    return int(np.searchsorted(row_cumsums(row, temperature), p, side="left")) + 1


def reference_probs(logits, p, temperature=1.0):
    """The definition, one row at a time, in float64 (inputs without ties at the boundary)."""
    logits = np.asarray(logits, dtype=np.float64)
    rows = logits.reshape(-1, logits.shape[-1])
    out = np.zeros_like(rows)
    for r, row in enumerate(rows):
        probs = softmax(row, temperature)
        kept, mass = [], 0.0
        for i in np.argsort(-probs, kind="stable"):
            if mass >= p:
                break
            kept.append(i)
            mass += probs[i]
        z = sum(probs[i] for i in kept)
        for i in kept:
            out[r, i] = probs[i] / z
    return out.reshape(logits.shape)


def lower_precision(a, b):
    return min(a, b, key=lambda d: ORDER.index(d) if d in ORDER else 3)


def probs(impl, fw, logits, p, temperature=1.0, dtype="float64"):
    """(the user's probabilities as float64 NumPy, the precision to compare at)."""
    out = impl.top_p_probs(fw.array(logits, dtype), p, temperature)
    got = fw.to_numpy(out, what="top_p_probs's result")
    if got.shape != np.shape(logits):
        fail(f"top_p_probs returned shape {tuple(got.shape)} for logits of shape {np.shape(logits)}; expected the same shape")
    return got, lower_precision(dtype, fw.dtype_name(out))


def sample(impl, fw, logits, p, temperature=1.0, seed=0, dtype="float64", generator="seeded"):
    """The user's sampled ids as int64 NumPy, after checking kind, dtype, shape and range."""
    gen = fw.generator(seed) if generator == "seeded" else None
    out = impl.top_p_sample(fw.array(logits, dtype), p, temperature, generator=gen)
    return ids_of(fw, out, np.shape(logits))


def ids_of(fw, out, logits_shape):
    what = "top_p_sample's result"
    if isinstance(out, bool) or (fw.name == "torch" and isinstance(out, (int, float))):
        fail(f"{what} is {type(out).__name__}; expected {'a torch.Tensor' if fw.name == 'torch' else 'a NumPy integer array'}")
    got = fw.to_numpy(out, what=what)
    dtype = "int" if isinstance(out, int) else str(getattr(out, "dtype", type(out).__name__)).removeprefix("torch.")
    check(dtype.startswith(("int", "uint")), f"{what} has dtype {dtype}; token ids must have an integer dtype")
    expected = tuple(logits_shape[:-1])
    check(got.shape == expected, f"{what} has shape {tuple(got.shape)} for logits of shape {tuple(logits_shape)}; expected {expected} (logits.shape[:-1])")
    vocab = logits_shape[-1]
    bad = (got < 0) | (got >= vocab) | (got != np.round(got))
    if bad.any():
        fail(f"{what} contains the id {got[bad].flat[0]:g}, outside the vocabulary 0..{vocab - 1}")
    return got.astype(np.int64)


def check_top_p_rows(got, logits, p, temperature, dt, what="top_p_probs's result"):
    """Tie-aware check of every row: the nonzero entries are exactly the n most probable tokens
    (any of those tied with the n-th), or every token at least as probable as the n-th; they hold
    the softmax of the kept logits at this temperature. Inputs must not underflow."""
    vocab = logits.shape[-1]
    rows, grows = np.asarray(logits, np.float64).reshape(-1, vocab), got.reshape(-1, vocab)
    for r in range(rows.shape[0]):
        row, g = rows[r], grows[r]
        where = f"logits {np.round(row, 4).tolist()} (p={p:g}, temperature={temperature:g})"
        if logits.ndim > 1:
            where = f"row {r} of the batch, " + where
        ref = softmax(row, temperature)
        n = nucleus_size(row, p, temperature)
        kept = g != 0
        count = int(kept.sum())
        nth = np.sort(ref)[::-1][n - 1]
        at_least_nth = ref >= nth
        if not np.array_equal(kept, at_least_nth):  # not "all ties kept": must be exactly n
            n_tied = int(at_least_nth.sum())
            cums = np.round(row_cumsums(row, temperature)[: n + 1], 4).tolist()
            expected = f"exactly n={n}" if n_tied == n else f"exactly n={n}, or all {n_tied} tokens at least as probable as the n-th"
            check(count == n, f"{what} has {count} nonzero entries for {where}; expected {expected} (sorted cumulative probabilities {cums}): {np.round(g, 4).tolist()}")
            if count < vocab:
                check(ref[kept].min() >= ref[~kept].max(), f"{what} keeps a token of probability {ref[kept].min():.4g} but drops a more probable one ({ref[~kept].max():.4g}) for {where}")
        assert_close(g[kept], softmax(row[kept], temperature), dtype=dt, what=f"{what} at the kept entries of {where}")


def check_frequencies(ids, expected, what):
    """Empirical frequencies of the draws `ids` against the exact distribution `expected` (V,)."""
    n = ids.size
    counts = np.bincount(ids.ravel(), minlength=expected.size)
    outside = int(counts[expected == 0].sum())
    if outside:
        token = int(np.flatnonzero((counts > 0) & (expected == 0))[0])
        fail(f"{what}: {outside} of {n} draws are outside the nucleus (e.g. token {token}, whose probability is 0)")
    for i in np.flatnonzero(expected > 0):
        z = binomial_z(int(counts[i]), n, float(expected[i]))
        check(abs(z) < MAX_Z, f"{what}: token {i} was drawn {counts[i]} times in {n} draws (frequency {counts[i] / n:.4f}), expected probability {expected[i]:.4f} ({z:+.1f} standard deviations)")


def rand(seed, *shape, scale=1.0):
    return np.random.default_rng(seed).standard_normal(shape) * scale


def safe_rand(seed, shape, p, temperature, scale=1.0):
    """Random logits of this shape whose every row keeps p away from its cumulative sums
    (unsafe rows are redrawn)."""
    rng = np.random.default_rng(seed)
    logits = rng.standard_normal(shape).reshape(-1, shape[-1]) * scale
    for _ in range(100):
        bad = unsafe_rows(logits, p, temperature)
        if not bad.any():
            return logits.reshape(shape)
        logits[bad] = rng.standard_normal((int(bad.sum()), shape[-1])) * scale
    raise RuntimeError("no safe logits found")  # pragma: no cover - a suite bug, not the user's


# ---------------------------------------------------------------- top_p_probs


def test_worked_example(impl, fw):
    """The prompt's worked example: p = 0.5, 0.7, 0.9 and 1, and p = 0.9 at temperature 0.5."""
    logits = np.array([2.0, 1.0, 0.5, -1.0])
    cases = [
        (0.5, 1.0, [1.0, 0, 0, 0]),
        (0.7, 1.0, [0.731058579, 0.268941421, 0, 0]),
        (0.9, 1.0, [0.628531719, 0.231223898, 0.140244383, 0]),
        (1.0, 1.0, [0.609460040, 0.224207817, 0.135988920, 0.030343223]),
        (0.9, 0.5, [0.880797078, 0.119202922, 0, 0]),
    ]
    for p, t, expected in cases:
        got, dt = probs(impl, fw, logits, p, t)
        assert_close(got, expected, dtype=dt, what=f"top_p_probs(logits, p={p:g}, temperature={t:g})")


def test_unbatched_logits(impl, fw):
    """1-D logits (no batch axis) give the renormalised temperature softmax over the nucleus."""
    logits = safe_rand(0, (12,), 0.8, 0.7, scale=2.0)
    got, dt = probs(impl, fw, logits, 0.8, 0.7)
    assert_close(got, reference_probs(logits, 0.8, 0.7), dtype=dt, what="top_p_probs's result")


def test_batched_rows_are_independent(impl, fw):
    """(2, 3, V) logits: each row over the last axis has its own nucleus, of its own size."""
    logits = safe_rand(1, (2, 3, 10), 0.75, 1.3, scale=2.0)
    logits[0, 0] *= 4.0  # a peaked row (small nucleus) next to flatter ones
    logits[1, 2] *= 0.1
    check(p_is_safe(logits, 0.75, 1.3), "suite bug: unsafe p")
    got, dt = probs(impl, fw, logits, 0.75, 1.3)
    assert_close(got, reference_probs(logits, 0.75, 1.3), dtype=dt, what="top_p_probs's result")


def test_float32_inputs(impl, fw):
    """float32 logits are accepted and the result is accurate to float32 precision."""
    logits = safe_rand(2, (4, 16), 0.9, 0.8, scale=2.0).astype(np.float32)
    check(p_is_safe(logits, 0.9, 0.8), "suite bug: unsafe p")
    got, dt = probs(impl, fw, logits, 0.9, 0.8, dtype="float32")
    assert_close(got, reference_probs(logits, 0.9, 0.8), dtype=dt, rtol=1e-4, atol=1e-5, what="top_p_probs's result")


def test_output_keeps_the_inputs_precision(impl, fw):
    """float64 logits give float64 probabilities; float32 logits give float32 or float64, never less."""
    logits = rand(41, 2, 6)
    for dtype, allowed in (("float64", ("float64",)), ("float32", ("float32", "float64"))):
        out = impl.top_p_probs(fw.array(logits, dtype), 0.9)
        fw.to_numpy(out, what="top_p_probs's result")
        got = fw.dtype_name(out)
        check(got in allowed, f"top_p_probs returned {got} for {dtype} logits; expected {' or '.join(allowed)} (the input's precision or higher)")


def test_rows_sum_to_one(impl, fw):
    """Every row of the result sums to 1 (the nucleus is renormalised)."""
    for seed, (p, t) in enumerate([(0.1, 1.0), (0.5, 0.5), (0.8, 1.0), (0.95, 3.0), (1.0, 1.0)]):
        logits = rand(10 + seed, 3, 2, 9)
        got, dt = probs(impl, fw, logits, p, t)
        assert_close(got.sum(-1), np.ones((3, 2)), dtype=dt, rtol=1e-5, atol=1e-5, what=f"the row sums (p={p:g}, temperature={t:g})")


def test_exact_zeros_outside_nucleus(impl, fw):
    """Tokens outside the nucleus get exactly 0; the nucleus tokens are positive."""
    logits = safe_rand(3, (5, 20), 0.85, 1.5)
    got, _ = probs(impl, fw, logits, 0.85, 1.5)
    ref = reference_probs(logits, 0.85, 1.5)
    outside = ref == 0
    if (got[outside] != 0).any():
        r, i = (int(j) for j in np.argwhere(outside & (got != 0))[0])
        fail(f"top_p_probs's result is {got[r, i]:.6g} at row {r}, index {i}, outside the nucleus; expected exactly 0")
    if (got[~outside] <= 0).any():
        r, i = (int(j) for j in np.argwhere(~outside & (got <= 0))[0])
        fail(f"top_p_probs's result is {got[r, i]:.6g} at row {r}, index {i}, inside the nucleus; expected a positive probability")


def test_token_crossing_p_is_kept(impl, fw):
    """The nucleus includes the token whose probability takes the running sum past p, and no more."""
    probs_row = np.array([0.05, 0.4, 0.1, 0.3, 0.15])  # sorted: 0.4, 0.3, 0.15, 0.1, 0.05
    logits = np.log(probs_row)
    for p, n in [(0.3, 1), (0.45, 2), (0.69, 2), (0.71, 3), (0.84, 3), (0.86, 4), (0.96, 5)]:
        got, dt = probs(impl, fw, logits, p)
        kept = int((got != 0).sum())
        check(kept == n, f"top_p_probs with probabilities {probs_row.tolist()} and p={p:g} keeps {kept} tokens; expected {n} (the smallest set of most probable tokens whose probabilities sum to >= p)")
        assert_close(got, reference_probs(logits, p), dtype=dt, what=f"top_p_probs(p={p:g})")


def test_temperature_applies_before_the_cut(impl, fw):
    """The nucleus is chosen on softmax(logits / T): a low T shrinks it, a high T grows it."""
    logits = np.array([[1.5, -0.5, 0.25, 2.0, -2.0, 0.75], [0.0, 3.0, -1.0, 1.0, 2.5, -0.25]])
    for t in [0.25, 0.5, 1.0, 2.0, 5.0]:
        check(p_is_safe(logits, 0.8, t), "suite bug: unsafe p")
        got, dt = probs(impl, fw, logits, 0.8, t)
        assert_close(got, reference_probs(logits, 0.8, t), dtype=dt, what=f"top_p_probs(p=0.8, temperature={t:g})")


def test_p_one_keeps_everything(impl, fw):
    """p = 1 keeps every token: the result is the plain softmax of logits / T."""
    logits = rand(4, 3, 7, scale=2.0)
    for t in [1.0, 0.6]:
        got, dt = probs(impl, fw, logits, 1.0, t)
        expected = np.stack([softmax(row, t) for row in logits])
        assert_close(got, expected, dtype=dt, what=f"top_p_probs(logits, p=1, temperature={t:g})")


def test_tiny_p_is_argmax_one_hot(impl, fw):
    """A tiny p keeps only the most probable token (probability 1), whatever the temperature and dtype."""
    logits = rand(5, 4, 11, scale=3.0)
    expected = np.zeros_like(logits)
    expected[np.arange(4), logits.argmax(-1)] = 1.0
    for dtype in ["float64", "float32"]:
        for p, t in [(1e-9, 1.0), (0.01, 0.01), (1e-6, 50.0)]:
            got, dt = probs(impl, fw, logits, p, t, dtype=dtype)
            assert_close(got, expected, dtype=dt, what=f"top_p_probs(logits, p={p:g}, temperature={t:g}) for {dtype} logits")


def test_ties_keep_n_or_all_tied(impl, fw):
    """Probabilities tied with the n-th largest: exactly n tokens are kept, or all tokens tied with it."""
    cases = [
        (np.array([1.0, 3.0, 1.0, 0.0]), 0.8),
        (np.array([5.0, 5.0, 5.0, 5.0]), 0.6),
        (np.array([2.0, 2.0, 1.0, 1.0, 1.0, 0.0]), 0.8),
        (np.array([0.0, 0.0, 0.0, -1.0, 0.0]), 0.1),
        (np.array([[1.0, 2.0, 2.0, 2.0, 0.5], [4.0, 0.0, 4.0, 1.0, 1.0]]), 0.5),
        (np.array([[3.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2.0]]), 0.9),
    ]
    for logits, p in cases:
        for t in [1.0, 0.5]:
            check(p_is_safe(logits, p, t), "suite bug: unsafe p")
            got, dt = probs(impl, fw, logits, p, t)
            check_top_p_rows(got, logits, p, t, dt)


def test_large_logits_are_stable(impl, fw):
    """Logits around +1e4 or -1e4 (exp over- or underflows without the max trick) give the exact result."""
    noise = safe_rand(6, (2, 8), 0.7, 1.0)
    logits = np.concatenate([1e4 + noise[:1], -1e4 + noise[1:]])
    got, dt = probs(impl, fw, logits, 0.7)
    assert_close(got, reference_probs(logits, 0.7), dtype=dt, what="top_p_probs's result")
    logits32 = logits.astype(np.float32)
    got, dt = probs(impl, fw, logits32, 0.7, dtype="float32")
    assert_close(got, reference_probs(logits32, 0.7), dtype=dt, rtol=1e-3, atol=1e-4, what="top_p_probs's result for float32 logits")


def test_small_temperature_is_stable(impl, fw):
    """A temperature of 1e-3 (logits / T in the thousands) still gives the exact, finite result."""
    logits = np.array([[1.0, 1.0005, 0.999, -3.0, 0.5], [-2.0, 0.3, 0.3021, 0.3011, 1.0]])
    check(p_is_safe(logits, 0.9, 1e-3), "suite bug: unsafe p")
    got, dt = probs(impl, fw, logits, 0.9, 1e-3)
    assert_close(got, reference_probs(logits, 0.9, 1e-3), dtype=dt, what="top_p_probs(logits, p=0.9, temperature=1e-3)")
    near = 1e4 + np.array([[0.0, 0.001, 0.002, -1.0, -2.0, 0.0015]])
    check(p_is_safe(near, 0.95, 1e-3), "suite bug: unsafe p")
    got, dt = probs(impl, fw, near, 0.95, 1e-3)
    assert_close(got, reference_probs(near, 0.95, 1e-3), dtype=dt, what="top_p_probs(logits near 1e4, p=0.95, temperature=1e-3)")


def test_input_not_modified(impl, fw):
    """Neither function changes the logits passed in."""
    logits = rand(7, 3, 6, scale=2.0)
    given_ = fw.array(logits)
    impl.top_p_probs(given_, 0.8, 0.5)
    assert_close(fw.to_numpy(given_, what="logits"), logits, what="the logits after top_p_probs")
    impl.top_p_sample(given_, 0.8, 0.5, generator=fw.generator(0))
    assert_close(fw.to_numpy(given_, what="logits"), logits, what="the logits after top_p_sample")


def test_invalid_arguments_raise_value_error(impl, fw):
    """p <= 0, p > 1 and temperature <= 0 raise ValueError in both functions."""
    logits = rand(8, 2, 5)
    cases = [(0.0, 1.0, "p=0"), (-0.5, 1.0, "p=-0.5"), (1.5, 1.0, "p=1.5"), (1.0001, 1.0, "p=1.0001"), (0.5, 0.0, "temperature=0"), (0.5, -1.0, "temperature=-1")]
    for name in ["top_p_probs", "top_p_sample"]:
        for p, t, label in cases:
            args = (fw.array(logits), p, t) + ((fw.generator(0),) if name == "top_p_sample" else ())
            try:
                getattr(impl, name)(*args)
            except ValueError:
                continue
            except Exception as exc:  # noqa: BLE001 - the wrong kind of error is the finding
                fail(f"{name} with {label} raised {type(exc).__name__}: {exc}; expected ValueError")
            fail(f"{name} with {label} returned without raising ValueError")


@SETTINGS
@given(
    lead=st.lists(st.integers(1, 3), max_size=2), vocab=st.integers(1, 8), seed=st.integers(0, 2**16),
    p=st.sampled_from([0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.9, 0.97]),
    temperature=st.sampled_from([0.3, 0.5, 1.0, 2.0, 7.0]), dtype=st.sampled_from(["float64", "float32"]),
    integer_logits=st.booleans(),
)
def test_random_shapes_and_ties(impl, fw, lead, vocab, seed, p, temperature, dtype, integer_logits):
    """On many random shapes, p, temperatures and dtypes (often with tied logits), every row is right."""
    rng = np.random.default_rng(seed)
    shape = (*lead, vocab)
    logits = rng.integers(-3, 4, size=shape).astype(float) if integer_logits else rng.uniform(-3, 3, size=shape)
    logits = logits.astype(dtype)
    assume(p_is_safe(logits, p, temperature))
    got, dt = probs(impl, fw, logits, p, temperature, dtype=dtype)
    check_top_p_rows(got, logits, p, temperature, dt)


# ---------------------------------------------------------------- top_p_sample


def test_sample_shape_and_dtype(impl, fw):
    """Samples are integer ids of shape logits.shape[:-1]; 1-D logits give a single id."""
    sample(impl, fw, rand(9, 2, 3, 7), 0.8)
    sample(impl, fw, rand(10, 7), 0.8)
    sample(impl, fw, rand(11, 4, 7).astype(np.float32), 0.5, dtype="float32")


def test_sample_frequencies_match_nucleus(impl, fw):
    """Over 20000 draws, each token's frequency matches its nucleus probability; none is outside the nucleus."""
    logits = np.array([0.5, 2.0, -1.0, 1.2, 1.5, -0.3, 0.0])
    check(p_is_safe(logits, 0.8, 1.0), "suite bug: unsafe p")
    ids = sample(impl, fw, np.tile(logits, (20000, 1)), 0.8, seed=1)
    check_frequencies(ids, reference_probs(logits, 0.8), "20000 draws with p=0.8")


def test_sample_applies_temperature(impl, fw):
    """Frequencies follow the nucleus of the temperature-scaled distribution (T = 0.5 and T = 3, float32 logits)."""
    logits = np.array([1.0, 0.0, 2.0, -1.0, 0.5, 1.5])
    for seed, t in [(2, 0.5), (3, 3.0)]:
        l32 = logits.astype(np.float32)
        check(p_is_safe(l32, 0.7, t), "suite bug: unsafe p")
        ids = sample(impl, fw, np.tile(logits, (6000, 1)), 0.7, t, seed=seed, dtype="float32")
        check_frequencies(ids, reference_probs(l32, 0.7, t), f"6000 draws with p=0.7, temperature={t:g}")


def test_sample_rows_follow_their_own_logits(impl, fw):
    """In a (N, 2, V) batch, each row is sampled from its own nucleus, not another row's."""
    rows = np.array([[2.0, 1.0, 0.0, -1.0, 0.5], [-1.0, 0.0, 1.0, 2.0, 1.5]])
    check(p_is_safe(rows, 0.75, 1.0), "suite bug: unsafe p")
    ids = sample(impl, fw, np.tile(rows, (6000, 1, 1)), 0.75, seed=4)
    for r in range(2):
        check_frequencies(ids[:, r], reference_probs(rows[r], 0.75), f"6000 draws of row {r} of a batch")


def test_sample_never_outside_nucleus(impl, fw):
    """Across many rows with different nuclei, no draw is outside its row's nucleus."""
    logits = safe_rand(12, (3000, 10), 0.6, 1.5, scale=2.0)
    ids = sample(impl, fw, logits, 0.6, 1.5, seed=5)
    kept = reference_probs(logits, 0.6, 1.5) > 0
    bad = ~kept[np.arange(3000), ids]
    if bad.any():
        r = int(np.flatnonzero(bad)[0])
        fail(f"{int(bad.sum())} of 3000 rows drew a token outside their nucleus (row {r} drew token {ids[r]}, its nucleus is {sorted(np.flatnonzero(kept[r]).tolist())})")


def test_sample_same_seed_same_draws(impl, fw):
    """The generator is honoured: two generators with the same seed give the same draws."""
    logits = np.tile(np.array([0.0, 0.3, -0.2, 0.1, 0.4]), (500, 1))
    first = sample(impl, fw, logits, 0.9, seed=123)
    second = sample(impl, fw, logits, 0.9, seed=123)
    differ = int((first != second).sum())
    check(differ == 0, f"two generators seeded alike gave different draws ({differ} of 500 rows differ): draw every random number from the generator argument")


def test_sample_different_seeds_differ(impl, fw):
    """The generator is honoured: generators with different seeds give different draws."""
    logits = np.tile(np.array([0.0, 0.3, -0.2, 0.1, 0.4]), (500, 1))
    first = sample(impl, fw, logits, 0.9, seed=1)
    second = sample(impl, fw, logits, 0.9, seed=2)
    check((first != second).any(), "generators with seeds 1 and 2 gave identical draws over 500 rows: the generator argument is ignored")


def test_sample_without_generator(impl, fw):
    """generator=None works (a fresh default generator) and still samples only from the nucleus."""
    logits = np.tile(np.array([1.0, -1.0, 0.5, 2.0, 0.0]), (2000, 1))
    check(p_is_safe(logits[:1], 0.7, 1.0), "suite bug: unsafe p")
    ids = sample(impl, fw, logits, 0.7, generator=None)
    check_frequencies(ids, reference_probs(logits[0], 0.7), "2000 draws with generator=None")


def test_sample_unbatched_repeated_calls(impl, fw):
    """1-D logits sampled 1000 times with one generator follow the nucleus distribution."""
    logits = np.array([0.2, 1.0, -0.5, 0.8, 0.0, 1.1])
    check(p_is_safe(logits, 0.6, 0.8), "suite bug: unsafe p")
    gen = fw.generator(6)
    given_ = fw.array(logits)
    ids = np.array([ids_of(fw, impl.top_p_sample(given_, 0.6, 0.8, generator=gen), logits.shape) for _ in range(1000)])
    check_frequencies(ids, reference_probs(logits, 0.6, 0.8), "1000 single draws from 1-D logits with one generator")


def test_sample_tiny_p_is_argmax(impl, fw):
    """A tiny p always returns the argmax, also for logits near 1e4 and tiny temperatures."""
    logits = rand(13, 200, 9, scale=2.0)
    for shift, t in [(0.0, 1.0), (1e4, 1.0), (0.0, 1e-3)]:
        ids = sample(impl, fw, logits + shift, 1e-6, t, seed=7)
        wrong = int((ids != logits.argmax(-1)).sum())
        check(wrong == 0, f"with p=1e-6 (logits shifted by {shift:g}, temperature {t:g}), {wrong} of 200 rows did not draw the argmax")


def test_sample_p_one_is_full_softmax(impl, fw):
    """p = 1 samples from the whole temperature softmax."""
    logits = np.array([0.5, -1.0, 1.0, 0.0, -2.0])
    ids = sample(impl, fw, np.tile(logits, (8000, 1)), 1.0, 1.5, seed=10)
    check_frequencies(ids, softmax(logits, 1.5), "8000 draws with p=1, temperature=1.5")


def test_sample_with_ties(impl, fw):
    """With probabilities tied at the boundary, draws follow the exactly-n or the keep-all-ties distribution."""
    rows = np.array([[2.0, 0.5, 0.5, 0.5, 0.5, -1.0], [1.0, 2.0, 1.0, 0.0, 1.5, 1.0]])
    n_draws = 6000
    for r, (p, t) in enumerate([(0.75, 1.0), (0.8, 0.7)]):
        row = rows[r]
        check(p_is_safe(row, p, t), "suite bug: unsafe p")
        ref = softmax(row, t)
        n = nucleus_size(row, p, t)
        nth = np.sort(ref)[::-1][n - 1]
        above, tied = ref > nth, ref == nth
        where = f"{n_draws} draws from logits {row.tolist()} (p={p:g}, temperature={t:g})"
        ids = sample(impl, fw, np.tile(row, (n_draws, 1)), p, t, seed=9 + r)
        below = ref[ids] < nth
        if below.any():
            fail(f"{where}: {int(below.sum())} draws are less probable than the nucleus allows (e.g. token {int(ids[below][0])})")
        counts = np.bincount(ids, minlength=row.size)
        observed = np.append(counts[above], counts[tied].sum())
        n_kept_tied = {"exactly n": n - int(above.sum()), "all ties kept": int(tied.sum())}
        z_by_rule = {}
        for rule, m in n_kept_tied.items():
            w = np.append(ref[above], m * nth)
            q = w / w.sum()
            z_by_rule[rule] = (q, [binomial_z(int(c), n_draws, float(x)) for c, x in zip(observed, q)])
        if not any(max(abs(z) for z in zs) < MAX_Z for _, zs in z_by_rule.values()):
            freq = np.round(observed / n_draws, 4).tolist()
            expected = " or ".join(f"{np.round(q, 4).tolist()} ({rule})" for rule, (q, _) in z_by_rule.items())
            fail(f"{where}: the frequencies of tokens {np.flatnonzero(above).tolist()} and of the tied group {np.flatnonzero(tied).tolist()} are {freq}; expected {expected}")
