"""torch: computes through NumPy arrays (.detach().numpy()), so no gradient reaches x or weight."""
import torch


def rms_norm(x, weight, eps=1e-6):
    xn = x.detach().numpy()
    out = xn / ((xn * xn).mean(-1, keepdims=True) + eps) ** 0.5 * weight.detach().numpy()
    return torch.from_numpy(out)
