"""torch: group the requests by adapter (one matmul per adapter in use), scatter the deltas back with index_add."""
import torch


def multi_lora_forward(x, base_weight, base_bias, lora_A, lora_B, scalings, adapter_ids):
    K = len(lora_A)
    if not (len(lora_B) == len(scalings) == K):
        raise ValueError("lora_A, lora_B and scalings must have the same length")
    if adapter_ids.numel() and (adapter_ids.min() < -1 or adapter_ids.max() >= K):
        raise ValueError("adapter id out of range")
    y = torch.matmul(x, base_weight.t())
    if base_bias is not None:
        y = y + base_bias
    delta = torch.zeros_like(y)
    for j in torch.unique(adapter_ids).tolist():
        if j < 0:
            continue
        rows = (adapter_ids == j).nonzero(as_tuple=True)[0]
        xj = x.index_select(0, rows)
        dj = scalings[j] * torch.matmul(torch.matmul(xj, lora_A[j].t()), lora_B[j].t())
        delta = delta.index_add(0, rows, dj)
    return y + delta
