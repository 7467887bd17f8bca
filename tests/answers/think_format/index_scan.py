OPEN = "<think>"
CLOSE = "</think>"


class TraceError(ValueError):
    """A ValueError whose first argument is the code."""


def parse_trace(text):
    i = text.find(OPEN)
    if i == -1:
        raise TraceError("missing_think")
    j = text.find(CLOSE)
    if text.find(OPEN, i + 1) != -1 or (j != -1 and text.find(CLOSE, j + 1) != -1):
        raise TraceError("multiple_think")
    if j == -1:
        raise TraceError("unclosed_think")
    if j < i or not text[:i].isspace() and text[:i] != "":
        raise TraceError("text_before_think")
    reasoning = text[i + len(OPEN):j].strip()
    answer = text[j + len(CLOSE):].strip()
    if len(answer) == 0:
        raise TraceError("empty_answer")
    return [reasoning, answer]


def format_trace(reasoning, answer):
    if OPEN in reasoning + "\0" + answer or CLOSE in reasoning + "\0" + answer:
        raise TraceError("tag_in_text")
    if answer.isspace() or not answer:
        raise TraceError("empty_answer")
    return "".join([OPEN, "\n", reasoning, "\n", CLOSE, "\n\n", answer])
