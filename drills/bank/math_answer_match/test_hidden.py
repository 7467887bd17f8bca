"""Hidden suite for `math_answer_match` (plain Python): designed cases per rule, and robustness."""

import string

from hypothesis import given, settings, strategies as st

from postprep.drills.harness import check, fail

SETTINGS = settings(derandomize=True, deadline=None, database=None, max_examples=80)
# A fixed alphabet (ASCII, whitespace variants, a non-ASCII digit, an emoji, a combining accent):
# st.text() over all of Unicode would rebuild hypothesis's character map in every fresh grader.
ALPHABET = "".join(chr(i) for i in range(32, 127)) + "\n\t\r\u00a0\u0663\u2028\U0001F600\u0301\u00e9"


def extracted(impl, completion, want):
    got = impl.extract_answer(completion)
    check(got == want, f"extract_answer({completion!r}) = {got!r}; expected {want!r}")


def matches(impl, completion, reference, want):
    got = impl.answers_match(completion, reference)
    check(isinstance(got, bool), f"answers_match returned {type(got).__name__}; expected a bool")
    check(got is want, f"answers_match({completion!r}, {reference!r}) = {got}; expected {want}")


def test_worked_examples(impl):
    """The prompt's examples: GSM8K marker, nested boxed, last number, None, and four matches."""
    extracted(impl, "16 - 3 - 4 = 9 eggs. 9 * 2 = 18\n#### 18", "18")
    extracted(impl, "So $x = \\boxed{\\frac{1}{2}}$.", "\\frac{1}{2}")
    extracted(impl, "#### 5\nActually, #### 6 apples\nDone", "6 apples")
    extracted(impl, "\\boxed{3} no wait \\boxed{4", "4")
    extracted(impl, "The total is $1,250.", "1,250")
    extracted(impl, "no digits here", None)
    matches(impl, "The total is $1,250.", "1250", True)
    matches(impl, "\\boxed{0.50}", "\\frac{1}{2}", True)
    matches(impl, "#### 3.0", "3", True)
    matches(impl, "#### 6 apples", "6", False)


def test_gsm8k_marker_rule(impl):
    """'####': the last marker wins, its answer is the rest of that line, stripped."""
    extracted(impl, "#### 72", "72")
    extracted(impl, "Natalia sold 48/2 = 24 clips.\n48 + 24 = 72\n####   72  \n", "72")
    extracted(impl, "#### 1\n#### 2\n#### 3", "3")
    extracted(impl, "#### 1\nthen 7 and 8", "1")
    extracted(impl, "answer:####-4.5 dollars\nmore 99", "-4.5 dollars")
    extracted(impl, "####42", "42")
    extracted(impl, "#### x = 7", "x = 7")


def test_empty_marker_falls_through(impl):
    """A '####' with nothing after it on its line falls through to the boxed rule, then the last number."""
    extracted(impl, "\\boxed{9}\n####   \n", "9")
    extracted(impl, "#### 5\n####\nso 12 it is", "12")
    extracted(impl, "7 then 8 ####", "8")


def test_boxed_rule_nested_braces(impl):
    """'\\boxed{': the last box, braces counted so nested braces stay inside the answer."""
    extracted(impl, "\\boxed{\\frac{1}{2}}", "\\frac{1}{2}")
    extracted(impl, "first \\boxed{1} then \\boxed{2} and 3", "2")
    extracted(impl, "\\boxed{ \\sqrt{2} + {1} } trailing 5", "\\sqrt{2} + {1}")
    extracted(impl, "$\\boxed{\\left\\{1, 2\\right\\}}$", "\\left\\{1, 2\\right\\}")
    extracted(impl, "\\boxed{\\boxed{5}}", "5")
    extracted(impl, "\\boxed{a}}} 9", "a")


def test_boxed_falls_through(impl):
    """An unclosed last box or an empty box falls through to the last number (earlier boxes are not used)."""
    extracted(impl, "\\boxed{7} and finally \\boxed{8", "8")
    extracted(impl, "\\boxed{7} and finally \\boxed{x", "7")
    extracted(impl, "so 12 \\boxed{  }", "12")
    extracted(impl, "\\boxed{}", None)
    extracted(impl, "\\boxed 5 and \\fbox{6} and 4.", "4")


def test_last_number_rule(impl):
    """Last number: the last regex match, as written (sign, decimals, thousands commas kept)."""
    extracted(impl, "x is -3.5", "-3.5")
    extracted(impl, "it costs 1,234.50 in total", "1,234.50")
    extracted(impl, "a = 3, b = 4.", "4")
    extracted(impl, "1.2.3", "3")
    extracted(impl, "5-3", "-3")
    extracted(impl, "about .5 units", "5")
    extracted(impl, "values 1,2,3", "1,2,3")
    extracted(impl, "", None)
    extracted(impl, "   \n  ", None)


def test_priority_order(impl):
    """The marker beats the boxed answer, which beats the last number, wherever they appear."""
    extracted(impl, "#### 10\n\\boxed{20} 30", "10")
    extracted(impl, "\\boxed{20} 30", "20")
    extracted(impl, "30 \\boxed{20}\n#### 10 ", "10")
    extracted(impl, "\\boxed{x+1} 2 3", "x+1")


