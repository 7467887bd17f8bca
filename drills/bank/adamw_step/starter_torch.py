import torch


def adamw_step(param, grad, m, v, step, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
    """One AdamW update, as torch.optim.AdamW does it, with the optimizer state passed explicitly.

    param, grad, m, v: arrays of the same shape; m, v are the moments after step - 1 (zeros at first).
    step: the number of this update, 1 on the first call.
    Returns (new_param, new_m, new_v); the inputs are not modified.
    """
    raise NotImplementedError("write the AdamW update here")
