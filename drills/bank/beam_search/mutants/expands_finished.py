"""Leaves finished hypotheses in the beam and keeps expanding them (calls the model past eos)."""
import numpy as np


def beam_search(next_log_probs, bos_id, eos_id, beam_width, max_len, length_penalty=1.0):
    beam = [([bos_id], 0.0)]
    for _ in range(max_len):
        cands = []
        for toks, s in beam:
            lp = np.asarray(next_log_probs(toks), dtype=float)
            cands += [(s + lp[t], toks + [t]) for t in range(len(lp)) if lp[t] > -np.inf]
        cands.sort(key=lambda c: c[0], reverse=True)
        beam = [(toks, s) for s, toks in cands[:beam_width]]
    out = []
    for toks, s in beam:
        if eos_id in toks:  # cut everything after the first eos
            k = toks.index(eos_id)
            toks = toks[: k + 1]
        out.append((toks, s / (len(toks) - 1) ** length_penalty))
    return sorted(out, key=lambda r: r[1], reverse=True)
