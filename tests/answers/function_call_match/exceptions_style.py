"""Raises a private exception carrying the reason at the first failure; a deep copy guards the inputs."""
import copy
import json
import re


class _Fail(Exception):
    pass


PY = {"string": str, "integer": int, "float": float, "boolean": bool, "array": list}


def _std(s):
    return re.sub("[ ,./*^_-]", "", s).lower().replace("'", '"')


def _coerce(value, kind):
    """The value in comparable form, or _Fail('type_error')."""
    if kind == "float" and type(value) is int:
        value = float(value)
    if type(value) is not PY[kind]:
        raise _Fail("type_error")
    return _std(value) if kind == "string" else value


def _check_arg(value, spec, allowed):
    kind = spec["type"]
    if kind == "array":
        if type(value) is not list:
            raise _Fail("type_error")
        item = spec["items"]["type"]
        got = [_coerce(v, item) for v in value]
        for option in allowed:
            if option == "" or not isinstance(option, list):
                continue
            try:
                if [_coerce(o, item) for o in option] == got:
                    return
            except _Fail:
                continue
        raise _Fail("value_error")
    got = _coerce(value, kind)
    for option in allowed:
        if isinstance(option, str) and option == "":
            continue
        try:
            if _coerce(option, kind) == got:
                return
        except _Fail:
            continue
    raise _Fail("value_error")


def function_call_match(call, schema, possible_answer):
    call = copy.deepcopy(call)
    try:
        if isinstance(call, str):
            try:
                call = json.loads(call)
            except ValueError:
                raise _Fail("bad_format")
        if not isinstance(call, dict) or len(call) != 1:
            raise _Fail("bad_format")
        [(name, args)] = call.items()
        if not isinstance(args, dict):
            raise _Fail("bad_format")
        if name != schema["name"]:
            raise _Fail("wrong_function")
        for req in schema["parameters"].get("required", ()):
            if req not in args:
                raise _Fail("missing_required")
        props = schema["parameters"]["properties"]
        table = possible_answer[name]
        for key, value in args.items():
            if key not in props or key not in table:
                raise _Fail("unexpected_param")
            _check_arg(value, props[key], table[key])
        for key, allowed in table.items():
            if key not in args and "" not in allowed:
                raise _Fail("missing_optional")
    except _Fail as failure:
        return False, str(failure)
    return True, "ok"
