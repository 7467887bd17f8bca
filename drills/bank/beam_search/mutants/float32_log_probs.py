"""Keeps the log-probs and the running sums in float32 (np.asarray(..., dtype=np.float32)), although the model gives float64: scores are float32 sums returned as floats, off by about 1e-7 relative."""
import numpy as np


def beam_search(next_log_probs, bos_id, eos_id, beam_width, max_len, length_penalty=1.0):
    live = [([bos_id], np.float32(0.0))]
    finished = []
    width = beam_width
    for _ in range(max_len):
        candidates = []
        for tokens, total in live:
            log_probs = np.asarray(next_log_probs(tokens), dtype=np.float32)
            for token in np.flatnonzero(np.isfinite(log_probs)):
                candidates.append((total + log_probs[token], tokens + [int(token)]))
        candidates.sort(key=lambda c: c[0], reverse=True)
        live = []
        for total, tokens in candidates[:width]:
            if tokens[-1] == eos_id:
                finished.append((tokens, total))
                width -= 1
            else:
                live.append((tokens, total))
        if width == 0 or not live:
            break
    finished += live
    results = [(tokens, float(total / np.float32(len(tokens) - 1) ** np.float32(length_penalty))) for tokens, total in finished]
    results.sort(key=lambda r: r[1], reverse=True)
    return results
