"""Hidden suite for `sft_loss_mask`: build_sft_example (plain Python lists in) and sft_loss (the user's framework).

Conventions (stated in the prompt): the assistant segment includes its end-of-turn token, which is
trained; right truncation; logits[:, t] predicts labels[:, t + 1]; token-level mean over the batch;
nan when every target is ignored.
"""

import copy
import math

import numpy as np
import pytest
from hypothesis import Phase, given, settings, strategies as st

from postprep.drills.harness import assert_close, assert_equal, check, fail

SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=30,
                    phases=[Phase.explicit, Phase.generate])  # no shrinking: a wrong answer fails fast
ORDER = ["float16", "bfloat16", "float32", "float64"]
ROLES = ["system", "user", "assistant", "tool", "template"]
EXAMPLE = [("template", [1, 5, 10]), ("user", [20, 21, 22]), ("template", [2, 10, 1, 6, 10]),
           ("assistant", [30, 31, 2]), ("template", [10])]


# ---------------------------------------------------------------- build_sft_example


def build_reference(segments, max_length=None):
    ids, labels = [], []
    for role, toks in segments:
        for tok in toks:
            ids.append(tok)
            labels.append(tok if role == "assistant" else -100)
    if max_length is not None:
        ids, labels = ids[:max_length], labels[:max_length]
    return ids, labels


def as_int_list(value, what):
    """A list of Python ints from a list, tuple, NumPy array or tensor of integers."""
    if hasattr(value, "tolist") and not isinstance(value, (list, tuple)):
        value = value.tolist()
    if not isinstance(value, (list, tuple)):
        fail(f"{what} is {type(value).__name__}; expected a sequence of ints")
    out = []
    for v in value:
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            fail(f"{what} contains {v!r} of type {type(v).__name__}; expected ints")
        out.append(int(v))
    return out


def build(impl, segments, max_length="default"):
    given_ = copy.deepcopy(segments)
    out = impl.build_sft_example(given_) if max_length == "default" else impl.build_sft_example(given_, max_length)
    check(isinstance(out, (tuple, list)) and len(out) == 2,
          f"build_sft_example returned {type(out).__name__}; expected a pair (input_ids, labels)")
    ids, labels = as_int_list(out[0], "input_ids"), as_int_list(out[1], "labels")
    check(len(ids) == len(labels), f"input_ids has {len(ids)} tokens but labels has {len(labels)}; they must have the same length")
    return ids, labels


def compare_build(got, expected, case):
    assert_equal(np.array(got[0], dtype=np.int64), np.array(expected[0], dtype=np.int64), what=f"input_ids ({case})")
    assert_equal(np.array(got[1], dtype=np.int64), np.array(expected[1], dtype=np.int64), what=f"labels ({case})")


def test_build_worked_example(impl):
    """The prompt's example: only the assistant reply and its end-of-turn token are trained; max_length=13 cuts the reply."""
    compare_build(build(impl, EXAMPLE), build_reference(EXAMPLE), "the worked example")
    compare_build(build(impl, EXAMPLE, 13), build_reference(EXAMPLE, 13), "the worked example with max_length=13")


def test_build_every_role(impl):
    """system, user, tool and template tokens get -100; assistant tokens (end-of-turn included) keep their ids, over several turns."""
    segments = [("template", [1, 3, 10]), ("system", [40, 41]), ("template", [2, 10, 1, 5, 10]), ("user", [50, 51, 52]),
                ("template", [2, 10, 1, 6, 10]), ("assistant", [60, 61, 62, 2]), ("template", [10, 1, 7, 10]),
                ("tool", [70, 71]), ("template", [2, 10, 1, 6, 10]), ("assistant", [80, 2]), ("template", [10])]
    compare_build(build(impl, segments), build_reference(segments), "a multi-turn conversation with system, user, tool and two assistant turns")


