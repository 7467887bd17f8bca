"""Hidden suite for `regex_reward` (plain Python): exact format cases, answer extraction, batching, robustness."""

import re
from fractions import Fraction

from hypothesis import Phase, given, settings, strategies as st

from postprep.drills.harness import check, fail

SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=120,
                    phases=(Phase.explicit, Phase.generate))
# A fixed alphabet keeps hypothesis from building its full Unicode table in every fresh grader.
ALPHABET = "".join(chr(i) for i in range(32, 127)) + "\n\r\t\u00a0\u2028\u00e9\U0001F600"
PIECES = ["<think>", "</think>", "<answer>", "</answer>", "\n", "\r\n", " ", "x", "42", "-3.5", "<", ">", "/"]

FORMAT = re.compile(r"<think>\n.*?\n</think>\n<answer>\n.*?\n</answer>", re.DOTALL)


def spec_format(c):
    return 1.0 if FORMAT.fullmatch(c) else 0.0


def spec_norm(t):
    t = t.strip()
    return Fraction(t) if re.fullmatch(r"-?\d+(?:\.\d+)?", t) else t


def spec_accuracy(c, s):
    blocks = re.findall(r"<answer>(.*?)</answer>", c, re.DOTALL)
    return 1.0 if blocks and spec_norm(blocks[-1]) == spec_norm(s) else 0.0


def rewards(name, out, n):
    check(isinstance(out, (list, tuple)) and len(out) == n,
          f"{name} returned {out!r}; expected a list of {n} rewards")
    for r in out:
        check(isinstance(r, (float, int)) and not isinstance(r, bool) and r in (0.0, 1.0),
              f"{name} returned the reward {r!r}; expected 1.0 or 0.0")
    return [float(r) for r in out]


def fmt(impl, completions):
    return rewards("format_reward", impl.format_reward(list(completions)), len(completions))


def acc(impl, completions, solutions):
    return rewards("accuracy_reward", impl.accuracy_reward(list(completions), list(solutions)), len(completions))


def format_cases(impl, cases):
    got = fmt(impl, [c for c, _ in cases])
    for (c, want), g in zip(cases, got):
        check(g == want, f"format_reward gave {g} for {c!r}; expected {want}")


GOOD = "<think>\nabc\n</think>\n<answer>\n42\n</answer>"


def test_worked_examples(impl):
    """The prompt's examples for both rewards."""
    format_cases(impl, [(GOOD, 1.0), (GOOD + "\n", 0.0), (GOOD + "\nextra", 0.0),
                        ("<think>abc</think><answer>42</answer>", 0.0),
                        ("<think>\na\n</think>\n<answer>\n1\n</answer>\n<answer>\n2\n</answer>", 1.0)])
    got = acc(impl, [GOOD, "blah <answer> 3.50 </answer>", "<answer>1</answer><answer>2</answer>", "no tags",
                     "<answer>Paris</answer>"], ["42", "3.5", "1", "42", "paris"])
    check(got == [1.0, 1.0, 0.0, 0.0, 0.0], f"accuracy_reward gave {got}; expected [1.0, 1.0, 0.0, 0.0, 0.0]")


def test_format_newlines(impl):
    """Every newline of the pattern is required, content may span lines or be empty, and \\r\\n is not \\n."""
    format_cases(impl, [
        ("<think>\nline 1\nline 2\n\n</think>\n<answer>\nx\ny\n</answer>", 1.0),
        ("<think>\n\n</think>\n<answer>\n\n</answer>", 1.0),
        ("<think>\n</think>\n<answer>\n42\n</answer>", 0.0),
        ("<think>\nabc\n</think>\n<answer>\n</answer>", 0.0),
        ("<think>abc\n</think>\n<answer>\n42\n</answer>", 0.0),
        ("<think>\nabc</think>\n<answer>\n42\n</answer>", 0.0),
        ("<think>\nabc\n</think><answer>\n42\n</answer>", 0.0),
        ("<think>\nabc\n</think>\n\n<answer>\n42\n</answer>", 0.0),
        ("<think>\nabc\n</think>\n<answer>42\n</answer>", 0.0),
        ("<think>\nabc\n</think>\n<answer>\n42</answer>", 0.0),
        ("<think>\r\nabc\r\n</think>\r\n<answer>\r\n42\r\n</answer>", 0.0),
        ("<think> \nabc\n</think>\n<answer>\n42\n</answer>", 0.0),
    ])


