import torch


def multi_lora_forward(x, base_weight, base_bias, lora_A, lora_B, scalings, adapter_ids):
    if not (len(lora_A) == len(lora_B) == len(scalings)):
        raise ValueError("adapter lists differ in length")
    K = len(lora_A)
    if bool((adapter_ids < -1).any()) or bool((adapter_ids >= K).any()):
        raise ValueError("bad adapter id")
    y = torch.nn.functional.linear(x, base_weight, base_bias)
    parts = []
    for j in range(K):
        sel = (adapter_ids == j).nonzero(as_tuple=True)[0]
        if sel.numel() == 0:
            continue
        xs = x[sel]
        delta = scalings[j] * ((xs @ lora_A[j].T) @ lora_B[j].T)
        parts.append((sel, delta))
    out = y
    for sel, delta in parts:
        out = out.index_add(0, sel, delta)
    return out
