"""Hidden suite for `repetition_penalty`. Inputs are built in NumPy and handed over in the user's framework."""

import numpy as np
from hypothesis import given, settings, strategies as st

from postprep.drills.harness import assert_close, check, fail

SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=40)
ORDER = ["float16", "bfloat16", "float32", "float64"]


def loop_reference(logits, prev_ids, penalty):
    """The definition, row by row and token by token, in float64."""
    logits = np.asarray(logits, dtype=np.float64)
    vocab = logits.shape[-1]
    rows = logits.reshape(-1, vocab)
    ids = np.asarray(prev_ids).reshape(rows.shape[0], -1)
    out = rows.copy()
    for r in range(rows.shape[0]):
        for token in set(int(i) for i in ids[r]):
            x = rows[r, token]
            out[r, token] = x * penalty if x < 0 else x / penalty
    return out.reshape(logits.shape)


def lower_precision(a, b):
    return min(a, b, key=lambda d: ORDER.index(d) if d in ORDER else 3)


def run(impl, fw, logits, prev_ids, penalty, dtype="float64", ids_dtype="int64"):
    """(the user's result as float64 NumPy, the precision to compare at)."""
    out = impl.apply_repetition_penalty(fw.array(logits, dtype), fw.array(prev_ids, ids_dtype), penalty)
    got = fw.to_numpy(out, what="apply_repetition_penalty's result")
    check(got.shape == np.shape(logits), f"the result has shape {tuple(got.shape)} for logits of shape {np.shape(logits)}; expected the same shape")
    return got, lower_precision(dtype, fw.dtype_name(out))


def rand(seed, *shape, scale=2.0):
    return np.random.default_rng(seed).standard_normal(shape) * scale


def test_worked_example(impl, fw):
    """The prompt's example: penalty 2 and penalty 0.5 on a batch of two rows."""
    logits = np.array([[2.0, -1.0, 0.5, 0.0, -3.0], [1.5, 4.0, -0.5, 2.0, -2.0]])
    ids = np.array([[0, 1, 1, 3], [4, 4, 4, 1]])
    got, dt = run(impl, fw, logits, ids, 2.0)
    assert_close(got, [[1.0, -2.0, 0.5, 0.0, -3.0], [1.5, 2.0, -0.5, 2.0, -4.0]], dtype=dt, what="the result with penalty 2")
    got, dt = run(impl, fw, logits, ids, 0.5)
    assert_close(got, [[4.0, -0.5, 0.5, 0.0, -3.0], [1.5, 8.0, -0.5, 2.0, -1.0]], dtype=dt, what="the result with penalty 0.5")


def test_positive_divided_negative_multiplied(impl, fw):
    """A seen positive logit is divided by the penalty, a seen negative one multiplied: both become less likely."""
    logits = np.array([[3.0, -3.0, 0.25, -0.25, 0.0, 7.5]])
    ids = np.array([[0, 1, 2, 3, 4]])
    for penalty in [1.2, 3.0]:
        got, dt = run(impl, fw, logits, ids, penalty)
        expected = np.array([[3.0 / penalty, -3.0 * penalty, 0.25 / penalty, -0.25 * penalty, 0.0, 7.5]])
        assert_close(got, expected, dtype=dt, what=f"the result with penalty {penalty:g}")
        check(bool((got[0, :4] < logits[0, :4]).all()), f"with penalty {penalty:g} > 1, every seen nonzero logit must decrease (negative ones included)")


def test_duplicates_penalised_once(impl, fw):
    """A token that occurs many times in prev_ids is penalised once, not once per occurrence."""
    logits = np.array([[4.0, -2.0, 1.0, 3.0]])
    ids = np.array([[0, 0, 0, 1, 1, 0, 1, 0]])
    got, dt = run(impl, fw, logits, ids, 2.0)
    assert_close(got, [[2.0, -4.0, 1.0, 3.0]], dtype=dt, what="the result for ids repeated 5 and 3 times (penalty 2)")


