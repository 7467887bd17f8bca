"""Hidden suite for `sequence_logprobs`. Inputs are built in NumPy and handed over in the user's framework.

Conventions (stated in the prompt): logits[:, t] score input_ids[:, t + 1]; the mask is aligned
with input_ids and shifted with them; token_logps is 0 at excluded positions; the average of a row
with no counted token is nan.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from postprep.drills.harness import assert_close, check, fail

SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=25)
ORDER = ["float16", "bfloat16", "float32", "float64"]
NAMES = ("seq_logps", "token_logps")


def loop_reference(logits, ids, mask, average=False):
    """The definition in float64, one token at a time."""
    logits = np.asarray(logits, dtype=np.float64)
    b_size, t_size, _ = logits.shape
    token = np.zeros((b_size, t_size - 1))
    seq = np.zeros(b_size)
    for b in range(b_size):
        count = 0
        for t in range(t_size - 1):
            if not mask[b, t + 1]:
                continue
            x = logits[b, t]
            top = max(x)
            lse = top + math.log(sum(math.exp(v - top) for v in x))
            token[b, t] = x[ids[b, t + 1]] - lse
            count += 1
        total = token[b].sum()
        seq[b] = (total / count if count else math.nan) if average else total
    return seq, token


def lower_precision(a, b):
    return min(a, b, key=lambda d: ORDER.index(d) if d in ORDER else 3)


def make(rng, b, t, v, scale=3.0, p=0.7):
    logits = rng.standard_normal((b, t, v)) * scale
    ids = rng.integers(0, v, size=(b, t))
    mask = rng.random((b, t)) < p
    return logits, ids, mask


def run(impl, fw, logits, ids, mask, average=None, dtype="float64"):
    """The user's (seq_logps, token_logps) as float64 NumPy, checked for shape, and the precision."""
    args = (fw.array(logits, dtype), fw.array(np.asarray(ids, dtype=np.int64)), fw.array(np.asarray(mask, dtype=bool)))
    out = impl.sequence_logprobs(*args) if average is None else impl.sequence_logprobs(*args, average=average)
    check(isinstance(out, (tuple, list)) and len(out) == 2,
          f"sequence_logprobs returned {type(out).__name__}; expected a tuple (seq_logps, token_logps)")
    got = tuple(fw.to_numpy(o, what=n) for o, n in zip(out, NAMES))
    b, t = np.shape(ids)
    check(got[0].shape == (b,), f"seq_logps has shape {tuple(got[0].shape)} for B = {b}; expected ({b},)")
    check(got[1].shape == (b, t - 1), f"token_logps has shape {tuple(got[1].shape)} for (B, T) = ({b}, {t}); expected ({b}, {t - 1}), one entry per predicted token")
    dt = lower_precision(dtype, lower_precision(fw.dtype_name(out[0]), fw.dtype_name(out[1])))
    return got, dt


def compare(got, expected, dt, **tol):
    for g, e, name in zip(got, expected, NAMES):
        assert_close(g, e, dtype=dt, what=name, **tol)


def test_worked_example(impl, fw):
    """The prompt's worked example: sum -3.7213, average -1.8606, and the mask on token 1."""
    logits = np.array([[[2.0, 0.0, -1.0], [0.0, 1.0, 0.0], [1.0, 1.0, 3.0]]])
    ids = np.array([[0, 1, 2]])
    got, dt = run(impl, fw, logits, ids, np.array([[False, True, True]]))
    compare(got, ([-3.72129073], [[-2.16984602, -1.55144471]]), dt, rtol=1e-7, atol=1e-7)
    got, dt = run(impl, fw, logits, ids, np.array([[False, True, True]]), average=True)
    assert_close(got[0], [-1.86064537], dtype=dt, rtol=1e-7, atol=1e-7, what="seq_logps with average=True")
    got, dt = run(impl, fw, logits, ids, np.array([[False, False, True]]))
    compare(got, ([-1.55144471], [[0.0, -1.55144471]]), dt, rtol=1e-7, atol=1e-7)


def test_logits_at_t_predict_token_t_plus_1(impl, fw):
    """The shift: when logits[:, t] put almost all mass on input_ids[:, t + 1], every log-prob is about 0."""
    rng = np.random.default_rng(0)
    b, t, v = 3, 6, 7
    ids = rng.integers(0, v, size=(b, t))
    logits = np.zeros((b, t, v))
    for i in range(b):
        for j in range(t - 1):
            logits[i, j, ids[i, j + 1]] = 40.0
    mask = np.ones((b, t), dtype=bool)
    got, dt = run(impl, fw, logits, ids, mask)
    check(bool(np.all(got[1] > -1e-6)),
          "a token that the previous position's logits predict with probability ~1 got a log-prob far below 0: "
          "logits[:, t] must score input_ids[:, t + 1] (drop the last logit position and the first id)")
    compare(got, loop_reference(logits, ids, mask), dt)


