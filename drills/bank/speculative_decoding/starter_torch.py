import torch


def speculative_accept(draft_tokens, draft_probs, target_probs, generator=None):
    """Verify k drafted tokens against the target model (speculative sampling).

    draft_tokens: (..., k) integer ids x_1..x_k drawn from the draft model.
    draft_probs:  (..., k, V) the draft distributions q_1..q_k they were drawn from.
    target_probs: (..., k + 1, V) the target distributions p_1..p_(k+1) at the same positions.
    Accept x_i with probability min(1, p_i(x_i) / q_i(x_i)), stopping at the first rejection.
    Returns (n_accepted, next_token), integer arrays of shape (...,): next_token is drawn from
    norm(max(0, p - q)) at the first rejected position, or from p_(k+1) if all k were accepted.
    generator: a torch.Generator, or None for torch's default generator.
    Raises ValueError if the shapes do not match.
    """
    raise NotImplementedError("write speculative_accept here")
