"""Standardises strings by deleting every non-alphanumeric character (too lenient)."""


import json
import re

TYPES = {"string": str, "integer": int, "float": float, "boolean": bool, "array": list}


def standardize(s):
    """BFCL's string normalisation: drop spaces and , . / - _ * ^; lower-case; ' becomes "."""
    return re.sub(r"[\W_]", "", s).lower()


def _conforms(value, type_name):
    """Exact Python type (type(True) is bool, not int); an int is accepted where a float is expected."""
    if type_name == "float" and type(value) is int:
        return True
    return type(value) is TYPES[type_name]


def _comparable(value, type_name):
    """The form values are compared in: standardised strings, ints widened to float."""
    if type_name == "string":
        return standardize(value)
    if type_name == "float":
        return float(value)
    return value


def _type_ok(value, spec):
    if not _conforms(value, spec["type"]):
        return False
    if spec["type"] == "array":
        item_type = spec["items"]["type"]
        return all(_conforms(item, item_type) for item in value)
    return True


def _value_ok(value, spec, allowed):
    allowed = [a for a in allowed if a != ""]  # "" only marks the parameter as optional
    if spec["type"] == "array":
        item_type = spec["items"]["type"]
        mine = [_comparable(v, item_type) for v in value]
        return any(
            isinstance(a, list) and all(_conforms(x, item_type) for x in a)
            and [_comparable(x, item_type) for x in a] == mine
            for a in allowed
        )
    if spec["type"] == "string":
        return _comparable(value, "string") in [standardize(a) for a in allowed if type(a) is str]
    return _comparable(value, spec["type"]) in allowed


def function_call_match(call, schema, possible_answer):
    if isinstance(call, str):
        try:
            call = json.loads(call)
        except ValueError:
            return False, "bad_format"
    if not (isinstance(call, dict) and len(call) == 1 and isinstance(next(iter(call.values())), dict)):
        return False, "bad_format"
    (name, args), = call.items()
    if name != schema["name"]:
        return False, "wrong_function"
    properties = schema["parameters"]["properties"]
    table = possible_answer[schema["name"]]
    for param in schema["parameters"].get("required", []):
        if param not in args:
            return False, "missing_required"
    for param, value in args.items():
        if param not in properties or param not in table:
            return False, "unexpected_param"
        if not _type_ok(value, properties[param]):
            return False, "type_error"
        if not _value_ok(value, properties[param], table[param]):
            return False, "value_error"
    for param, allowed in table.items():
        if param not in args and "" not in allowed:
            return False, "missing_optional"
    return True, "ok"
