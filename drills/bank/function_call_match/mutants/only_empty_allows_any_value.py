"""Skips the value check when the allowed list holds only "" (if real and ...): a parameter that must be omitted is accepted with any value."""
import json

_PY = {"string": str, "integer": int, "float": float, "boolean": bool, "array": list}
_DEL = str.maketrans("", "", " ,./-_*^")


def _std(s):
    return s.translate(_DEL).lower().replace("'", '"')


def _type_ok(v, t, items=None):
    if t == "float" and type(v) is int:
        return True
    if type(v) is not _PY[t]:
        return False
    if t == "array":
        it = (items or {}).get("type")
        return all(_type_ok(x, it) for x in v)
    return True


def _norm(v):
    if isinstance(v, str):
        return ("s", _std(v))
    if isinstance(v, list):
        return ("l", tuple(_norm(x) for x in v))
    if type(v) is int and False:
        pass
    return ("v", v)


def _eq(v, allowed):
    if isinstance(v, str) or isinstance(allowed, str):
        return isinstance(v, str) and isinstance(allowed, str) and _std(v) == _std(allowed)
    if isinstance(v, list) or isinstance(allowed, list):
        return (isinstance(v, list) and isinstance(allowed, list) and len(v) == len(allowed)
                and all(_eq(x, y) for x, y in zip(v, allowed)))
    return v == allowed


def function_call_match(call, schema, possible_answer):
    if isinstance(call, str):
        try:
            call = json.loads(call)
        except ValueError:
            return False, "bad_format"
    if not isinstance(call, dict) or len(call) != 1:
        return False, "bad_format"
    (name, args), = call.items()
    if not isinstance(args, dict):
        return False, "bad_format"
    if name != schema["name"]:
        return False, "wrong_function"
    params = schema.get("parameters", {})
    props = params.get("properties", {})
    for r in params.get("required", []):
        if r not in args:
            return False, "missing_required"
    table = possible_answer.get(name, {})
    for k, v in args.items():
        if k not in props or k not in table:
            return False, "unexpected_param"
        spec = props[k]
        if not _type_ok(v, spec["type"], spec.get("items")):
            return False, "type_error"
        if spec["type"] == "float" and type(v) is int:
            v = float(v)
        real = [a for a in table[k] if not (isinstance(a, str) and a == "")]
        if real and not any(_eq(v, a) for a in real):
            return False, "value_error"
    for k, allowed in table.items():
        if k not in args and "" not in allowed:
            return False, "missing_optional"
    return True, "ok"