def test_mask_follows_the_labels(impl, fw):
    """The mask is aligned with input_ids: loss_mask[:, t + 1] decides whether token t + 1 counts; loss_mask[:, 0] never matters."""
    rng = np.random.default_rng(1)
    logits, ids, _ = make(rng, 2, 7, 5)
    mask = np.array([[False, False, False, True, True, True, False],
                     [True, True, False, True, False, True, True]])
    got, dt = run(impl, fw, logits, ids, mask)
    compare(got, loop_reference(logits, ids, mask), dt)
    flipped = mask.copy()
    flipped[:, 0] = ~flipped[:, 0]
    got2, _ = run(impl, fw, logits, ids, flipped)
    compare(got2, got, dt)


def test_excluded_positions_have_no_influence(impl, fw):
    """Changing the logits and ids at excluded positions (prompt, padding) leaves seq_logps unchanged; their token_logps are exactly 0."""
    rng = np.random.default_rng(2)
    logits, ids, _ = make(rng, 3, 8, 6)
    mask = np.zeros((3, 8), dtype=bool)
    mask[:, 3:6] = True  # prompt 0..2, response 3..5, padding 6..7
    got, dt = run(impl, fw, logits, ids, mask)
    check(bool(np.all(got[1][:, [0, 1, 5, 6]] == 0.0)), "token_logps is not exactly 0 at positions whose next token is excluded by the mask")
    logits2, ids2 = logits.copy(), ids.copy()
    logits2[:, [0, 1, 5, 6, 7]] = rng.standard_normal((3, 5, 6)) * 10
    ids2[:, [0, 1, 6, 7]] = rng.integers(0, 6, size=(3, 4))
    got2, _ = run(impl, fw, logits2, ids2, mask)
    assert_close(got2[0], got[0], dtype=dt, what="seq_logps after changing the excluded positions")


def test_average_divides_by_counted_tokens(impl, fw):
    """average=True divides each row's sum by its own number of counted tokens, not by T - 1."""
    rng = np.random.default_rng(3)
    logits, ids, _ = make(rng, 4, 9, 5)
    mask = np.zeros((4, 9), dtype=bool)
    for i, n in enumerate((1, 3, 6, 8)):
        mask[i, 9 - n:] = True
    got, dt = run(impl, fw, logits, ids, mask, average=True)
    compare(got, loop_reference(logits, ids, mask, average=True), dt)
    got_sum, _ = run(impl, fw, logits, ids, mask, average=False)
    compare(got_sum, loop_reference(logits, ids, mask), dt)


def test_row_without_counted_tokens(impl, fw):
    """A row with no counted token: seq_logps 0 (sum) or nan (average), token_logps all 0; other rows unaffected."""
    rng = np.random.default_rng(4)
    logits, ids, _ = make(rng, 2, 5, 4)
    mask = np.array([[True, False, False, False, False], [False, True, True, False, True]])
    got, dt = run(impl, fw, logits, ids, mask)
    compare(got, loop_reference(logits, ids, mask), dt)
    got, dt = run(impl, fw, logits, ids, mask, average=True)
    check(bool(np.isnan(got[0][0])), f"the average of a row with no counted token is {got[0][0]!r}; the prompt defines it as 0 / 0 = nan")
    assert_close(got[0][1:], loop_reference(logits, ids, mask, average=True)[0][1:], dtype=dt, what="the average of the other row")


def test_single_position_sequences(impl, fw):
    """T = 1: no token is predicted: seq_logps is 0 with shape (B,), token_logps has shape (B, 0)."""
    logits = np.random.default_rng(5).standard_normal((3, 1, 4))
    got, dt = run(impl, fw, logits, np.zeros((3, 1), dtype=np.int64), np.ones((3, 1), dtype=bool))
    assert_close(got[0], np.zeros(3), dtype=dt, what="seq_logps for T = 1")


def test_float32_inputs(impl, fw):
    """float32 logits: float32 (or better) results, accurate to float32 precision."""
    rng = np.random.default_rng(6)
    logits, ids, mask = make(rng, 4, 10, 11)
    logits = logits.astype(np.float32).astype(np.float64)
    got, dt = run(impl, fw, logits, ids, mask, dtype="float32")
    compare(got, loop_reference(logits, ids, mask), dt, rtol=1e-5, atol=1e-5)


def test_outputs_keep_the_inputs_precision(impl, fw):
    """float64 logits give float64 seq_logps and token_logps; float32 logits give float32 or float64, never less."""
    logits, ids, mask = make(np.random.default_rng(13), 2, 5, 6)
    for dtype, allowed in (("float64", ("float64",)), ("float32", ("float32", "float64"))):
        for average in (False, True):
            args = (fw.array(logits, dtype), fw.array(np.asarray(ids, dtype=np.int64)), fw.array(np.asarray(mask, dtype=bool)))
            out = impl.sequence_logprobs(*args, average=average)
            check(isinstance(out, (tuple, list)) and len(out) == 2,
                  f"sequence_logprobs returned {type(out).__name__}; expected a tuple (seq_logps, token_logps)")
            for value, name in zip(out, NAMES):
                fw.to_numpy(value, what=name)
                got = fw.dtype_name(value)
                check(got in allowed, f"{name} is {got} for {dtype} logits (average={average}); expected {' or '.join(allowed)} (the logits' precision or higher)")


