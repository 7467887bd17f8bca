def extract_answer(completion: str) -> str | None:
    """The final answer: after the last '####', else the last \\boxed{...}, else the last number; or None."""
    raise NotImplementedError("write the extractor here")


def answers_match(completion: str, reference: str) -> bool:
    """Extract from the completion, normalise both sides as the prompt states, compare."""
    raise NotImplementedError("write the matcher here")
