"""Hidden suite for `top_k`. Inputs are built in NumPy and handed over in the user's framework.

Tie rule (stated in the prompt): when logits tie with the k-th largest, a row keeps either exactly
k entries (any choice among the tied) or every entry >= the k-th largest value (Hugging Face's
TopKLogitsWarper). Tie-aware checks look at which entries are nonzero, so they only run on inputs
where no kept probability can underflow to 0. The sampling tests compare frequencies with an exact
distribution only on tie-free inputs; test_sample_with_ties accepts the distribution of either rule.
"""

import numpy as np
from hypothesis import given, settings, strategies as st

from postprep.drills.harness import assert_close, binomial_z, check, fail

SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=40)
MAX_Z = 5.0  # standard deviations allowed for an empirical frequency
ORDER = ["float16", "bfloat16", "float32", "float64"]


# ---------------------------------------------------------------- references


def reference_probs(logits, k, temperature=1.0):
    """The definition, one row at a time, in float64 (inputs without ties at the k-th place)."""
    logits = np.asarray(logits, dtype=np.float64)
    rows = logits.reshape(-1, logits.shape[-1])
    out = np.zeros_like(rows)
    for r, row in enumerate(rows):
        kept = np.argsort(-row, kind="stable")[:k]
        top = max(row[i] for i in kept)
        w = {i: np.exp((row[i] - top) / temperature) for i in kept}
        z = sum(w.values())
        for i in kept:
            out[r, i] = w[i] / z
    return out.reshape(logits.shape)


def softmax(x, temperature=1.0):
    x = np.asarray(x, dtype=np.float64)
    e = np.exp((x - x.max()) / temperature)
    return e / e.sum()


def lower_precision(a, b):
    return min(a, b, key=lambda d: ORDER.index(d) if d in ORDER else 3)


def probs(impl, fw, logits, k, temperature=1.0, dtype="float64"):
    """(the user's probabilities as float64 NumPy, the precision to compare at)."""
    out = impl.top_k_probs(fw.array(logits, dtype), k, temperature)
    got = fw.to_numpy(out, what="top_k_probs's result")
    if got.shape != np.shape(logits):
        fail(f"top_k_probs returned shape {tuple(got.shape)} for logits of shape {np.shape(logits)}; expected the same shape")
    return got, lower_precision(dtype, fw.dtype_name(out))


def sample(impl, fw, logits, k, temperature=1.0, seed=0, dtype="float64", generator="seeded"):
    """The user's sampled ids as int64 NumPy, after checking kind, dtype, shape and range."""
    gen = fw.generator(seed) if generator == "seeded" else None
    out = impl.top_k_sample(fw.array(logits, dtype), k, temperature, generator=gen)
    return ids_of(fw, out, np.shape(logits))


def ids_of(fw, out, logits_shape):
    what = "top_k_sample's result"
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


def check_top_k_rows(got, logits, k, temperature, dt, what="top_k_probs's result"):
    """Tie-aware check of every row: the nonzero entries are either exactly k entries, none smaller
    than a dropped logit, or every entry >= the k-th largest logit (all ties kept); they hold the
    softmax of the kept logits at this temperature. Inputs must not underflow."""
    vocab = logits.shape[-1]
    rows, grows = np.asarray(logits, np.float64).reshape(-1, vocab), got.reshape(-1, vocab)
    for r in range(rows.shape[0]):
        row, g = rows[r], grows[r]
        where = f"logits {np.round(row, 4).tolist()} (k={k}, temperature={temperature:g})"
        if logits.ndim > 1:
            where = f"row {r} of the batch, " + where
        kept = g != 0
        n = int(kept.sum())
        kth = np.sort(row)[-k]
        at_least_kth = row >= kth
        if not np.array_equal(kept, at_least_kth):  # not "all ties kept": must be exactly k
            n_tied = int(at_least_kth.sum())
            expected = f"exactly k={k}" if n_tied == k else f"exactly k={k}, or all {n_tied} entries >= the k-th largest logit {kth:g}"
            check(n == k, f"{what} has {n} nonzero entries for {where}; expected {expected}: {np.round(g, 4).tolist()}")
            if n < vocab:
                check(row[kept].min() >= row[~kept].max(), f"{what} keeps the logit {row[kept].min():g} but drops the larger {row[~kept].max():g} for {where}")
        assert_close(g[kept], softmax(row[kept], temperature), dtype=dt, what=f"{what} at the kept entries of {where}")


