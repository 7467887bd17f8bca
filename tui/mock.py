"""Mock interviews: a session composed from the plan week's material (a drill, a design prompt, a
few quick questions, each with its own time box), run against the clock with no hints and no
solutions, then a report. Shared by `postprep mock` and the app; the clock is the store's.

Every part's result is a row written the moment the part ends; a part in progress keeps its
answer in a file (drill code, design text) or in review rows (quiz answers), so a session cut
short, even by SIGKILL, keeps what was answered and is later closed as abandoned."""

from __future__ import annotations

import json
import os
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from postprep.progress.store import parse_iso
from postprep.tui.practice import MockError

FORMATS = ("mixed", "coding", "design", "quiz")
MIN_MINUTES = {"mixed": 15, "coding": 10, "design": 10, "quiz": 2}
MAX_MINUTES = 180
QUIZ_KINDS = ("short", "choice")  # checked automatically, so a mock's score needs no self-rating
STALE_AFTER = timedelta(hours=1)  # past its end by this much, a running session was abandoned


@dataclass(frozen=True)
class PartPlan:
    kind: str  # drill | design | quiz
    item: str  # drill id, design prompt id, or "quiz"
    minutes: float
    cards: tuple[str, ...] = ()


@dataclass(frozen=True)
class Material:
    """What a mock may draw from, most in need of practice first."""

    week: int | None
    drills: list  # Drill, unpassed first
    prompts: list  # DesignPrompt, unanswered first, then lowest score
    cards: list  # Card (short or choice), least retained first


def material(store, drills, prompts, cards, rng: random.Random) -> Material:
    """The current plan week's drills, prompts and cards (everything without a plan, or in week 9),
    ordered so that what is not mastered comes first; ties in a seeded random order."""
    from postprep.progress import stats
    from postprep.tui.practice import plan_week

    current = plan_week(store)
    week, block = current if current and current[0] >= 1 else (None, None)
    in_block = (lambda w: True) if block is None or block.first_week == 9 else block.covers
    pillars = None if block is None or block.first_week == 9 else set(block.pillars)
    summaries = store.drill_summaries()
    best: dict[str, float] = {}
    for a in store.design_answers():
        best[a["prompt"]] = max(best.get(a["prompt"], 0.0), a["score"])
    recall = stats.retrievabilities(store, store.clock())

    def shuffled(items):
        items = list(items)
        rng.shuffle(items)
        return items

    week_drills = [d for d in drills if in_block(d.week)] or list(drills)
    week_prompts = [p for p in prompts if in_block(p.week)] or list(prompts)
    quick = [c for c in cards if c.kind in QUIZ_KINDS]
    week_cards = [c for c in quick if pillars is None or c.pillar in pillars] or quick
    return Material(
        week=week,
        drills=sorted(shuffled(week_drills), key=lambda d: summaries.get(d.id, {}).get("status") == "passed"),
        prompts=sorted(shuffled(week_prompts), key=lambda p: (p.id in best, best.get(p.id, 0.0))),
        cards=sorted(shuffled(week_cards), key=lambda c: recall.get(c.id, 0.0)),
    )


def check_options(fmt: str, minutes: int) -> None:
    if fmt not in FORMATS:
        raise MockError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}.")
    if not MIN_MINUTES[fmt] <= minutes <= MAX_MINUTES:
        raise MockError(f"--minutes for a {fmt} mock must be between {MIN_MINUTES[fmt]} and {MAX_MINUTES}, not {minutes}.")


