"""torch: casts x, the weights and the adapters to float32 (.float()) for float64 input too, then casts the result back: float32 accuracy in a float64 result."""

import torch


def _check(lora_A, lora_B, scalings, ids):
    k = len(lora_A)
    if len(lora_B) != k or len(scalings) != k:
        raise ValueError(f"got {len(lora_A)} A matrices, {len(lora_B)} B matrices and {len(scalings)} scalings; they must match")
    bad = [int(i) for i in ids if not -1 <= int(i) < k]
    if bad:
        raise ValueError(f"adapter id {bad[0]} is outside -1..{k - 1}")


def multi_lora_forward(x, base_weight, base_bias, lora_A, lora_B, scalings, adapter_ids):
    _check(lora_A, lora_B, scalings, adapter_ids)
    f32 = lambda a: None if a is None else a.float()  # noqa: E731
    y = _torch(f32(x), f32(base_weight), f32(base_bias), [f32(a) for a in lora_A], [f32(b) for b in lora_B], scalings, adapter_ids)
    return y.to(x.dtype)


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
