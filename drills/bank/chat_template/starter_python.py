def render_chat(messages, add_generation_prompt=False, default_system=None):
    """ChatML: '<|im_start|>{role}\\n{content}<|im_end|>\\n' per message, then '<|im_start|>assistant\\n' if asked.

    default_system: rendered first when the conversation has no system message (None: nothing).
    ValueError: bad message dict, unknown role, system not first, roles not alternating
    user/assistant starting with user, special tokens in a content or in default_system.
    """
    raise NotImplementedError("write render_chat here")


def parse_chat(text):
    """The inverse of render_chat: (messages, add_generation_prompt); ValueError for any other text."""
    raise NotImplementedError("write parse_chat here")
