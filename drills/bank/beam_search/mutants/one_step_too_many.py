"""Off by one on max_len: runs max_len + 1 steps, generating one token too many."""
import numpy as np


def beam_search(next_log_probs, bos_id, eos_id, beam_width, max_len, length_penalty=1.0):
    live = [([bos_id], 0.0)]
    finished = []
    width = beam_width
    for _ in range(max_len + 1):
        cands = []
        for toks, s in live:
            lp = np.asarray(next_log_probs(toks), dtype=float)
            cands += [(s + lp[t], toks + [t]) for t in range(len(lp)) if lp[t] > -np.inf]
        cands.sort(key=lambda c: c[0], reverse=True)
        live = []
        for s, toks in cands[:width]:
            if toks[-1] == eos_id:
                finished.append((toks, s))
                width -= 1
            else:
                live.append((toks, s))
        if width == 0 or not live:
            break
    finished += live
    out = [(toks, s / (len(toks) - 1) ** length_penalty) for toks, s in finished]
    return sorted(out, key=lambda r: r[1], reverse=True)
