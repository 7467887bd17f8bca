"""Uses the first \boxed{...} instead of the last."""


import re
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
    start = text.find("\\boxed{")
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
    try:
        if DECIMAL.fullmatch(s):
            return "num", Fraction(s.replace(",", ""))
        for pattern in (LATEX_FRAC, SLASH_FRAC):
            m = pattern.fullmatch(s)
            if m:
                groups = m.groups()
                sign = -1 if len(groups) == 3 and groups[0] == "-" else 1
                num, den = int(groups[-2]), int(groups[-1])
                if den != 0:
                    return "num", sign * Fraction(num, den)
    except ValueError:  # e.g. a number with more digits than int() accepts
        pass
    return "text", s


def answers_match(completion, reference):
    answer = extract_answer(completion)
    if answer is None:
        return False
    got, want = _canonical(answer), _canonical(reference)
    if got == ("text", "") or want == ("text", ""):
        return False
    return got == want
