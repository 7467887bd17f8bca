"""parse_chat splits the text on newlines: a content with a newline in it is cut."""
START, END = "<|im_start|>", "<|im_end|>"
ROLES = ("system", "user", "assistant")
GP = START + "assistant\n"


def render_chat(messages, add_generation_prompt=False, default_system=None):
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or "role" not in m or "content" not in m or not isinstance(m["content"], str):
            raise ValueError("bad message")
        if m["role"] not in ROLES:
            raise ValueError("bad role")
        if START in m["content"] or END in m["content"]:
            raise ValueError("special token")
    turns = messages[1:] if messages and messages[0]["role"] == "system" else messages
    for i, m in enumerate(turns):
        if m["role"] != ("user" if i % 2 == 0 else "assistant"):
            raise ValueError("roles must alternate")
    if default_system is not None:
        if START in default_system or END in default_system:
            raise ValueError("special token")
        if not (messages and messages[0]["role"] == "system"):
            messages = [{"role": "system", "content": default_system}] + messages
    out = "".join(f"{START}{m['role']}\n{m['content']}{END}\n" for m in messages)
    return out + GP if add_generation_prompt else out


def parse_chat(text):
    gen = text.endswith(GP)
    body = text[: -len(GP)] if gen else text
    lines = body.split("\n")
    messages = []
    i = 0
    while i < len(lines) - 1:
        head = lines[i]
        if not head.startswith(START):
            raise ValueError("expected a header")
        role = head[len(START):]
        content = lines[i + 1]
        if not content.endswith(END):
            raise ValueError("unterminated")
        messages.append({"role": role, "content": content[: -len(END)]})
        i += 2
    if render_chat(messages, gen) != text:
        raise ValueError("not ChatML")
    return messages, gen
