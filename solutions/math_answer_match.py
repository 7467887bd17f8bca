"""Reference: final-answer extraction and matching for GSM8K / MATH style completions."""

import re
from decimal import Decimal
from fractions import Fraction

NUMBER = re.compile(r"-?\d+(?:,\d+)*(?:\.\d+)?")  # the last-number rule
DECIMAL = re.compile(r"-?(?:\d+(?:,\d+)*(?:\.\d+)?|\.\d+)")
LATEX_FRAC = re.compile(r"(-?)\\[dt]?frac\{(-?\d+)\}\{(-?\d+)\}")
SLASH_FRAC = re.compile(r"(-?\d+)/(-?\d+)")


def _after_last_marker(text):
    """Rule 1: the rest of the line after the last '####'."""
    start = text.rfind("####")
    if start < 0:
        return None
    return text[start + 4:].split("\n", 1)[0].strip() or None


def _last_boxed(text):
    """Rule 2: the content of the last '\\boxed{', up to its matching '}' (nested braces counted)."""
    start = text.rfind("\\boxed{")
    if start < 0:
        return None
    open_at = start + len("\\boxed")
    depth = 0
    for i in range(open_at, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return text[open_at + 1:i].strip() or None
    return None  # never closed


def extract_answer(completion):
    for rule in (_after_last_marker, _last_boxed):
        found = rule(completion)
        if found is not None:
            return found
    numbers = NUMBER.findall(completion)  # rule 3: the last number
    return numbers[-1] if numbers else None


def _canonical(answer):
    """('num', Fraction) for numbers and fractions, ('text', string) otherwise."""
    s = answer.strip().replace("\\$", "").replace("$", "").strip().rstrip(".")
    s = "".join(s.split())  # no whitespace at all
    # Fraction(Decimal(...)) is exact and, unlike int() and Fraction(str), has no 4,300-digit limit
    if DECIMAL.fullmatch(s):
        return "num", Fraction(Decimal(s.replace(",", "")))
    for pattern in (LATEX_FRAC, SLASH_FRAC):
        m = pattern.fullmatch(s)
        if m:
            groups = m.groups()
            sign = -1 if len(groups) == 3 and groups[0] == "-" else 1
            num, den = Fraction(Decimal(groups[-2])), Fraction(Decimal(groups[-1]))
            if den != 0:
                return "num", sign * num / den
    return "text", s


def answers_match(completion, reference):
    answer = extract_answer(completion)
    if answer is None:
        return False
    got, want = _canonical(answer), _canonical(reference)
    if got == ("text", "") or want == ("text", ""):
        return False
    return got == want
