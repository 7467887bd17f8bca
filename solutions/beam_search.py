"""Reference: beam search with a shrinking beam (Jurafsky & Martin, SLP3, beam search decoding),
ranked by summed log-probability during the search and by a length-penalised score at the end."""

import math

import numpy as np


def beam_search(next_log_probs, bos_id, eos_id, beam_width, max_len, length_penalty=1.0):
    live = [([bos_id], 0.0)]  # (tokens, summed log-prob); one start hypothesis, not beam_width copies
    finished = []
    width = beam_width
    for _ in range(max_len):  # at most max_len generated tokens
        candidates = []
        for tokens, total in live:
            log_probs = np.asarray(next_log_probs(tokens), dtype=np.float64)
            for token in np.flatnonzero(np.isfinite(log_probs)):  # -inf: impossible, never kept
                candidates.append((total + float(log_probs[token]), tokens + [int(token)]))
        # Pool the candidates of every live hypothesis and keep the `width` best by summed log-prob.
        candidates.sort(key=lambda c: c[0], reverse=True)
        live = []
        for total, tokens in candidates[:width]:
            if tokens[-1] == eos_id:
                finished.append((tokens, total))
                width -= 1  # each finished hypothesis takes one slot out of the beam
            else:
                live.append((tokens, total))
        if width == 0 or not live:
            break
    finished += live  # cut at max_len: they count as finished, with max_len generated tokens

    def score(total, tokens):
        return total / (len(tokens) - 1) ** length_penalty  # generated tokens: bos excluded, eos included

    results = [(tokens, score(total, tokens)) for tokens, total in finished]
    results.sort(key=lambda r: r[1], reverse=True)
    return results