def compose(fmt: str, minutes: int, material: Material) -> list[PartPlan]:
    """The parts and their time boxes, which add up to `minutes`. Mixed: a few quick questions
    (one a minute, about an eighth of the time), then the rest split between a drill and a design
    prompt, each the most needed one that fits its box."""
    check_options(fmt, minutes)
    if fmt == "quiz":
        return [_quiz_part(material, minutes)]
    if fmt == "mixed":
        quiz = min(10, max(3, round(minutes / 8)))
        drill_box = (minutes - quiz) // 2
        design_box = minutes - quiz - drill_box
        return [PartPlan("drill", _fitting(material.drills, drill_box)[0].id, drill_box),
                PartPlan("design", _fitting(material.prompts, design_box)[0].id, design_box),
                _quiz_part(material, quiz)]
    pool = material.drills if fmt == "coding" else material.prompts
    chosen = _fitting(pool, minutes)
    total = sum(x.minutes for x in chosen)
    return [PartPlan("drill" if fmt == "coding" else "design", x.id, minutes * x.minutes / total) for x in chosen]


def _fitting(pool: list, minutes: float) -> list:
    """In order of need, the items whose targets fit in `minutes` together; at least the first one
    that fits alone (or the shortest of all when none does)."""
    if not pool:
        raise MockError("there is nothing to practise for this format yet")
    chosen, left = [], minutes
    for item in pool:
        if item.minutes <= left:
            chosen.append(item)
            left -= item.minutes
    return chosen or [min(pool, key=lambda x: x.minutes)]


def _quiz_part(material: Material, minutes: int) -> PartPlan:
    if not material.cards:
        raise MockError("there are no quick-answer cards to ask")
    return PartPlan("quiz", "quiz", minutes, tuple(c.id for c in material.cards[:minutes]))


# --- a running session ----------------------------------------------------------------------------
def mock_dir(workspace: Path, session_id: int) -> Path:
    return workspace / "mock" / str(session_id)


def start(store, plan: list[PartPlan], fmt: str, minutes: int, seed: int, week: int | None,
          workspace: Path, drills: dict, prompts: dict) -> int:
    """Records the session and writes each part's answer file (a fresh starter, an empty design
    answer) under workspace/mock/<session>/; the practice files are left alone."""
    parts = []
    for p in plan:
        row = {"kind": p.kind, "item": p.item, "minutes": p.minutes, "cards": json.dumps(list(p.cards)),
               "file": None, "framework": None}
        if p.kind == "drill":
            row["framework"] = drills[p.item].frameworks[0]
        parts.append(row)
    with store.writing():  # a session is recorded with its files, or not at all
        session = store.start_mock(fmt, minutes, seed, week, parts, os.getpid())
        folder = mock_dir(workspace, session)
        folder.mkdir(parents=True, exist_ok=True)
        for part in store.mock_parts(session):
            if part["kind"] == "drill":
                drill = drills[part["item"]]
                path = folder / drill.file_name(part["framework"])
                path.write_text(drill.starter(part["framework"]).read_text(encoding="utf-8"), encoding="utf-8")
            elif part["kind"] == "design":
                path = folder / f"{part['item']}.md"
                path.write_text(f"# {prompts[part['item']].title}\n\n", encoding="utf-8")
            else:
                continue
            store.set_mock_file(part["id"], path)
    return session


