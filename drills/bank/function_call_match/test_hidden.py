"""Hidden suite for `function_call_match` (plain Python): every failure reason, BFCL's type and string rules."""

import copy
import json
import re

from hypothesis import Phase, given, settings, strategies as st

from postprep.drills.harness import check, fail

# No shrinking: a failing call is reported as drawn (shrinking these draws takes too long for the grader).
SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=120,
                    phases=(Phase.explicit, Phase.generate))

SCHEMA = {
    "name": "get_weather",
    "description": "Weather forecast for a city.",
    "parameters": {
        "type": "dict",
        "properties": {
            "city": {"type": "string", "description": "City and state"},
            "days": {"type": "integer"},
            "lat": {"type": "float"},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            "hourly": {"type": "boolean"},
            "fields": {"type": "array", "items": {"type": "string"}},
            "weights": {"type": "array", "items": {"type": "float"}},
            "debug": {"type": "boolean"},
        },
        "required": ["city", "days"],
    },
}
ANSWER = {"get_weather": {
    "city": ["San Francisco, CA", "San Francisco"],
    "days": [3],
    "lat": [37.0, ""],
    "unit": ["celsius", ""],
    "hourly": [False, ""],
    "fields": [["temp", "wind"], ""],
    "weights": [[0.5, 2.0], ""],
}}
GOOD = {"city": "San Francisco", "days": 3}


def run(impl, call, schema=SCHEMA, answer=ANSWER):
    out = impl.function_call_match(call, schema, answer)
    check(isinstance(out, (tuple, list)) and len(out) == 2,
          f"function_call_match returned {out!r}; expected a tuple (ok, reason)")
    ok, reason = out
    check(isinstance(ok, bool), f"ok is {ok!r}; expected a bool")
    return ok, reason


def expect(impl, args, want, name="get_weather", **kw):
    call = {name: args}
    got = run(impl, call, **kw)
    check(tuple(got) == want, f"for the call {call!r}: got {tuple(got)!r}, expected {want!r}")


def test_worked_examples(impl):
    """The prompt's five examples."""
    schema = {"name": "get_weather", "parameters": {"type": "dict", "properties": {
        "city": {"type": "string"}, "days": {"type": "integer"}, "lat": {"type": "float"},
        "unit": {"type": "string"}, "fields": {"type": "array", "items": {"type": "string"}}},
        "required": ["city", "days"]}}
    answer = {"get_weather": {"city": ["San Francisco, CA", "San Francisco"], "days": [3],
                              "lat": [37.0, ""], "unit": ["celsius", ""], "fields": [["temp", "wind"]]}}
    kw = {"schema": schema, "answer": answer}
    expect(impl, {"city": "san francisco", "days": 3, "fields": ["TEMP", "wind"]}, (True, "ok"), **kw)
    got = run(impl, '{"get_weather": {"city": "SF", "days": 3, "fields": ["temp", "wind"]}}', schema, answer)
    check(tuple(got) == (False, "value_error"), f"JSON call with city 'SF': got {tuple(got)!r}, expected (False, 'value_error')")
    expect(impl, {"city": "San Francisco", "days": True, "fields": []}, (False, "type_error"), **kw)
    expect(impl, {"city": "San Francisco", "days": 3, "lat": 37, "fields": ["temp", "wind"]}, (True, "ok"), **kw)
    expect(impl, {"city": "San Francisco", "days": 3}, (False, "missing_optional"), **kw)


def test_valid_calls(impl):
    """Correct calls, with and without each optional parameter, pass with (True, 'ok')."""
    for extra in [{}, {"lat": 37.0}, {"unit": "celsius"}, {"hourly": False}, {"fields": ["temp", "wind"]},
                  {"weights": [0.5, 2.0]}, {"lat": 37.0, "unit": "Celsius", "hourly": False, "fields": ["Temp", "wind"]}]:
        expect(impl, {**GOOD, **extra}, (True, "ok"))
    expect(impl, {"days": 3, "city": "San Francisco, CA"}, (True, "ok"))


