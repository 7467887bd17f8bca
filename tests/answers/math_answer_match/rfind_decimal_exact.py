import re
from decimal import Decimal
from fractions import Fraction

_NUM = re.compile(r"-?\d+(?:,\d+)*(?:\.\d+)?")
_DEC = re.compile(r"-?(?:\d+(?:,\d+)*(?:\.\d+)?|\.\d+)")
_FRAC = re.compile(r"(-?)\\[dt]?frac\{(-?\d+)\}\{(-?\d+)\}")
_SLASH = re.compile(r"(-?\d+)/(-?\d+)")


def _boxed(s):
    i = s.rfind("\\boxed{")
    if i < 0:
        return None
    start = i + len("\\boxed{")
    depth = 1
    for j in range(start, len(s)):
        c = s[j]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return s[start:j].strip() or None
    return None


def extract_answer(completion):
    if not isinstance(completion, str):
        return None
    k = completion.rfind("####")
    if k >= 0:
        rest = completion[k + 4:]
        line = rest.split("\n", 1)[0].strip()
        if line:
            return line
    b = _boxed(completion)
    if b:
        return b
    nums = _NUM.findall(completion)
    return nums[-1] if nums else None


def _value(s):
    s = s.strip().replace("\\$", "").replace("$", "").strip().rstrip(".")
    s = "".join(s.split())
    if not s:
        return None
    if _DEC.fullmatch(s):
        return ("n", Fraction(Decimal(s.replace(",", ""))))
    m = _FRAC.fullmatch(s)
    if m and Decimal(m.group(3)) != 0:
        v = Fraction(Decimal(m.group(2))) / Fraction(Decimal(m.group(3)))
        return ("n", -v if m.group(1) else v)
    m = _SLASH.fullmatch(s)
    if m and Decimal(m.group(2)) != 0:
        return ("n", Fraction(Decimal(m.group(1))) / Fraction(Decimal(m.group(2))))
    return ("t", s)


def answers_match(completion, reference):
    a = extract_answer(completion)
    if a is None:
        return False
    x, y = _value(a), _value(reference)
    return bool(x is not None and y is not None and x == y)
