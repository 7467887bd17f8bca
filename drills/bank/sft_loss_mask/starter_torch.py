import torch


def build_sft_example(segments, max_length=None):
    """(input_ids, labels) from [(role, token_ids), ...]: labels = ids on assistant segments, -100 elsewhere.

    The assistant segment ends with its end-of-turn token, which is trained. Truncate both to
    max_length (keep the beginning). ValueError for an unknown role or max_length < 1.
    """
    raise NotImplementedError("write build_sft_example here")


def sft_loss(logits, labels):
    """Mean cross-entropy of logits[:, :-1] against labels[:, 1:] over the targets that are not -100.

    logits: (B, T, V), labels: (B, T). A scalar; nan when every target is ignored.
    """
    raise NotImplementedError("write sft_loss here")
