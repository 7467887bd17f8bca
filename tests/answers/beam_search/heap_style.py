import heapq
import math

import numpy as np


def beam_search(next_log_probs, bos_id, eos_id, beam_width, max_len, length_penalty=1.0):
    beam = [(0.0, (bos_id,))]
    done = []
    width = beam_width
    step = 0
    while beam and width > 0 and step < max_len:
        def candidates():
            for total, toks in beam:
                row = next_log_probs(list(toks))
                for tok, lp in enumerate(row):
                    lp = float(lp)
                    if lp != -math.inf:
                        yield total + lp, toks + (tok,)
        best = heapq.nlargest(width, candidates(), key=lambda c: c[0])
        beam = [c for c in best if c[1][-1] != eos_id]
        finished_now = [c for c in best if c[1][-1] == eos_id]
        done.extend(finished_now)
        width -= len(finished_now)
        step += 1
    done.extend(beam)
    scored = [(list(toks), total / (len(toks) - 1) ** length_penalty) for total, toks in done]
    return heapq.nlargest(len(scored), scored, key=lambda r: r[1])
