"""Command palette entries: "drill: start attention", and the screens."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from postprep.drills.catalog import all_drills


class DrillCommands(Provider):
    def _commands(self):
        app = self.app
        yield "drills: browse", app.action_browse_drills, "Every drill, filterable by pillar and status"
        yield "dashboard", app.action_dashboard, "Today's agenda and recent attempts"
        yield "quiz: today's cards", app.action_quiz, "The spaced-repetition session of the day"
        yield "progress", app.action_progress, "Streak, activity, readiness per pillar, time to pass"
        for fmt in ("mixed", "coding", "design"):
            yield f"mock: {fmt} 45 min", partial(app.action_mock, fmt, 45), "A timed mock interview, no hints"
        for drill in all_drills().values():
            yield f"drill: start {drill.id}", partial(app.open_drill, drill.id), drill.title
        from postprep.quiz.design import all_prompts

        for prompt in all_prompts().values():
            yield f"design: {prompt.id}", partial(app.open_design, prompt.id), prompt.title

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