def test_build_end_of_turn_is_trained(impl):
    """The last id of each assistant segment (its end-of-turn token) is trained, though the same id elsewhere is not."""
    segments = [("user", [5, 2]), ("assistant", [7, 2]), ("template", [2])]
    _, labels = build(impl, segments)
    check(labels[3] == 2, f"the assistant's end-of-turn token got label {labels[3]}; it is part of the reply and must be trained (label 2)")
    check(labels[1] == -100 and labels[4] == -100, "the same id outside the assistant segment must get -100")


def test_build_truncation(impl):
    """max_length keeps the first tokens of both lists; None or a larger value changes nothing."""
    segments = [("system", [1, 2, 3]), ("user", [4, 5]), ("assistant", [6, 7, 8, 9])]
    for m in (1, 3, 5, 7, 8, 9, 100, None):
        compare_build(build(impl, segments, m), build_reference(segments, m), f"max_length={m}")
    compare_build(build(impl, segments), build_reference(segments), "max_length left at its default")


def test_build_empty_segments(impl):
    """Empty segments (and an empty conversation) contribute no tokens."""
    segments = [("system", []), ("user", [3]), ("assistant", []), ("template", [4]), ("assistant", [5, 6])]
    compare_build(build(impl, segments), build_reference(segments), "a conversation with empty segments")
    compare_build(build(impl, []), ([], []), "an empty conversation")


def test_build_errors(impl):
    """ValueError for an unknown role (e.g. 'bot', 'Assistant') and for max_length < 1."""
    for role in ("bot", "Assistant", "function", ""):
        with pytest.raises(ValueError):
            impl.build_sft_example([("user", [1, 2]), (role, [3])])
    for m in (0, -1):
        with pytest.raises(ValueError):
            impl.build_sft_example([("user", [1]), ("assistant", [2])], m)


def test_build_does_not_modify_segments(impl):
    """The segments list and its token lists are unchanged after the call."""
    segments = [("user", [1, 2, 3]), ("assistant", [4, 5, 2]), ("template", [9])]
    original = copy.deepcopy(segments)
    impl.build_sft_example(segments, 4)
    check(segments == original, "build_sft_example modified the segments it was given")


segment_strategy = st.lists(st.tuples(st.sampled_from(ROLES), st.lists(st.integers(0, 500), max_size=5)), max_size=7)


@settings(SETTINGS, max_examples=20)
@given(segments=segment_strategy, max_length=st.one_of(st.none(), st.integers(1, 25)))
def test_build_matches_definition(impl, segments, max_length):
    """On many random conversations and max_length values, agrees with the table token by token."""
    compare_build(build(impl, segments, max_length), build_reference(segments, max_length), f"segments={segments}, max_length={max_length}")


# ---------------------------------------------------------------- sft_loss


def loss_reference(logits, labels):
    """The definition in float64, one target at a time."""
    logits = np.asarray(logits, dtype=np.float64)
    total, count = 0.0, 0
    for b in range(labels.shape[0]):
        for t in range(1, labels.shape[1]):
            y = int(labels[b, t])
            if y == -100:
                continue
            x = logits[b, t - 1]
            top = x.max()
            total += top + math.log(np.exp(x - top).sum()) - x[y]
            count += 1
    return total / count if count else math.nan


def lower_precision(a, b):
    return min(a, b, key=lambda d: ORDER.index(d) if d in ORDER else 3)


def loss(impl, fw, logits, labels, dtype="float64"):
    out = impl.sft_loss(fw.array(logits, dtype), fw.array(np.asarray(labels, dtype=np.int64)))
    got = fw.to_numpy(out, what="sft_loss's result")
    check(got.shape == (), f"sft_loss returned shape {tuple(got.shape)}; expected a scalar (the mean over the batch)")
    dt = lower_precision(dtype, fw.dtype_name(out)) if hasattr(out, "dtype") else dtype
    return got, dt


def make(rng, b, t, v, scale=2.0, p=0.6):
    logits = rng.standard_normal((b, t, v)) * scale
    labels = np.where(rng.random((b, t)) < p, rng.integers(0, v, size=(b, t)), -100)
    return logits, labels


