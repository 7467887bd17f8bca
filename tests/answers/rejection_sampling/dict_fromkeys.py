import re
from itertools import islice

_WS = re.compile(r"\s+")


def _key(text):
    return _WS.sub(" ", text).strip()


def rejection_sample(prompts, candidates, verify, k):
    if type(k) is not int or k < 1:
        raise ValueError("k must be a positive int")
    if len(prompts) != len(candidates):
        raise ValueError("prompts and candidates differ in length")
    data = []
    report = []
    for prompt, cands in zip(prompts, candidates):
        verdicts = [bool(verify(prompt, c)) for c in cands]
        accepted = [c for c, ok in zip(cands, verdicts) if ok]
        firsts = {}
        for c in accepted:
            firsts.setdefault(_key(c), c)
        unique = list(firsts.values())
        kept = list(islice(unique, k))
        data += [(prompt, c) for c in kept]
        report.append(dict(candidates=len(cands), verified=sum(verdicts), unique=len(unique), kept=len(kept)))
    return data, report
