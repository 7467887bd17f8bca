def function_call_match(call, schema, possible_answer) -> tuple[bool, str]:
    """BFCL-style AST check of one call: (True, "ok") or (False, reason).

    call: {name: {param: value}} or its JSON string; schema: the function description;
    possible_answer: {name: {param: [allowed values, "" = may be omitted]}}.
    Reasons, first failure wins: bad_format, wrong_function, missing_required, then per argument
    unexpected_param / type_error / value_error, then missing_optional.
    """
    raise NotImplementedError("write the checker here")
