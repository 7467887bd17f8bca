"""`postprep quiz`: a daily session in the plain terminal. Keys 1-4 rate, Enter/Space reveals or
accepts, u undoes the last answer, q stops and keeps what was answered."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager

from rich.console import Console
from rich.markdown import Markdown

from postprep.quiz.answers import hint_for, is_correct, option_to_remove, shown_options
from postprep.quiz.decks import Card
from postprep.quiz.scheduler import QuizSession, auto_rating

RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


class Keys:
    """One key at a time in a terminal; one line per key when input is piped (scripts, tests)."""

    def __init__(self, stream=sys.stdin):
        self.stream = stream
        self.tty = stream.isatty()

    @contextmanager
    def _cbreak(self):
        import termios
        import tty

        fd = self.stream.fileno()
        saved = termios.tcgetattr(fd)
        try:
            tty.setcbreak(fd)
            yield
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)

    def key(self) -> str:
        """'' for Enter or Space, 'q' at the end of input."""
        if self.tty:
            with self._cbreak():
                char = self.stream.read(1)
            return "" if char in ("\n", "\r", " ") else ("q" if char in ("", "\x04") else char.lower())
        line = self.stream.readline()
        return "q" if line == "" else line.strip().lower()

    def line(self) -> str | None:
        line = self.stream.readline()
        return None if line == "" else line.rstrip("\n")


class Stop(Exception):
    pass


class TerminalQuiz:
    def __init__(self, session: QuizSession, console: Console, keys: Keys, limit: int | None):
        self.session = session
        self.console = console
        self.keys = keys
        self.limit = limit

    def run(self) -> None:
        answered = 0
        try:
            while self.limit is None or answered < self.limit:
                card = self.session.next_card()
                if card is None:
                    break
                if self.ask(card):
                    answered += 1
                else:
                    answered = max(0, answered - 1)
        except (Stop, KeyboardInterrupt):
            self.console.print("\n[dim]Stopped; every answer so far is saved.[/]")
        self.summary()

    def header(self, card: Card) -> None:
        c = self.session.counts()
        self.console.rule(f"[b]{c.new}[/] new · [b]{c.learning}[/] learning · [b]{c.review}[/] review")
        leech = " · [red]leech[/]" if card.id in self.session.store.leeches() else ""
        self.console.print(f"[dim]pillar {card.pillar} · {card.topic} · {card.kind}{leech}[/]")
        self.console.print(Markdown(card.question))

    def command(self, key: str) -> bool:
        """u and q work at every prompt; returns True when the key was one of them."""
        if key == "q":
            raise Stop
        if key == "u":
            undone = self.session.undo()
            self.console.print(f"[yellow]Undone:[/] {undone.card.id}" if undone else "[dim]Nothing to undo.[/]")
            return True
        return False

    def ask(self, card: Card) -> bool:
        """Ask one card; True when it was answered, False when the user undid instead."""
        self.header(card)
        started = time.monotonic()
        if card.kind == "recall":
            self.console.print("[dim]Enter/Space: show the answer · u: undo · q: stop[/]")
            while (key := self.keys.key()) != "":
                if self.command(key):
                    return False
            return self.rate(card, None, "", False, started)
        if card.kind == "choice":
            return self.ask_choice(card, started)
        return self.ask_short(card, started)

    def ask_choice(self, card: Card, started: float) -> bool:
        options = shown_options(card, self.session.clock().date())
        hint_used = False
        while True:
            for i, option in enumerate(options, 1):
                self.console.print(f"  [b]{i}[/] {option}", markup=True)
            self.console.print("[dim]1-%d: choose · h: hint (removes a wrong option) · u: undo · q: stop[/]" % len(options))
            key = self.keys.key()
            if self.command(key):
                return False
            if key == "h" and len(options) > 2:
                options.remove(option_to_remove(card, options))
                hint_used = True
                continue
            if key.isdigit() and 1 <= int(key) <= len(options):
                given = options[int(key) - 1]
                return self.rate(card, is_correct(card, given), given, hint_used, started)

    def ask_short(self, card: Card, started: float) -> bool:
        hint_used = False
        while True:
            self.console.print("[dim]Type your answer and Enter · h: hint · u: undo · q: stop[/]")
            given = self.keys.line()
            if given is None:
                raise Stop
            if given.strip().lower() in ("q", "u"):
                self.command(given.strip().lower())
                return False
            if given.strip().lower() == "h":
                self.console.print(f"[yellow]Hint:[/] {hint_for(card)}")
                hint_used = True
                continue
            return self.rate(card, is_correct(card, given), given, hint_used, started)

    def rate(self, card: Card, correct: bool | None, given: str, hint_used: bool, started: float) -> bool:
        duration_ms = round((time.monotonic() - started) * 1000)
        if correct is not None:
            self.console.print("[bold green]Correct.[/]" if correct else f"[bold red]Not quite.[/] The answer: [b]{card.answer}[/]")
        else:
            self.console.print(Markdown(f"**Answer:** {card.answer}"))
        self.console.print(Markdown(card.explanation))
        self.console.print(f"[dim]Source: {card.source}[/]")
        suggested = auto_rating(correct, hint_used, duration_ms, self.session.usual_answer_ms()) if correct is not None else None
        choices = " · ".join(f"{n} {name}" for n, name in RATINGS.items())
        if suggested:
            self.console.print(f"[dim]Enter: {RATINGS[suggested]} (suggested) · or {choices} · u: undo · q: stop[/]")
        else:
            self.console.print(f"[dim]Rate: {choices} · u: undo · q: stop[/]")
        while True:
            key = self.keys.key()
            if self.command(key):
                return False
            if key == "" and suggested:
                rating, source = suggested, "auto"
                break
            if key in ("1", "2", "3", "4"):
                rating, source = int(key), "chosen"
                break
        self.session.answer(card, rating, source=source, correct=correct, given=given,
                            hint_used=hint_used, duration_ms=duration_ms)
        self.console.print(f"[dim]→ {RATINGS[rating]}[/]")
        return True

    def summary(self) -> None:
        done = self.session.answered
        graded = [a for a in done if a.correct is not None]
        right = sum(1 for a in graded if a.correct)
        text = f"Answered {len(done)} card(s)"
        if graded:
            text += f"; {right}/{len(graded)} auto-graded answers right"
        self.console.print(f"\n[b]{text}.[/]")
        c = self.session.counts()
        if c.total:
            self.console.print(f"Still due today: {c.new} new · {c.learning} learning · {c.review} review.")
        else:
            upcoming = self.session.next_learning_due()
            if upcoming:
                minutes = max(1, int((upcoming - self.session.clock()).total_seconds() // 60))
                self.console.print(f"Done for now; learning cards come back in about {minutes} min.")
            else:
                self.console.print("Done for today.")