def test_loss_worked_example(impl, fw):
    """The prompt's example: 0.39549474, and nan when every target is -100."""
    logits = np.array([[[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 1.0], [3.0, 0.0, 0.0]]])
    got, dt = loss(impl, fw, logits, np.array([[-100, -100, 1, 2]]))
    assert_close(got, 0.39549474006, dtype=dt, rtol=1e-7, atol=1e-8, what="sft_loss on the worked example")
    got, _ = loss(impl, fw, logits, np.full((1, 4), -100))
    check(bool(np.isnan(got)), f"sft_loss with every target ignored returned {float(got)!r}; expected nan (0 / 0, like PyTorch's mean)")


def test_loss_is_shifted(impl, fw):
    """logits[:, t] predicts labels[:, t + 1]: a model that puts all mass on the next label has loss about 0."""
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 6, size=(2, 7))
    labels[:, :2] = -100
    logits = np.zeros((2, 7, 6))
    for b in range(2):
        for t in range(6):
            if labels[b, t + 1] != -100:
                logits[b, t, labels[b, t + 1]] = 30.0
    got, dt = loss(impl, fw, logits, labels)
    check(bool(got < 1e-6), f"sft_loss is {float(got):.4g} for logits that predict each next label with probability ~1; "
          "compare logits[:, :-1] with labels[:, 1:]")
    assert_close(got, loss_reference(logits, labels), dtype=dt, atol=1e-9)


def test_loss_ignores_masked_targets(impl, fw):
    """Changing the logits at positions whose next target is -100 does not change the loss (no loss from prompt tokens)."""
    rng = np.random.default_rng(1)
    logits, labels = make(rng, 3, 8, 5)
    labels[:, :4] = -100
    labels[:, 4:] = rng.integers(0, 5, size=(3, 4))
    got, dt = loss(impl, fw, logits, labels)
    changed = logits.copy()
    changed[:, :3] = rng.standard_normal((3, 3, 5)) * 20  # their targets 1..3 are ignored
    changed[:, 7] = 99.0  # the last position predicts nothing
    got2, _ = loss(impl, fw, changed, labels)
    assert_close(got2, got, dtype=dt, what="sft_loss after changing logits whose targets are ignored")
    assert_close(got, loss_reference(logits, labels), dtype=dt)


def test_user_tokens_never_reach_the_loss(impl, fw):
    """Conversations that differ only in the user's tokens give identical labels and the same loss."""
    rng = np.random.default_rng(2)
    a = [("template", [1, 5]), ("user", [20, 21, 22]), ("template", [2, 1, 6]), ("assistant", [30, 31, 2])]
    b = [("template", [1, 5]), ("user", [7, 8, 9]), ("template", [2, 1, 6]), ("assistant", [30, 31, 2])]
    (_, la), (_, lb) = build(impl, a), build(impl, b)
    assert_equal(np.array(lb), np.array(la), what="the labels of two conversations that differ only in the user's tokens")
    logits = rng.standard_normal((1, len(la), 40))
    got_a, dt = loss(impl, fw, logits, np.array([la]))
    got_b, _ = loss(impl, fw, logits, np.array([lb]))
    assert_close(got_b, got_a, dtype=dt, what="the loss of the conversation with other user tokens")
    assert_close(got_a, loss_reference(logits, np.array([la])), dtype=dt)


def test_token_level_mean_over_the_batch(impl, fw):
    """Rows with different numbers of targets: the loss is the mean over all targets of the batch, not the mean of row means."""
    rng = np.random.default_rng(3)
    logits = rng.standard_normal((3, 9, 4)) * 2
    labels = np.full((3, 9), -100)
    labels[0, 8] = 1
    labels[1, 3:] = rng.integers(0, 4, size=6)
    labels[2, 5:7] = [0, 3]
    got, dt = loss(impl, fw, logits, labels)
    assert_close(got, loss_reference(logits, labels), dtype=dt)


