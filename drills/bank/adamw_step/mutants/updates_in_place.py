"""Updates param, m and v in place (torch-optimizer style): right values, but the caller's arrays are overwritten."""
import torch


def adamw_step(param, grad, m, v, step, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
    b1, b2 = betas
    if lr < 0 or eps < 0 or not (0 <= b1 < 1 and 0 <= b2 < 1) or weight_decay < 0 or step < 1:
        raise ValueError("invalid argument")
    param.mul_(1 - lr * weight_decay)
    m.mul_(b1).add_(grad, alpha=1 - b1)
    v.mul_(b2).addcmul_(grad, grad, value=1 - b2)
    denom = (v / (1 - b2**step)).sqrt_().add_(eps)
    param.addcdiv_(m, denom, value=-lr / (1 - b1**step))
    return param, m, v
