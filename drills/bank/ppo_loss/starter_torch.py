import torch
import torch.nn.functional as F


def ppo_loss(logps, old_logps, advantages, values, old_values, returns, logits, mask,
             clip_eps=0.2, value_clip_eps=0.2, vf_coef=0.5, ent_coef=0.01):
    """PPO loss (Schulman et al., 2017, Eq. 7 and 9) with the clipped value loss of OpenAI baselines.

    logps, old_logps, advantages, values, old_values, returns, mask: (N, T); logits: (N, T, V).
    Every term is a mean over the valid (mask True) tokens of the whole batch.
    Returns (loss, policy_loss, value_loss, entropy), four 0-dim tensors, with
    loss = policy_loss + vf_coef * value_loss - ent_coef * entropy.
    """
    raise NotImplementedError("write the PPO loss here")