def check_frequencies(ids, p, what):
    """Empirical frequencies of the draws `ids` against the exact distribution `p` (V,)."""
    n = ids.size
    counts = np.bincount(ids.ravel(), minlength=p.size)
    outside = int(counts[p == 0].sum())
    if outside:
        token = int(np.flatnonzero((counts > 0) & (p == 0))[0])
        fail(f"{what}: {outside} of {n} draws are outside the top k (e.g. token {token}, whose probability is 0)")
    for i in np.flatnonzero(p > 0):
        z = binomial_z(int(counts[i]), n, float(p[i]))
        check(abs(z) < MAX_Z, f"{what}: token {i} was drawn {counts[i]} times in {n} draws (frequency {counts[i] / n:.4f}), expected probability {p[i]:.4f} ({z:+.1f} standard deviations)")


def rand(seed, *shape, scale=1.0):
    return np.random.default_rng(seed).standard_normal(shape) * scale


# ---------------------------------------------------------------- top_k_probs


def test_worked_example(impl, fw):
    """The prompt's worked example: k=2, temperature 0.5, k=V and k=1."""
    logits = np.array([2.0, 1.0, 0.5, -1.0])
    got, dt = probs(impl, fw, logits, 2)
    assert_close(got, [0.731058579, 0.268941421, 0, 0], dtype=dt, what="top_k_probs(logits, k=2)")
    got, dt = probs(impl, fw, logits, 2, 0.5)
    assert_close(got, [0.880797078, 0.119202922, 0, 0], dtype=dt, what="top_k_probs(logits, k=2, temperature=0.5)")
    got, dt = probs(impl, fw, logits, 4)
    assert_close(got, [0.609460040, 0.224207817, 0.135988920, 0.030343223], dtype=dt, what="top_k_probs(logits, k=4)")
    got, dt = probs(impl, fw, logits, 1)
    assert_close(got, [1.0, 0, 0, 0], dtype=dt, what="top_k_probs(logits, k=1)")


def test_unbatched_logits(impl, fw):
    """1-D logits (no batch axis) give the temperature softmax over the top k, zeros elsewhere."""
    logits = rand(0, 10, scale=2.0)
    got, dt = probs(impl, fw, logits, 3, 0.7)
    assert_close(got, reference_probs(logits, 3, 0.7), dtype=dt, what="top_k_probs's result")


def test_batched_rows_are_independent(impl, fw):
    """(2, 3, V) logits: each row over the last axis keeps its own top k."""
    logits = rand(1, 2, 3, 12, scale=2.0)
    got, dt = probs(impl, fw, logits, 4, 1.3)
    assert_close(got, reference_probs(logits, 4, 1.3), dtype=dt, what="top_k_probs's result")


def test_float32_inputs(impl, fw):
    """float32 logits are accepted and the result is accurate to float32 precision."""
    logits = rand(2, 4, 16, scale=2.0).astype(np.float32)
    got, dt = probs(impl, fw, logits, 5, 0.8, dtype="float32")
    assert_close(got, reference_probs(logits, 5, 0.8), dtype=dt, rtol=1e-4, atol=1e-5, what="top_k_probs's result")


def test_float64_inputs_keep_float64_precision(impl, fw):
    """float64 logits are computed in float64: top_k_probs matches the definition to ~1e-10, not float32's ~1e-7."""
    logits = rand(12, 6, 50, scale=3.0)
    for k, temperature in ((10, 1.0), (25, 0.7)):
        got, _ = probs(impl, fw, logits, k, temperature)
        assert_close(got, reference_probs(logits, k, temperature), rtol=1e-10, atol=1e-14,
                     what=f"top_k_probs's float64 result (k={k}, T={temperature}; a float32 softmax is off by about 1e-7)")


