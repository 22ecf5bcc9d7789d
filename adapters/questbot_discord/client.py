"""The discord.py client: slash commands, persistent quiz buttons, messages and reactions,
each turned into a questbot event by the adapter that owns the client."""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any, Literal, Protocol, cast

import discord
from discord import app_commands

from questbot.domain import Answer, ChooseAnswer, Command, UserRef
from questbot.domain.commands import COMMANDS, CommandSpec, Kind, from_options
from questbot.domain.progress import Role
from questbot.domain.submissions import MAX_FILE_BYTES, Attachment
from questbot.i18n import shipped_languages, translate
from questbot_discord.render import NO_MENTIONS, AnswerButton, TypeAnswerButton

PLATFORM = "discord"
Interaction = discord.Interaction[Any]
SHOWN_TO_THE_CHANNEL = frozenset({"grant", "revoke"})  # a tutor's decision is public

# Who sees which slash commands (default_member_permissions; a server's admins can change it in
# Server Settings → Integrations). Tutors' and admins' commands exist in servers only, never
# in DMs, where Discord would show them to everyone. The engine checks roles regardless.
TUTOR_PERMISSIONS = discord.Permissions(manage_messages=True)
ADMIN_PERMISSIONS = discord.Permissions(manage_guild=True)
IN_SERVERS = app_commands.AppCommandContext(guild=True, dm_channel=False, private_channel=False)


def member_ref(user: discord.abc.User) -> UserRef:
    return UserRef(PLATFORM, str(user.id))


class Handlers(Protocol):
    """What the client hands each platform event to (the adapter)."""

    async def run(self, interaction: Interaction, command: Command, ephemeral: bool) -> None:
        ...

    async def on_message(self, message: discord.Message) -> None:
        ...

    async def on_reaction(self, payload: discord.RawReactionActionEvent) -> None:
        ...


class QuestClient(discord.Client):
    def __init__(self, handlers: Handlers, intents: discord.Intents,
                 guild_ids: Sequence[int] = (), *, sync_commands: bool = True,
                 **shards: Any) -> None:
        super().__init__(intents=intents, allowed_mentions=NO_MENTIONS,  # echoes never ping
                         **shards)
        self.adapter = handlers
        self._guild_ids = tuple(guild_ids)
        self._sync_commands = sync_commands
        self.tree = app_commands.CommandTree(self)
        _register(self.tree, handlers)
        restrict(self.tree)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(AnswerButton, TypeAnswerButton)  # buttons survive restarts
        await self.tree.set_translator(CatalogueTranslator())
        if not self._sync_commands:
            return  # the process running shard 0 does it
        guilds = self._guild_ids
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


class ShardedQuestClient(QuestClient, discord.AutoShardedClient):
    """The same client over several gateway connections (``shard_ids`` of ``shard_count``),
    for a bot in more servers than one connection may carry."""


def quest_client(handlers: Handlers, intents: discord.Intents, guild_ids: Sequence[int],
                 shard_count: int | None, shard_ids: Sequence[int]) -> QuestClient:
    if shard_count is None:
        return QuestClient(handlers, intents, guild_ids)
    return ShardedQuestClient(handlers, intents, guild_ids,
                              sync_commands=not shard_ids or 0 in shard_ids,
                              shard_count=shard_count, shard_ids=list(shard_ids) or None)


def restrict(tree: app_commands.CommandTree[Any]) -> None:
    """Hide tutor and admin commands from members without the permission, from the one
    command table (questbot.domain.commands)."""
    permissions = {Role.TUTOR: TUTOR_PERMISSIONS, Role.ADMIN: ADMIN_PERMISSIONS}
    for spec in COMMANDS:
        command = tree.get_command(spec.name)
        if spec.role in permissions and isinstance(command, app_commands.Command):
            command.default_permissions = permissions[spec.role]
            command.guild_only = True
            command.allowed_contexts = IN_SERVERS


def _register(tree: app_commands.CommandTree[Any], adapter: Handlers) -> None:
    """The same commands as every platform, as slash commands, from the one command table."""
    for spec in COMMANDS:
        if spec.listed:
            tree.add_command(slash_command(spec, adapter))


def slash_command(spec: CommandSpec, adapter: Handlers
                  ) -> app_commands.Command[Any, Any, Any]:
    """A slash command whose options are the spec's parameters: a member picker for a
    learner, a list for a choice, text for the rest."""

    async def callback(interaction: Interaction, /, **options: Any) -> None:
        learner = next((v for v in options.values() if isinstance(v, discord.abc.User)), None)
        upload = next((v for v in options.values() if isinstance(v, discord.Attachment)), None)
        texts = {name: None if value is None else str(value) for name, value in options.items()
                 if not isinstance(value, discord.abc.User | discord.Attachment)}
        attachment = await read_attachment(upload) if upload is not None else None
        command = from_options(spec, texts, member_ref(learner) if learner else None,
                               learner.display_name if learner else None, attachment)
        await adapter.run(interaction, command, ephemeral=spec.name not in SHOWN_TO_THE_CHANNEL)

    parameters = [inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                    annotation=Interaction)]
    for param in spec.params:
        annotation: Any = (cast(Any, Literal)[param.choices] if param.kind is Kind.CHOICE
                           else _OPTION_TYPES.get(param.kind, str))
        parameters.append(inspect.Parameter(
            param.name, inspect.Parameter.POSITIONAL_OR_KEYWORD,
            annotation=annotation if param.required else annotation | None,
            default=inspect.Parameter.empty if param.required else None))
    callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    described = app_commands.describe(**{
        param.name: _localized(f"param.{param.name}") for param in spec.params})(callback)
    return app_commands.Command(
        name=app_commands.locale_str(spec.name, key=f"command.{spec.name}", verbatim=True),
        description=_localized(spec.help_key), callback=described)


_OPTION_TYPES: dict[Kind, Any] = {Kind.LEARNER: discord.User, Kind.FILE: discord.Attachment}


async def read_attachment(upload: discord.Attachment) -> Attachment:
    """A file sent with a slash command; one larger than questbot keeps is not downloaded
    (the learner hears it is too large)."""
    if upload.size > MAX_FILE_BYTES:
        return Attachment(upload.filename, b"", size=upload.size)
    return Attachment(upload.filename, await upload.read(), size=upload.size)


def _summary(key: str, language: str = "en") -> str:
    """A catalogue sentence as Discord's descriptions take it (at most 100 characters)."""
    return translate(key, language).split(": ", 1)[-1].strip()[:100]


def _localized(key: str) -> app_commands.locale_str:
    return app_commands.locale_str(_summary(key), key=key)


class CatalogueTranslator(app_commands.Translator):
    """Slash commands' descriptions in every shipped language Discord has a locale for
    (French; Discord offers no Gaelic), from the same catalogue as every reply."""

    async def translate(self, string: app_commands.locale_str, locale: discord.Locale,
                        context: app_commands.TranslationContextTypes) -> str | None:
        key = string.extras.get("key")
        language = locale.value.split("-", 1)[0]
        if not key or language == "en" or language not in shipped_languages():
            return None
        if string.extras.get("verbatim"):  # a command's name in that language
            return translate(key, language)[:32]
        return _summary(key, language)
