def beam_search(next_log_probs, bos_id, eos_id, beam_width, max_len, length_penalty=1.0):
    hyps = {(bos_id,): 0.0}
    finished = {}
    width = beam_width
    for _ in range(max_len):
        pool = []
        for prefix, total in hyps.items():
            scores = [float(x) for x in next_log_probs(list(prefix))]
            pool.extend((total + lp, prefix + (tok,)) for tok, lp in enumerate(scores) if lp > float("-inf"))
        pool = sorted(pool, reverse=True)[:width]
        hyps = {}
        for total, seq in pool:
            if seq[-1] == eos_id:
                finished[seq] = total
            else:
                hyps[seq] = total
        width = beam_width - len(finished)
        if not width or not hyps:
            break
    finished.update(hyps)
    out = []
    for seq, total in finished.items():
        n = len(seq) - 1
        out.append((total / n ** length_penalty, list(seq)))
    out.sort(reverse=True)
    return [(seq, s) for s, seq in out]
