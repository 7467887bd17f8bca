"""Stacks the K adapters and indexes them with the ids directly: -1 silently selects the last adapter."""
import numpy as np


def multi_lora_forward(x, base_weight, base_bias, lora_A, lora_B, scalings, adapter_ids):
    k = len(lora_A)
    if len(lora_B) != k or len(scalings) != k:
        raise ValueError("lengths differ")
    if ((adapter_ids < -1) | (adapter_ids >= k)).any():
        raise ValueError("bad id")
    r_max = max(a.shape[0] for a in lora_A)
    n_out, n_in = base_weight.shape
    A = np.zeros((k, r_max, n_in), dtype=x.dtype)
    B = np.zeros((k, n_out, r_max), dtype=x.dtype)
    for j, (a, b) in enumerate(zip(lora_A, lora_B)):
        A[j, : a.shape[0]] = a
        B[j, :, : a.shape[0]] = b
    s = np.asarray(scalings, dtype=x.dtype)
    h = np.einsum("bli,bri->blr", x, A[adapter_ids])
    delta = np.einsum("blr,bor->blo", h, B[adapter_ids]) * s[adapter_ids][:, None, None]
    y = x @ base_weight.T + delta
    return y if base_bias is None else y + base_bias
