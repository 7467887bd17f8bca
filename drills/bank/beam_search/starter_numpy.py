import numpy as np


def beam_search(next_log_probs, bos_id, eos_id, beam_width, max_len, length_penalty=1.0):
    """Beam search with a shrinking beam.

    next_log_probs(prefix: list[int]) -> 1-D NumPy array of next-token log-probs (vocab size).
    Returns [(tokens, score), ...], best score first; tokens start with bos_id;
    score = summed log-prob / (generated tokens, eos included) ** length_penalty.
    """
    raise NotImplementedError("write beam search here")
