"""Split on <|im_start|>; each piece must be 'role\\ncontent<|im_end|>\\n' except a final bare generation prompt."""
START = "<|im_start|>"
END = "<|im_end|>"
ALLOWED = {"system", "user", "assistant"}


class _Checker:
    """Feeds roles one at a time and raises as soon as the order is wrong."""

    def __init__(self):
        self.index = 0
        self.expect = "user"

    def feed(self, role):
        if role not in ALLOWED:
            raise ValueError("unknown role " + repr(role))
        if role == "system":
            if self.index != 0:
                raise ValueError("system message not first")
        else:
            if role != self.expect:
                raise ValueError("roles do not alternate")
            self.expect = "assistant" if role == "user" else "user"
        self.index += 1


def _clean(content):
    if type(content) is not str:
        raise ValueError("content must be str")
    if START in content or END in content:
        raise ValueError("special token inside a content")
    return content


def render_chat(messages, add_generation_prompt=False, default_system=None):
    checker = _Checker()
    pieces = []
    for m in messages:
        try:
            role, content = m["role"], m["content"]
        except (KeyError, TypeError):
            raise ValueError("malformed message") from None
        checker.feed(role)
        pieces.append(START + role + "\n" + _clean(content) + END + "\n")
    if default_system is not None:
        _clean(default_system)
        if not messages or messages[0]["role"] != "system":
            pieces.insert(0, START + "system\n" + default_system + END + "\n")
    return "".join(pieces) + (START + "assistant\n" if add_generation_prompt else "")


def parse_chat(text):
    if text and not text.startswith(START):
        raise ValueError("text must start with " + START)
    chunks = text.split(START)[1:]
    gen = False
    if chunks and chunks[-1] == "assistant\n":
        gen = True
        chunks.pop()
    checker = _Checker()
    messages = []
    for chunk in chunks:
        if not chunk.endswith(END + "\n") or "\n" not in chunk:
            raise ValueError("malformed block")
        role, _, rest = chunk.partition("\n")
        content = rest[: -len(END) - 1]
        _clean(content)
        checker.feed(role)
        messages.append({"role": role, "content": content})
    return messages, gen
