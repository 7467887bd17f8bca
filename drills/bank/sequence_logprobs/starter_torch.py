import torch


def sequence_logprobs(logits, input_ids, loss_mask, average=False):
    """Log-probs of each next token (logits at t score token t + 1), masked, summed per sequence.

    logits: (B, T, V), input_ids: (B, T) ints, loss_mask: (B, T) bool (aligned with input_ids).
    Returns (seq_logps (B,), token_logps (B, T - 1)); average=True divides the sum by the count.
    """
    raise NotImplementedError("write sequence_logprobs here")
