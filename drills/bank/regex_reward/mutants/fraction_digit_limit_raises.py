"""Compares numbers as Fraction(text): a number with more than 4,300 digits makes Fraction() raise ValueError (int()'s digit limit), so accuracy_reward raises."""
import re
from fractions import Fraction

_PAT = re.compile(r"<think>\n.*?\n</think>\n<answer>\n.*?\n</answer>\Z", re.DOTALL)


def format_reward(completions):
    return [float(bool(isinstance(c, str) and _PAT.match(c))) for c in completions]


def _key(s):
    s = s.strip()
    if re.fullmatch(r"-?\d+(?:\.\d+)?", s):
        return Fraction(s)
    return s


def accuracy_reward(completions, solutions):
    completions, solutions = list(completions), list(solutions)
    if len(completions) != len(solutions):
        raise ValueError("lengths differ")
    res = []
    for c, s in zip(completions, solutions):
        m = re.findall(r"<answer>(.*?)</answer>", c, re.DOTALL) if isinstance(c, str) else []
        if not m:
            res.append(0.0)
            continue
        a, b = _key(m[-1]), _key(s)
        res.append(1.0 if type(a) is type(b) and a == b else 0.0)
    return res