class Mock:
    """One session, read from the store: which part is on, its deadline, and ending parts."""

    def __init__(self, store, session_id: int):
        self.store = store
        self.id = session_id

    @property
    def session(self) -> dict:
        return self.store.mock_session(self.id)

    def parts(self) -> list[dict]:
        return self.store.mock_parts(self.id)

    def started_at(self) -> datetime:
        return parse_iso(self.session["started_at"])

    def end_at(self) -> datetime:
        return self.started_at() + timedelta(minutes=self.session["minutes"])

    def current(self) -> dict | None:
        if self.session["status"] != "running":
            return None
        return next((p for p in self.parts() if p["result_id"] is None), None)

    def part_started_at(self, part: dict) -> datetime:
        """A part starts when the one before it ended (the first when the session started)."""
        before = [p for p in self.parts() if p["position"] < part["position"] and p["ended_at"]]
        return parse_iso(before[-1]["ended_at"]) if before else self.started_at()

    def deadline(self, part: dict) -> datetime:
        return min(self.part_started_at(part) + timedelta(minutes=part["minutes"]), self.end_at())

    def seconds_left(self, part: dict | None = None) -> float:
        """Of the part (or of the whole session without one)."""
        end = self.deadline(part) if part else self.end_at()
        return max(0.0, (end - self.store.clock()).total_seconds())

    def due(self) -> dict | None:
        """The current part if its time is up: the caller submits it as it stands."""
        part = self.current()
        return part if part is not None and self.seconds_left(part) <= 0 else None

    # --- ending parts -----------------------------------------------------------------------------
    def submit_drill(self, part: dict, drill, how: str = "submitted", run=None):
        """Grades the file as saved and records it (also as an attempt of the drill, with the part's
        time, so the agenda knows how it went). Returns the grader's result."""
        from postprep.drills.grader import grade

        path = Path(part["file"])
        started = self.part_started_at(part)
        result = grade(drill, path, part["framework"], run=run)
        score = 1.0 if result.status == "pass" else (result.passed / len(result.tests) if result.tests else 0.0)
        failing = [t.name for t in result.tests if t.status != "pass"]
        self.store.record_attempt(drill.id, part["framework"], path, result.status, result.passed, len(result.tests),
                                  result.message, result.duration_ms, started_at=started)
        self.store.record_mock_result(part["id"], started, how, score, result.passed, len(result.tests),
                                      _read(path), {"status": result.status, "message": result.message,
                                                    "failing": failing})
        return result

    def submit_design(self, part: dict, how: str = "submitted") -> None:
        """Keeps the answer as written; it is scored when its rubric is marked (after the clock)."""
        self.store.record_mock_result(part["id"], self.part_started_at(part), how, None,
                                      answer=_read(Path(part["file"])))

    def options(self, card) -> list[str]:
        """A choice card's options as numbered on screen: one order for the whole session, redraws included."""
        from postprep.quiz.answers import shown_options

        return shown_options(card, f"mock{self.id}")

    def answer_card(self, part: dict, card, given: str, session) -> bool:
        """Checks a quick answer and records it as a review of the card (a miss brings it back soon).
        For a choice card, the number of an option as shown stands for the option."""
        from postprep.quiz.answers import is_correct

        given = given.strip()
        if card.kind == "choice" and given.isdigit() and 1 <= int(given) <= len(card.options):
            given = self.options(card)[int(given) - 1]
        correct = is_correct(card, given)
        session.answer(card, 3 if correct else 1, source=f"mock:{part['id']}", correct=correct, given=given)
        return correct

    def submit_quiz(self, part: dict, how: str = "submitted") -> None:
        answers = self.store.mock_quiz_answers(part["id"])
        asked = json.loads(part["cards"])
        right = sum(a["correct"] for a in answers)
        self.store.record_mock_result(part["id"], self.part_started_at(part), how, right / len(asked) if asked else 0.0,
                                      right, len(asked), detail={"answers": answers})

    def mark_design(self, part: dict, prompt, marks: list[str], suggested: list[str]) -> float:
        """The user's rubric marks: the part's score, and a design answer like any other (so the
        prompt comes back on its spaced schedule)."""
        from postprep.quiz.design import score

        result = score(prompt, marks)
        self.store.update_mock_result(part["id"], result, {"marks": marks, "suggested": suggested})
        self.store.record_design_answer(prompt.id, parse_iso(part["started_at"]), part["answer"] or "",
                                        marks, suggested, result)
        return result

    def end_part(self, part: dict, how: str, drills: dict, run=None):
        """Ends the current part whatever its kind (`how`: submitted or timeout)."""
        if part["kind"] == "drill":
            return self.submit_drill(part, drills[part["item"]], how, run=run)
        if part["kind"] == "design":
            return self.submit_design(part, how)
        return self.submit_quiz(part, how)

    def finish(self) -> None:
        self.store.end_mock(self.id, "finished")

    def abandon(self) -> None:
        """Quitting early: the part in progress keeps its answer (not graded), the rest are skipped."""
        part = self.current()
        if part is not None:
            self.keep_unfinished(part)
        self.store.end_mock(self.id, "abandoned")

    def keep_unfinished(self, part: dict) -> None:
        if part["kind"] == "quiz":
            self.submit_quiz(part, "abandoned")
        else:
            answer = _read(Path(part["file"])) if part["file"] else ""
            self.store.record_mock_result(part["id"], self.part_started_at(part), "abandoned", None, answer=answer)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _short(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def close_stale(store) -> list[int]:
    """Sessions left running by a process that is gone (killed, crashed) or long past their end
    become abandoned, keeping the answer of the part that was in progress."""
    closed = []
    for row in store.mock_sessions("running"):
        mock = Mock(store, row["id"])
        if _alive(row["pid"]) and store.clock() < mock.end_at() + STALE_AFTER:
            continue
        mock.abandon()
        closed.append(row["id"])
    return closed


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def running(store) -> dict | None:
    """The mock interview in progress (after closing stale ones), if any."""
    close_stale(store)
    rows = store.mock_sessions("running")
    return rows[-1] if rows else None


# --- the report -------------------------------------------------------------------------------------
def report(store, session_id: int, drills: dict, prompts: dict, cards: dict) -> dict:
    """Per part: score, time used, tests passed or rubric marks, what to review next. The session's
    score weighs each part by its time box; parts not done or not marked count as 0."""
    mock = Mock(store, session_id)
    session = mock.session
    parts, review = [], []
    for p in mock.parts():
        used = ((parse_iso(p["ended_at"]) - parse_iso(p["started_at"])).total_seconds() if p["ended_at"] else None)
        detail = json.loads(p["detail"]) if p["detail"] else {}
        row = {"position": p["position"] + 1, "kind": p["kind"], "item": p["item"], "minutes": p["minutes"],
               "how": p["how"] or "not reached", "score": p["score"], "used_s": used,
               "passed": p["passed"], "total": p["total"], "file": p["file"]}
        if p["kind"] == "drill":
            drill = drills.get(p["item"])
            row["title"] = drill.title if drill else p["item"]
            if p["how"] and p["score"] != 1.0:
                review.append(f"drill {p['item']}: redo it (postprep drill {p['item']})"
                              + (f"; failing: {', '.join(detail['failing'][:4])}" if detail.get("failing") else ""))
        elif p["kind"] == "design":
            prompt = prompts.get(p["item"])
            row["title"] = prompt.title if prompt else p["item"]
            marks = detail.get("marks")
            row["marks"] = marks
            if prompt and marks:
                missed = [pt.point for pt, m in zip(prompt.rubric, marks) if m != "covered"]
                row["rubric"] = {m: marks.count(m) for m in ("covered", "partly", "missed")}
                review += [f"design {p['item']}: {_short(point)}" for point in missed[:3]]
            elif p["how"]:
                review.append(f"design {p['item']}: rubric not marked (postprep design {p['item']})")
        else:
            row["questions"] = len(json.loads(p["cards"]))
            row["title"] = f"{row['questions']} quick questions"
            answers = detail.get("answers", [])
            answered = {a["card_id"] for a in answers}
            wrong = [a["card_id"] for a in answers if not a["correct"]]
            unanswered = [c for c in json.loads(p["cards"]) if c not in answered] if p["how"] else []
            row["answered"] = len(answers)
            for card_id in wrong + unanswered:
                card = cards.get(card_id)
                if card:
                    review.append(f"card {card_id}: {_short(card.question, 60)} → {_short(card.answer, 40)}")
        parts.append(row)
    planned = sum(p["minutes"] for p in parts)
    score = sum((p["score"] or 0.0) * p["minutes"] for p in parts) / planned if planned else 0.0
    return {"id": session_id, "status": session["status"], "format": session["format"],
            "minutes": session["minutes"], "seed": session["seed"], "week": session["week"],
            "started_at": session["started_at"], "ended_at": session["ended_at"],
            "score": score, "parts": parts, "review": review}
