"""Canonical strings: every number becomes 'num:p/q' in lowest terms; no Fraction objects compared."""
import math
import re


def _marker(text):
    i = text.rfind("####")
    if i == -1:
        return None
    rest = text[i + 4:]
    j = rest.find("\n")
    line = (rest if j == -1 else rest[:j]).strip()
    return line or None


def _boxed(text):
    i = text.rfind("\\boxed{")
    if i == -1:
        return None
    stack = 0
    for j in range(i + 6, len(text)):
        if text[j] == "{":
            stack += 1
        elif text[j] == "}":
            stack -= 1
            if stack == 0:
                return text[i + 7:j].strip() or None
    return None


def extract_answer(completion):
    ans = _marker(completion)
    if ans is None:
        ans = _boxed(completion)
    if ans is None:
        nums = re.findall(r"-?\d+(?:,\d+)*(?:\.\d+)?", completion)
        ans = nums[-1] if nums else None
    return ans


def _ratio(p, q):
    if q < 0:
        p, q = -p, -q
    g = math.gcd(p, q)
    return f"num:{p // g}/{q // g}"


def _canon(s):
    s = s.strip().replace("\\$", "").replace("$", "").strip().rstrip(".")
    s = "".join(ch for ch in s if not ch.isspace())
    try:
        m = re.fullmatch(r"(-?)(\d+(?:,\d+)*)?(?:\.(\d+))?", s)
        if m and (m.group(2) or m.group(3)) and not (m.group(2) is None and s.count(".") == 0):
            whole = (m.group(2) or "0").replace(",", "")
            frac = m.group(3) or ""
            p = int(whole + frac) * (-1 if m.group(1) else 1)
            return _ratio(p, 10 ** len(frac))
        m = re.fullmatch(r"(-?)\\[dt]?frac\{(-?\d+)\}\{(-?\d+)\}", s) or re.fullmatch(r"()(-?\d+)/(-?\d+)", s)
        if m and int(m.group(3)) != 0:
            p, q = int(m.group(2)), int(m.group(3))
            return _ratio(-p if m.group(1) == "-" else p, q)
    except ValueError:
        pass
    return "txt:" + s


def answers_match(completion, reference):
    ans = extract_answer(completion)
    if ans is None:
        return False
    a, b = _canon(ans), _canon(reference)
    return a == b and a != "txt:" and b != "txt:"
