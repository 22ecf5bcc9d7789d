from __future__ import annotations

from tests.helpers import Player


async def test_messages_in_a_channel_count_towards_the_step(alice: Player) -> None:
    await alice.say("/join python-basics")
    assert await alice.post() == ""
    await alice.post()
    reply = await alice.post()
    assert "Step done: Say hello" in reply
    assert "+10 XP" in reply
    assert [b.badge_name for b in alice.badges()] == ["First Steps"]
    assert "✓ Say hello" in await alice.say("/progress")


async def test_messages_before_joining_and_in_private_do_not_count(alice: Player) -> None:
    await alice.post()
    await alice.say("hello bot")  # private chat with the bot
    await alice.say("/join python-basics")
    assert "0/3 messages" in await alice.say("/progress")
    assert "did not catch that" in await alice.say("hi")


async def test_a_step_for_one_channel_ignores_others(alice: Player) -> None:
    await alice.say("/join community-helper")
    await alice.post()
    await alice.post()
    assert "0/2 messages" in await alice.say("/progress community-helper")
    alice.channel = "help"
    await alice.post()
    assert "Step done: Answer in #help" in await alice.post()


async def test_reactions_count_towards_reaction_steps(alice: Player) -> None:
    await alice.say("/join community-helper")
    for _ in range(4):
        await alice.react()
    assert "4/5 reactions" in await alice.say("/progress")
    assert "Step done: Cheer others on" in await alice.react()


async def test_a_locked_step_does_not_count(alice: Player) -> None:
    await alice.say("/join community-helper")
    progress = await alice.say("/progress")
    assert "🔒 Recognised by a tutor (after Answer in #help)" in progress
