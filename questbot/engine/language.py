"""/language: the language a learner reads, chosen by name or with buttons."""

from __future__ import annotations

from questbot.domain.errors import Rejected
from questbot.domain.messages import LANGUAGE_TOKEN, Choice, Question, SetLanguage
from questbot.engine.work import Work
from questbot.i18n import language_name, shipped_languages


def set_language(work: Work, command: SetLanguage) -> None:
    shipped = shipped_languages()
    if command.language is None:
        choices = tuple(Choice(language_name(code), f"{LANGUAGE_TOKEN}{code}")
                        for code in shipped)
        work.reply(Question(work.t("language.pick",
                                   current=language_name(work.language, in_a_sentence=True),
                                   languages=", ".join(shipped)), choices,
                            language=work.language))
        return
    code = command.language.strip().lower()
    if code not in shipped:
        raise Rejected("language.unknown", languages=", ".join(shipped))
    learner = work.actor()
    learner.language = code
    work.touch(learner)
    work.say("language.set", chosen=language_name(code, in_a_sentence=True))  # in it
