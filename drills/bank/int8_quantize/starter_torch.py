import torch


def quantize_int8(w, per_channel=True):
    """Symmetric absmax int8: scale = absmax / 127 per row (shape (rows, 1)) or per tensor (0-d).

    Returns (q int8 in [-127, 127], scale of w's dtype); an all-zero row/tensor has scale 1.
    """
    raise NotImplementedError("write the quantizer here")


def dequantize_int8(q, scale):
    """q * scale, as floats of scale's dtype."""
    raise NotImplementedError("write the dequantizer here")