def test_rows_sum_to_one(impl, fw):
    """Every row of the result sums to 1 (the kept probabilities are renormalised)."""
    for seed, (k, t) in enumerate([(1, 1.0), (2, 0.5), (5, 1.0), (7, 3.0)]):
        logits = rand(10 + seed, 3, 2, 9)
        got, dt = probs(impl, fw, logits, k, t)
        assert_close(got.sum(-1), np.ones((3, 2)), dtype=dt, rtol=1e-5, atol=1e-5, what=f"the row sums (k={k}, temperature={t:g})")


def test_exact_zeros_outside_top_k(impl, fw):
    """Entries outside the k largest logits are exactly 0; the k largest are positive."""
    logits = rand(3, 5, 20)
    got, _ = probs(impl, fw, logits, 6, 1.5)
    ref = reference_probs(logits, 6, 1.5)
    outside = ref == 0
    if (got[outside] != 0).any():
        r, i = (int(j) for j in np.argwhere(outside & (got != 0))[0])
        fail(f"top_k_probs's result is {got[r, i]:.6g} at row {r}, index {i}, outside the top k; expected exactly 0")
    if (got[~outside] <= 0).any():
        r, i = (int(j) for j in np.argwhere(~outside & (got <= 0))[0])
        fail(f"top_k_probs's result is {got[r, i]:.6g} at row {r}, index {i}, one of the k largest logits; expected a positive probability")


