"""NumPy, a loop over the k positions with an 'still verifying' mask, division p/q, Gumbel-max sampling."""
import numpy as np


def speculative_accept(draft_tokens, draft_probs, target_probs, generator=None):
    rng = generator if generator is not None else np.random.default_rng()
    k = draft_tokens.shape[-1]
    batch = draft_tokens.shape[:-1]
    V = target_probs.shape[-1]
    if draft_probs.shape != batch + (k, V) or target_probs.shape != batch + (k + 1, V):
        raise ValueError("draft_probs must be (..., k, V) and target_probs (..., k + 1, V)")
    toks = draft_tokens.reshape(-1, k)
    q = draft_probs.reshape(-1, k, V).astype(np.float64)
    p = target_probs.reshape(-1, k + 1, V).astype(np.float64)
    B = toks.shape[0]
    rows = np.arange(B)
    n = np.zeros(B, dtype=np.int64)
    alive = np.ones(B, dtype=bool)
    weights = p[:, k, :].copy()  # bonus row unless a rejection happens
    for i in range(k):
        x = toks[:, i]
        ratio = p[rows, i, x] / q[rows, i, x]
        ok = rng.random(B) < ratio
        rejected_now = alive & ~ok
        weights[rejected_now] = np.clip(p[rejected_now, i] - q[rejected_now, i], 0, None)
        n += alive & ok
        alive &= ok
    with np.errstate(divide="ignore"):
        scores = np.log(weights) + rng.gumbel(size=weights.shape)
    nxt = scores.argmax(axis=-1)
    return n.reshape(batch), nxt.reshape(batch)