def test_loss_float32_and_large_logits(impl, fw):
    """float32 inputs are accurate to float32 precision; logits of magnitude 1e4 give a finite, exact loss."""
    rng = np.random.default_rng(4)
    logits, labels = make(rng, 3, 6, 7)
    labels[:, 2] = 3
    x = logits.astype(np.float32).astype(np.float64)
    got, dt = loss(impl, fw, x, labels, dtype="float32")
    assert_close(got, loss_reference(x, labels), dtype=dt, rtol=1e-5, atol=1e-5)
    for dtype in ("float64", "float32"):
        big = (logits * 5e3).astype(dtype).astype(np.float64)
        got, dt = loss(impl, fw, big, labels, dtype=dtype)
        check(bool(np.isfinite(got)), f"sft_loss is {float(got)} for logits of magnitude 1e4 ({dtype}); use a stable log-softmax")
        assert_close(got, loss_reference(big, labels), dtype=dt, rtol=1e-5, atol=1e-3)


def test_loss_float64_keeps_float64_precision(impl, fw):
    """float64 logits are computed in float64: the loss matches the definition to ~1e-10, not float32's ~1e-7."""
    rng = np.random.default_rng(31)
    logits, labels = make(rng, 4, 16, 50, scale=30.0)
    labels[0, -1] = 3  # at least one target
    got, _ = loss(impl, fw, logits, labels)
    assert_close(got, loss_reference(logits, labels), rtol=1e-10, atol=1e-12,
                 what="sft_loss on float64 logits (a float32 computation or result is off by about 1e-7)")


def test_loss_inputs_not_modified(impl, fw):
    """logits and labels are unchanged after the call."""
    rng = np.random.default_rng(5)
    logits, labels = make(rng, 2, 5, 4)
    x, y = fw.array(logits), fw.array(labels)
    impl.sft_loss(x, y)
    assert_close(fw.to_numpy(x, what="logits"), logits, what="logits after the call")
    check(bool((fw.to_numpy(y, what="labels") == labels).all()), "labels were modified by the call (replace -100 in a copy)")


@SETTINGS
@given(b=st.integers(1, 3), t=st.integers(2, 7), v=st.integers(1, 6), scale=st.sampled_from([0.1, 3.0, 40.0]),
       seed=st.integers(0, 2**16))
def test_loss_matches_definition(impl, fw, b, t, v, scale, seed):
    """On many random batches and label masks, agrees with a float64 loop over the non-ignored targets."""
    rng = np.random.default_rng(seed)
    logits, labels = make(rng, b, t, v, scale=scale)
    labels[0, -1] = 0  # at least one target
    got, dt = loss(impl, fw, logits, labels)
    assert_close(got, loss_reference(logits, labels), dtype=dt)


@pytest.mark.framework("torch")
def test_loss_gradients(impl, fw):
    """torch: the gradient with respect to logits equals autograd through log_softmax, and is 0 where the target is ignored."""
    import torch

    rng = np.random.default_rng(6)
    logits, labels = make(rng, 3, 6, 5)
    labels[:, 3] = 2
    mine = torch.tensor(logits, requires_grad=True)
    out = impl.sft_loss(mine, torch.tensor(labels))
    check(isinstance(out, torch.Tensor) and out.requires_grad, "sft_loss's result is not differentiable with respect to logits")
    out.backward()
    check(mine.grad is not None, "no gradient reached logits")
    theirs = torch.tensor(logits, requires_grad=True)
    y = torch.tensor(labels[:, 1:])
    keep = y != -100
    nll = -torch.log_softmax(theirs[:, :-1], -1).gather(-1, y.clamp(min=0).unsqueeze(-1)).squeeze(-1)
    ((nll * keep).sum() / keep.sum()).backward()
    assert_close(fw.to_numpy(mine.grad), theirs.grad.numpy(), what="the gradient with respect to logits")
