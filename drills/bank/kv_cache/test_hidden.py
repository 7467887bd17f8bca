"""Hidden suite for `kv_cache`. Models are built in NumPy and handed over in the user's framework."""

import math
import operator

import numpy as np
from hypothesis import Phase, given, settings, strategies as st

from postprep.drills.harness import assert_close, assert_equal, check, fail

SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=15,
                    phases=(Phase.explicit, Phase.generate))  # no shrinking: a failure is reported at once
F32 = {"rtol": 1e-4, "atol": 1e-4}
KEYS = ("tok_emb", "pos_emb", "wq", "wk", "wv", "wo", "w_out", "b_out")


def make_model(rng, V=7, d=6, L=12, scale=1.0):
    """A random model; the scales keep the attention non-trivial and the logits well apart."""
    return {
        "tok_emb": rng.standard_normal((V, d)),
        "pos_emb": 0.5 * rng.standard_normal((L, d)),
        "wq": scale * rng.standard_normal((d, d)) / math.sqrt(d),
        "wk": scale * rng.standard_normal((d, d)) / math.sqrt(d),
        "wv": rng.standard_normal((d, d)) / math.sqrt(d),
        "wo": rng.standard_normal((d, d)) / math.sqrt(d),
        "w_out": 2.0 * rng.standard_normal((d, V)) / math.sqrt(d),
        "b_out": 0.5 * rng.standard_normal(V),
    }


def hidden(p, tokens):
    return np.array([p["tok_emb"][t] + p["pos_emb"][i] for i, t in enumerate(tokens)])


def step_reference(p, token, K, V):
    """Logits for one new token at position t = len(K), attending to the t cached rows and itself."""
    p = {k: np.asarray(v, dtype=np.float64) for k, v in p.items()}
    t, d = len(K), p["tok_emb"].shape[1]
    h = p["tok_emb"][token] + p["pos_emb"][t]
    keys = list(K) + [h @ p["wk"]]
    values = list(V) + [h @ p["wv"]]
    q = h @ p["wq"]
    s = [q @ k / math.sqrt(d) for k in keys]
    top = max(s)
    w = [math.exp(x - top) for x in s]
    a = sum(wi / sum(w) * v for wi, v in zip(w, values))
    return (h + a @ p["wo"]) @ p["w_out"] + p["b_out"]


def full_reference(p, tokens):
    """All logits (T, V) in float64, position by position: position i sees positions 0..i."""
    p = {k: np.asarray(v, dtype=np.float64) for k, v in p.items()}
    h = hidden(p, tokens)
    K, V = h @ p["wk"], h @ p["wv"]
    return np.array([step_reference(p, tok, K[:i], V[:i]) for i, tok in enumerate(tokens)])


def greedy_reference(p, prompt, n_new):
    """Greedy continuation recomputing the full forward pass each step, and the smallest top-2 logit gap seen."""
    tokens, gap = list(prompt), math.inf
    for _ in range(n_new):
        row = full_reference(p, tokens)[-1]
        top2 = np.sort(row)[-2:] if len(row) > 1 else np.array([0.0, 1.0])
        gap = min(gap, float(top2[1] - top2[0]))
        tokens.append(int(np.argmax(row)))
    return tokens[len(prompt):], gap


def to_fw(fw, p, dtype=None):
    return {k: fw.array(v, dtype) for k, v in p.items()}


def unpack_step(out, what="decode_step"):
    check(isinstance(out, (tuple, list)) and len(out) == 2, f"{what} returned {type(out).__name__}; expected a tuple (logits, cache)")
    logits, cache = out
    check(isinstance(cache, (tuple, list)) and len(cache) == 2, f"{what} returned a cache of type {type(cache).__name__}; expected a tuple (K, V)")
    return logits, cache


def cache_arrays(fw, cache, t, d, what):
    K = fw.to_numpy(cache[0], what=f"K of the cache {what}")
    V = fw.to_numpy(cache[1], what=f"V of the cache {what}")
    check(K.shape == (t, d) and V.shape == (t, d),
          f"the cache {what} holds K of shape {K.shape} and V of shape {V.shape}; expected ({t}, {d}) each")
    return K, V