def test_json_string_and_dict_agree(impl):
    """A call given as a JSON string gets the same verdict as the same call given as a dict."""
    calls = [{"get_weather": {**GOOD, "lat": 37}}, {"get_weather": {**GOOD, "days": 4}},
             {"get_weather": {"city": "San Francisco"}}, {"get_weather": {**GOOD, "debug": True}},
             {"get_weather": {**GOOD, "unit": 5}}, {"get_forecast": GOOD}]
    for call in calls:
        want = tuple(run(impl, call))
        got = tuple(run(impl, json.dumps(call)))
        check(got == want, f"the JSON string {json.dumps(call)!r} gave {got!r} but the dict gave {want!r}")
    check(tuple(run(impl, json.dumps(calls[0]))) == (True, "ok"), "a valid call given as a JSON string did not pass")


def test_bad_format(impl):
    """Invalid JSON, a JSON list or number, two functions, no function, or non-dict arguments: 'bad_format'."""
    for call in ['{"get_weather": {"city": "Paris"', "get_weather(city='Paris')", "[]", "42", "null",
                 '{"get_weather": ["San Francisco", 3]}', [GOOD], {}, {"get_weather": GOOD, "get_time": {}},
                 {"get_weather": "city=San Francisco"}, '{"get_weather": {"city": "San Francisco", "days": 3}, "x": {}}']:
        got = tuple(run(impl, call))
        check(got == (False, "bad_format"), f"for the call {call!r}: got {got!r}, expected (False, 'bad_format')")


def test_wrong_function(impl):
    """Another function name (even differing only in case or with the arguments right) is 'wrong_function'."""
    for name in ["get_forecast", "Get_Weather", "get_weather ", "get.weather"]:
        expect(impl, GOOD, (False, "wrong_function"), name=name)


def test_missing_required(impl):
    """A parameter listed in 'required' that is absent is 'missing_required'; no 'required' key means none."""
    expect(impl, {"city": "San Francisco"}, (False, "missing_required"))
    expect(impl, {"days": 3}, (False, "missing_required"))
    expect(impl, {}, (False, "missing_required"))
    schema = copy.deepcopy(SCHEMA)
    del schema["parameters"]["required"]
    answer = {"get_weather": {"city": ["Paris", ""], "days": [3, ""]}}
    expect(impl, {}, (True, "ok"), schema=schema, answer=answer)
    expect(impl, {"city": "paris"}, (True, "ok"), schema=schema, answer=answer)


def test_unexpected_param(impl):
    """An argument absent from the schema, or in the schema but not in the answer table, is 'unexpected_param'."""
    expect(impl, {**GOOD, "country": "US"}, (False, "unexpected_param"))
    expect(impl, {**GOOD, "debug": False}, (False, "unexpected_param"))
    expect(impl, {**GOOD, "City": "San Francisco"}, (False, "unexpected_param"))


def test_type_errors(impl):
    """Exact Python types: bool is not an integer, 3.0 is not an integer, '3' is not a number, lists must be lists."""
    cases = [
        {"city": "San Francisco", "days": True}, {"city": "San Francisco", "days": 3.0},
        {"city": "San Francisco", "days": "3"}, {"city": 94103, "days": 3}, {**GOOD, "lat": "37.0"},
        {**GOOD, "lat": True}, {**GOOD, "hourly": "false"}, {**GOOD, "hourly": 0},
        {**GOOD, "fields": "temp, wind"}, {**GOOD, "fields": ["temp", 7]}, {**GOOD, "weights": [0.5, "2"]},
        {**GOOD, "weights": [0.5, True]}, {**GOOD, "unit": ["celsius"]}, {**GOOD, "city": None},
    ]
    for args in cases:
        expect(impl, args, (False, "type_error"))


def test_int_accepted_for_float(impl):
    """An int is accepted where a float is expected (top level and array items) and compared as a float."""
    expect(impl, {**GOOD, "lat": 37}, (True, "ok"))
    expect(impl, {**GOOD, "weights": [0.5, 2]}, (True, "ok"))
    expect(impl, {**GOOD, "lat": 38}, (False, "value_error"))
    expect(impl, {**GOOD, "weights": [1, 2]}, (False, "value_error"))


