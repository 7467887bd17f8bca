"""Multiplies probabilities along the hypothesis instead of summing log-probs: products underflow to 0."""
import numpy as np


def beam_search(next_log_probs, bos_id, eos_id, beam_width, max_len, length_penalty=1.0):
    live = [([bos_id], 1.0)]
    finished = []
    width = beam_width
    for _ in range(max_len):
        cands = []
        for toks, p in live:
            probs = np.exp(np.asarray(next_log_probs(toks), dtype=float))
            cands += [(p * probs[t], toks + [t]) for t in range(len(probs)) if probs[t] > 0]
        cands.sort(key=lambda c: c[0], reverse=True)
        live = []
        for p, toks in cands[:width]:
            if toks[-1] == eos_id:
                finished.append((toks, p))
                width -= 1
            else:
                live.append((toks, p))
        if width == 0 or not live:
            break
    finished += live
    with np.errstate(divide="ignore"):
        out = [(toks, float(np.log(p)) / (len(toks) - 1) ** length_penalty) for toks, p in finished]
    return sorted(out, key=lambda r: r[1], reverse=True)
