"""torch: computes through NumPy arrays (.detach().numpy()), so no gradient reaches the inputs."""
import torch


def swiglu_ffn(x, w1, v, w2):
    xn, w1n, vn, w2n = (t.detach().numpy() for t in (x, w1, v, w2))
    a = torch.from_numpy(xn @ w1n)
    return torch.from_numpy(((a * torch.sigmoid(a)).numpy() * (xn @ vn)) @ w2n)
