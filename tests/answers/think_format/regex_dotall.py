import re

TRACE = re.compile(r"(?P<pre>.*?)<think>(?P<reasoning>.*?)</think>(?P<answer>.*)", re.DOTALL)


def parse_trace(text):
    opens, closes = len(re.findall("<think>", text)), len(re.findall("</think>", text))
    if opens == 0:
        raise ValueError("missing_think")
    if opens > 1 or closes > 1:
        raise ValueError("multiple_think")
    if closes == 0:
        raise ValueError("unclosed_think")
    m = TRACE.fullmatch(text)
    if m is None or m.group("pre").strip():  # no match: </think> came before <think>
        raise ValueError("text_before_think")
    answer = m.group("answer").strip()
    if answer == "":
        raise ValueError("empty_answer")
    return m.group("reasoning").strip(), answer


def format_trace(reasoning, answer):
    for part in (reasoning, answer):
        if re.search("</?think>", part):
            raise ValueError("tag_in_text")
    if answer.strip() == "":
        raise ValueError("empty_answer")
    return "<think>\n%s\n</think>\n\n%s" % (reasoning, answer)
