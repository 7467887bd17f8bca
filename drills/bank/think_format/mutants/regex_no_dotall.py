"""A regex without re.DOTALL: '.' stops at newlines, so multi-line reasoning is reported as malformed."""
import re

OPEN, CLOSE = "<think>", "</think>"
PATTERN = re.compile(r"\s*<think>(.*?)</think>(.*)")


def parse_trace(text):
    if OPEN not in text:
        raise ValueError("missing_think")
    if text.count(OPEN) > 1 or text.count(CLOSE) > 1:
        raise ValueError("multiple_think")
    if CLOSE not in text:
        raise ValueError("unclosed_think")
    m = PATTERN.fullmatch(text)
    if m is None:
        raise ValueError("text_before_think")
    reasoning, answer = m.group(1).strip(), m.group(2).strip()
    if not answer:
        raise ValueError("empty_answer")
    return reasoning, answer


def format_trace(reasoning, answer):
    if any(tag in part for tag in (OPEN, CLOSE) for part in (reasoning, answer)):
        raise ValueError("tag_in_text")
    if not answer.strip():
        raise ValueError("empty_answer")
    return f"{OPEN}\n{reasoning}\n{CLOSE}\n\n{answer}"
