"""Today's quiz in the app: the same session rules as `postprep quiz` (reveal, rate 1-4, undo,
counts, the explanation after each answer). Database work runs in workers."""

from __future__ import annotations

import time

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Footer, Header, Input, Label, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from postprep.quiz.answers import hint_for, is_correct, option_to_remove, shown_options
from postprep.quiz.decks import Card
from postprep.tui.screens.base import AppScreen

RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


class QuizScreen(AppScreen):
    BINDINGS = [
        Binding("space", "reveal", "Show answer", id="reveal"),
        Binding("enter", "accept", "Accept", id="accept", show=False),
        Binding("1", "rate(1)", "Again", id="again"),
        Binding("2", "rate(2)", "Hard", id="hard"),
        Binding("3", "rate(3)", "Good", id="good"),
        Binding("4", "rate(4)", "Easy", id="easy"),
        Binding("h", "hint", "Hint", id="quiz-hint"),
        Binding("u", "undo", "Undo", id="undo"),
        Binding("escape", "app.pop_screen", "Back", id="back"),
    ]

    def __init__(self, pillar: int | None = None, deck: str | None = None):
        super().__init__()
        self.pillar, self.deck = pillar, deck
        self.session = None
        self.card: Card | None = None
        self.revealed = False
        self.result: bool | None = None  # auto-graded verdict of the shown card
        self.given = ""
        self.hint_used = False
        self.shown_at = 0.0

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="quiz"):
            yield Label("", id="quiz-counts")
            yield Label("", id="quiz-meta")
            with VerticalScroll(id="quiz-card", classes="panel"):
                yield Markdown("Loading today's cards …", id="quiz-question")
                yield OptionList(id="quiz-options")
                yield Input(placeholder="Type your answer and press Enter (h in an empty box: hint)", id="quiz-input")
                yield Static("", id="quiz-hint")
                yield Markdown("", id="quiz-answer")
            yield Static("", id="quiz-keys")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#quiz-options").display = False
        self.query_one("#quiz-input").display = False
        self.start()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if self.card is None:
            return action in ("undo",) or None
        if action == "reveal":
            return self.card.kind == "recall" and not self.revealed
        if action in ("rate", "accept"):
            return self.revealed
        if action == "hint":
            return not self.revealed and self.card.kind != "recall"
        return True

    # --- loading ----------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="quiz", exit_on_error=False)
    def start(self) -> None:
        from postprep.progress.home import data_home
        from postprep.quiz.decks import load_decks
        from postprep.tui.practice import make_quiz_session

        decks, problems = load_decks(data_home() / "decks")
        cards = [c for d in decks for c in d.cards
                 if (self.deck is None or d.id == self.deck) and (self.pillar is None or c.pillar == self.pillar)]
        store = self.app.thread_store
        session = make_quiz_session(store, cards)
        session.session_id = store.start_quiz_session("app")
        self.session = session
        for problem in problems:
            self.app.call_from_thread(self.notify, str(problem), title="Deck skipped", severity="warning")
        self.load_next()

    def load_next(self) -> None:
        """In a worker thread: the next card and the counts."""
        card = self.session.next_card()
        counts = self.session.counts()
        leech = card is not None and card.id in self.session.store.leeches()
        self.app.call_from_thread(self.show_card, card, counts, leech)

    def show_card(self, card: Card | None, counts, leech: bool) -> None:
        self.card, self.revealed, self.result, self.given, self.hint_used = card, False, None, "", False
        self.query_one("#quiz-counts", Label).update(
            f"[b]{counts.new}[/] new · [b]{counts.learning}[/] learning · [b]{counts.review}[/] review")
        question, options, field = self.query_one("#quiz-question", Markdown), self.query_one("#quiz-options", OptionList), self.query_one("#quiz-input", Input)
        self.query_one("#quiz-answer", Markdown).update("")
        self.query_one("#quiz-hint", Static).update("")
        options.display = field.display = False
        if card is None:
            self.query_one("#quiz-meta", Label).update("")
            question.update(f"**Done for now.** {len(self.session.answered)} answered in this session.")
            self.query_one("#quiz-keys", Static).update("escape: back · u: undo the last answer")
            self.refresh_bindings()
            return
        self.query_one("#quiz-meta", Label).update(
            f"[dim]pillar {card.pillar} · {card.topic} · {card.kind}[/]" + (" · [red]leech[/]" if leech else ""))
        question.update(card.question)
        if card.kind == "choice":
            self.choices = shown_options(card, self.session.clock().date())
            self.list_choices()
            options.display = True
            options.focus()
            keys = "↑↓ + enter or the option's number: choose · h: hint · u: undo"
        elif card.kind == "short":
            field.value = ""
            field.display = True
            field.focus()
            keys = "type and press enter · h in an empty box: hint · u: undo"
        else:
            self.set_focus(None)
            keys = "space: show the answer · u: undo"
        self.query_one("#quiz-keys", Static).update(f"[dim]{keys}[/]")
        self.shown_at = time.monotonic()
        self.refresh_bindings()

    def list_choices(self) -> None:
        options = self.query_one("#quiz-options", OptionList)
        options.clear_options()
        options.add_options([Option(f"{i}. {o}", id=str(i)) for i, o in enumerate(self.choices, 1)])

    # --- answering ----------------------------------------------------------------------------------
    def action_reveal(self) -> None:
        if self.card is not None and not self.revealed:
            self.show_answer(None)

    @on(OptionList.OptionSelected, "#quiz-options")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.choose(int(event.option.id))

    def on_key(self, event) -> None:
        if self.card is not None and self.card.kind == "choice" and not self.revealed and event.character \
                and event.character.isdigit() and 1 <= int(event.character) <= len(self.choices):
            event.stop()
            self.choose(int(event.character))

    def choose(self, number: int) -> None:
        self.given = self.choices[number - 1]
        self.show_answer(is_correct(self.card, self.given))

    @on(Input.Submitted, "#quiz-input")
    def typed(self, event: Input.Submitted) -> None:
        if event.value.strip().lower() == "h" or not event.value.strip():
            self.action_hint()
            event.input.value = ""
            return
        self.given = event.value
        self.show_answer(is_correct(self.card, event.value))

    def show_answer(self, correct: bool | None) -> None:
        from postprep.quiz.scheduler import auto_rating

        self.revealed, self.result = True, correct
        self.duration_ms = round((time.monotonic() - self.shown_at) * 1000)
        self.query_one("#quiz-options").display = self.query_one("#quiz-input").display = False
        verdict = "" if correct is None else ("**Correct.** " if correct else f"**Not quite.** You answered: {self.given}\n\n")
        self.query_one("#quiz-answer", Markdown).update(
            f"{verdict}**Answer:** {self.card.answer}\n\n{self.card.explanation}\n\n*Source: {self.card.source}*")
        self.suggested = None
        if correct is not None:
            self.suggested = auto_rating(correct, self.hint_used, self.duration_ms, 20_000)
        rates = " · ".join(f"{n} {name}" for n, name in RATINGS.items())
        keys = f"enter: {RATINGS[self.suggested]} (suggested) · or {rates}" if self.suggested else f"rate: {rates}"
        self.query_one("#quiz-keys", Static).update(f"[dim]{keys} · u: undo[/]")
        self.set_focus(None)
        self.refresh_bindings()

    def action_accept(self) -> None:
        if self.revealed and self.suggested:
            self.record(self.suggested, "auto")

    def action_rate(self, rating: int) -> None:
        if self.revealed:
            self.record(rating, "chosen")

    def record(self, rating: int, source: str) -> None:
        card, self.card = self.card, None  # no double answers while the worker runs
        self.refresh_bindings()
        self.save(card, rating, source, self.result, self.given, self.hint_used, self.duration_ms)

    @work(thread=True, exclusive=True, group="quiz", exit_on_error=False)
    def save(self, card, rating, source, correct, given, hint_used, duration_ms) -> None:
        self.session.answer(card, rating, source=source, correct=correct, given=given,
                            hint_used=hint_used, duration_ms=duration_ms)
        self.load_next()

    def action_hint(self) -> None:
        if self.card is None or self.revealed:
            return
        self.hint_used = True
        if self.card.kind == "choice" and len(self.choices) > 2:
            self.choices.remove(option_to_remove(self.card, self.choices))
            self.list_choices()
            self.query_one("#quiz-hint", Static).update("[yellow]Hint:[/] one wrong option removed.")
        elif self.card.kind == "short":
            self.query_one("#quiz-hint", Static).update(f"[yellow]Hint:[/] {hint_for(self.card)}")

    @work(thread=True, exclusive=True, group="quiz", exit_on_error=False)
    def action_undo(self) -> None:
        if self.session is None:
            return
        undone = self.session.undo()
        if undone is None:
            self.app.call_from_thread(self.notify, "Nothing to undo in this session.")
            return
        self.app.call_from_thread(self.notify, f"Undid your answer to {undone.card.id}.")
        self.load_next()

    def on_unmount(self) -> None:
        if self.session is not None and self.session.session_id is not None:
            self.app.thread_store.end_quiz_session(self.session.session_id)