def test_temperature_scales_log_ratios(impl, fw):
    """Kept probabilities follow p_i / p_j = exp((l_i - l_j) / T) for several temperatures."""
    logits = np.array([[1.5, -0.5, 0.25, 2.0, -2.0, 0.75], [0.0, 3.0, -1.0, 1.0, 2.5, -0.25]])
    for t in [0.25, 0.5, 1.0, 2.0, 5.0]:
        got, dt = probs(impl, fw, logits, 4, t)
        ref = reference_probs(logits, 4, t)
        kept = ref > 0
        top = logits.argmax(-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratios = np.where(kept, got / got[np.arange(2), top][:, None], 0.0)
        expected = np.where(kept, np.exp((logits - logits.max(-1, keepdims=True)) / t), 0.0)
        assert_close(ratios, expected, dtype=dt, what=f"the ratios p_i / p_max at temperature {t:g}")
        assert_close(got, ref, dtype=dt, what=f"top_k_probs's result at temperature {t:g}")


def test_k_equal_to_vocab_is_softmax(impl, fw):
    """k = V keeps everything: the result is the plain softmax of logits / T."""
    logits = rand(4, 3, 7, scale=2.0)
    for t in [1.0, 0.6]:
        got, dt = probs(impl, fw, logits, 7, t)
        expected = np.stack([softmax(row, t) for row in logits])
        assert_close(got, expected, dtype=dt, what=f"top_k_probs(logits, k=V, temperature={t:g})")


def test_k_one_is_argmax_one_hot(impl, fw):
    """k = 1 puts probability 1 on the largest logit, whatever the temperature and dtype."""
    logits = rand(5, 4, 11, scale=3.0)
    expected = np.zeros_like(logits)
    expected[np.arange(4), logits.argmax(-1)] = 1.0
    for dtype in ["float64", "float32"]:
        for t in [1.0, 0.01, 50.0]:
            got, dt = probs(impl, fw, logits, 1, t, dtype=dtype)
            assert_close(got, expected, dtype=dt, what=f"top_k_probs(logits, k=1, temperature={t:g}) for {dtype} logits")


def test_ties_keep_k_or_all_tied(impl, fw):
    """Logits tied with the k-th largest: exactly k entries are kept, or all entries >= the k-th largest."""
    cases = [
        (np.array([1.0, 3.0, 1.0, 0.0]), 2),
        (np.array([5.0, 5.0, 5.0, 5.0]), 2),
        (np.array([2.0, 2.0, 1.0, 1.0, 1.0, 0.0]), 3),
        (np.array([0.0, 0.0, 0.0, -1.0, 0.0]), 1),
        (np.array([[1.0, 2.0, 2.0, 2.0, 0.5], [4.0, 0.0, 4.0, 1.0, 1.0]]), 2),
        (np.array([[3.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2.0]]), 4),
    ]
    for logits, k in cases:
        for t in [1.0, 0.5]:
            got, dt = probs(impl, fw, logits, k, t)
            check_top_k_rows(got, logits, k, t, dt)


def test_large_logits_are_stable(impl, fw):
    """Logits around +1e4 or -1e4 (exp over- or underflows without the max trick) give the exact result."""
    noise = rand(6, 2, 8)
    logits = np.concatenate([1e4 + noise[:1], -1e4 + noise[1:]])
    got, dt = probs(impl, fw, logits, 3)
    assert_close(got, reference_probs(logits, 3), dtype=dt, what="top_k_probs's result")
    logits32 = logits.astype(np.float32)
    got, dt = probs(impl, fw, logits32, 3, dtype="float32")
    assert_close(got, reference_probs(logits32, 3), dtype=dt, rtol=1e-4, atol=1e-5, what="top_k_probs's result for float32 logits")


def test_small_temperature_is_stable(impl, fw):
    """A temperature of 1e-3 (logits / T in the thousands) still gives the exact, finite result."""
    logits = np.array([[1.0, 1.0005, 0.999, -3.0, 0.5], [-2.0, 0.3, 0.3021, 0.3011, 1.0]])
    got, dt = probs(impl, fw, logits, 3, 1e-3)
    assert_close(got, reference_probs(logits, 3, 1e-3), dtype=dt, what="top_k_probs(logits, k=3, temperature=1e-3)")
    spread = np.array([[0.5, 1.5, -1.0, 1.0, 0.0], [3.0, -2.0, 2.0, 2.5, 1.0]])
    got, dt = probs(impl, fw, spread, 2, 1e-3, dtype="float32")
    assert_close(got, reference_probs(spread, 2, 1e-3), dtype=dt, what="top_k_probs(float32 logits, k=2, temperature=1e-3)")


def test_large_logits_and_small_temperature(impl, fw):
    """Logits near 1e4 with temperature 1e-3 together stay finite and exact."""
    logits = 1e4 + np.array([[0.0, 0.001, 0.002, -1.0, -2.0, 0.0015], [-3.0, 0.0005, 0.0, -0.0005, 0.0002, -1.0]])
    got, dt = probs(impl, fw, logits, 3, 1e-3)
    assert_close(got, reference_probs(logits, 3, 1e-3), dtype=dt, what="top_k_probs(logits near 1e4, k=3, temperature=1e-3)")
    coarse = 1e4 + np.array([[0.0, 0.5, 1.0, -2.0, -3.0, 3.0], [-0.5, 2.0, 1.5, 0.0, -1.0, 1.0]])
    got, dt = probs(impl, fw, coarse, 2, 1e-3, dtype="float32")
    assert_close(got, reference_probs(coarse, 2, 1e-3), dtype=dt, what="top_k_probs(float32 logits near 1e4, k=2, temperature=1e-3)")


def test_input_not_modified(impl, fw):
    """Neither function changes the logits passed in."""
    logits = rand(7, 3, 6, scale=2.0)
    given_ = fw.array(logits)
    impl.top_k_probs(given_, 2, 0.5)
    assert_close(fw.to_numpy(given_, what="logits"), logits, what="the logits after top_k_probs")
    impl.top_k_sample(given_, 2, 0.5, generator=fw.generator(0))
    assert_close(fw.to_numpy(given_, what="logits"), logits, what="the logits after top_k_sample")


def test_invalid_arguments_raise_value_error(impl, fw):
    """k < 1, k > V and temperature <= 0 raise ValueError in both functions."""
    logits = rand(8, 2, 5)
    cases = [(0, 1.0, "k=0"), (-1, 1.0, "k=-1"), (6, 1.0, "k=6 > V=5"), (2, 0.0, "temperature=0"), (2, -0.5, "temperature=-0.5")]
    for name in ["top_k_probs", "top_k_sample"]:
        for k, t, label in cases:
            args = (fw.array(logits), k, t) + ((fw.generator(0),) if name == "top_k_sample" else ())
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
    temperature=st.sampled_from([0.3, 0.5, 1.0, 2.0, 7.0]), dtype=st.sampled_from(["float64", "float32"]),
    integer_logits=st.booleans(), data=st.data(),
)
def test_random_shapes_and_ties(impl, fw, lead, vocab, seed, temperature, dtype, integer_logits, data):
    """On many random shapes, k, temperatures and dtypes (often with tied logits), every row is right."""
    k = data.draw(st.integers(1, vocab), label="k")
    rng = np.random.default_rng(seed)
    shape = (*lead, vocab)
    logits = rng.integers(-3, 4, size=shape).astype(float) if integer_logits else rng.uniform(-3, 3, size=shape)
    logits = logits.astype(dtype)
    got, dt = probs(impl, fw, logits, k, temperature, dtype=dtype)
    check_top_k_rows(got, logits, k, temperature, dt)


