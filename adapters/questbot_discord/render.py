"""questbot's results as Discord messages: text within 2,000 characters, quiz buttons that
survive restarts (stable custom ids), badges as PNG attachments with an embed."""

from __future__ import annotations

import io
import re
from typing import Any

import discord

from questbot.domain import BadgeAwarded, Question
from questbot.domain.sharing import linkedin_add_url
from questbot.domain.text import split_message
from questbot.i18n import translate
from questbot_discord.strings import say

MAX_MESSAGE = 2000
NO_MENTIONS = discord.AllowedMentions.none()  # text people typed is echoed: it never pings


def only_mention(user_id: int) -> discord.AllowedMentions:
    """Ping this one member (a message they must see), nobody the text itself names."""
    return discord.AllowedMentions(everyone=False, roles=False, replied_user=False,
                                   users=[discord.Object(id=user_id)])
ANSWER_PREFIX = "qb:a:"
TYPE_PREFIX = "qb:t:"


def split_text(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    return split_message(text, limit)


class AnswerButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                   template=r"qb:a:(?P<token>[\w.-]{1,80})"):
    """One choice of a quiz question. The custom id carries the attempt, question and choice,
    so a press works after a restart and an old press is recognised as old."""

    def __init__(self, token: str, label: str = "?") -> None:
        super().__init__(discord.ui.Button(label=label[:80], custom_id=ANSWER_PREFIX + token,
                                           style=discord.ButtonStyle.primary))
        self.token = token

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any],
                             item: discord.ui.Item[Any], match: re.Match[str]
                             ) -> AnswerButton:
        return cls(match["token"], getattr(item, "label", None) or "?")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.client.on_answer_button(interaction, self.token)


class TypeAnswerButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                       template=r"qb:t:(?P<ref>[\w.-]{1,80})"):
    """Opens a form for a free-text answer."""

    def __init__(self, ref: str, label: str = "Type your answer") -> None:
        super().__init__(discord.ui.Button(label=label[:80], custom_id=TYPE_PREFIX + ref,
                                           style=discord.ButtonStyle.secondary))
        self.ref = ref

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any],
                             item: discord.ui.Item[Any], match: re.Match[str]
                             ) -> TypeAnswerButton:
        return cls(match["ref"], getattr(item, "label", None) or "Type your answer")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_modal(
            AnswerModal(interaction.client, interaction.locale.value))


class AnswerModal(discord.ui.Modal):
    def __init__(self, client: Any, language: str) -> None:
        super().__init__(title=say("answer_title", language)[:45])
        self._client = client
        self.answer: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label=say("answer_label", language)[:45], max_length=400)
        self.add_item(self.answer)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await self._client.on_typed_answer(interaction, self.answer.value)


def question_view(question: Question, language: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    if question.choices:
        for choice in question.choices[:25]:  # 5 rows of 5 buttons at most
            view.add_item(AnswerButton(choice.token, choice.label))
    else:  # the engine knows which question is open; the button only opens the form
        view.add_item(TypeAnswerButton("answer", say("type_answer", language)))
    return view


def badge_message(badge: BadgeAwarded, png: bytes | None, issuer: str, language: str
                  ) -> dict[str, Any]:
    text = translate("badge.awarded", language, badge=badge.badge_name,
                     quest=badge.quest_title, url=badge.url)
    if badge.note:  # what else the event said, in the same message
        text = f"{badge.note}\n{text}"
    embed = discord.Embed(title=badge.badge_name[:256], url=badge.url,
                          description=say("badge_embed", language,
                                                quest=badge.quest_title)[:4096])
    embed.add_field(name=say("issuer", language), value=issuer[:1024])
    embed.add_field(name=say("verify", language), value=badge.url[:1024],
                    inline=False)
    linkedin = linkedin_add_url(badge.badge_name, issuer, badge.url, badge.award_id)
    embed.add_field(name=say("linkedin", language),
                    value=f"[{say('linkedin_link', language)}]({linkedin})",
                    inline=False)
    message: dict[str, Any] = {"content": text[:MAX_MESSAGE], "embed": embed,
                               "allowed_mentions": NO_MENTIONS}
    if png is not None:
        embed.set_image(url=f"attachment://{_file_name(badge.badge_name)}.png")
        message["file"] = discord.File(io.BytesIO(png), f"{_file_name(badge.badge_name)}.png")
    return message


def _file_name(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name).strip("-").lower() or "badge"
