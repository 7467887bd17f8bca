from collections import Counter


def _survivors(prompt, cands, verify, stats):
    seen = set()
    for c in cands:
        stats["candidates"] += 1
        if not verify(prompt, c):
            continue
        stats["verified"] += 1
        norm = " ".join(c.split())
        if norm in seen:
            continue
        seen.add(norm)
        stats["unique"] += 1
        yield c


def rejection_sample(prompts, candidates, verify, k):
    if not isinstance(k, int) or isinstance(k, bool) or k <= 0:
        raise ValueError(f"bad k: {k}")
    if len(prompts) != len(candidates):
        raise ValueError("length mismatch")
    data, report = [], []
    for i in range(len(prompts)):
        stats = Counter(candidates=0, verified=0, unique=0, kept=0)
        for c in _survivors(prompts[i], candidates[i], verify, stats):  # exhausted: every candidate verified
            if stats["kept"] < k:
                stats["kept"] += 1
                data.append((prompts[i], c))
        report.append(dict(stats))
    return tuple(data), report
