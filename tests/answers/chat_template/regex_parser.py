"""A regex tokenises the text into blocks; validation is a separate function shared by both directions."""
import re

IM_START, IM_END = "<|im_start|>", "<|im_end|>"
BLOCK = re.compile(r"<\|im_start\|>(system|user|assistant)\n(.*?)<\|im_end\|>\n", re.DOTALL)


def _validate(messages):
    for m in messages:
        if not isinstance(m, dict) or not {"role", "content"} <= set(m):
            raise ValueError("each message needs role and content")
        if m["role"] not in ("system", "user", "assistant"):
            raise ValueError(f"unknown role {m['role']!r}")
        if not isinstance(m["content"], str):
            raise ValueError("content must be a string")
        if IM_START in m["content"] or IM_END in m["content"]:
            raise ValueError("content contains a special token")
    roles = [m["role"] for m in messages]
    if "system" in roles[1:]:
        raise ValueError("a system message must come first")
    rest = roles[1:] if roles[:1] == ["system"] else roles
    if rest != ["user", "assistant"] * (len(rest) // 2) + ["user"] * (len(rest) % 2):
        raise ValueError("roles must alternate user/assistant, starting with user")


def render_chat(messages, add_generation_prompt=False, default_system=None):
    _validate(messages)
    parts = []
    if default_system is not None:
        if IM_START in default_system or IM_END in default_system:
            raise ValueError("default_system contains a special token")
        if not messages or messages[0]["role"] != "system":
            parts.append(("system", default_system))
    parts += [(m["role"], m["content"]) for m in messages]
    out = "".join("<|im_start|>" + r + "\n" + c + "<|im_end|>\n" for r, c in parts)
    if add_generation_prompt:
        out += "<|im_start|>assistant\n"
    return out


def parse_chat(text):
    messages, pos = [], 0
    while True:
        m = BLOCK.match(text, pos)
        if m is None:
            break
        messages.append({"role": m.group(1), "content": m.group(2)})
        pos = m.end()
    tail = text[pos:]
    if tail == "":
        gen = False
    elif tail == "<|im_start|>assistant\n":
        gen = True
    else:
        raise ValueError(f"unexpected text at character {pos}")
    _validate(messages)
    return messages, gen
