"""Quest rules over ports: participation, quizzes, attendance, milestones, tutors."""

from questbot.engine.decide import decide
from questbot.engine.engine import Handled, QuestEngine, Reloader, new_id
from questbot.engine.work import Context, EngineSettings

__all__ = ["Context", "EngineSettings", "Handled", "QuestEngine", "Reloader", "decide", "new_id"]
