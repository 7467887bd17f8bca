"""torch.distributions.Categorical for the entropy, masked_select for the means, baselines' max of negated terms."""
import torch
from torch.distributions import Categorical


def ppo_loss(logps, old_logps, advantages, values, old_values, returns, logits, mask,
             clip_eps=0.2, value_clip_eps=0.2, vf_coef=0.5, ent_coef=0.01):
    if not bool(mask.any()):
        raise ValueError("empty mask")
    sel = lambda x: torch.masked_select(x, mask)  # noqa: E731
    ratio = torch.exp(sel(logps) - sel(old_logps))
    adv = sel(advantages)
    pg_losses = -adv * ratio
    pg_losses2 = -adv * torch.clamp(ratio, 1.0 - clip_eps, 1.0 + clip_eps)
    policy_loss = torch.maximum(pg_losses, pg_losses2).mean()
    v, ov, r = sel(values), sel(old_values), sel(returns)
    vclip = ov + (v - ov).clamp(-value_clip_eps, value_clip_eps)
    value_loss = 0.5 * torch.maximum((v - r).square(), (vclip - r).square()).mean()
    entropy = Categorical(logits=logits[mask]).entropy().mean()
    loss = policy_loss - entropy * ent_coef + value_loss * vf_coef
    return loss, policy_loss, value_loss, entropy
