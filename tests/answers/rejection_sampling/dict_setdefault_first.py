def rejection_sample(prompts, candidates, verify, k):
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError("k")
    if len(prompts) != len(candidates):
        raise ValueError("lengths")
    data, report = [], []
    for p, cands in zip(prompts, candidates):
        accepted = [c for c in cands if verify(p, c)]
        uniq = {}
        for c in accepted:
            uniq.setdefault(" ".join(c.split()), c)
        kept = list(uniq.values())[:k]
        data.extend((p, c) for c in kept)
        report.append({"candidates": len(cands), "verified": len(accepted),
                       "unique": len(uniq), "kept": len(kept)})
    return data, report
