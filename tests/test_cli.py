"""The real `postprep` command, run as a user would, in subprocesses."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path


from postprep.drills.catalog import all_drills, get_drill
from conftest import suite_size

ATTENTION = get_drill("attention")


def rows(home: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(home / "progress.db") as conn:
        return conn.execute(sql).fetchall()


def test_help_imports_nothing_heavy():
    code = (
        "import sys\n"
        "sys.argv = ['postprep', '--help']\n"
        "from postprep.tui.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('torch', 'numpy', 'textual', 'sqlite_utils') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"
    assert "postprep check attention" in out


def test_version(postprep):
    result = postprep("--version")
    assert result.returncode == 0 and result.stdout.startswith("postprep 0.")


def test_unknown_drill_says_did_you_mean(postprep):
    result = postprep("drill", "atention")
    assert result.returncode == 2
    assert "No drill named 'atention'. Did you mean attention" in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr + result.stdout


def test_did_you_mean_puts_names_that_start_with_the_typo_first():
    from postprep.drills.catalog import did_you_mean

    assert did_you_mean("beam", all_drills()).startswith(" Did you mean beam_search")
    assert did_you_mean("kv", all_drills()).startswith(" Did you mean kv_cache")
    assert did_you_mean("atention", all_drills()).startswith(" Did you mean attention")
    assert did_you_mean("zzzz", all_drills()) == ""


def test_bad_framework_is_a_usage_error(postprep):
    result = postprep("drill", "attention", "--framework", "jax")
    assert result.returncode == 2 and "--framework must be numpy, torch or python" in result.stderr


def test_drills_lists_every_drill_as_json(postprep):
    result = postprep("drills", "--json")
    assert result.returncode == 0
    listed = json.loads(result.stdout)
    assert [d["id"] for d in listed] == list(all_drills())
    first = next(d for d in listed if d["id"] == "attention")
    assert first | {"status": "new", "minutes": 15, "pillar": 0, "difficulty": "easy"} == first
    table = postprep("drills").stdout
    assert "attention" in table and "15 min" in table


def test_drill_writes_the_starter_and_never_overwrites_work(postprep, workspace, isolated_home):
    result = postprep("drill", "attention", "--framework", "torch")
    assert result.returncode == 0
    path = workspace / "attention_torch.py"
    assert path.read_text() == ATTENTION.starter("torch").read_text()
    assert str(path) in result.stdout and "Scaled dot-product attention" in result.stdout
    assert "target 15 min" in result.stdout
    assert len(rows(isolated_home, "select * from drill_sessions")) == 1

    path.write_text("# my work\n")
    again = postprep("drill", "attention")
    assert path.read_text() == "# my work\n" and "kept" in again.stdout
    assert "Clock running" in again.stdout
    assert len(rows(isolated_home, "select * from drill_sessions")) == 1  # the clock keeps running

    postprep("drill", "attention", "--reset")
    assert path.read_text() == ATTENTION.starter("torch").read_text()
    assert len(rows(isolated_home, "select * from drill_sessions")) == 2

    postprep("solution", "attention", "--give-up")
    finished = postprep("drill", "attention")
    assert "You finished this drill; --reset starts it again" in finished.stdout and "Clock running" not in finished.stdout


def test_check_grades_records_and_sets_the_exit_code(postprep, workspace, isolated_home, tmp_path):
    assert postprep("check", "attention").returncode == 2  # no file yet
    postprep("drill", "attention")
    failing = postprep("check", "attention")
    assert failing.returncode == 1
    assert "test_worked_example" in failing.stdout and "NotImplementedError" in failing.stdout
    assert f"0/{suite_size(ATTENTION, 'numpy')} tests passed" in failing.stdout and "of 15:00 target" in failing.stdout

    (workspace / "attention_numpy.py").write_text(ATTENTION.solution.read_text())
    passing = postprep("check", "attention", "--json")
    assert passing.returncode == 0
    data = json.loads(passing.stdout)
    assert data["status"] == "pass" and data["version"] == 3 and data["passed"] == data["total"]
    assert data["elapsed_s"] >= 0 and data["target_s"] == 900

    broken = tmp_path / "broken.py"
    broken.write_text("def scaled_dot_product_attention(:\n")
    error = postprep("check", "attention", "--file", str(broken))
    assert error.returncode == 2 and "syntax error at line 1" in error.stdout
    for missing in (tmp_path / "nope.py", tmp_path):  # no such file, a folder: said, not an attempt
        result = postprep("check", "attention", "--file", str(missing))
        assert result.returncode == 2 and "There is no file at" in result.stderr

    attempts = rows(isolated_home, "select status, passed, total, hints_used from attempts order by id")
    total = suite_size(ATTENTION, "numpy")
    assert attempts == [("fail", 0, total, 0), ("pass", total, total, 0), ("error", 0, 0, 0)]
    listed = json.loads(postprep("drills", "--json").stdout)
    assert next(d for d in listed if d["id"] == "attention")["status"] == "passed"


def test_hint_ladder_is_recorded(postprep, isolated_home):
    postprep("drill", "attention")
    for level in range(1, len(ATTENTION.hints) + 1):
        out = postprep("hint", "attention").stdout
        assert f"Hint {level}/{len(ATTENTION.hints)}" in out
    assert "No more hints" in postprep("hint", "attention").stdout
    assert rows(isolated_home, "select max(level), count(*) from hints") == [(4, 4)]


def test_solution_opens_after_giving_up(postprep, isolated_home):
    refused = postprep("solution", "attention")
    assert refused.returncode == 1 and "--give-up" in refused.stdout
    assert "def scaled_dot_product_attention" not in refused.stdout
    given_up = postprep("solution", "attention", "--give-up")
    assert given_up.returncode == 0 and "def scaled_dot_product_attention" in given_up.stdout
    assert "given up" in given_up.stdout
    assert postprep("solution", "attention").returncode == 0
    assert len(rows(isolated_home, "select * from give_ups")) == 1


def test_a_file_that_is_not_a_database_is_left_alone(postprep, isolated_home):
    isolated_home.mkdir(parents=True)
    db = isolated_home / "progress.db"
    db.write_bytes(b"my notes, not a database" * 100)
    result = postprep("drills")
    assert result.returncode == 2
    assert str(db) in result.stderr and "not a postprep database" in result.stderr
    assert "Traceback" not in result.stderr
    assert db.read_bytes() == b"my notes, not a database" * 100


def test_someone_elses_sqlite_database_is_left_exactly_as_it_was(postprep, isolated_home):
    isolated_home.mkdir(parents=True)
    db = isolated_home / "progress.db"
    with sqlite3.connect(db) as conn:
        conn.execute("create table notes (text)")
    before = db.read_bytes()
    result = postprep("today")
    assert result.returncode == 2 and "it holds other tables: notes" in " ".join(result.stderr.split())
    assert db.read_bytes() == before  # no postprep tables, not even WAL mode


def test_a_damaged_database_is_a_message_not_a_traceback(postprep, isolated_home):
    assert postprep("drill", "top_k", "--no-tui").returncode == 0
    for _ in range(3):
        postprep("hint", "top_k")
    db = isolated_home / "progress.db"
    with sqlite3.connect(db) as conn:
        conn.execute("pragma wal_checkpoint(truncate)")
    data = bytearray(db.read_bytes())
    data[2 * 4096:] = b"\xab" * (len(data) - 2 * 4096)  # every page after the schema's
    db.write_bytes(bytes(data))
    for command in (["drills"], ["today"], ["hint", "top_k"]):
        result = postprep(*command)
        assert result.returncode == 2, command
        assert "is not a postprep database or is damaged" in " ".join(result.stderr.split())
        assert "Traceback" not in result.stderr
    assert db.read_bytes() == bytes(data)


def test_folders_that_cannot_be_used_are_named(postprep, isolated_home, tmp_path, monkeypatch):
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    monkeypatch.setenv("POSTPREP_HOME", str(a_file))
    result = postprep("drills")
    assert result.returncode == 2 and "POSTPREP_HOME is" in result.stderr and "not a folder" in result.stderr
    monkeypatch.setenv("POSTPREP_HOME", str(isolated_home))
    monkeypatch.setenv("POSTPREP_WORKSPACE", str(a_file / "workspace"))  # cannot be created
    result = postprep("drill", "top_k", "--no-tui")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "a-file" in result.stderr and "check the folder" in " ".join(result.stderr.split())


def test_ids_stay_whole_and_piped_solutions_are_exact_on_an_80_column_terminal(postprep, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    listed = postprep("drills").stdout
    assert all(len(line) <= 80 for line in listed.splitlines())
    first_words = {line.split()[0] for line in listed.splitlines() if line.strip()}
    assert set(all_drills()) <= first_words  # every id whole, the first thing on its line
    assert "status" in listed.splitlines()[0]
    designs = postprep("design").stdout
    assert "math-data-flywheel" in designs and "verify-synthetic-data" in designs
    result = postprep("solution", "adamw_step", "--give-up")
    assert result.returncode == 0
    assert get_drill("adamw_step").solution.read_text() in result.stdout  # long lines uncut, as a file


def test_an_editor_that_is_not_a_program_is_named(postprep, monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "no-such-editor-anywhere")
    result = postprep("design", "llm-judge-limits")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "Cannot start the editor 'no-such-editor-anywhere'" in " ".join(result.stderr.split())


def test_dev_check_unknown_drill(postprep):
    result = postprep("dev", "check", "--drill", "dpo")
    assert result.returncode == 2 and "Did you mean" in result.stderr


def test_no_arguments_outside_a_terminal_shows_help(postprep):
    result = postprep()
    assert result.returncode == 0 and "postprep check attention" in result.stdout


def test_no_arguments_in_a_terminal_opens_the_app_without_the_cli(tmp_path):
    """`postprep` in a real terminal: the dashboard appears, q quits; typer and torch stay unloaded."""
    import os
    import pty
    import select
    import time

    report = tmp_path / "modules"
    code = (
        "import sys\n"
        "import postprep.tui.app as app\n"
        "mount = app.PostprepApp.on_mount\n"
        "def on_mount(self):\n"
        "    mount(self)\n"
        f"    open({str(report)!r}, 'w').write(' '.join(m for m in ('typer', 'click', 'torch') if m in sys.modules))\n"
        "app.PostprepApp.on_mount = on_mount\n"
        "sys.argv = ['postprep']\n"
        "from postprep.tui.launch import main\n"
        "main()\n"
    )
    controller, terminal = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=terminal, stdout=terminal, stderr=terminal,
                            env={**os.environ, "TERM": "xterm-256color"})
    os.close(terminal)
    output, deadline, quit_sent = b"", time.monotonic() + 60, False
    while proc.poll() is None and time.monotonic() < deadline:
        if select.select([controller], [], [], 0.05)[0]:
            try:
                output += os.read(controller, 65536)
            except OSError:
                break
        if not quit_sent and b"Recent attempts" in output:
            os.write(controller, b"q")
            quit_sent = True
    os.close(controller)
    if proc.poll() is None:
        proc.kill()
    assert quit_sent, output.decode(errors="replace")[-500:]
    assert proc.wait(timeout=10) == 0
    assert report.read_text() == ""


def test_watch_rechecks_on_every_save(workspace):
    import queue
    import signal
    import threading

    proc = subprocess.Popen([sys.executable, "-m", "postprep.tui", "drill", "attention", "--watch"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    seen: list[str] = []

    def read_until(words: str, timeout: float = 120) -> None:
        import time

        deadline = time.monotonic() + timeout
        while not any(words in line for line in seen):
            assert time.monotonic() < deadline, f"never printed {words!r}:\n{''.join(seen)}"
            try:
                seen.append(lines.get(timeout=1))
            except queue.Empty:
                pass

    try:
        read_until("Waiting for the next save")
        assert any("FAIL" in line for line in seen)  # the starter, checked at once
        seen.clear()
        (workspace / "attention_numpy.py").write_text(ATTENTION.solution.read_text())
        read_until("PASS")
        read_until("Waiting for the next save")
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    assert proc.returncode == 0


# --- quiz --------------------------------------------------------------------------------------------
def test_quiz_due_counts_and_decks(postprep):
    due = postprep("quiz", "--due", "--json")
    assert due.returncode == 0 and json.loads(due.stdout) == {"new": 15, "learning": 0, "review": 0, "total": 15}
    decks = json.loads(postprep("decks", "--json").stdout)
    assert {d["pillar"] for d in decks} == set(range(6)) and sum(d["cards"] for d in decks) >= 250
    assert all(d["topics_covered"] == d["topics"] for d in decks)


def test_quiz_session_answers_undo_and_stop(postprep, isolated_home):
    # recall card of pillar 1 first: Enter reveals, 3 rates Good; then u undoes it; then it comes
    # back: Enter, 4 (Easy); then q stops and keeps what was answered.
    result = postprep("quiz", "--pillar", "1", input="\n3\nu\n\n4\nq\n")
    assert result.returncode == 0, result.stderr
    assert "Undone:" in result.stdout and "Stopped; every answer so far is saved." in result.stdout
    reviews = rows(isolated_home, "select card_id, rating, rating_source from reviews")
    assert len(reviews) == 1 and reviews[0][1:] == (4, "chosen")
    assert rows(isolated_home, "select answered from quiz_sessions") == [(1,)]
    due = json.loads(postprep("quiz", "--due", "--json").stdout)
    assert due["new"] == 14


def test_quiz_limit_and_auto_graded_choice(postprep, isolated_home):
    result = postprep("quiz", "--pillar", "1", "--limit", "2", input="\n3\n1\n\n")
    assert result.returncode == 0, result.stderr
    assert "Answered 2 card(s)" in result.stdout
    sources = rows(isolated_home, "select rating_source, correct is not null from reviews order by id")
    assert sources == [("chosen", 0), ("auto", 1)]


def test_unknown_deck_and_broken_user_deck(postprep, isolated_home):
    result = postprep("quiz", "--deck", "p1-alignmnt", "--due")
    assert result.returncode == 2 and "Did you mean p1-alignment?" in result.stderr
    result = postprep("quiz", "--deck", "p0-foundations", "--pillar", "1", "--due")
    assert result.returncode == 2 and "has no cards of pillar 1" in result.stderr  # not a silent 0
    (isolated_home / "decks").mkdir(parents=True)
    (isolated_home / "decks" / "mine.toml").write_text('format_version = 1\nid = "mine"\n[[cards]\n')
    listed = postprep("decks")
    assert listed.returncode == 0 and "mine.toml:3" in listed.stderr and "p0-foundations" in listed.stdout


# --- plan --------------------------------------------------------------------------------------------
def test_plan_start_show_and_the_quiz_follows_the_week(postprep, isolated_home):
    from datetime import date, timedelta

    assert "No plan yet" in postprep("plan").stdout
    bad = postprep("plan", "start", "2026-13-01")
    assert bad.returncode == 2 and "is not a date: write it as YYYY-MM-DD" in bad.stderr
    later = date.today() + timedelta(days=30)
    assert postprep("plan", "start", later.isoformat()).returncode == 0
    assert f"Your plan starts on {later.isoformat()}" in postprep("today").stdout  # not "no plan yet"
    assert json.loads(postprep("today", "--json").stdout)["starts"] == later.isoformat()
    start = date.today() - timedelta(days=7 * 4 + 1)  # week 5: DPO / GRPO / PPO, pillar 1
    assert postprep("plan", "start", start.isoformat()).returncode == 0
    plan = json.loads(postprep("plan", "--json").stdout)
    assert plan["week"] == 5 and plan["start"] == start.isoformat()
    current = [b for b in plan["blocks"] if b["current"]]
    assert len(current) == 1 and current[0]["weeks"] == [5, 6] and "dpo_loss" in current[0]["drills"]
    assert "dpo-vs-ppo-vs-grpo" in current[0]["design"] and current[0]["design_answered"] == []
    assert "▶ 5-6" in postprep("plan").stdout
    first = postprep("quiz", "--limit", "1", input="q\n").stdout
    assert "pillar 1 ·" in first  # new cards come first from the plan week's pillars
    assert rows(isolated_home, "select count(*) from plan_starts") == [(2,)]
