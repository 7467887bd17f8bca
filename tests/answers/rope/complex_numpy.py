"""NumPy with complex numbers (Meta's view_as_complex idea) and a permutation for the half convention."""
import numpy as np


def _rotate_pairs(x, positions, base):
    d = x.shape[-1]
    z = x[..., 0::2].astype(np.complex128) + 1j * x[..., 1::2]
    freqs = np.exp(1j * np.outer(positions, 1.0 / base ** (np.arange(0, d, 2) / d)))
    z = z * freqs
    out = np.empty(x.shape, dtype=x.dtype)
    out[..., 0::2], out[..., 1::2] = z.real, z.imag
    return out


def rope(x, convention, positions=None, base=10000.0):
    d = x.shape[-1]
    if d % 2 != 0:
        raise ValueError("odd feature size")
    positions = np.arange(x.shape[-2]) if positions is None else np.asarray(positions, dtype=np.float64)
    if convention == "interleaved":
        return _rotate_pairs(x, positions, base)
    if convention == "half":
        h = d // 2
        order = np.ravel(np.column_stack([np.arange(h), np.arange(h, d)]))  # x0, x_h, x1, x_{h+1}, ...
        rotated = _rotate_pairs(x[..., order], positions, base)
        out = np.empty_like(rotated)
        out[..., order] = rotated
        return out
    raise ValueError(f"unknown convention {convention}")