def test_value_errors(impl):
    """Values outside the allowed lists: strings, ints, floats, booleans, arrays in another order or length, any value where only "" is allowed."""
    cases = [
        {"city": "SF", "days": 3}, {"city": "Los Angeles", "days": 3}, {"city": "San Francisco", "days": 4},
        {**GOOD, "lat": 37.5}, {**GOOD, "unit": "kelvin"}, {**GOOD, "hourly": True},
        {**GOOD, "fields": ["wind", "temp"]}, {**GOOD, "fields": ["temp"]}, {**GOOD, "fields": ["temp", "wind", "rain"]},
        {**GOOD, "fields": []}, {**GOOD, "weights": [2.0, 0.5]}, {**GOOD, "weights": [0.5, 2.0, 1.0]},
    ]
    for args in cases:
        expect(impl, args, (False, "value_error"))
    # an answer list holding only "": the parameter must be omitted, so any value given is wrong
    schema = {"name": "say", "parameters": {"type": "dict", "properties": {"text": {"type": "string"}, "lang": {"type": "string"}},
                                            "required": ["text"]}}
    answer = {"say": {"text": ["hi"], "lang": [""]}}
    expect(impl, {"text": "hi"}, (True, "ok"), name="say", schema=schema, answer=answer)
    expect(impl, {"text": "hi", "lang": "en"}, (False, "value_error"), name="say", schema=schema, answer=answer)
    expect(impl, {"text": "hi", "lang": ""}, (False, "value_error"), name="say", schema=schema, answer=answer)


def test_string_standardisation(impl):
    """Strings compare after BFCL's standardize_string: no spaces or , . / - _ * ^, lower case, ' -> "."""
    for city in ["san francisco", "SAN FRANCISCO", "San Francisco CA", "san-francisco, ca.", "San_Francisco/CA",
                 "  San  Francisco  ", "san*francisco^ca", "SanFranciscoCA"]:
        expect(impl, {"city": city, "days": 3}, (True, "ok"))
    for city in ["San Francisco!", "San Francisco (CA)", "Sán Francisco", "San Francisco, CA, USA", "San Fran"]:
        expect(impl, {"city": city, "days": 3}, (False, "value_error"))
    schema = {"name": "say", "parameters": {"type": "dict", "properties": {"text": {"type": "string"}}, "required": ["text"]}}
    answer = {"say": {"text": ["it's \"ok\""]}}
    expect(impl, {"text": "IT'S 'OK'"}, (True, "ok"), name="say", schema=schema, answer=answer)
    expect(impl, {"text": 'it"s "ok"'}, (True, "ok"), name="say", schema=schema, answer=answer)
    expect(impl, {"text": "its ok"}, (False, "value_error"), name="say", schema=schema, answer=answer)


def test_optional_parameters(impl):
    """Omitting a parameter is fine only when "" is in its list; otherwise 'missing_optional' (checked last)."""
    answer = copy.deepcopy(ANSWER)
    answer["get_weather"]["unit"] = ["celsius"]
    expect(impl, GOOD, (False, "missing_optional"), answer=answer)
    expect(impl, {**GOOD, "unit": "celsius"}, (True, "ok"), answer=answer)
    expect(impl, {**GOOD, "unit": "fahrenheit"}, (False, "value_error"), answer=answer)
    expect(impl, {**GOOD, "lat": 37.0, "unit": "celsius", "hourly": False}, (True, "ok"), answer=answer)


