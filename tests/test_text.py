"""Every message key the code uses exists in the English catalogue."""

from __future__ import annotations

import importlib
import re

from questbot.domain.commands import COMMANDS
from questbot.i18n import ADDED, ENGLISH, translate
from tests.conftest import ROOT

# Parts whose sentences are their own catalogue's (tests/test_page_language.py checks them).
OWN_CATALOGUES = {"web", "badges", "mail"}
KEY_CALL = re.compile(r"""(?:\bsay|\bt|translate|Rejected|Invalid|_t)\(\s*"([a-z_]+\.[a-z_.]+)""")


def test_every_key_used_in_the_code_has_an_english_text() -> None:
    used: set[str] = set()
    for path in [*ROOT.glob("questbot/**/*.py"), *ROOT.glob("adapters/**/*.py")]:
        if not OWN_CATALOGUES & set(path.relative_to(ROOT).parts[:2]):
            used |= set(KEY_CALL.findall(path.read_text()))
    used |= {spec.help_key for spec in COMMANDS if spec.listed}
    used |= {spec.usage.problem for spec in COMMANDS if spec.params}
    used |= {f"param.{param.name}" for spec in COMMANDS for param in spec.params}
    used |= {f"command.{spec.name}" for spec in COMMANDS if spec.listed}  # Discord names
    used |= {f"step.todo_{action}" for action in ("message", "reaction", "grant")}
    assert len(used) > 60
    assert sorted(used - set(ENGLISH)) == []


def test_unknown_languages_fall_back_to_english_and_missing_params_show() -> None:
    assert translate("quest.unknown", "xx", quest="q") == ENGLISH["quest.unknown"].format(quest="q")
    assert "{quest}" in translate("quest.unknown", "en")


ADAPTER_KEY = re.compile(r"""(?:\bsay|_t)\(\s*['"]([a-z_]+)['"]""")


def test_every_key_an_adapter_says_is_in_its_own_strings() -> None:
    missing = []
    for folder in sorted(ROOT.glob("adapters/questbot_*")):
        strings = importlib.import_module(f"{folder.name}.strings")
        catalogue = ADDED["en"]
        used = {key for path in folder.glob("*.py")
                for key in ADAPTER_KEY.findall(path.read_text())}
        assert used, folder.name
        missing += [f"{strings.NAMESPACE}.{key}" for key in sorted(used)
                    if f"{strings.NAMESPACE}.{key}" not in catalogue]
    assert missing == []
