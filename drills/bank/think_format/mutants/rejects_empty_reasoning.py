"""Also rejects an empty reasoning block (the prompt allows it; only the answer must be non-empty)."""

OPEN, CLOSE = "<think>", "</think>"


def parse_trace(text):
    """(reasoning, answer), both stripped; ValueError(code) for a malformed trace (codes in order)."""
    if OPEN not in text:
        raise ValueError("missing_think")
    if text.count(OPEN) > 1 or text.count(CLOSE) > 1:
        raise ValueError("multiple_think")  # nested or repeated blocks
    if CLOSE not in text:
        raise ValueError("unclosed_think")
    before, rest = text.split(OPEN)
    if before.strip():  # also catches a </think> that comes before <think>
        raise ValueError("text_before_think")
    reasoning, answer = rest.split(CLOSE)
    if not answer.strip():
        raise ValueError("empty_answer")
    if not reasoning.strip():
        raise ValueError("empty_answer")
    return reasoning.strip(), answer.strip()


def format_trace(reasoning, answer):
    """The R1 chat-template layout; refuses input that could not be parsed back."""
    if any(tag in part for tag in (OPEN, CLOSE) for part in (reasoning, answer)):
        raise ValueError("tag_in_text")
    if not answer.strip():
        raise ValueError("empty_answer")
    return f"{OPEN}\n{reasoning}\n{CLOSE}\n\n{answer}"
