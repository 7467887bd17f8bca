"""Stops verifying a prompt's candidates once k unique survivors are found (saves verifier calls, but the counts and the once-per-candidate rule break)."""


def rejection_sample(prompts, candidates, verify, k):
    if not isinstance(k, int) or k < 1:
        raise ValueError("k")
    if len(prompts) != len(candidates):
        raise ValueError("lengths")
    data, report = [], []
    for prompt, completions in zip(prompts, candidates):
        verified, seen, unique = [], set(), []
        for c in completions:
            if len(unique) == k:
                break
            if not verify(prompt, c):
                continue
            verified.append(c)
            key = " ".join(c.split())
            if key not in seen:
                seen.add(key)
                unique.append(c)
        kept = unique[:k]
        data.extend((prompt, c) for c in kept)
        report.append({"candidates": len(completions), "verified": len(verified),
                       "unique": len(unique), "kept": len(kept)})
    return data, report
