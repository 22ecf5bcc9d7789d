"""The community manager's dashboard on the badge server: tutors and admins sign in with a
one-time link from the bot, see how quests are going, and grant, revoke and review."""

from questbot.web.dashboard.routes import add_dashboard
from questbot.web.dashboard.setup import DashboardSetup

__all__ = ["DashboardSetup", "add_dashboard"]