def test_large_logits_are_stable(impl, fw):
    """Logits of magnitude 1e4 (float64 and float32): finite and exact; unlikely tokens get log-probs near -1e4."""
    rng = np.random.default_rng(7)
    logits, ids, mask = make(rng, 3, 6, 8, scale=1e4)
    mask[:, 1:] = True
    for dtype in ("float64", "float32"):
        x = logits.astype(dtype).astype(np.float64)
        got, dt = run(impl, fw, x, ids, mask, dtype=dtype)
        ref = loop_reference(x, ids, mask)
        for g, name in zip(got, NAMES):
            check(bool(np.isfinite(g).all()), f"{name} is not finite for logits of magnitude 1e4 ({dtype}): use a stable log-softmax")
        compare(got, ref, dt, rtol=1e-5, atol=1e-3)


def test_batch_rows_are_independent(impl, fw):
    """Each row is computed alone: the batch result equals the rows run one at a time."""
    rng = np.random.default_rng(8)
    logits, ids, mask = make(rng, 4, 6, 5)
    got, dt = run(impl, fw, logits, ids, mask)
    for i in range(4):
        one, _ = run(impl, fw, logits[i:i + 1], ids[i:i + 1], mask[i:i + 1])
        assert_close(one[0], got[0][i:i + 1], dtype=dt, what=f"seq_logps of row {i} run alone")
        assert_close(one[1], got[1][i:i + 1], dtype=dt, what=f"token_logps of row {i} run alone")


def test_inputs_not_modified(impl, fw):
    """logits, input_ids and loss_mask are unchanged after the call."""
    rng = np.random.default_rng(9)
    logits, ids, mask = make(rng, 2, 5, 6)
    args = (fw.array(logits), fw.array(ids), fw.array(mask))
    impl.sequence_logprobs(*args, average=True)
    assert_close(fw.to_numpy(args[0], what="logits"), logits, what="logits after the call")
    check(bool((fw.to_numpy(args[1], what="input_ids") == ids).all()), "input_ids was modified by the call")
    check(bool((fw.to_numpy(args[2], what="loss_mask") == mask).all()), "loss_mask was modified by the call")


@SETTINGS
@given(b=st.integers(1, 3), t=st.integers(1, 6), v=st.integers(1, 6), average=st.booleans(),
       scale=st.sampled_from([0.1, 3.0, 50.0]), seed=st.integers(0, 2**16))
def test_matches_plain_loop_definition(impl, fw, b, t, v, average, scale, seed):
    """On many random shapes, masks and logit scales, agrees with a float64 loop over tokens."""
    rng = np.random.default_rng(seed)
    logits, ids, mask = make(rng, b, t, v, scale=scale)
    if t > 1:
        mask[:, 1] = True  # at least one counted token per row
    got, dt = run(impl, fw, logits, ids, mask, average=average)
    compare(got, loop_reference(logits, ids, mask, average=average), dt)


@pytest.mark.framework("torch")
def test_gradients_match_autograd(impl, fw):
    """torch: gradients with respect to logits equal autograd through log_softmax; 0 at the last position and at excluded tokens."""
    import torch

    rng = np.random.default_rng(10)
    logits, ids, mask = make(rng, 3, 6, 5)
    mask[:, 1] = True
    w_seq, w_tok = rng.standard_normal(3), rng.standard_normal((3, 5))
    for average in (False, True):
        mine = torch.tensor(logits, requires_grad=True)
        seq, tok = impl.sequence_logprobs(mine, torch.tensor(ids), torch.tensor(mask), average=average)
        check(isinstance(seq, torch.Tensor) and seq.requires_grad, "seq_logps is not differentiable with respect to logits (detached, or built outside torch)")
        check(isinstance(tok, torch.Tensor) and tok.requires_grad, "token_logps is not differentiable with respect to logits")
        ((seq * torch.tensor(w_seq)).sum() + (tok * torch.tensor(w_tok)).sum()).backward()
        check(mine.grad is not None, "no gradient reached logits")
        theirs = torch.tensor(logits, requires_grad=True)
        m = torch.tensor(mask[:, 1:])
        lp = torch.log_softmax(theirs[:, :-1], -1).gather(-1, torch.tensor(ids[:, 1:]).unsqueeze(-1)).squeeze(-1) * m
        s = lp.sum(-1) / m.sum(-1) if average else lp.sum(-1)
        ((s * torch.tensor(w_seq)).sum() + (lp * torch.tensor(w_tok)).sum()).backward()
        assert_close(fw.to_numpy(mine.grad), theirs.grad.numpy(), what=f"the gradient with respect to logits (average={average})")
