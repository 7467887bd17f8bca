"""torch: computes through NumPy, so the result carries no gradient."""
import torch


def scaled_dot_product_attention(q, k, v, mask=None):
    qn, kn, vn = (t.detach().numpy() for t in (q, k, v))
    scores = torch.from_numpy(qn @ kn.swapaxes(-1, -2) / qn.shape[-1] ** 0.5)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=-1) @ torch.from_numpy(vn)
