"""numpy: casts x, the weights and the adapters to float32 (astype(np.float32)) for float64 input too, then casts the result back: float32 accuracy in a float64 result."""

import numpy as np


def _check(lora_A, lora_B, scalings, ids):
    k = len(lora_A)
    if len(lora_B) != k or len(scalings) != k:
        raise ValueError(f"got {len(lora_A)} A matrices, {len(lora_B)} B matrices and {len(scalings)} scalings; they must match")
    bad = [int(i) for i in ids if not -1 <= int(i) < k]
    if bad:
        raise ValueError(f"adapter id {bad[0]} is outside -1..{k - 1}")


def multi_lora_forward(x, base_weight, base_bias, lora_A, lora_B, scalings, adapter_ids):
    _check(lora_A, lora_B, scalings, adapter_ids)
    f32 = lambda a: None if a is None else a.astype(np.float32)  # noqa: E731
    y = _numpy(f32(x), f32(base_weight), f32(base_bias), [f32(a) for a in lora_A], [f32(b) for b in lora_B], scalings, adapter_ids)
    return y.astype(x.dtype)


def _numpy(x, w, b, lora_A, lora_B, scalings, ids):
    k, r_max = len(lora_A), max(a.shape[0] for a in lora_A)
    n_out, n_in = w.shape
    # slot k is the "no adapter" slot: all zeros. Ranks are padded with zeros (exact: they add nothing).
    A = np.zeros((k + 1, r_max, n_in), dtype=x.dtype)
    B = np.zeros((k + 1, n_out, r_max), dtype=x.dtype)
    s = np.zeros(k + 1, dtype=x.dtype)
    for j, (a, bb, sc) in enumerate(zip(lora_A, lora_B, scalings)):
        A[j, : a.shape[0]] = a
        B[j, :, : a.shape[0]] = bb
        s[j] = sc
    slot = np.where(ids < 0, k, ids)  # never index with -1: that is the last adapter in Python
    h = np.einsum("bli,bri->blr", x, A[slot])  # gather each request's A, then (B, L, r_max)
    delta = np.einsum("blr,bor->blo", h, B[slot]) * s[slot][:, None, None]
    y = x @ w.T + delta  # the base part is one matmul for the whole batch
    return y if b is None else y + b

