from __future__ import annotations

import shutil
from pathlib import Path

from questbot.app.library import QuestLibrary
from questbot.catalog import load_catalog
from questbot.domain import UserRef
from questbot.engine import EngineSettings, QuestEngine
from questbot.storage import SqliteStore
from tests.conftest import ADMIN, QUESTS
from tests.helpers import FakeClock, Player


async def test_reloads_apply_good_files_keep_broken_ones_and_keep_progress(
        tmp_path: Path, store: SqliteStore, clock: FakeClock) -> None:
    folder = tmp_path / "quests"
    shutil.copytree(QUESTS, folder)
    library = QuestLibrary(folder)
    library.load()
    engine = QuestEngine(store, library.catalog, EngineSettings(admins=frozenset({ADMIN})),
                         clock=clock, reloader=library.reload)
    library.subscribe(engine.replace_catalog)
    admin = Player(engine, ADMIN, "Ada")
    alice = Player(engine, UserRef("console", "alice"), "Alice")
    await alice.say("/join python-basics")
    await alice.post()

    quest_file = folder / "python-basics.yaml"
    good = quest_file.read_text()
    quest_file.write_text(good.replace("en: Python Basics", "en: Python Basics II", 1))
    assert library.changed()
    served = len(load_catalog(QUESTS).catalog)
    assert f"Quests reloaded: {served} quest" in await admin.say("/reload")
    assert "Python Basics II" in await alice.say("/progress")
    assert "1/3 messages" in alice.last[0].text  # type: ignore[union-attr]

    quest_file.write_text(good.replace("kind: quiz", "kind: quizz"))
    reply = await admin.say("/reload")
    assert "previous version stays in service" in reply
    assert "python-basics.yaml:" in reply and "unknown step kind 'quizz'" in reply
    assert "Python Basics II" in await alice.say("/progress")  # the last good version

    assert "Only admins" in await alice.say("/reload")
