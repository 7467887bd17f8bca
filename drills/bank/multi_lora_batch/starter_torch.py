import torch


def multi_lora_forward(x, base_weight, base_bias, lora_A, lora_B, scalings, adapter_ids):
    """y[b] = x[b] W^T + bias + scalings[j] * (x[b] A_j^T) B_j^T with j = adapter_ids[b]; j = -1: no adapter.

    x: (B, L, in); base_weight: (out, in); base_bias: (out,) or None; lora_A[j]: (r_j, in);
    lora_B[j]: (out, r_j); scalings[j]: float; adapter_ids: (B,) ints in -1..K-1. Returns (B, L, out).
    """
    raise NotImplementedError("write the multi-LoRA forward here")
