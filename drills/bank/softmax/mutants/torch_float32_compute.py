"""torch: upcasts to float32 as model code does for float16 (x.float()), applied to float64 input too, then casts back: float32 accuracy in a float64 result."""
import torch


def softmax(x, axis=-1, temperature=1.0):
    if temperature <= 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    z = x.float() / temperature
    z = z - z.amax(dim=axis, keepdim=True)
    e = z.exp()
    return (e / e.sum(dim=axis, keepdim=True)).to(x.dtype)
