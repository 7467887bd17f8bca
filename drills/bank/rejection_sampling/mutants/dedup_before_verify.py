"""Deduplicates all candidates first and verifies only the first copy of each text: a rejected first copy removes later accepted ones."""


def rejection_sample(prompts, candidates, verify, k):
    if not isinstance(k, int) or k < 1:
        raise ValueError("k")
    if len(prompts) != len(candidates):
        raise ValueError("lengths")
    data, report = [], []
    for prompt, completions in zip(prompts, candidates):
        seen, firsts = set(), []
        for c in completions:
            key = " ".join(c.split())
            if key not in seen:
                seen.add(key)
                firsts.append(c)
        unique = [c for c in firsts if verify(prompt, c)]
        verified = unique
        kept = unique[:k]
        data.extend((prompt, c) for c in kept)
        report.append({"candidates": len(completions), "verified": len(verified),
                       "unique": len(unique), "kept": len(kept)})
    return data, report
