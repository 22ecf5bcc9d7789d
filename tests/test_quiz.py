from __future__ import annotations

from tests.helpers import FakeClock, Player


async def start_python_quiz(alice: Player) -> str:
    await alice.say("/join python-basics")
    return await alice.say("/quiz python-basics quiz-1")


async def test_quiz_serves_questions_one_at_a_time_with_feedback(alice: Player) -> None:
    first = await start_python_quiz(alice)
    assert "4 questions, pass mark 80%" in first
    assert "Question 1/4" in first and "Question 2/4" not in first
    reply = await alice.press("2")
    assert "Correct" in reply and "len counts the items" in reply
    assert "Question 2/4" in reply


async def test_passing_completes_the_step_and_records_the_score(alice: Player) -> None:
    await start_python_quiz(alice)
    await alice.press("2")
    await alice.say("  DEF ")  # regex, case-insensitive, surrounding spaces ignored
    await alice.press("True")
    reply = await alice.say('"AB"')  # one of several accepted answers, case-insensitive
    assert "You scored 4/4 (100%)" in reply
    assert "Step done: Python basics quiz" in reply
    progress = await alice.say("/progress python-basics")
    assert "✓ Python basics quiz" in progress


async def test_failing_uses_an_attempt_and_enforces_the_cooldown(alice: Player,
                                                               clock: FakeClock) -> None:
    await start_python_quiz(alice)
    await alice.press("3")
    await alice.say("function")
    await alice.press("False")
    reply = await alice.say("ab")
    assert "You scored 1/4 (25%)" in reply
    assert "2 attempts left" in reply and "60 seconds" in reply
    assert "try again in 60 seconds" in await alice.say("/quiz")
    clock.advance(seconds=61)
    assert "Attempt 2 of 3" in await alice.say("/quiz")


async def test_no_attempts_left_is_refused(alice: Player, clock: FakeClock) -> None:
    await alice.say("/join python-basics")
    for _ in range(3):
        await alice.say("/quiz python-basics")
        for _ in range(4):
            await alice.say("1")  # wrong for all but the true/false question
        clock.advance(minutes=2)
    assert "used every attempt" in await alice.say("/quiz python-basics")


async def test_an_old_button_is_recognised_and_changes_nothing(alice: Player) -> None:
    await start_python_quiz(alice)
    first_question = list(alice.last)
    await alice.press("2")
    alice.last = first_question
    reply = await alice.press("1")
    assert "earlier question" in reply
    reply = await alice.say("/quiz")  # resumes at question 2, the stale press did not count
    assert "Question 2/4" in reply


async def test_time_limit_counts_a_late_answer_as_wrong(alice: Player, tutor: Player,
                                                        clock: FakeClock) -> None:
    await alice.say("/join git-workshop")
    code = (await tutor.say("/code git-workshop")).split(": ")[1].split("\n")[0]
    await alice.say(f"/checkin {code}")
    reply = await alice.say("/quiz git-workshop")
    assert "Question 1/3" in reply
    clock.advance(minutes=3)
    assert "Time was up" in await alice.press("git commit")


async def test_choices_accept_numbers_and_labels_but_not_other_text(alice: Player) -> None:
    await start_python_quiz(alice)
    assert "number from 1 to 3" in await alice.say("7")
    assert "Question 1/4" in await alice.say("/quiz")  # still on the first question
    assert "Correct" in await alice.say("2")


async def test_answer_without_a_quiz_and_unknown_quiz(alice: Player) -> None:
    assert "no quiz question open" in await alice.say("/answer 42")
    assert "no quiz to take" in await alice.say("/quiz")
    assert "not joined" in await alice.say("/quiz python-basics")
    await alice.say("/join python-basics")
    assert "not a quiz step" in await alice.say("/quiz python-basics say-hello")


async def test_group_chatter_does_not_answer_a_quiz_started_in_private(alice: Player) -> None:
    await alice.say("/join python-basics")
    await alice.say("/quiz")  # private chat
    await alice.post("2")  # a message in #general is participation, not an answer
    assert "Question 1/4" in await alice.say("/quiz")
