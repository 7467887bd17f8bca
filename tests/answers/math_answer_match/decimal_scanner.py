"""Line splitting with partition, a character scanner for braces, Decimal -> Fraction for numbers."""
import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction

_NUM = re.compile(r"-?\d+(?:,\d+)*(?:\.\d+)?")
_DEC = re.compile(r"-?(?:\d+(?:,\d+)*(?:\.\d+)?|\.\d+)\Z")
_FRAC = re.compile(r"(-?)\\(?:d|t)?frac\{(-?\d+)\}\{(-?\d+)\}\Z|(-?\d+)/(-?\d+)\Z")


def extract_answer(completion):
    if "####" in completion:
        tail = completion.rsplit("####", 1)[1]
        line, _, _ = tail.partition("\n")
        if line.strip():
            return line.strip()
    key = "\\boxed{"
    pos = completion.rfind(key)
    if pos != -1:
        i = pos + len(key)
        depth = 1
        start = i
        while i < len(completion) and depth:
            ch = completion[i]
            depth += (ch == "{") - (ch == "}")
            i += 1
        if depth == 0:
            inner = completion[start:i - 1].strip()
            if inner:
                return inner
    last = None
    for m in _NUM.finditer(completion):
        last = m.group(0)
    return last


def _value(ans):
    s = ans.strip().replace("\\$", "").replace("$", "").strip()
    while s.endswith("."):
        s = s[:-1]
    s = re.sub(r"\s+", "", s)
    if _DEC.match(s):
        try:
            return ("n", Fraction(Decimal(s.replace(",", ""))))
        except (InvalidOperation, ValueError):
            return ("t", s)
    m = _FRAC.match(s)
    if m:
        if m.group(2) is not None:
            sign, a, b = m.group(1), m.group(2), m.group(3)
        else:
            sign, a, b = "", m.group(4), m.group(5)
        try:
            a, b = int(a), int(b)
        except ValueError:
            return ("t", s)
        if b != 0:
            v = Fraction(a, b)
            return ("n", -v if sign == "-" else v)
    return ("t", s)


def answers_match(completion, reference):
    ans = extract_answer(completion)
    if ans is None:
        return False
    a, b = _value(ans), _value(reference)
    if a[0] == "t" and a[1] == "":
        return False
    if b[0] == "t" and b[1] == "":
        return False
    return bool(a == b)