def test_numbers_compare_by_exact_value(impl):
    """Numbers: commas, '$', trailing '.', '3.0' vs '3', decimals vs fractions, exact (not float) equality."""
    cases = [
        ("#### 3", "3.0", True), ("#### 3.0", "3", True), ("#### 10.50", "10.5", True),
        ("#### 1,000", "1000", True), ("#### $1,000.", "1,000.00", True), ("#### 007", "7", True),
        ("#### -0.75", "-\\frac{3}{4}", True), ("\\boxed{\\dfrac{3}{4}}", "0.75", True),
        ("\\boxed{\\tfrac{6}{8}}", "3/4", True), ("\\boxed{\\frac{-1}{2}}", "-.5", True),
        ("\\boxed{1 / 2}", "0.5", True), ("#### $5$", "5", True), ("the answer is 5.", "$5", True),
        ("#### \\$12", "12", True), ("#### 3.01", "3", False), ("#### 0.33", "1/3", False),
        ("#### 12345678901234567890", "12345678901234567891", False),
        ("#### 0.1", "1/10", True), ("#### -5", "5", False), ("#### 2/4", "\\frac{1}{2}", True),
    ]
    for completion, reference, want in cases:
        matches(impl, completion, reference, want)


def test_text_answers(impl):
    """Text: whitespace removed, case kept, units kept, commas kept outside numbers, no division by zero."""
    cases = [
        ("\\boxed{x + 1}", "x+1", True), ("\\boxed{(1, 2)}", "(1,2)", True), ("\\boxed{(1,2)}", "(12)", False),
        ("#### 5 cm", "5", False), ("#### 5 cm", "5cm", True), ("\\boxed{\\text{B}}", "\\text{b}", False),
        ("\\boxed{\\frac{1}{0}}", "\\frac{1}{0}", True), ("#### 1/0", "1/0", True), ("#### 1/0", "0", False),
        ("\\boxed{\\pi}", "\\pi", True), ("\\boxed{\\sqrt{2}}", "1.414", False), ("\\boxed{5}", "five", False),
        ("\\boxed{x}", "x.", True),
    ]
    for completion, reference, want in cases:
        matches(impl, completion, reference, want)


def test_no_answer_never_matches(impl):
    """No extractable answer, or an answer or reference that normalises to '', never matches."""
    matches(impl, "I don't know", "I don't know", False)
    matches(impl, "", "", False)
    matches(impl, "#### $", "", False)
    matches(impl, "#### $.", "$", False)
    matches(impl, "#### 5", "", False)
    matches(impl, "#### 5", "  $ ", False)


FRAGMENTS = ["####", "\\boxed{", "{", "}", "$", "\\$", "\\frac{", "\\dfrac", "1", "-", ".", ",", " ", "\n",
             "3.5", "1/0", "/", "0", "12,345", "x", "\\", "##", "boxed", "\u00a0", "\t", "\u0663"]


@SETTINGS
@given(st.one_of(st.text(alphabet=ALPHABET, max_size=60), st.lists(st.sampled_from(FRAGMENTS), max_size=14).map("".join)),
       st.one_of(st.text(alphabet=ALPHABET, max_size=12), st.lists(st.sampled_from(FRAGMENTS), max_size=6).map("".join)))
def test_never_raises_on_any_text(impl, completion, reference):
    """On arbitrary text (and adversarial mixes of markers and braces): no exception; None or a substring; a bool."""
    try:
        got = impl.extract_answer(completion)
        ok = impl.answers_match(completion, reference)
    except Exception as exc:  # noqa: BLE001
        fail(f"raised {type(exc).__name__}: {exc} on completion {completion!r}, reference {reference!r}")
    check(got is None or (isinstance(got, str) and got != "" and got in completion),
          f"extract_answer({completion!r}) = {got!r}; expected None or a non-empty substring of the completion")
    check(isinstance(ok, bool), f"answers_match returned {type(ok).__name__}; expected a bool")
    if got is None:
        check(ok is False, f"answers_match({completion!r}, {reference!r}) is True but no answer was extracted")


def test_extracted_answer_matches_itself(impl):
    """Whatever rule fires, the extracted answer matches a reference equal to it (numbers and text)."""
    for completion in ["#### 1,250.00", "\\boxed{\\frac{3}{6}}", "so x = -7.25.", "#### (a, b)", "\\boxed{\\{1,2\\}}"]:
        answer = impl.extract_answer(completion)
        check(isinstance(answer, str), f"extract_answer({completion!r}) = {answer!r}; expected a string")
        matches(impl, completion, answer, True)
    letters = string.ascii_letters
    matches(impl, "#### " + letters, letters, True)
    matches(impl, "#### " + letters, letters.upper(), False)


def test_very_long_numbers(impl):
    """Numbers with more than 4,300 digits (int()'s default limit): no exception; the same number matches, another does not."""
    big = "1" + "0123456789" * 500
    cases = [(f"#### {big}", big, True), (f"#### {big}", big[:-1] + "8", False), (f"The answer is {big}.", big, True),
             (f"#### -{big}", big, False)]
    for completion, reference, want in cases:
        try:
            got = impl.answers_match(completion, reference)
        except Exception as exc:  # noqa: BLE001
            fail(f"answers_match raised {type(exc).__name__} on a {len(big)}-digit number (int() and Fraction() refuse more "
                 f"than 4,300 digits by default); it must never raise")
        check(got is want, f"answers_match gave {got!r} for a {len(big)}-digit number against "
                           f"{'the same value' if want else 'a different value'} ({completion[:12]}... vs {reference[:12]}...); expected {want}")
