import re


def format_reward(completions: list[str]) -> list[float]:
    """1.0 per completion that is exactly <think>\\n...\\n</think>\\n<answer>\\n...\\n</answer>, else 0.0."""
    raise NotImplementedError("write the format reward here")


def accuracy_reward(completions: list[str], solutions: list[str]) -> list[float]:
    """1.0 when the last <answer>...</answer> equals the solution after normalisation, else 0.0."""
    raise NotImplementedError("write the accuracy reward here")
