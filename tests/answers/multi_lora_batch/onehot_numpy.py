"""NumPy: a one-hot (B, K) routing matrix weights every adapter's term; -1 rows are all zero. float64 inside."""
import numpy as np


def multi_lora_forward(x, base_weight, base_bias, lora_A, lora_B, scalings, adapter_ids):
    K = len(lora_A)
    if len(lora_B) != K or len(scalings) != K:
        raise ValueError("adapter lists of different lengths")
    ids = np.asarray(adapter_ids)
    if np.any(ids < -1) or np.any(ids >= K):
        raise ValueError("adapter id out of range")
    x64 = x.astype(np.float64)
    route = (ids[:, None] == np.arange(K)[None, :]).astype(np.float64)  # (B, K)
    y = np.einsum("bli,oi->blo", x64, base_weight.astype(np.float64))
    if base_bias is not None:
        y += base_bias
    for j in range(K):
        if not route[:, j].any():
            continue
        term = (x64 @ lora_A[j].T.astype(np.float64)) @ lora_B[j].T.astype(np.float64)
        y += scalings[j] * route[:, j][:, None, None] * term
    return y.astype(x.dtype)