# ---------------------------------------------------------------- top_k_sample


def test_sample_shape_and_dtype(impl, fw):
    """Samples are integer ids of shape logits.shape[:-1]; 1-D logits give a single id."""
    sample(impl, fw, rand(9, 2, 3, 7), 3)
    sample(impl, fw, rand(10, 7), 3)
    sample(impl, fw, rand(11, 4, 7).astype(np.float32), 2, dtype="float32")


def test_sample_frequencies_match_top_k_distribution(impl, fw):
    """Over 20000 draws, each token's frequency matches its top-k probability; no draw is outside the top k."""
    logits = np.array([0.5, 2.0, -1.0, 1.2, 1.5, -0.3, 0.0])
    ids = sample(impl, fw, np.tile(logits, (20000, 1)), 4, seed=1)
    check_frequencies(ids, reference_probs(logits, 4), "20000 draws with k=4")


def test_sample_applies_temperature(impl, fw):
    """Frequencies follow the temperature-scaled distribution (T = 0.5 and T = 3, float32 logits)."""
    logits = np.array([1.0, 0.0, 2.0, -1.0, 0.5, 1.5])
    for seed, t in [(2, 0.5), (3, 3.0)]:
        ids = sample(impl, fw, np.tile(logits, (6000, 1)), 3, t, seed=seed, dtype="float32")
        check_frequencies(ids, reference_probs(logits.astype(np.float32), 3, t), f"6000 draws with k=3, temperature={t:g}")


def test_sample_rows_follow_their_own_logits(impl, fw):
    """In a (N, 2, V) batch, each row is sampled from its own logits, not another row's."""
    rows = np.array([[2.0, 1.0, 0.0, -1.0, 0.5], [-1.0, 0.0, 1.0, 2.0, 1.5]])
    ids = sample(impl, fw, np.tile(rows, (6000, 1, 1)), 2, seed=4)
    for r in range(2):
        check_frequencies(ids[:, r], reference_probs(rows[r], 2), f"6000 draws of row {r} of a batch")


def test_sample_never_outside_top_k(impl, fw):
    """Across many rows with different top-k sets, no draw is outside its row's k largest logits."""
    logits = rand(12, 3000, 10, scale=2.0)
    ids = sample(impl, fw, logits, 3, 1.5, seed=5)
    kept = reference_probs(logits, 3, 1.5) > 0
    bad = ~kept[np.arange(3000), ids]
    if bad.any():
        r = int(np.flatnonzero(bad)[0])
        fail(f"{int(bad.sum())} of 3000 rows drew a token outside their top k (row {r} drew token {ids[r]}, top 3 are {sorted(np.flatnonzero(kept[r]).tolist())})")


def test_sample_same_seed_same_draws(impl, fw):
    """The generator is honoured: two generators with the same seed give the same draws."""
    logits = np.tile(np.array([0.0, 0.3, -0.2, 0.1, 0.4]), (500, 1))
    first = sample(impl, fw, logits, 4, seed=123)
    second = sample(impl, fw, logits, 4, seed=123)
    differ = int((first != second).sum())
    check(differ == 0, f"two generators seeded alike gave different draws ({differ} of 500 rows differ): draw every random number from the generator argument")


def test_sample_different_seeds_differ(impl, fw):
    """The generator is honoured: generators with different seeds give different draws."""
    logits = np.tile(np.array([0.0, 0.3, -0.2, 0.1, 0.4]), (500, 1))
    first = sample(impl, fw, logits, 4, seed=1)
    second = sample(impl, fw, logits, 4, seed=2)
    check((first != second).any(), "generators with seeds 1 and 2 gave identical draws over 500 rows: the generator argument is ignored")