def test_unseen_tokens_unchanged(impl, fw):
    """Logits of tokens absent from prev_ids are returned exactly as given."""
    logits = rand(0, 3, 50)
    ids = np.random.default_rng(1).integers(0, 50, size=(3, 10))
    got, _ = run(impl, fw, logits, ids, 1.7)
    unseen = np.ones_like(logits, dtype=bool)
    np.put_along_axis(unseen, ids, False, axis=-1)
    changed = unseen & (got != logits)
    if changed.any():
        r, i = (int(j) for j in np.argwhere(changed)[0])
        fail(f"token {i} of row {r} is not in that row's prev_ids but its logit changed from {logits[r, i]:.17g} to {got[r, i]:.17g} (it must come back bit for bit: no rounding through a lower precision)")


def test_penalty_one_is_identity(impl, fw):
    """penalty = 1.0 returns the logits unchanged."""
    logits = rand(2, 4, 9)
    ids = np.random.default_rng(3).integers(0, 9, size=(4, 6))
    got, dt = run(impl, fw, logits, ids, 1.0)
    assert_close(got, logits, dtype=dt, rtol=0, atol=0, what="the result with penalty 1")


def test_rows_use_their_own_ids(impl, fw):
    """In a batch, each row is penalised only for the ids in its own row of prev_ids."""
    logits = np.array([[1.0, 2.0, 3.0, -1.0], [1.0, 2.0, 3.0, -1.0], [1.0, 2.0, 3.0, -1.0]])
    ids = np.array([[0, 0], [1, 3], [2, 2]])
    got, dt = run(impl, fw, logits, ids, 2.0)
    expected = [[0.5, 2.0, 3.0, -1.0], [1.0, 1.0, 3.0, -2.0], [1.0, 2.0, 1.5, -1.0]]
    assert_close(got, expected, dtype=dt, what="the result for three rows with different prev_ids")


def test_unbatched_inputs(impl, fw):
    """1-D logits (V,) with 1-D prev_ids (L,) give a 1-D result."""
    logits = np.array([0.5, -0.5, 2.0, -4.0, 1.0])
    ids = np.array([3, 2, 3])
    got, dt = run(impl, fw, logits, ids, 4.0)
    assert_close(got, [0.5, -0.5, 0.5, -16.0, 1.0], dtype=dt, what="the 1-D result")


def test_more_leading_axes(impl, fw):
    """(B1, B2, V) logits with (B1, B2, L) prev_ids: every row over the last axis on its own."""
    logits = rand(4, 2, 3, 8)
    ids = np.random.default_rng(5).integers(0, 8, size=(2, 3, 5))
    got, dt = run(impl, fw, logits, ids, 1.3)
    assert_close(got, loop_reference(logits, ids, 1.3), dtype=dt)


def test_no_previous_tokens(impl, fw):
    """prev_ids with zero columns (nothing generated yet) leaves the logits unchanged."""
    logits = rand(6, 2, 7)
    got, dt = run(impl, fw, logits, np.zeros((2, 0), dtype=np.int64), 1.5)
    assert_close(got, logits, dtype=dt, what="the result for empty prev_ids")


def test_float32_and_int32(impl, fw):
    """float32 logits and int32 ids are accepted; the result is accurate to float32 precision."""
    logits = rand(7, 4, 12).astype(np.float32)
    ids = np.random.default_rng(8).integers(0, 12, size=(4, 7))
    got, dt = run(impl, fw, logits, ids, 1.25, dtype="float32", ids_dtype="int32")
    assert_close(got, loop_reference(logits, ids, 1.25), dtype=dt)


def test_large_magnitudes(impl, fw):
    """Logits of magnitude 1e4 and tiny ones are penalised with the right sign handling."""
    logits = np.array([[1e4, -1e4, 1e-6, -1e-6, 3.0], [-5e3, 5e3, 0.0, 2.0, -2.0]])
    ids = np.array([[0, 1, 2, 3], [0, 1, 2, 2]])
    got, dt = run(impl, fw, logits, ids, 1.1)
    assert_close(got, loop_reference(logits, ids, 1.1), dtype=dt)


