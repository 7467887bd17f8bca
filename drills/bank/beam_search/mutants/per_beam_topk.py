"""Takes the top `width` tokens of each live hypothesis separately and keeps them all, instead of
the `width` best candidates pooled over every hypothesis."""
import numpy as np


def beam_search(next_log_probs, bos_id, eos_id, beam_width, max_len, length_penalty=1.0):
    live = [([bos_id], 0.0)]
    finished = []
    width = beam_width
    for _ in range(max_len):
        kept = []
        for toks, s in live:
            lp = np.asarray(next_log_probs(toks), dtype=float)
            best = [t for t in np.argsort(-lp)[:width] if lp[t] > -np.inf]
            kept += [(s + lp[t], toks + [int(t)]) for t in best]
        live = []
        done = 0
        for s, toks in kept:
            if toks[-1] == eos_id:
                finished.append((toks, s))
                done += 1
            else:
                live.append((toks, s))
        width -= done
        if width <= 0 or not live:
            break
    finished += live
    out = [(toks, s / (len(toks) - 1) ** length_penalty) for toks, s in finished]
    return sorted(out, key=lambda r: r[1], reverse=True)
