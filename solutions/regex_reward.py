"""Reference: rule-based rewards of DeepSeek-R1 (format and accuracy), batched like open-r1's reward functions."""

import re
from decimal import Decimal

FORMAT = re.compile(r"<think>\n.*?\n</think>\n<answer>\n.*?\n</answer>", re.DOTALL)
ANSWER = re.compile(r"<answer>(.*?)</answer>", re.DOTALL)
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def format_reward(completions):
    # fullmatch: nothing before <think>, nothing after </answer> (not even a newline)
    return [1.0 if FORMAT.fullmatch(c) else 0.0 for c in completions]


def _normalise(text):
    text = text.strip()
    if NUMBER.fullmatch(text):
        # exact: "3.50" == "3.5", no float rounding of big integers, and no digit limit (int() and
        # Fraction() refuse more than 4,300 digits); Decimal equality compares exact values
        return Decimal(text)
    return text


def accuracy_reward(completions, solutions):
    completions, solutions = list(completions), list(solutions)
    if len(completions) != len(solutions):
        raise ValueError(f"{len(completions)} completions but {len(solutions)} solutions")
    rewards = []
    for completion, solution in zip(completions, solutions):
        blocks = ANSWER.findall(completion)
        ok = bool(blocks) and _normalise(blocks[-1]) == _normalise(solution)
        rewards.append(1.0 if ok else 0.0)
    return rewards