def test_inputs_not_modified(impl, fw):
    """logits and prev_ids are unchanged after the call (the result is a new array)."""
    logits = rand(9, 3, 6)
    ids = np.random.default_rng(10).integers(0, 6, size=(3, 4))
    given_logits, given_ids = fw.array(logits), fw.array(ids)
    out = impl.apply_repetition_penalty(given_logits, given_ids, 2.5)
    assert_close(fw.to_numpy(given_logits, what="logits"), logits, rtol=0, atol=0, what="the logits after the call")
    check(bool((fw.to_numpy(given_ids, what="prev_ids") == ids).all()), "prev_ids was modified by the call")
    check(out is not given_logits, "the result is the logits object itself: return a new array")


def test_result_is_new_even_when_nothing_changes(impl, fw):
    """penalty = 1.0 or no previous tokens still return a new array: writing into the result leaves logits unchanged."""
    logits = rand(12, 2, 5)
    cases = ((1.0, np.array([[0, 3], [1, 1]]), "penalty = 1.0"), (2.0, np.zeros((2, 0), dtype=np.int64), "prev_ids with L = 0"))
    for penalty, ids, label in cases:
        given_logits = fw.array(logits)
        out = impl.apply_repetition_penalty(given_logits, fw.array(ids), penalty)
        fw.to_numpy(out, what="the result")
        check(out is not given_logits, f"with {label} the result is the logits object itself: return a new array")
        try:
            if fw.name == "numpy":
                out[...] = 123.0
            else:
                out.detach().fill_(123.0)
        except (ValueError, RuntimeError):
            continue  # a read-only result cannot write through to the logits
        assert_close(fw.to_numpy(given_logits, what="logits"), logits, rtol=0, atol=0,
                     what=f"the logits after writing into the result (with {label}: the result shares memory with logits)")


def test_output_keeps_the_inputs_precision(impl, fw):
    """float64 logits give a float64 result; float32 logits give float32 or float64, never less."""
    logits, ids = rand(13, 2, 6), np.array([[0, 5], [2, 2]])
    for dtype, allowed in (("float64", ("float64",)), ("float32", ("float32", "float64"))):
        out = impl.apply_repetition_penalty(fw.array(logits, dtype), fw.array(ids), 1.3)
        fw.to_numpy(out, what="the result")
        got = fw.dtype_name(out)
        check(got in allowed, f"the result is {got} for {dtype} logits; expected {' or '.join(allowed)} (the input's precision or higher)")


def test_invalid_penalty_raises_value_error(impl, fw):
    """penalty <= 0 raises ValueError."""
    logits, ids = rand(11, 2, 5), np.array([[0, 1], [2, 3]])
    for penalty in [0.0, -1.0, -0.5]:
        try:
            impl.apply_repetition_penalty(fw.array(logits), fw.array(ids), penalty)
        except ValueError:
            continue
        except Exception as exc:  # noqa: BLE001 - the wrong kind of error is the finding
            fail(f"penalty={penalty:g} raised {type(exc).__name__}: {exc}; expected ValueError")
        fail(f"penalty={penalty:g} returned without raising ValueError")


@SETTINGS
@given(
    lead=st.lists(st.integers(1, 3), max_size=2), vocab=st.integers(1, 10), length=st.integers(0, 12),
    penalty=st.sampled_from([0.3, 0.9, 1.0, 1.2, 2.0, 7.5]), dtype=st.sampled_from(["float64", "float32"]),
    seed=st.integers(0, 2**16), integer_logits=st.booleans(),
)
def test_matches_loop_definition(impl, fw, lead, vocab, length, penalty, dtype, seed, integer_logits):
    """On many random shapes, ids (with repeats), penalties (< 1 too) and dtypes, agrees with a plain loop."""
    rng = np.random.default_rng(seed)
    shape = (*lead, vocab)
    logits = rng.integers(-3, 4, size=shape).astype(float) if integer_logits else rng.standard_normal(shape) * 3
    logits = logits.astype(dtype)
    ids = rng.integers(0, vocab, size=(*lead, length))
    got, dt = run(impl, fw, logits, ids, penalty, dtype=dtype)
    assert_close(got, loop_reference(logits, ids, penalty), dtype=dt)
