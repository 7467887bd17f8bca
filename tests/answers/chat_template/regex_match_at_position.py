import re

_ROLES = ("system", "user", "assistant")
_TOK = ("<|im_start|>", "<|im_end|>")


def _validate(messages):
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or "role" not in m or "content" not in m:
            raise ValueError("bad message")
        if not isinstance(m["content"], str):
            raise ValueError("content")
        if m["role"] not in _ROLES:
            raise ValueError("role")
        if any(t in m["content"] for t in _TOK):
            raise ValueError("special token")
    rest = list(messages)
    if rest and rest[0]["role"] == "system":
        rest = rest[1:]
    for i, m in enumerate(rest):
        if m["role"] != ("user" if i % 2 == 0 else "assistant"):
            raise ValueError("alternation")


def render_chat(messages, add_generation_prompt=False, default_system=None):
    _validate(messages)
    msgs = list(messages)
    if default_system is not None:
        if not isinstance(default_system, str) or any(t in default_system for t in _TOK):
            raise ValueError("default_system")
        if not (msgs and msgs[0]["role"] == "system"):
            msgs = [{"role": "system", "content": default_system}] + msgs
    s = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in msgs)
    if add_generation_prompt:
        s += "<|im_start|>assistant\n"
    return s


_BLOCK = re.compile(r"<\|im_start\|>(system|user|assistant)\n(.*?)<\|im_end\|>\n", re.S)


def parse_chat(text):
    if not isinstance(text, str):
        raise ValueError("text")
    pos = 0
    msgs = []
    gen = False
    while pos < len(text):
        m = _BLOCK.match(text, pos)
        if m:
            if "<|im_start|>" in m.group(2):
                raise ValueError("nested")
            msgs.append({"role": m.group(1), "content": m.group(2)})
            pos = m.end()
        elif text[pos:] == "<|im_start|>assistant\n":
            gen = True
            pos = len(text)
        else:
            raise ValueError("garbage")
    _validate(msgs)
    return msgs, gen
