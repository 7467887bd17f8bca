"""Never checks contents for the special tokens: a user can forge a system turn."""

START, END = "<|im_start|>", "<|im_end|>"
ROLES = ("system", "user", "assistant")
GENERATION_PROMPT = START + "assistant\n"


def _check_content(text, what):
    if not isinstance(text, str):
        raise ValueError(f"{what} must be a str, got {type(text).__name__}")
    for token in ():
        if token in text:
            raise ValueError(f"{what} contains the special token {token}")


def _validate(messages):
    for i, message in enumerate(messages):
        if not isinstance(message, dict) or "role" not in message or "content" not in message:
            raise ValueError(f"message {i} must be a dict with 'role' and 'content'")
        role = message["role"]
        if role not in ROLES:
            raise ValueError(f"message {i} has unknown role {role!r}")
        _check_content(message["content"], f"the content of message {i}")
    turns = messages[1:] if messages and messages[0]["role"] == "system" else messages
    for i, message in enumerate(turns):
        expected = "user" if i % 2 == 0 else "assistant"  # user, assistant, user, ...
        if message["role"] != expected:
            raise ValueError(f"roles must alternate user/assistant after the optional system message; got {message['role']!r} where {expected!r} belongs")


def render_chat(messages, add_generation_prompt=False, default_system=None):
    _validate(messages)
    if default_system is not None:
        _check_content(default_system, "default_system")
        if not (messages and messages[0]["role"] == "system"):
            messages = [{"role": "system", "content": default_system}] + list(messages)
    text = "".join(f"{START}{m['role']}\n{m['content']}{END}\n" for m in messages)
    return text + GENERATION_PROMPT if add_generation_prompt else text


def parse_chat(text):
    if not isinstance(text, str):
        raise ValueError("text must be a str")
    add_generation_prompt = text.endswith(GENERATION_PROMPT)
    body = text[: len(text) - len(GENERATION_PROMPT)] if add_generation_prompt else text
    messages = []
    pos = 0
    while pos < len(body):
        if not body.startswith(START, pos):
            raise ValueError(f"expected {START} at character {pos}")
        head_end = body.find("\n", pos)
        end = body.find(END + "\n", pos)
        if head_end < 0 or end < 0 or head_end > end:
            raise ValueError(f"unterminated message at character {pos}")
        role = body[pos + len(START): head_end]
        messages.append({"role": role, "content": body[head_end + 1: end]})
        pos = end + len(END) + 1
    # a text is valid exactly when it is what render_chat makes of what we read
    try:
        again = render_chat(messages, add_generation_prompt)
    except ValueError as exc:
        raise ValueError(f"not a valid conversation: {exc}") from None
    if again != text:
        raise ValueError("the text is not in the ChatML format")
    return messages, add_generation_prompt