def test_order_of_checks(impl):
    """The first failure in the stated order is reported: name, required, per-argument checks, missing_optional."""
    answer = copy.deepcopy(ANSWER)
    answer["get_weather"]["unit"] = ["celsius"]
    expect(impl, {"country": "US"}, (False, "wrong_function"), name="get_time", answer=answer)
    expect(impl, {"city": "San Francisco", "country": "US"}, (False, "missing_required"), answer=answer)
    expect(impl, {"city": 5}, (False, "missing_required"), answer=answer)
    expect(impl, {**GOOD, "lat": 99.0}, (False, "value_error"), answer=answer)
    expect(impl, {**GOOD, "lat": "x"}, (False, "type_error"), answer=answer)
    expect(impl, {**GOOD, "debug": True}, (False, "unexpected_param"), answer=answer)
    expect(impl, {"city": "LA", "days": 3, "debug": True}, (False, "value_error"))
    expect(impl, {"debug": True, "city": "LA", "days": 3}, (False, "unexpected_param"))
    expect(impl, {"days": "3", "city": "LA"}, (False, "type_error"))


def test_inputs_not_modified(impl):
    """The call, the schema and the answer table are unchanged after the call."""
    call = {"get_weather": {"city": "San Francisco, CA", "days": 3, "lat": 37, "fields": ["Temp", "wind"]}}
    schema, answer = copy.deepcopy(SCHEMA), copy.deepcopy(ANSWER)
    before = copy.deepcopy((call, schema, answer))
    run(impl, call, schema, answer)
    check((call, schema, answer) == before, "an input was modified by the call")
    check(type(call["get_weather"]["lat"]) is int, "the call's int argument was converted in place")


# ---- a property test against a plain re-statement of the rules -------------------------------
def _std(s):
    return re.sub(r"[ ,./\-_*^]", "", s).lower().replace("'", '"')


def _conform(v, t):
    return (t == "float" and type(v) is int) or type(v) is {"string": str, "integer": int, "float": float,
                                                          "boolean": bool, "array": list}[t]


def _key(v, t):
    return _std(v) if t == "string" else float(v) if t == "float" else v


def reference(args):
    props, table = SCHEMA["parameters"]["properties"], ANSWER["get_weather"]
    for p in SCHEMA["parameters"]["required"]:
        if p not in args:
            return False, "missing_required"
    for p, v in args.items():
        if p not in props or p not in table:
            return False, "unexpected_param"
        t = props[p]["type"]
        allowed = [a for a in table[p] if a != ""]
        if t == "array":
            it = props[p]["items"]["type"]
            if type(v) is not list or not all(_conform(x, it) for x in v):
                return False, "type_error"
            if [_key(x, it) for x in v] not in [[_key(x, it) for x in a] for a in allowed]:
                return False, "value_error"
        else:
            if not _conform(v, t):
                return False, "type_error"
            if _key(v, t) not in [_key(a, t) for a in allowed]:
                return False, "value_error"
    for p, allowed in table.items():
        if p not in args and "" not in allowed:
            return False, "missing_optional"
    return True, "ok"


CHOICES = {
    "city": ["San Francisco", "san francisco, ca", "SF", 5, None],
    "days": [3, 4, True, 3.0, "3"],
    "lat": [37, 37.0, 36.5, "37", False],
    "unit": ["celsius", "CELSIUS", "kelvin", 1],
    "hourly": [False, True, 0, "no"],
    "fields": [["temp", "wind"], ["TEMP", "Wind"], ["wind", "temp"], ["temp"], "temp", ["temp", 1]],
    "weights": [[0.5, 2.0], [0.5, 2], [2.0, 0.5], [0.5, "2"], 0.5],
    "debug": [True],
    "extra": [1],
}


@SETTINGS
@given(st.permutations(list(CHOICES)), st.data())
def test_matches_rules_on_random_calls(impl, order, data):
    """On many random calls (any subset of arguments, right and wrong values and types), the verdict follows the rules."""
    args = {}
    for p in order:
        if data.draw(st.booleans(), label=f"include {p}"):
            args[p] = data.draw(st.sampled_from(CHOICES[p]), label=p)
    want = reference(args)
    got = tuple(run(impl, {"get_weather": copy.deepcopy(args)}))
    if got[0] != want[0]:
        fail(f"for the call {{'get_weather': {args!r}}}: got {got!r}, expected {want!r}")
    check(got == want, f"for the call {{'get_weather': {args!r}}}: got {got!r}, expected {want!r}")