def test_format_nothing_before_or_after(impl):
    """Text or whitespace before <think> or after </answer> (even one newline) gives 0.0."""
    format_cases(impl, [
        (GOOD, 1.0), (" " + GOOD, 0.0), ("\n" + GOOD, 0.0), ("Sure!\n" + GOOD, 0.0), (GOOD + " ", 0.0),
        (GOOD + "\n", 0.0), (GOOD + "\n\n", 0.0), (GOOD + "\nThe answer is 42.", 0.0), (GOOD + "<|im_end|>", 0.0),
    ])


def test_format_nested_and_repeated_tags(impl):
    """Tags inside the thinking are fine; a second answer block still matches (lazy .*? expands); wrong order fails."""
    format_cases(impl, [
        ("<think>\nI will write <answer> later, after </think> hmm\n</think>\n<answer>\n42\n</answer>", 1.0),
        ("<think>\na\n</think>\n<answer>\n1\n</answer>\n<answer>\n2\n</answer>", 1.0),
        ("<think>\na\n</think>\n<think>\nb\n</think>\n<answer>\n2\n</answer>", 1.0),
        ("<think>\na\n</think>\n<answer>\n<answer>\n5\n</answer>\n</answer>", 1.0),
        ("<answer>\n42\n</answer>\n<think>\nabc\n</think>", 0.0),
        ("<think>\nabc\n</think>\n<answer>\n42\n</answer>\n<think>\nmore\n</think>", 0.0),
        ("<think>\nabc\n</think>", 0.0),
        ("<answer>\n42\n</answer>", 0.0),
        ("<THINK>\nabc\n</THINK>\n<ANSWER>\n42\n</ANSWER>", 0.0),
        ("<think>\nabc\n</think>\n<answer>\n42\n</answers>", 0.0),
        ("", 0.0),
    ])


def test_accuracy_numbers(impl):
    """Numbers compare by exact value after stripping: 42.0 == 42, -3.50 == -3.5, big integers exactly."""
    cases = [("<answer>\n42\n</answer>", "42", 1.0), ("<answer> 42.0 </answer>", "42", 1.0), ("<answer>42</answer>", " 42.00 ", 1.0),
             ("<answer>-3.50</answer>", "-3.5", 1.0), ("<answer>43</answer>", "42", 0.0), ("<answer>-42</answer>", "42", 0.0),
             ("<answer>12345678901234567890</answer>", "12345678901234567891", 0.0), ("<answer>0.1</answer>", "0.10", 1.0),
             ("<answer>007</answer>", "7", 1.0), ("<answer>1,000</answer>", "1000", 0.0), ("<answer>1,000</answer>", "1,000", 1.0),
             ("<answer>+5</answer>", "5", 0.0), ("<answer>5.</answer>", "5", 0.0),
             ("<answer>123456789012345678901234567890</answer>", "123456789012345678901234567891", 0.0)]
    got = acc(impl, [c for c, _, _ in cases], [s for _, s, _ in cases])
    for (c, s, want), g in zip(cases, got):
        check(g == want, f"accuracy_reward gave {g} for {c!r} with solution {s!r}; expected {want}")


def test_accuracy_very_long_numbers(impl):
    """Numbers with more than 4,300 digits (int()'s default limit): no exception, compared by exact value."""
    big = "1" + "0123456789" * 500
    cases = [(f"<answer>{big}</answer>", big, 1.0), (f"<answer>{big}</answer>", big[:-1] + "8", 0.0),
             (f"<answer>{big}.50</answer>", f"{big}.5", 1.0), (f"<answer>-{big}</answer>", big, 0.0)]
    try:
        got = acc(impl, [c for c, _, _ in cases], [s for _, s, _ in cases])
    except Exception as exc:  # noqa: BLE001
        if type(exc).__name__ == "Mismatch":
            raise
        fail(f"accuracy_reward raised {type(exc).__name__} on a {len(big)}-digit answer (int() and Fraction() refuse more than "
             f"4,300 digits by default); it must never raise")
    for (c, s, want), g in zip(cases, got):
        check(g == want, f"accuracy_reward gave {g} for a {len(big)}-digit answer{' and a solution that differs' if want == 0.0 else ''}; "
                         f"expected {want}")


