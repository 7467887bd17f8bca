"""`postprep design ID`: a design prompt against the clock, the answer in $EDITOR (a file in the
workspace, so nothing typed is lost), then the rubric: suggestions first, the user's marks decide."""

from __future__ import annotations

import subprocess
from pathlib import Path

from rich.console import Console
from rich.markdown import Markdown

from postprep.quiz.design import DesignPrompt, score, suggest
from postprep.tui.practice import editor_command

KEYS = {"c": "covered", "p": "partly", "m": "missed"}
COLOURS = {"covered": "green", "partly": "yellow", "missed": "red"}


def answer_file(workspace: Path, prompt: DesignPrompt) -> Path:
    path = workspace / "design" / f"{prompt.id}.md"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# {prompt.title}\n\n<!-- {prompt.minutes} min. Write your design below; save to keep it. -->\n\n",
                        encoding="utf-8")
    return path


def edit(path: Path) -> None:
    subprocess.run(editor_command(path), check=False)


def mark_rubric(prompt: DesignPrompt, answer: str, console: Console, keys) -> tuple[list[str], list[str]]:
    """Shows each point with its suggestion; c/p/m marks it, Enter takes the suggestion."""
    suggested = suggest(prompt, answer)
    console.rule("Rubric: mark each point (c covered · p partly · m missed · Enter takes the suggestion)")
    marks = []
    for point, hint in zip(prompt.rubric, suggested):
        console.print(f"[b]({point.weight})[/] {point.point}")
        console.print(f"    [dim]suggestion from your answer's words:[/] [{COLOURS[hint]}]{hint}[/]")
        while True:
            key = keys.key()
            if key == "":
                marks.append(hint)
                break
            if key in KEYS:
                marks.append(KEYS[key])
                break
            if key == "q":
                raise KeyboardInterrupt
        console.print(f"    → [{COLOURS[marks[-1]]}]{marks[-1]}[/]")
    return marks, suggested


def report(prompt: DesignPrompt, marks: list[str], console: Console) -> float:
    result = score(prompt, marks)
    console.rule(f"Score {result:.0%}")
    console.print(Markdown("**Common pitfalls**\n\n" + "\n".join(f"- {p}" for p in prompt.pitfalls)))
    console.print(Markdown("**Follow-ups an interviewer would ask**\n\n" + "\n".join(f"- {q}" for q in prompt.follow_ups)))
    console.print(Markdown("**Sources**\n\n" + "\n".join(f"- {s}" for s in prompt.sources)))
    return result
