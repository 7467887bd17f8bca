"""Does not validate adapter_ids: an id >= K raises IndexError (not ValueError) and -2 silently picks an adapter."""

import numpy as np


def _check(lora_A, lora_B, scalings, ids):
    k = len(lora_A)
    if len(lora_B) != k or len(scalings) != k:
        raise ValueError(f"got {len(lora_A)} A matrices, {len(lora_B)} B matrices and {len(scalings)} scalings; they must match")
    bad = []
    if bad:
        raise ValueError(f"adapter id {bad[0]} is outside -1..{k - 1}")


def multi_lora_forward(x, base_weight, base_bias, lora_A, lora_B, scalings, adapter_ids):
    _check(lora_A, lora_B, scalings, adapter_ids)
    if isinstance(x, np.ndarray):
        return _numpy(x, base_weight, base_bias, lora_A, lora_B, scalings, adapter_ids)
    return _torch(x, base_weight, base_bias, lora_A, lora_B, scalings, adapter_ids)


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


def _torch(x, w, b, lora_A, lora_B, scalings, ids):
    import torch
    import torch.nn.functional as F

    k, r_max = len(lora_A), max(a.shape[0] for a in lora_A)
    zero_a = x.new_zeros(r_max, w.shape[1])
    zero_b = x.new_zeros(w.shape[0], r_max)
    A = torch.stack([F.pad(a, (0, 0, 0, r_max - a.shape[0])) for a in lora_A] + [zero_a])  # (k + 1, r_max, in)
    B = torch.stack([F.pad(bb, (0, r_max - bb.shape[1])) for bb in lora_B] + [zero_b])  # (k + 1, out, r_max)
    s = torch.tensor(list(scalings) + [0.0], dtype=x.dtype, device=x.device)
    slot = torch.where(ids < 0, torch.full_like(ids, k), ids)
    h = torch.einsum("bli,bri->blr", x, A[slot])
    delta = torch.einsum("blr,bor->blo", h, B[slot]) * s[slot][:, None, None]
    y = x @ w.T + delta
    return y if b is None else y + b
