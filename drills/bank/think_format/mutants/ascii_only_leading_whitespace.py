"""Only ASCII spaces, tabs and newlines may precede <think> (before.strip(" \\t\\n\\r")): a non-breaking space or \\v before the tag is wrongly text_before_think."""
def parse_trace(text):
    if "<think>" not in text:
        raise ValueError("missing_think")
    if text.count("<think>") > 1 or text.count("</think>") > 1:
        raise ValueError("multiple_think")
    if "</think>" not in text:
        raise ValueError("unclosed_think")
    before, _, rest = text.partition("<think>")
    if before.strip(" \t\n\r"):
        raise ValueError("text_before_think")
    reasoning, _, answer = rest.partition("</think>")
    if not answer.strip():
        raise ValueError("empty_answer")
    return reasoning.strip(), answer.strip()


def format_trace(reasoning, answer):
    for s in (reasoning, answer):
        if "<think>" in s or "</think>" in s:
            raise ValueError("tag_in_text")
    if answer.strip() == "":
        raise ValueError("empty_answer")
    return "<think>\n" + reasoning + "\n</think>\n\n" + answer
