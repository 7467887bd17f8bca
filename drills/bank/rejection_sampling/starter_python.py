def rejection_sample(prompts, candidates, verify, k):
    """Rejection-sampling SFT data: verify, deduplicate, cap at k per prompt.

    prompts: list[str]; candidates: list[list[str]] (candidates[i] belong to prompts[i]);
    verify(prompt, completion) -> bool; k: int >= 1.
    Returns (data, report): data = [(prompt, completion), ...];
    report = [{"candidates": .., "verified": .., "unique": .., "kept": ..}, ...], one per prompt.
    """
    raise NotImplementedError("write rejection sampling here")