def test_accuracy_text_and_extraction(impl):
    """Text compares exactly after strip; the last <answer> block counts; no block gives 0.0; format not required."""
    cases = [("<answer>Paris</answer>", "Paris", 1.0), ("<answer>\n  Paris \n</answer>", "Paris", 1.0),
             ("<answer>paris</answer>", "Paris", 0.0), ("<answer>x + 1</answer>", "x+1", 0.0),
             ("<answer>1</answer> then <answer>2</answer>", "2", 1.0), ("<answer>1</answer> then <answer>2</answer>", "1", 0.0),
             ("no answer here 42", "42", 0.0), ("<answer>42", "42", 0.0), ("42</answer>", "42", 0.0),
             ("chatter <answer>7</answer> more chatter", "7", 1.0), (GOOD, "42", 1.0),
             ("<answer>\n<answer>5</answer>\n</answer>", "5", 0.0), ("<answer>\n<answer>5</answer>\n</answer>", "<answer>5", 1.0),
             ("<answer></answer>", "", 1.0), ("<answer>A\nB</answer>", "A\nB", 1.0)]
    got = acc(impl, [c for c, _, _ in cases], [s for _, s, _ in cases])
    for (c, s, want), g in zip(cases, got):
        check(g == want, f"accuracy_reward gave {g} for {c!r} with solution {s!r}; expected {want}")


def test_batching(impl):
    """Rewards are per completion, in order; an empty batch gives []; mismatched lengths raise ValueError."""
    batch = [GOOD, "nope", GOOD.replace("42", "41"), GOOD + "\n"] * 3
    check(fmt(impl, batch) == [spec_format(c) for c in batch], "format_reward is not per completion, in order")
    sols = ["42", "42", "42", "42"] * 3
    check(acc(impl, batch, sols) == [spec_accuracy(c, s) for c, s in zip(batch, sols)], "accuracy_reward is not per completion, in order")
    check(list(impl.format_reward([])) == [], "format_reward([]) should be []")
    check(list(impl.accuracy_reward([], [])) == [], "accuracy_reward([], []) should be []")
    try:
        got = impl.accuracy_reward([GOOD, GOOD], ["42"])
    except ValueError:
        pass
    except Exception as exc:  # noqa: BLE001
        fail(f"accuracy_reward with 2 completions and 1 solution raised {type(exc).__name__}; expected ValueError")
    else:
        fail(f"accuracy_reward with 2 completions and 1 solution returned {got!r}; expected ValueError")


@SETTINGS
@given(st.lists(st.one_of(st.text(alphabet=ALPHABET, max_size=40), st.lists(st.sampled_from(PIECES), max_size=12).map("".join)),
                max_size=6),
       st.data())
def test_never_raises_and_follows_the_rules(impl, completions, data):
    """On arbitrary strings and adversarial mixes of tags and newlines: no exception, and both rewards follow the rules."""
    solutions = [data.draw(st.sampled_from(["42", "-3.5", "x", "", " 42 ", "<answer>"]), label="solution") for _ in completions]
    try:
        f = fmt(impl, completions)
        a = acc(impl, completions, solutions)
    except Exception as exc:  # noqa: BLE001
        if type(exc).__name__ == "Mismatch":
            raise
        fail(f"raised {type(exc).__name__}: {exc} on completions {completions!r}")
    check(f == [spec_format(c) for c in completions], f"format_reward({completions!r}) = {f}")
    want = [spec_accuracy(c, s) for c, s in zip(completions, solutions)]
    check(a == want, f"accuracy_reward({completions!r}, {solutions!r}) = {a}; expected {want}")


def test_inputs_not_modified(impl):
    """The completions and solutions lists are unchanged after the calls."""
    completions, solutions = [GOOD, " x "], ["42", " x "]
    impl.format_reward(completions)
    impl.accuracy_reward(completions, solutions)
    check(completions == [GOOD, " x "] and solutions == ["42", " x "], "an input list was modified")
