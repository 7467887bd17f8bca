"""Hidden suite for `code_exec_reward` (plain Python). Every case starts real subprocesses, so the cases are few
and the timeouts short; generous wall-clock bounds allow for a slow, shared machine."""

import os
import tempfile
import time

from postprep.drills.harness import assert_close, check, fail

import numpy as np

ADD = "a, b = map(int, input().split())\nprint(a + b)"
ECHO = "import sys\nsys.stdout.write(sys.stdin.read())"
STARTUP_SLACK = 2.5  # seconds allowed on top of the timeouts for interpreter start-up on a busy machine


def reward(impl, program, tests, **kw):
    start = time.monotonic()
    got = impl.code_exec_reward(program, tests, **kw)
    elapsed = time.monotonic() - start
    check(isinstance(got, (float, int)) and not isinstance(got, bool),
          f"code_exec_reward returned {got!r}; expected a float")
    return float(got), elapsed


def expect(impl, program, tests, want, what, **kw):
    got, elapsed = reward(impl, program, tests, **kw)
    assert_close(np.array(got), np.array(want), what=what, rtol=1e-12, atol=1e-12)
    return elapsed


def test_worked_example(impl):
    """The prompt's examples: 2 of 3 tests pass; all-or-nothing gives 0; a loop and a crash score 0."""
    expect(impl, ADD, [("1 2\n", "3"), ("10 -4", "6\n"), ("2 2", "5")], 2 / 3, "the reward of the add program (2 of 3 pass)")
    expect(impl, ADD, [("1 2\n", "3"), ("2 2", "5")], 0.0, "the all-or-nothing reward with one failing test", all_or_nothing=True)
    expect(impl, "print(3)\nraise RuntimeError", [("", "3")], 0.0, "the reward of a program that crashes after printing")


def test_all_or_nothing(impl):
    """all_or_nothing=True gives 1.0 only when every test passes; the default is the fraction passed."""
    tests = [("1 2", "3"), ("5 5", "10"), ("0 0", "0"), ("7 1", "9")]
    expect(impl, ADD, tests, 0.75, "the fraction of tests passed (3 of 4)")
    expect(impl, ADD, tests[:3], 1.0, "the all-or-nothing reward when every test passes", all_or_nothing=True)


def test_stdout_normalisation_accepts(impl):
    """Outer blank lines, trailing newlines, spaces around each line (inner lines too) and \\r\\n do not matter."""
    tests = [("3\n", "3"), ("3", "3\n\n"), ("\n\n3  \n\n", "3"), ("  1\n2   \n", "1\n2"), ("1\r\n2\r\n", "1\n2"),
             ("a b\n", "a b"), ("1\n   2\n", "1\n2"), ("1\n2\n", "1\n\t 2")]
    got, _ = reward(impl, ECHO, tests)
    check(got == 1.0, f"an echo program passed {got * len(tests):g} of {len(tests)} tests whose outputs differ only by "
                      f"whitespace the normalisation removes: {tests!r}")


def test_stdout_normalisation_rejects(impl):
    """A missing or extra line, an inner blank line, or spaces inside a line make the test fail."""
    for stdin, expected in [("1\n2\n", "1"), ("1\n", "1\n2"), ("1\n\n2\n", "1\n2"), ("1 2\n", "12"), ("x\n", "X")]:
        got, _ = reward(impl, ECHO, [(stdin, expected)])
        check(got == 0.0, f"the output {stdin!r} passed for the expected output {expected!r}; it should fail")


UPPER_UTF8 = "import sys\nsys.stdout.buffer.write(sys.stdin.buffer.read().decode('utf-8').upper().encode('utf-8'))"


def test_utf8_input_and_output(impl):
    """stdin is given as UTF-8 and stdout read as UTF-8; bytes that are not UTF-8 are replaced, never an exception."""
    expect(impl, UPPER_UTF8, [("naïve café € 東京\n", "NAÏVE CAFÉ € 東京")], 1.0,
           "the reward of a program that upper-cases its UTF-8 input, on non-ASCII input")
    bad_bytes = "import sys\nsys.stdout.buffer.write(b'\\xff\\xfe ok\\n3\\n')"
    try:
        got, _ = reward(impl, bad_bytes, [("", "\ufffd\ufffd ok\n3"), ("", "3")])
    except Exception as exc:  # noqa: BLE001
        if type(exc).__name__ == "Mismatch":
            raise
        fail(f"code_exec_reward raised {type(exc).__name__} for a program whose stdout is not valid UTF-8; decode it "
             f"with errors='replace'")
    check(got == 0.5, f"a program printing the bytes ff fe before ' ok' and '3' scored {got}; expected 0.5 (each invalid byte "
                      f"becomes U+FFFD, which matches the first expected output and not the second)")


def test_timeout_is_per_test(impl):
    """The timeout applies to each test separately, not to all the tests together."""
    slow = "import time\ntime.sleep(0.5)\nprint(input())"
    tests = [(str(i), str(i)) for i in range(4)]
    elapsed = expect(impl, slow, tests, 1.0, "the reward of a program taking 0.5 s per test, timeout=1.5 per test, 4 tests",
                     timeout=1.5)
    check(elapsed < 4 * 1.5 + STARTUP_SLACK, f"the call took {elapsed:.1f} s")


