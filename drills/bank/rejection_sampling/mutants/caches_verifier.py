"""Caches verdicts per distinct text: a repeated candidate is verified only once."""


def rejection_sample(prompts, candidates, verify, k):
    if not isinstance(k, int) or k < 1:
        raise ValueError("k")
    if len(prompts) != len(candidates):
        raise ValueError("lengths")
    data, report = [], []
    for prompt, completions in zip(prompts, candidates):
        cache = {}
        verified = []
        for c in completions:
            if c not in cache:
                cache[c] = verify(prompt, c)
            if cache[c]:
                verified.append(c)
        seen, unique = set(), []
        for c in verified:
            key = " ".join(c.split())
            if key not in seen:
                seen.add(key)
                unique.append(c)
        kept = unique[:k]
        data.extend((prompt, c) for c in kept)
        report.append({"candidates": len(completions), "verified": len(verified),
                       "unique": len(unique), "kept": len(kept)})
    return data, report
