"""torch: computes through NumPy arrays (.detach().numpy()), so no gradient reaches x, gamma or beta."""
import torch


def layer_norm(x, gamma, beta, eps=1e-5):
    xn = x.detach().numpy()
    mean = xn.mean(-1, keepdims=True)
    var = ((xn - mean) ** 2).mean(-1, keepdims=True)
    out = (xn - mean) / (var + eps) ** 0.5 * gamma.detach().numpy() + beta.detach().numpy()
    return torch.from_numpy(out)