def as_ids(seq, n, what):
    try:
        ids = [operator.index(t) for t in seq]
    except TypeError:
        fail(f"{what} is {seq!r}; expected a list of int token ids")
    check(len(ids) == n, f"{what} has {len(ids)} tokens; expected {n}")
    return ids


def run_steps(impl, fw, p_fw, tokens, d):
    """decode_step from an empty cache over `tokens`: the logits of every step and the final cache."""
    cache, rows = None, []
    for t, tok in enumerate(tokens):
        logits, cache = unpack_step(impl.decode_step(p_fw, tok, cache), f"decode_step at position {t}")
        got = fw.to_numpy(logits, what=f"the logits of decode_step at position {t}")
        check(got.shape == (p_fw["b_out"].shape[0],), f"decode_step at position {t} returned logits of shape {got.shape}; expected (V,)")
        rows.append(got)
    return np.array(rows), cache, fw.dtype_name(logits)


WORKED = {
    "tok_emb": np.array([[1.0, 0], [0, 1], [1, 1]]),
    "pos_emb": np.array([[0.0, 0], [0, 0.5], [0.5, 0], [0, 0]]),
    "wq": np.eye(2), "wk": np.eye(2), "wv": np.eye(2), "wo": np.eye(2),
    "w_out": np.array([[1.0, 0, 0.5], [0, 1, 0.5]]),
    "b_out": np.array([0.0, 0, 0.2]),
}


def test_worked_example(impl, fw):
    """The prompt's example: forward_full, two decode_steps and their cache, and greedy_decode."""
    p = to_fw(fw, WORKED)
    expected = full_reference(WORKED, [0, 1])
    got = fw.to_numpy(impl.forward_full(p, [0, 1]), what="forward_full's logits")
    assert_close(got, expected, what="forward_full(params, [0, 1])")
    assert_close(got, [[2.0, 0.0, 1.2], [0.1692, 2.7461, 1.6577]], rtol=0, atol=1e-4, what="forward_full(params, [0, 1])")
    l0, cache = unpack_step(impl.decode_step(p, 0, None))
    assert_close(fw.to_numpy(l0), [2.0, 0.0, 1.2], what="the logits of decode_step(params, 0, None)")
    l1, cache = unpack_step(impl.decode_step(p, 1, cache))
    assert_close(fw.to_numpy(l1), expected[1], what="the logits of the second decode_step")
    K, V = cache_arrays(fw, cache, 2, 2, "after two steps")
    assert_close(K, [[1.0, 0], [0, 1.5]], what="K after two steps")
    assert_close(V, [[1.0, 0], [0, 1.5]], what="V after two steps")
    ids = as_ids(impl.greedy_decode(p, [2], 3), 3, "greedy_decode(params, [2], 3)")
    assert_equal(ids, [2, 1, 1], what="greedy_decode(params, [2], 3)")


def test_forward_full_matches_spec(impl, fw):
    """forward_full returns (T, V) logits equal to the position-by-position float64 definition."""
    rng = np.random.default_rng(0)
    p = make_model(rng)
    tokens = [3, 0, 6, 6, 2, 5, 1, 3, 0]
    got = fw.to_numpy(impl.forward_full(to_fw(fw, p), tokens), what="forward_full's logits")
    assert_close(got, full_reference(p, tokens), what="forward_full's logits")


def test_forward_full_is_causal(impl, fw):
    """forward_full on a prefix gives the same rows as on the whole sequence: later tokens never change earlier logits."""
    rng = np.random.default_rng(1)
    p = make_model(rng)
    tokens = [1, 4, 4, 2, 6, 0, 3]
    full = fw.to_numpy(impl.forward_full(to_fw(fw, p), tokens), what="forward_full's logits")
    for n in (1, 3, 6):
        part = fw.to_numpy(impl.forward_full(to_fw(fw, p), tokens[:n]), what="forward_full's logits")
        assert_close(part, full[:n], what=f"forward_full on the first {n} tokens (vs the first {n} rows on all tokens)")
        other = tokens[:n] + [5] * (len(tokens) - n)
        changed = fw.to_numpy(impl.forward_full(to_fw(fw, p), other), what="forward_full's logits")
        assert_close(changed[:n], full[:n], what=f"the first {n} rows after changing the tokens from position {n} on")


