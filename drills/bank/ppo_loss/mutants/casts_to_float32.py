"""Computes in float32 whatever the inputs' dtype: float64 inputs get float32 terms."""

import torch


def ppo_loss(logps, old_logps, advantages, values, old_values, returns, logits, mask,
             clip_eps=0.2, value_clip_eps=0.2, vf_coef=0.5, ent_coef=0.01):
    logps, old_logps, advantages, values, old_values, returns, logits = (
        t.float() for t in (logps, old_logps, advantages, values, old_values, returns, logits))
    m = mask.to(logps.dtype)
    count = m.sum()
    if count == 0:
        raise ValueError("mask has no True entry: nothing to average")

    def masked_mean(x):  # one mean over every valid token of the batch
        return (x * m).sum() / count

    # Clipped surrogate (Eq. 7), negated: gradient descent maximises it.
    ratio = torch.exp(logps - old_logps)
    surrogate = torch.min(ratio * advantages, torch.clamp(ratio, 1 - clip_eps, 1 + clip_eps) * advantages)
    policy_loss = -masked_mean(surrogate)

    # Clipped value loss (baselines ppo2): the worse of the plain and the clipped squared errors, times 0.5.
    values_clipped = old_values + torch.clamp(values - old_values, -value_clip_eps, value_clip_eps)
    value_loss = 0.5 * masked_mean(torch.max((values - returns) ** 2, (values_clipped - returns) ** 2))

    # Entropy of the full next-token distribution: H = logsumexp(z) - sum softmax(z) * z (stable).
    log_p = torch.log_softmax(logits, dim=-1)
    token_entropy = -(log_p.exp() * log_p).sum(dim=-1)
    entropy = masked_mean(token_entropy)

    # Eq. 9 as a loss: -(L_CLIP - c1 L_VF + c2 S)
    loss = policy_loss + vf_coef * value_loss - ent_coef * entropy
    return loss, policy_loss, value_loss, entropy
