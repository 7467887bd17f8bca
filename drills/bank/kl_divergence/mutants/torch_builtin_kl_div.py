"""torch: calls the forbidden built-in kl_div through getattr."""
import torch


def kl_categorical(logp, logq):
    kl_div = getattr(torch.nn.functional, "kl" + "_div")
    return kl_div(logq, logp, reduction="none", log_target=True).sum(-1)


def kl_estimators(logp_x, logq_x):
    lr = logq_x - logp_x
    return -lr, 0.5 * lr * lr, torch.expm1(lr) - lr
