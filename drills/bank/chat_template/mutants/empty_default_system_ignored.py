"""Tests default_system for truthiness (if default_system:) instead of "is not None": an empty string adds no system message."""
S, E = "<|im_start|>", "<|im_end|>"


def _check(msgs):
    for m in msgs:
        if type(m) is not dict or set(("role", "content")) - set(m):
            raise ValueError("message")
        if not isinstance(m["content"], str):
            raise ValueError("content")
        if m["role"] not in {"system", "user", "assistant"}:
            raise ValueError("role")
        if S in m["content"] or E in m["content"]:
            raise ValueError("tokens")
    expect = "user"
    for i, m in enumerate(msgs):
        if m["role"] == "system":
            if i != 0:
                raise ValueError("system not first")
            continue
        if m["role"] != expect:
            raise ValueError("order")
        expect = "assistant" if expect == "user" else "user"


def render_chat(messages, add_generation_prompt=False, default_system=None):
    _check(messages)
    out = []
    if default_system:
        if S in default_system or E in default_system:
            raise ValueError("tokens")
        if not messages or messages[0]["role"] != "system":
            out.append(S + "system\n" + default_system + E + "\n")
    for m in messages:
        out.append(S + m["role"] + "\n" + m["content"] + E + "\n")
    if add_generation_prompt:
        out.append(S + "assistant\n")
    return "".join(out)


def parse_chat(text):
    gen = False
    if text.endswith(S + "assistant\n"):
        gen = True
        text = text[: -len(S + "assistant\n")]
    msgs = []
    rest = text
    while rest:
        if not rest.startswith(S):
            raise ValueError("outside")
        body = rest[len(S):]
        nl = body.find("\n")
        if nl < 0:
            raise ValueError("no newline")
        role = body[:nl]
        body = body[nl + 1:]
        end = body.find(E + "\n")
        if end < 0:
            raise ValueError("no end")
        content = body[:end]
        if S in content or E in content:
            raise ValueError("tokens")
        msgs.append({"role": role, "content": content})
        rest = body[end + len(E) + 1:]
    _check(msgs)
    return msgs, gen
