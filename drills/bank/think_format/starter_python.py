def parse_trace(text):
    """Split '<think>reasoning</think>answer' into (reasoning, answer), both str.strip()-ed.

    Malformed traces raise ValueError(code), code one of (checked in this order):
    "missing_think", "multiple_think", "unclosed_think", "text_before_think", "empty_answer".
    """
    raise NotImplementedError("write the parser here")


def format_trace(reasoning, answer):
    """'<think>\\n' + reasoning + '\\n</think>\\n\\n' + answer; ValueError("tag_in_text") or ValueError("empty_answer")."""
    raise NotImplementedError("write the formatter here")
