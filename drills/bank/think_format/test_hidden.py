"""Hidden suite for `think_format` (plain Python): every failure code and its precedence, the
stripping rules, and round trips on generated text."""

from hypothesis import Phase, given, settings, strategies as st

from postprep.drills.harness import check, fail

SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=60,
                    phases=[Phase.explicit, Phase.generate])
OPEN, CLOSE = "<think>", "</think>"
# Text made of pieces that come close to the tags without being tags, plus ordinary characters.
PIECES = ["a", "Z", "7", " ", "\n", "\t", "<", ">", "/", "think", "<think", "think>", "</think", "<THINK>",
          "<thinking>", "< think>", "<answer>", "é", "字", "=", "?"]
TEXT = st.lists(st.sampled_from(PIECES), max_size=8).map("".join).filter(lambda s: OPEN not in s and CLOSE not in s)


def parsed(impl, text):
    """The user's (reasoning, answer) for a trace that must parse."""
    try:
        out = impl.parse_trace(text)
    except ValueError as exc:
        fail(f"parse_trace({text!r}) raised ValueError({exc.args[0] if exc.args else ''!r}); it is well-formed")
    try:
        reasoning, answer = out
    except (TypeError, ValueError):
        fail(f"parse_trace returned {out!r}; expected a (reasoning, answer) pair")
    return reasoning, answer


def expect_ok(impl, text, reasoning, answer):
    got = parsed(impl, text)
    check(tuple(got) == (reasoning, answer), f"parse_trace({text!r}) returned {tuple(got)!r}, expected {(reasoning, answer)!r}")


def expect_error(impl, text, code, func="parse_trace", args=None):
    args = (text,) if args is None else args
    try:
        out = getattr(impl, func)(*args)
    except ValueError as exc:
        got = exc.args[0] if exc.args else None
        check(got == code, f"{func}{args!r} raised ValueError({got!r}), expected ValueError({code!r})")
        return
    fail(f"{func}{args!r} returned {out!r}; expected ValueError({code!r})")


def test_worked_example(impl):
    """The prompt's examples: a formatted trace parses back, empty reasoning is fine, each malformed case has its code."""
    t = impl.format_trace("2 + 3 = 5, times 4 is 20.", "The answer is 20.")
    check(t == "<think>\n2 + 3 = 5, times 4 is 20.\n</think>\n\nThe answer is 20.", f"format_trace returned {t!r}")
    expect_ok(impl, t, "2 + 3 = 5, times 4 is 20.", "The answer is 20.")
    expect_ok(impl, "  \n<think>\n\n</think>\nParis", "", "Paris")
    for text, code in [("The answer is 20.", "missing_think"), ("<think>a</think>b<think>c</think>d", "multiple_think"),
                       ("<think>a<think>b</think>c", "multiple_think"), ("<think>still thinking...", "unclosed_think"),
                       ("Sure! <think>x</think>y", "text_before_think"), ("</think><think>x", "text_before_think"),
                       ("<think>x</think>   \n", "empty_answer"), ("<THINK>x</THINK>y", "missing_think")]:
        expect_error(impl, text, code)


def test_multiline_and_stripping(impl):
    """Reasoning and answer span lines; both are str.strip()-ed; inner whitespace is kept."""
    text = "\n\t <think>\n  step 1:  x = 2\n\n  step 2: y = x + 1\n</think>\n\n  y = 3\n\n  (checked)  \n"
    expect_ok(impl, text, "step 1:  x = 2\n\n  step 2: y = x + 1", "y = 3\n\n  (checked)")
    expect_ok(impl, "<think>r</think>a", "r", "a")
    expect_ok(impl, "<think>   </think>\u00a0 ok \u2003", "", "ok")


def test_tags_are_case_sensitive_and_literal(impl):
    """Only the exact lowercase tags count: <THINK>, <think >, <thinking> and <answer> are ordinary text."""
    expect_error(impl, "<Think>x</Think>y", "missing_think")
    expect_error(impl, "<think >x</think >y", "missing_think")
    expect_ok(impl, "<think>compare <thinking> with <THINK></think><answer>42</answer>", "compare <thinking> with <THINK>",
              "<answer>42</answer>")
    expect_ok(impl, "<think>a</THINK> b</think>c </Think>", "a</THINK> b", "c </Think>")
    expect_error(impl, "<think>x</Think>y", "unclosed_think")


def test_multiple_blocks(impl):
    """Nested or repeated blocks, or a repeated closing tag, are multiple_think."""
    for text in ["<think>a</think><think>b</think>c", "<think><think>a</think></think>b", "<think>a</think>b</think>c",
                 "<think>a</think></think>", "<think><think>", "<think>a</think>b <think>"]:
        expect_error(impl, text, "multiple_think")