def test_sample_without_generator(impl, fw):
    """generator=None works (a fresh default generator) and still samples only from the top k."""
    logits = np.tile(np.array([1.0, -1.0, 0.5, 2.0, 0.0]), (2000, 1))
    ids = sample(impl, fw, logits, 2, generator=None)
    check_frequencies(ids, reference_probs(logits[0], 2), "2000 draws with generator=None")


def test_sample_unbatched_repeated_calls(impl, fw):
    """1-D logits sampled 1000 times with one generator follow the top-k distribution."""
    logits = np.array([0.2, 1.0, -0.5, 0.8, 0.0, 1.1])
    gen = fw.generator(6)
    given_ = fw.array(logits)
    ids = np.array([ids_of(fw, impl.top_k_sample(given_, 3, 0.8, generator=gen), logits.shape) for _ in range(1000)])
    check_frequencies(ids, reference_probs(logits, 3, 0.8), "1000 single draws from 1-D logits with one generator")


def test_sample_k_one_is_argmax(impl, fw):
    """k = 1 always returns the argmax, also for logits near 1e4 and tiny temperatures."""
    logits = rand(13, 200, 9, scale=2.0)
    for shift, t in [(0.0, 1.0), (1e4, 1.0), (0.0, 1e-3)]:
        ids = sample(impl, fw, logits + shift, 1, t, seed=7)
        wrong = int((ids != logits.argmax(-1)).sum())
        check(wrong == 0, f"with k=1 (logits shifted by {shift:g}, temperature {t:g}), {wrong} of 200 rows did not draw the argmax")


def test_sample_with_ties(impl, fw):
    """With logits tied at the k-th place, draws follow the exactly-k or the keep-all-ties distribution."""
    rows = np.array([[2.0, 0.5, 0.5, 0.5, 0.5, -1.0], [1.0, 2.0, 1.0, 0.0, 1.5, 1.0]])
    k, n = 3, 6000
    for r, t in [(0, 1.0), (1, 0.7)]:
        row = rows[r]
        kth = np.sort(row)[-k]
        above, tied = row > kth, row == kth
        where = f"{n} draws from logits {row.tolist()} (k={k}, temperature={t:g})"
        ids = sample(impl, fw, np.tile(row, (n, 1)), k, t, seed=9 + r)
        below = row[ids] < kth
        if below.any():
            fail(f"{where}: {int(below.sum())} draws are below the k-th largest logit {kth:g} (e.g. token {int(ids[below][0])})")
        # group the tied tokens: how the mass is split among them depends on the tie rule
        counts = np.bincount(ids, minlength=row.size)
        observed = np.append(counts[above], counts[tied].sum())
        n_kept_tied = {"exactly k": k - int(above.sum()), "all ties kept": int(tied.sum())}
        z_by_rule = {}
        for rule, m in n_kept_tied.items():
            w = np.append(np.exp((row[above] - row.max()) / t), m * np.exp((kth - row.max()) / t))
            p = w / w.sum()
            z_by_rule[rule] = (p, [binomial_z(int(c), n, float(q)) for c, q in zip(observed, p)])
        if not any(max(abs(z) for z in zs) < MAX_Z for _, zs in z_by_rule.values()):
            freq = np.round(observed / n, 4).tolist()
            expected = " or ".join(f"{np.round(p, 4).tolist()} ({rule})" for rule, (p, _) in z_by_rule.items())
            fail(f"{where}: the frequencies of tokens {np.flatnonzero(above).tolist()} and of the tied group {np.flatnonzero(tied).tolist()} are {freq}; expected {expected}")


def test_sample_large_logits_small_temperature(impl, fw):
    """Logits near 1e4 with temperature 1e-3 are sampled from the exact top-k distribution."""
    logits = 1e4 + np.array([0.002, 0.001, 0.0, -1.0, -2.0])
    ids = sample(impl, fw, np.tile(logits, (6000, 1)), 3, 1e-3, seed=8)
    check_frequencies(ids, reference_probs(logits, 3, 1e-3), "6000 draws from logits near 1e4 at temperature 1e-3")
