"""Validators per type in a dict, str.translate for BFCL's string normalisation, isinstance with bool excluded."""
import json

_DROP = str.maketrans("", "", " ,./-_*^")


def _norm(s):
    return s.translate(_DROP).lower().replace("'", '"')


def _is(value, kind):
    if isinstance(value, bool):
        return kind == "boolean"
    if kind == "integer":
        return isinstance(value, int)
    if kind == "float":
        return isinstance(value, (int, float))
    if kind == "string":
        return isinstance(value, str)
    return False


def _scalar_key(value, kind):
    if kind == "string":
        return ("s", _norm(value))
    if kind == "float":
        return ("f", float(value))
    return ("v", value)


def _ok_type(value, spec):
    if spec["type"] == "array":
        return type(value) is list and all(_is(v, spec["items"]["type"]) for v in value)
    return _is(value, spec["type"])


def _ok_value(value, spec, allowed):
    options = [a for a in allowed if not (isinstance(a, str) and a == "")]
    if spec["type"] == "array":
        kind = spec["items"]["type"]
        target = [_scalar_key(v, kind) for v in value]
        for option in options:
            if isinstance(option, list) and len(option) == len(value) and all(_is(o, kind) for o in option):
                if [_scalar_key(o, kind) for o in option] == target:
                    return True
        return False
    kind = spec["type"]
    for option in options:
        if kind == "string" and not isinstance(option, str):
            continue
        if kind != "string" and isinstance(option, (str, list)):
            continue
        if _scalar_key(option, kind)[1] == _scalar_key(value, kind)[1]:
            return True
    return False


def function_call_match(call, schema, possible_answer):
    if isinstance(call, str):
        try:
            call = json.loads(call)
        except json.JSONDecodeError:
            return (False, "bad_format")
    if type(call) is not dict or len(call) != 1:
        return (False, "bad_format")
    name = list(call)[0]
    args = call[name]
    if type(args) is not dict:
        return (False, "bad_format")
    if name != schema["name"]:
        return (False, "wrong_function")
    params = schema["parameters"]
    props = params["properties"]
    table = possible_answer[schema["name"]]
    if any(r not in args for r in params.get("required", [])):
        return (False, "missing_required")
    for key in args:
        if key not in props or key not in table:
            return (False, "unexpected_param")
        if not _ok_type(args[key], props[key]):
            return (False, "type_error")
        if not _ok_value(args[key], props[key], table[key]):
            return (False, "value_error")
    if any(key not in args and "" not in allowed for key, allowed in table.items()):
        return (False, "missing_optional")
    return (True, "ok")
