"""Uses the first <think>...</think> block and ignores repeated or nested ones (never raises multiple_think)."""
OPEN, CLOSE = "<think>", "</think>"


def parse_trace(text):
    start = text.find(OPEN)
    if start < 0:
        raise ValueError("missing_think")
    end = text.find(CLOSE, start)
    if end < 0:
        raise ValueError("unclosed_think")
    if text[:start].strip():
        raise ValueError("text_before_think")
    reasoning, answer = text[start + len(OPEN):end], text[end + len(CLOSE):]
    if not answer.strip():
        raise ValueError("empty_answer")
    return reasoning.strip(), answer.strip()


def format_trace(reasoning, answer):
    if any(tag in part for tag in (OPEN, CLOSE) for part in (reasoning, answer)):
        raise ValueError("tag_in_text")
    if not answer.strip():
        raise ValueError("empty_answer")
    return f"{OPEN}\n{reasoning}\n{CLOSE}\n\n{answer}"
