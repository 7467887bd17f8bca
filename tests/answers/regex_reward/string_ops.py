"""No regex for the tags: prefix/suffix/middle checks for the format, a find loop for the answer blocks."""
from decimal import Decimal, InvalidOperation

PREFIX, MIDDLE, SUFFIX = "<think>\n", "\n</think>\n<answer>\n", "\n</answer>"


def _formatted(s):
    if not (s.startswith(PREFIX) and s.endswith(SUFFIX)):
        return False
    inner_end = len(s) - len(SUFFIX)
    if inner_end < len(PREFIX):
        return False
    return MIDDLE in s[len(PREFIX):inner_end]


def format_reward(completions):
    return [1.0 if _formatted(c) else 0.0 for c in completions]


def _last_block(s):
    last, pos = None, 0
    while True:
        i = s.find("<answer>", pos)
        if i < 0:
            return last
        j = s.find("</answer>", i + len("<answer>"))
        if j < 0:
            return last
        last = s[i + len("<answer>"):j]
        pos = j + len("</answer>")


def _is_number(t):
    body = t[1:] if t.startswith("-") else t
    whole, dot, frac = body.partition(".")
    digits = "0123456789"
    return (whole != "" and all(ch in digits for ch in whole)
            and (dot == "" or (frac != "" and all(ch in digits for ch in frac))))


def _key(t):
    t = t.strip()
    if _is_number(t):
        try:
            return ("n", Decimal(t))  # exact; .normalize() would round to 28 digits
        except InvalidOperation:
            pass
    return ("t", t)


def accuracy_reward(completions, solutions):
    if len(completions) != len(solutions):
        raise ValueError("one solution per completion")
    out = []
    for c, s in zip(completions, solutions):
        block = _last_block(c)
        out.append(1.0 if block is not None and _key(block) == _key(s) else 0.0)
    return out
