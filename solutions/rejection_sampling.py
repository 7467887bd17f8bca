"""Reference: rejection-sampling fine-tuning data (RFT, Yuan et al. 2023; STaR; DeepSeek-R1 sec. 2.3.3).

Per prompt: verify every candidate, drop verified candidates whose normalised text was already
kept, keep the first k survivors, and count each stage.
"""


def normalise(text):
    """Whitespace runs become one space; leading and trailing whitespace go. Case is kept."""
    return " ".join(text.split())


def rejection_sample(prompts, candidates, verify, k):
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be an int >= 1, got {k!r}")
    if len(prompts) != len(candidates):
        raise ValueError(f"{len(prompts)} prompts but {len(candidates)} candidate lists")
    data, report = [], []
    for prompt, completions in zip(prompts, candidates):
        verified = [c for c in completions if verify(prompt, c)]  # once per candidate, in order
        seen, unique = set(), []
        for c in verified:
            key = normalise(c)
            if key not in seen:
                seen.add(key)
                unique.append(c)  # the first occurrence's original text
        kept = unique[:k]
        data.extend((prompt, c) for c in kept)
        report.append({"candidates": len(completions), "verified": len(verified),
                       "unique": len(unique), "kept": len(kept)})
    return data, report
