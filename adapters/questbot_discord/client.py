"""The discord.py client: slash commands, persistent quiz buttons, messages and reactions,
each turned into a questbot event by the adapter that owns the client."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from questbot.domain import (
    Answer,
    CheckIn,
    ChooseAnswer,
    Command,
    ExportData,
    ForgetMe,
    Grant,
    Help,
    IssueCode,
    JoinQuest,
    LinkAccount,
    ListBadges,
    ListQuests,
    MakeTutor,
    Reload,
    Revoke,
    SetEmail,
    ShowName,
    ShowProgress,
    Start,
    StartQuiz,
    UserRef,
)
from questbot.domain.parsing import ADMIN_COMMANDS, TUTOR_COMMANDS
from questbot_discord.render import NO_MENTIONS, AnswerButton, TypeAnswerButton

if TYPE_CHECKING:
    from questbot_discord.adapter import DiscordAdapter

PLATFORM = "discord"
Interaction = discord.Interaction[Any]

# Who sees which slash commands (default_member_permissions; a server's admins can change it in
# Server Settings → Integrations). Tutors' and admins' commands exist in servers only, never
# in DMs, where Discord would show them to everyone. The engine checks roles regardless.
TUTOR_PERMISSIONS = discord.Permissions(manage_messages=True)
ADMIN_PERMISSIONS = discord.Permissions(manage_guild=True)
IN_SERVERS = app_commands.AppCommandContext(guild=True, dm_channel=False, private_channel=False)


def member_ref(user: discord.abc.User) -> UserRef:
    return UserRef(PLATFORM, str(user.id))


class QuestClient(discord.Client):
    def __init__(self, adapter: DiscordAdapter, intents: discord.Intents) -> None:
        super().__init__(intents=intents, allowed_mentions=NO_MENTIONS)  # echoes never ping
        self.adapter = adapter
        self.tree = app_commands.CommandTree(self)
        _register(self.tree, adapter)
        restrict(self.tree)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(AnswerButton, TypeAnswerButton)  # buttons survive restarts
        guilds = self.adapter.settings.guild_ids
        for guild_id in guilds:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)
        if not guilds:
            await self.tree.sync()

    async def on_message(self, message: discord.Message) -> None:
        await self.adapter.on_message(message)

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        await self.adapter.on_reaction(payload)

    async def on_answer_button(self, interaction: Interaction, token: str) -> None:
        await self.adapter.run(interaction, ChooseAnswer(token), ephemeral=True)

    async def on_typed_answer(self, interaction: Interaction, text: str) -> None:
        await self.adapter.run(interaction, Answer(text), ephemeral=True)


def restrict(tree: app_commands.CommandTree[Any]) -> None:
    """Hide tutor and admin commands from members without the permission, from the one
    command table (questbot.domain.parsing)."""
    for names, permissions in ((TUTOR_COMMANDS, TUTOR_PERMISSIONS),
                               (ADMIN_COMMANDS, ADMIN_PERMISSIONS)):
        for name in names:
            command = tree.get_command(name)
            if isinstance(command, app_commands.Command):
                command.default_permissions = permissions
                command.guild_only = True
                command.allowed_contexts = IN_SERVERS


def _register(tree: app_commands.CommandTree[Any], adapter: DiscordAdapter) -> None:
    """The same commands as every platform, as slash commands."""

    async def run(interaction: Interaction, command: Command, ephemeral: bool = True) -> None:
        await adapter.run(interaction, command, ephemeral=ephemeral)

    @tree.command(name="start", description="Begin here")
    async def start(interaction: Interaction) -> None:
        await run(interaction, Start())

    @tree.command(name="help", description="The commands you can use")
    async def help_(interaction: Interaction) -> None:
        await run(interaction, Help())

    @tree.command(name="quests", description="The quests you can join")
    async def quests(interaction: Interaction) -> None:
        await run(interaction, ListQuests())

    @tree.command(name="join", description="Join a quest")
    @app_commands.describe(quest="the quest's id, from /quests")
    async def join(interaction: Interaction, quest: str) -> None:
        await run(interaction, JoinQuest(quest.strip().lower()))

    @tree.command(name="progress", description="Where you are")
    async def progress(interaction: Interaction, quest: str | None = None) -> None:
        await run(interaction, ShowProgress(quest.strip().lower() if quest else None))

    @tree.command(name="badges", description="The badges you have earned")
    async def badges(interaction: Interaction) -> None:
        await run(interaction, ListBadges())

    @tree.command(name="quiz", description="Start or resume a quiz")
    async def quiz(interaction: Interaction, quest: str | None = None,
                   step: str | None = None) -> None:
        await run(interaction, StartQuiz(quest.lower() if quest else None,
                                         step.lower() if step else None))

    @tree.command(name="answer", description="Answer the current quiz question")
    async def answer(interaction: Interaction, text: str) -> None:
        await run(interaction, Answer(text[:400]))

    @tree.command(name="checkin", description="Check in to a session with its code")
    async def checkin(interaction: Interaction, code: str) -> None:
        await run(interaction, CheckIn(code.replace(" ", "")))

    @tree.command(name="email", description="The address your badges name, for backpacks")
    async def email(interaction: Interaction, address: str) -> None:
        await run(interaction, SetEmail(None if address.lower() == "off" else address.strip()))

    @tree.command(name="showname", description="Show your name on your badge pages")
    async def showname(interaction: Interaction, show: bool) -> None:
        await run(interaction, ShowName(show))

    @tree.command(name="link", description="Use one learner on several platforms")
    @app_commands.describe(code="the code /link gave you on your other platform")
    async def link(interaction: Interaction, code: str | None = None) -> None:
        await run(interaction, LinkAccount(code.strip().upper() if code else None))

    @tree.command(name="mydata", description="Everything questbot keeps about you")
    async def mydata(interaction: Interaction) -> None:
        await run(interaction, ExportData())

    @tree.command(name="forget", description="Delete your progress and personal data")
    @app_commands.describe(confirm="yes: delete now (badges you earned stay valid)")
    async def forget(interaction: Interaction, confirm: bool = False) -> None:
        await run(interaction, ForgetMe(confirmed=confirm))

    @tree.command(name="code", description="Tutors: the check-in code of a session")
    async def code(interaction: Interaction, quest: str, step: str | None = None) -> None:
        await run(interaction, IssueCode(quest.lower(), step.lower() if step else None))

    @tree.command(name="grant", description="Tutors: grant a step or a badge")
    @app_commands.describe(item="a step id, badge, or a milestone id", reason="why")
    async def grant(interaction: Interaction, learner: discord.User, quest: str, item: str,
                    reason: str) -> None:
        await run(interaction, Grant(member_ref(learner), quest.lower(), item.lower(),
                                     reason[:500], learner.display_name), ephemeral=False)

    @tree.command(name="revoke", description="Tutors: revoke a badge")
    async def revoke(interaction: Interaction, learner: discord.User, quest: str, item: str,
                     reason: str) -> None:
        await run(interaction, Revoke(member_ref(learner), quest.lower(), item.lower(),
                                      reason[:500]), ephemeral=False)

    @tree.command(name="tutor", description="Admins: make someone a tutor")
    async def tutor(interaction: Interaction, learner: discord.User,
                    remove: bool = False) -> None:
        await run(interaction, MakeTutor(member_ref(learner), remove, learner.display_name))

    @tree.command(name="reload", description="Admins: reload the quest files")
    async def reload(interaction: Interaction) -> None:
        await run(interaction, Reload())