def test_precedence_of_codes(impl):
    """When several rules fail, the first in the prompt's order is reported."""
    expect_error(impl, "hello </think></think>", "missing_think")     # no <think> beats multiple closes
    expect_error(impl, "<think>a<think>b", "multiple_think")           # multiple beats unclosed
    expect_error(impl, "x <think>a<think>b</think>", "multiple_think")  # multiple beats text before
    expect_error(impl, "x <think>never closed", "unclosed_think")      # unclosed beats text before
    expect_error(impl, "x <think>a</think>", "text_before_think")      # text before beats empty answer
    expect_error(impl, "", "missing_think")


def test_text_before_think(impl):
    """Whitespace before <think> (any character str.strip() removes, Unicode spaces included) is allowed; anything else is text_before_think."""
    expect_ok(impl, " \n\t\r<think>r</think>a", "r", "a")
    expect_ok(impl, "\u00a0\u3000\x0b\x0c\u2028 <think>r</think>a", "r", "a")  # any str.isspace() character
    for prefix in [".", "Answer:", "<", "\n>\n", "<think"]:
        expect_error(impl, prefix + "<think>r</think>a", "text_before_think")


def test_empty_answer(impl):
    """An answer that is empty or only whitespace after </think> is empty_answer."""
    for text in ["<think>r</think>", "<think>r</think>\n\n", "<think></think> \t", "<think>a long\nchain</think>\u00a0"]:
        expect_error(impl, text, "empty_answer")


def test_format_trace(impl):
    """format_trace builds '<think>\\n' + reasoning + '\\n</think>\\n\\n' + answer without stripping, and refuses bad parts (tag_in_text first)."""
    check(impl.format_trace("", "42") == "<think>\n\n</think>\n\n42", f"format_trace('', '42') returned {impl.format_trace('', '42')!r}")
    check(impl.format_trace(" r ", " a\n") == "<think>\n r \n</think>\n\n a\n", f"format_trace(' r ', ' a\\n') returned "
                                                                                 f"{impl.format_trace(' r ', ' a' + chr(10))!r}")
    expect_error(impl, None, "tag_in_text", "format_trace", ("see <think>", "a"))
    expect_error(impl, None, "tag_in_text", "format_trace", ("r", "</think> a"))
    expect_error(impl, None, "tag_in_text", "format_trace", ("r", "<think>"))
    expect_error(impl, None, "tag_in_text", "format_trace", ("see <think>", " \n"))  # tag check comes first
    expect_error(impl, None, "tag_in_text", "format_trace", ("</think>", ""))
    expect_error(impl, None, "empty_answer", "format_trace", ("r", " \n"))
    expect_error(impl, None, "empty_answer", "format_trace", ("r", ""))


@SETTINGS
@given(reasoning=TEXT, answer=TEXT)
def test_round_trip(impl, reasoning, answer):
    """For generated text without tags, parse_trace(format_trace(r, a)) gives (r.strip(), a.strip()); a blank answer is refused."""
    if not answer.strip():
        expect_error(impl, None, "empty_answer", "format_trace", (reasoning, answer))
        return
    text = impl.format_trace(reasoning, answer)
    check(text == OPEN + "\n" + reasoning + "\n" + CLOSE + "\n\n" + answer, f"format_trace returned {text!r}")
    expect_ok(impl, text, reasoning.strip(), answer.strip())


@SETTINGS
@given(lead=st.sampled_from(["", " ", "\n\n", "\t "]), reasoning=TEXT, answer=TEXT.filter(lambda s: s.strip()),
       where=st.integers(0, 3), mode=st.sampled_from(["extra_open", "extra_close", "drop_close", "prefix", "ok"]))
def test_mutated_traces(impl, lead, reasoning, answer, where, mode):
    """Generated traces with one defect (an extra tag anywhere, no closing tag, a prefix) get the right code."""
    parts = [lead, OPEN, reasoning, CLOSE, answer]
    if mode == "extra_open":
        parts.insert([1, 2, 4, 5][where], OPEN)
        want = "multiple_think"
    elif mode == "extra_close":
        parts.insert([0, 2, 4, 5][where], CLOSE)
        want = "multiple_think"
    elif mode == "drop_close":
        parts[3] = "\n"  # a separator, so the neighbours cannot form a tag
        want = "unclosed_think"
    elif mode == "prefix":
        parts[0] = lead + ["x", "?", "<", "answer:"][where]
        want = "text_before_think"
    else:
        want = None
    text = "".join(parts)
    if want is None:
        expect_ok(impl, text, reasoning.strip(), answer.strip())
    else:
        expect_error(impl, text, want)


def test_inputs_and_types(impl):
    """parse_trace returns two str values; calling it twice gives the same result."""
    text = "<think>\nr\n</think>\n\na"
    first = parsed(impl, text)
    check(all(type(x) is str for x in first), f"parse_trace returned {first!r}; expected two str values")
    check(tuple(parsed(impl, text)) == tuple(first), "parse_trace gave a different result on the second call")
