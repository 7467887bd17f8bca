"""The cap keeps the last k unique survivors instead of the first k."""


def rejection_sample(prompts, candidates, verify, k):
    if not isinstance(k, int) or k < 1:
        raise ValueError("k")
    if len(prompts) != len(candidates):
        raise ValueError("lengths")
    data, report = [], []
    for prompt, completions in zip(prompts, candidates):
        verified = [c for c in completions if verify(prompt, c)]
        seen, unique = set(), []
        for c in verified:
            key = " ".join(c.split())
            if key not in seen:
                seen.add(key)
                unique.append(c)
        kept = unique[-k:]
        data.extend((prompt, c) for c in kept)
        report.append({"candidates": len(completions), "verified": len(verified),
                       "unique": len(unique), "kept": len(kept)})
    return data, report
