import torch


def layer_norm(x, gamma, beta, eps=1e-5):
    D = x.shape[-1]
    mu = x.sum(dim=-1, keepdim=True) / D
    c = x - mu
    var = (c ** 2).sum(dim=-1, keepdim=True) / D
    return torch.addcmul(beta, c * torch.rsqrt(var + eps), gamma)