def test_crashes_and_exit_codes(impl):
    """Exceptions, syntax errors and non-zero exits fail; sys.exit(0) and stderr output do not matter."""
    cases = [
        ("print(1)\nimport sys\nsys.exit(1)", 0.0, "sys.exit(1) after the right output"),
        ("print(1)\nimport sys\nsys.exit(0)", 1.0, "sys.exit(0) after the right output"),
        ("print(1\n", 0.0, "a syntax error"),
        ("import sys\nprint('noise', file=sys.stderr)\nprint(1)", 1.0, "the right output with noise on stderr"),
        ("x = int(input())\nprint(1 // x)", 0.0, "a ZeroDivisionError on input 0"),
    ]
    for program, want, what in cases:
        got, _ = reward(impl, program, [("0\n", "1")])
        check(got == want, f"{what}: reward {got}, expected {want}")


def test_infinite_loop_is_killed(impl):
    """A program that loops on one input is stopped by the timeout: that test scores 0, the others count."""
    program = "s = input()\nwhile s == 'loop':\n    pass\nprint(s)"
    elapsed = expect(impl, program, [("hello", "hello"), ("loop", "loop")], 0.5, "the reward with one looping test", timeout=1.5)
    check(elapsed < 1.5 + 2 * STARTUP_SLACK, f"code_exec_reward took {elapsed:.1f} s for two tests with timeout=1.5 s")


def test_output_before_timeout_does_not_count(impl):
    """A program that prints the right answer and then never exits still fails the test."""
    program = "print(42, flush=True)\nwhile True:\n    pass"
    elapsed = expect(impl, program, [("", "42")], 0.0, "the reward of a program that prints 42 and then loops", timeout=0.5)
    check(elapsed < 0.5 + STARTUP_SLACK, f"code_exec_reward took {elapsed:.1f} s with timeout=0.5 s")


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")


def test_processes_started_by_the_program_are_killed(impl):
    """A looping program whose child holds the output pipe: the call still ends on time and the child is killed."""
    with tempfile.TemporaryDirectory() as tmp:
        pid_file = os.path.join(tmp, "child.pid")
        program = (
            "import subprocess, sys\n"
            "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(10)'])\n"
            f"open({pid_file!r}, 'w').write(str(child.pid))\n"
            "while True:\n    pass\n"
        )
        elapsed = expect(impl, program, [("", "")], 0.0, "the reward of a looping program with a child process", timeout=2.0)
        check(elapsed < 2.0 + STARTUP_SLACK,
              f"code_exec_reward took {elapsed:.1f} s with timeout=2 s: it waited for a process the program started "
              "(kill the whole process group, not only the program)")
        if not os.path.exists(pid_file):
            return  # the program was stopped before it started its child (a very slow machine): nothing to check
        with open(pid_file) as f:
            pid = int(f.read())
        deadline = time.monotonic() + 1.5
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _alive(pid):
            fail("a process started by the timed-out program is still running after code_exec_reward returned "
                 "(kill the whole process group)")


def test_large_input_and_output(impl):
    """Echoing about 300 KB through stdin and stdout neither deadlocks nor loses data."""
    line = "0123456789" * 10
    data = "\n".join(f"{i} {line}" for i in range(3000)) + "\n"
    expect(impl, ECHO, [(data, data)], 1.0, "the reward of an echo program on a 300 KB input", timeout=10.0)
    expect(impl, ECHO, [(data, data.replace("2999 ", "2998 "))], 0.0, "the reward when the last line of a 300 KB output differs",
           timeout=10.0)


def test_each_test_gets_its_own_input(impl):
    """Each test runs the program afresh with its own stdin: results do not leak between tests."""
    program = "import sys\ndata = sys.stdin.read().split()\nprint(len(data), sum(map(int, data)))"
    tests = [("1 2 3", "3 6"), ("", "0 0"), ("10\n20", "2 30"), ("5", "1 5")]
    expect(impl, program, tests, 1.0, "the reward of a program summing its own input")


def test_errors(impl):
    """No tests, or a non-positive timeout, raise ValueError."""
    for tests, kw, what in [([], {}, "an empty list of tests"), ([("1 2", "3")], {"timeout": 0}, "timeout=0"),
                            ([("1 2", "3")], {"timeout": -1.0}, "timeout=-1")]:
        try:
            got = impl.code_exec_reward(ADD, tests, **kw)
        except ValueError:
            continue
        except Exception as exc:  # noqa: BLE001
            fail(f"{what} raised {type(exc).__name__}; expected ValueError")
        fail(f"{what} returned {got!r}; expected ValueError")


def test_tests_not_modified(impl):
    """The list of tests is unchanged after the call."""
    tests = [["1 2", "3"], ["2 2", "4"]]
    impl.code_exec_reward(ADD, tests)
    check(tests == [["1 2", "3"], ["2 2", "4"]], "code_exec_reward modified its tests")