def test_incremental_logits_equal_full_forward(impl, fw):
    """decode_step from an empty cache, one token at a time, gives exactly forward_full's rows."""
    rng = np.random.default_rng(2)
    p = make_model(rng)
    tokens = [5, 5, 1, 0, 6, 2, 2, 4, 3, 1]
    p_fw = to_fw(fw, p)
    rows, _, dt = run_steps(impl, fw, p_fw, tokens, 6)
    full = fw.to_numpy(impl.forward_full(p_fw, tokens), what="forward_full's logits")
    assert_close(rows, full, dtype=dt, what="the stacked decode_step logits (vs forward_full)")
    assert_close(rows, full_reference(p, tokens), dtype=dt, what="the stacked decode_step logits")


def test_cache_holds_keys_and_values(impl, fw):
    """After t steps the cache is (K, V), each (t, d): row i is h_i @ wk and h_i @ wv, with h_i = tok_emb + pos_emb."""
    rng = np.random.default_rng(3)
    p = make_model(rng)
    tokens = [2, 6, 0, 0, 3]
    p_fw = to_fw(fw, p)
    h = hidden(p, tokens)
    cache = None
    for t, tok in enumerate(tokens):
        _, cache = unpack_step(impl.decode_step(p_fw, tok, cache), f"decode_step at position {t}")
        K, V = cache_arrays(fw, cache, t + 1, 6, f"after {t + 1} steps")
        assert_close(K, h[: t + 1] @ p["wk"], what=f"K after {t + 1} steps")
        assert_close(V, h[: t + 1] @ p["wv"], what=f"V after {t + 1} steps")


def test_decode_step_reads_the_cache(impl, fw):
    """decode_step uses the K, V it is given (here arbitrary rows), and puts the new token at position len(K)."""
    rng = np.random.default_rng(4)
    p = make_model(rng)
    p_fw = to_fw(fw, p)
    for t in (1, 3, 7):
        K, V = rng.standard_normal((t, 6)), rng.standard_normal((t, 6))
        logits, cache = unpack_step(impl.decode_step(p_fw, 4, (fw.array(K), fw.array(V))))
        assert_close(fw.to_numpy(logits), step_reference(p, 4, K, V),
                     what=f"the logits of decode_step given a cache of {t} arbitrary rows")
        K2, V2 = cache_arrays(fw, cache, t + 1, 6, f"returned after a cache of {t} rows")
        h = p["tok_emb"][4] + p["pos_emb"][t]
        assert_close(K2, np.vstack([K, h @ p["wk"]]), what=f"K returned after a cache of {t} rows")
        assert_close(V2, np.vstack([V, h @ p["wv"]]), what=f"V returned after a cache of {t} rows")


def test_greedy_matches_full_recompute(impl, fw):
    """greedy_decode returns the n_new tokens of greedy decoding by full recomputation (the prompt not included)."""
    rng = np.random.default_rng(5)
    for prompt, n_new in (([3], 6), ([0, 2, 2, 5], 5), ([6, 1], 1)):
        p = make_model(rng)
        expected, gap = greedy_reference(p, prompt, n_new)
        check(gap > 1e-3, "the suite's model has near-tied logits (a bug in this drill)")
        got = as_ids(impl.greedy_decode(to_fw(fw, p), list(prompt), n_new), n_new, f"greedy_decode(params, {prompt}, {n_new})")
        assert_equal(got, expected, what=f"greedy_decode(params, {prompt}, {n_new})")


