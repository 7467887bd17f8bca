"""Regex with explicit \\A ... \\Z anchors and re.search; numbers compared as integer pairs scaled to a common base."""
import re

_FMT = re.compile(r"\A<think>\n(.*?)\n</think>\n<answer>\n(.*?)\n</answer>\Z", re.S)
_ANS = re.compile(r"<answer>(.*?)</answer>", re.S)
_NUM = re.compile(r"(-?)(\d+)(?:\.(\d+))?")


def format_reward(completions):
    rewards = []
    for text in completions:
        rewards.append(1.0 if _FMT.search(text) is not None else 0.0)
    return rewards


def _canon(text):
    text = text.strip()
    m = _NUM.fullmatch(text)
    if not m:
        return ("text", text)
    sign, whole, frac = m.group(1), m.group(2), (m.group(3) or "").rstrip("0")
    digits = (whole + frac).lstrip("0")
    if digits == "":
        return ("num", "0", 0)
    return ("num", ("-" if sign else "") + digits, len(frac))


def accuracy_reward(completions, solutions):
    completions, solutions = list(completions), list(solutions)
    if len(completions) != len(solutions):
        raise ValueError("completions and solutions differ in length")
    result = []
    for text, sol in zip(completions, solutions):
        found = _ANS.findall(text)
        result.append(float(bool(found) and _canon(found[-1]) == _canon(sol)))
    return result
