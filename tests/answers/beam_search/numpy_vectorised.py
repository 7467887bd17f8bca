import numpy as np


def beam_search(next_log_probs, bos_id, eos_id, beam_width, max_len, length_penalty=1.0):
    seqs = np.array([[bos_id]], dtype=np.int64)        # (n_live, t)
    totals = np.zeros(1)                               # (n_live,)
    out_seqs, out_totals = [], []
    width = beam_width
    for _ in range(max_len):
        rows = np.stack([np.asarray(next_log_probs(s.tolist()), dtype=np.float64) for s in seqs])
        cand = totals[:, None] + rows                  # (n_live, V)
        flat = cand.ravel()
        order = np.argsort(-flat, kind="stable")[:width]
        order = order[np.isfinite(flat[order])]
        parent, token = np.divmod(order, rows.shape[1])
        new_seqs = np.concatenate([seqs[parent], token[:, None]], axis=1)
        new_totals = flat[order]
        ended = token == eos_id
        out_seqs += list(new_seqs[ended])
        out_totals += list(new_totals[ended])
        width -= int(ended.sum())
        seqs, totals = new_seqs[~ended], new_totals[~ended]
        if width == 0 or len(seqs) == 0:
            break
    out_seqs += list(seqs)
    out_totals += list(totals)
    lengths = np.array([len(s) - 1 for s in out_seqs], dtype=np.float64)
    scores = np.array(out_totals, dtype=np.float64) / lengths ** length_penalty
    rank = np.argsort(-scores, kind="stable")
    return [(out_seqs[i].tolist(), float(scores[i])) for i in rank]