def test_greedy_uses_decode_step_with_the_cache(impl, fw):
    """greedy_decode feeds the prompt then each new token to decode_step, one token per call, and never calls forward_full."""
    rng = np.random.default_rng(6)
    p = make_model(rng)
    prompt, n_new = [4, 1, 1], 5
    expected, _ = greedy_reference(p, prompt, n_new)
    calls = []
    real_step, real_full = impl.decode_step, impl.forward_full

    def counting_step(params, token, cache):
        try:
            token_id = operator.index(token)
        except TypeError:
            fail(f"greedy_decode passed token={token!r} to decode_step; expected one int token id per call")
        calls.append((token_id, 0 if cache is None else int(cache[0].shape[0])))
        return real_step(params, token, cache)

    def no_full(*args, **kwargs):
        fail("greedy_decode called forward_full: decode with decode_step and the cache instead")

    impl.decode_step, impl.forward_full = counting_step, no_full
    try:
        got = impl.greedy_decode(to_fw(fw, p), list(prompt), n_new)
    finally:
        impl.decode_step, impl.forward_full = real_step, real_full
    got = as_ids(got, n_new, f"greedy_decode(params, {prompt}, {n_new})")
    assert_equal(got, expected, what=f"greedy_decode(params, {prompt}, {n_new})")
    fed = prompt + expected
    n = len(calls)
    check(n in (len(fed) - 1, len(fed)),
          f"greedy_decode called decode_step {n} times for a {len(prompt)}-token prompt and {n_new} new tokens; "
          f"expected {len(fed) - 1} (one call per token fed; feeding the last new token too is allowed)")
    assert_equal([c[0] for c in calls], fed[:n], what="the tokens greedy_decode fed to decode_step, in order")
    assert_equal([c[1] for c in calls], list(range(n)), what="the cache length at each decode_step call (0 = None)")


def test_ties_go_to_the_lowest_token_id(impl, fw):
    """When several logits tie for the maximum, greedy picks the lowest token id."""
    rng = np.random.default_rng(7)
    p = make_model(rng)
    p["w_out"] = np.zeros_like(p["w_out"])
    p["b_out"] = np.array([0.0, 3.0, 1.0, 3.0, 3.0, -1.0, 0.0])  # logits = b_out exactly: 1, 3, 4 tie
    got = as_ids(impl.greedy_decode(to_fw(fw, p), [2, 5], 4), 4, "greedy_decode with tied logits")
    assert_equal(got, [1, 1, 1, 1], what="greedy_decode with logits tied at ids 1, 3 and 4")


def test_edge_cases(impl, fw):
    """n_new = 0 returns no tokens; a 1-token prompt works; prompt + new tokens can fill every position."""
    rng = np.random.default_rng(8)
    p = make_model(rng, L=6)
    p_fw = to_fw(fw, p)
    got = impl.greedy_decode(p_fw, [3, 1], 0)
    check(len(got) == 0, f"greedy_decode(params, [3, 1], 0) returned {got!r}; expected no tokens")
    expected, gap = greedy_reference(p, [0], 5)
    check(gap > 1e-3, "the suite's model has near-tied logits (a bug in this drill)")
    got = as_ids(impl.greedy_decode(p_fw, [0], 5), 5, "greedy_decode(params, [0], 5) with 6 positions")
    assert_equal(got, expected, what="greedy_decode(params, [0], 5) with 6 positions")
    logits = fw.to_numpy(impl.forward_full(p_fw, [2]), what="forward_full's logits")
    assert_close(logits, full_reference(p, [2]), what="forward_full on a single token")


def test_float32_model(impl, fw):
    """float32 parameters: float32 logits from both paths, accurate to float32 precision, and the same greedy tokens."""
    rng = np.random.default_rng(9)
    p = {k: v.astype(np.float32) for k, v in make_model(rng).items()}
    tokens = [1, 6, 0, 2, 2, 5]
    p_fw = to_fw(fw, p)
    want = full_reference(p, tokens)
    full = impl.forward_full(p_fw, tokens)
    check(fw.dtype_name(full) == "float32", f"forward_full returned {fw.dtype_name(full)} logits for a float32 model; expected float32")
    assert_close(fw.to_numpy(full), want, dtype="float32", what="forward_full's logits (float32)", **F32)
    rows, cache, dt = run_steps(impl, fw, p_fw, tokens, 6)
    check(dt == "float32", f"decode_step returned {dt} logits for a float32 model; expected float32")
    for name, arr in zip("KV", cache):
        got_dt = fw.dtype_name(arr)
        check(got_dt == "float32", f"decode_step returned a {got_dt} {name} in the cache for a float32 model; expected float32")
    assert_close(rows, want, dtype=dt, what="the decode_step logits (float32)", **F32)
    expected, gap = greedy_reference(p, [3, 3], 6)
    check(gap > 1e-2, "the suite's model has near-tied logits (a bug in this drill)")
    got = as_ids(impl.greedy_decode(p_fw, [3, 3], 6), 6, "greedy_decode on a float32 model")
    assert_equal(got, expected, what="greedy_decode on a float32 model")


