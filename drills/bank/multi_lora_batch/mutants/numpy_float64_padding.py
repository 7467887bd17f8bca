"""numpy: pads the gathered adapters in np.zeros' default float64, so float32 input returns a float64 result."""
import numpy as np


def multi_lora_forward(x, base_weight, base_bias, lora_A, lora_B, scalings, adapter_ids):
    K = len(lora_A)
    if len(lora_B) != K or len(scalings) != K:
        raise ValueError("lora_A, lora_B, scalings lengths differ")
    ids = np.asarray(adapter_ids).astype(np.int64)
    if ids.size and (ids.min() < -1 or ids.max() >= K):
        raise ValueError("adapter id out of range")
    dt = x.dtype
    n_in, n_out = base_weight.shape[1], base_weight.shape[0]
    rmax = max(a.shape[0] for a in lora_A)
    A = np.zeros((K + 1, rmax, n_in), dtype=np.float64)   # slot K: the null adapter
    Bm = np.zeros((K + 1, n_out, rmax))
    for j in range(K):
        r = lora_A[j].shape[0]
        A[j, :r] = lora_A[j]
        Bm[j, :, :r] = lora_B[j] * scalings[j]
    idx = np.where(ids == -1, K, ids)
    y = x @ base_weight.T
    if base_bias is not None:
        y = y + base_bias
    xa = np.einsum("bli,bri->blr", x, A[idx])
    y = y + np.einsum("blr,bor->blo", xa, Bm[idx])
    return y