def test_float64_inputs_keep_float64_precision(impl, fw):
    """A float64 model is computed in float64: logits (both paths) and cache match the definition to ~1e-10, not float32's ~1e-7."""
    rng = np.random.default_rng(12)
    p = make_model(rng, V=9, d=8, L=10, scale=2.0)
    tokens = [4, 0, 8, 8, 2, 7, 1, 3, 5]
    want = full_reference(p, tokens)
    p_fw = to_fw(fw, p)
    hint = "(a float32 computation or a float32 cache, e.g. .float() or astype(float32) then cast back, is off by about 1e-7)"
    full = fw.to_numpy(impl.forward_full(p_fw, tokens), what="forward_full's logits")
    check(full.shape == want.shape, f"forward_full returned logits of shape {full.shape}; expected {want.shape}")
    assert_close(full, want, rtol=1e-10, atol=1e-11, what=f"forward_full's float64 logits {hint}")
    rows, cache, _ = run_steps(impl, fw, p_fw, tokens, 8)
    assert_close(rows, want, rtol=1e-10, atol=1e-11, what=f"the float64 decode_step logits {hint}")
    K, V = cache_arrays(fw, cache, len(tokens), 8, f"after {len(tokens)} steps")
    h = hidden(p, tokens)
    assert_close(K, h @ p["wk"], rtol=1e-10, atol=1e-12, what=f"K of the float64 cache {hint}")
    assert_close(V, h @ p["wv"], rtol=1e-10, atol=1e-12, what=f"V of the float64 cache {hint}")

def test_large_scores_are_stable(impl, fw):
    """Attention scores in the thousands: both paths stay finite and equal the float64 definition (stable softmax)."""
    rng = np.random.default_rng(11)
    p = make_model(rng, scale=40.0)
    tokens = [3, 0, 5, 1, 6]
    want = full_reference(p, tokens)
    p_fw = to_fw(fw, p)
    full = fw.to_numpy(impl.forward_full(p_fw, tokens), what="the output of forward_full")
    check(bool(np.isfinite(full).all()), "forward_full returned inf or nan logits when the attention scores are large (in the thousands)")
    assert_close(full, want, dtype=fw.dtype_name(impl.forward_full(p_fw, tokens)), what="forward_full's logits with large attention scores")
    rows, _, dt = run_steps(impl, fw, p_fw, tokens, 6)
    check(bool(np.isfinite(rows).all()), "decode_step returned inf or nan logits when the attention scores are large (in the thousands)")
    assert_close(rows, want, dtype=dt, what="the decode_step logits with large attention scores")


def test_params_not_modified(impl, fw):
    """The parameters and the prompt list are unchanged by forward_full, decode_step and greedy_decode."""
    rng = np.random.default_rng(10)
    p = make_model(rng)
    p_fw = to_fw(fw, p)
    prompt = [2, 4]
    impl.forward_full(p_fw, [1, 2, 3])
    _, cache = unpack_step(impl.decode_step(p_fw, 5, None))
    impl.decode_step(p_fw, 6, cache)
    impl.greedy_decode(p_fw, prompt, 4)
    check(prompt == [2, 4], f"greedy_decode changed the prompt list to {prompt!r}")
    check(set(p_fw) == set(KEYS), "the params dict's keys changed")
    for k in KEYS:
        assert_close(fw.to_numpy(p_fw[k], what=k), p[k], what=f"parameter {k} after the calls")


@SETTINGS
@given(V=st.integers(2, 6), d=st.integers(1, 5), T=st.integers(1, 6), seed=st.integers(0, 2**16))
def test_incremental_equals_full_random_models(impl, fw, V, d, T, seed):
    """On many random model sizes and sequences, every decode_step row equals the float64 full forward pass."""
    rng = np.random.default_rng(seed)
    p = make_model(rng, V=V, d=d, L=T + 1, scale=2.0)
    tokens = [int(t) for t in rng.integers(0, V, size=T)]
    rows, _, dt = run_steps(impl, fw, to_fw(fw, p), tokens, d)
    assert_close(rows, full_reference(p, tokens), dtype=dt, what="the decode_step logits")
