"""Badges by email and confirmed addresses, against a real SMTP server on 127.0.0.1
(aiosmtpd, STARTTLS with a certificate made here, login required): what the server received
(headers, both parts, the baked badge, which verifies), the claim code that works once, a
550 that fails the row at once for admins, a connection lost after the message that is
never sent twice, and the confirmation of an address with its rate limits."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from questbot.app.outbox_admin import print_failed
from questbot.app.runtime import email_pump_of
from questbot.badges.bake import OB2_KEYWORD, OB3_KEYWORD, unbake
from questbot.domain import BadgeAwarded, UserRef
from questbot.kit import OutboxPump
from questbot.mail.words import NAMESPACE
from questbot.ports import DeliveryStatus
from questbot.web.context import WEB
from tests.server import Server, running_server
from tests.smtp_server import PASSWORD, SmtpServer, smtp_server

SENDER = "Questbot badges <badges@example.org>"


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[SmtpServer]:
    with smtp_server(tmp_path) as running:
        yield running


@pytest.fixture
async def mailing(tmp_path: Path, smtp: SmtpServer) -> AsyncIterator[Server]:
    async with running_server(tmp_path, smtp_url=smtp.url, smtp_from=SENDER,
                              smtp_ca_file=smtp.ca_file, admins=("console:ada",)) as running:
        yield running


async def told_ada(server: Server) -> str:
    return "\n".join(getattr(d.message, "text", "") for d in await server.deliveries()
                     if d.recipient == UserRef("console", "ada"))


def pump(server: Server) -> OutboxPump:
    made = email_pump_of(server.services)
    assert made is not None
    return made


async def send_all(server: Server) -> None:
    """Rounds until no email row is waiting (the server's own pump may take some)."""
    outbox = pump(server)
    for _ in range(100):
        await outbox.deliver_pending()
        if not await server.services.store.pending_deliveries("email", 10):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("email rows still pending")


def part(message: EmailMessage, subtype: str) -> str:
    body = message.get_body(preferencelist=(subtype,))
    assert body is not None, subtype
    return str(body.get_content())


def claim_code(message: EmailMessage) -> str:
    found = re.search(r"/claim ([A-Z0-9]{4}-[A-Z0-9]{6})", part(message, "plain"))
    assert found, part(message, "plain")
    return found.group(1)


async def test_a_badge_for_an_address_is_emailed_verifies_and_is_claimed_once(
        mailing: Server, smtp: SmtpServer) -> None:
    reply = await mailing.say("tina", "/grant email:Robin@Example.org python-basics badge"
                                      " finished the <b>course</b> offline")
    assert "Robin@Example.org".lower() in reply.lower()
    await send_all(mailing)
    [message] = smtp.mailbox.messages()
    assert smtp.mailbox.logins == ["questbot"]
    assert message["From"] == SENDER
    assert message["To"] == "robin@example.org"
    assert "Python" in message["Subject"]
    assert re.fullmatch(r"<questbot\.\d+\.[0-9a-f]{20}@example\.org>", message["Message-ID"])
    sent_at = parsedate_to_datetime(message["Date"])
    assert abs((sent_at - mailing.clock.now()).total_seconds()) < 3600
    assert message.get_content_type() == "multipart/mixed"
    text, html = part(message, "plain"), part(message, "html")
    [award_url] = re.findall(r"http://\S+/badges/[\w-]+", text)
    assert f'href="{award_url}"' in html
    assert "<b>" not in html  # what a tutor typed is text, never markup
    code = claim_code(message)
    assert f"/claim {code}" in html
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "image/png"
    png = attachment.get_content()
    assert set(unbake(png)) == {OB2_KEYWORD, OB3_KEYWORD}
    verdict = await mailing.app[WEB].verifier.verify_bytes(png, datetime.now(UTC))
    assert verdict.status == "valid", verdict.to_json()
    assert verdict.award_id == award_url.rsplit("/", 1)[1]

    assert "robin@example.org" in await mailing.say("robin", f"/claim {code.lower()}")
    badges = await mailing.say("robin", "/badges")
    assert award_url in badges
    assert "already" in await mailing.say("robin", f"/claim {code}")
    assert "already" in await mailing.say("sam", f"/claim {code}")
    assert "Python" not in await mailing.say("sam", "/badges")
    # the address is now robin's: a later grant to it reaches robin in chat, not by email
    await mailing.deliveries()
    await mailing.say("tina", "/grant email:robin@example.org community-helper badge helped")
    await send_all(mailing)
    assert len(smtp.mailbox.received) == 1
    chat = [d for d in await mailing.deliveries() if d.recipient == UserRef("console", "robin")]
    assert any(isinstance(d.message, BadgeAwarded) for d in chat)


async def test_a_tutor_cannot_claim_what_they_granted_to_an_address(
        mailing: Server, smtp: SmtpServer) -> None:
    await mailing.say("tina", "/grant email:tina.other@example.org python-basics badge done")
    await send_all(mailing)
    code = claim_code(smtp.mailbox.messages()[0])
    assert "granted it" in await mailing.say("tina", f"/claim {code}")
    assert "Python" not in await mailing.say("tina", "/badges")


async def test_wrong_claim_codes_are_limited_like_link_codes(mailing: Server) -> None:
    for _ in range(5):
        assert "unknown" in await mailing.say("mallory", "/claim ABCD-EFGHJK")
    assert "Too many" in await mailing.say("mallory", "/claim ABCD-EFGHJK")


async def test_a_550_fails_the_row_at_once_and_admins_see_why(
        mailing: Server, smtp: SmtpServer, capsys: pytest.CaptureFixture[str]) -> None:
    smtp.mailbox.mode = "550"
    await mailing.say("tina", "/grant email:nobody@example.org python-basics badge done")
    await send_all(mailing)
    assert smtp.mailbox.received == []
    [failed] = await mailing.services.store.failed_deliveries("email")
    assert failed.status is DeliveryStatus.FAILED
    assert failed.attempts == 1
    assert failed.last_error is not None and failed.last_error.startswith("550")
    print_failed([failed])
    listed = capsys.readouterr().out
    assert "failed" in listed and "email:nobody@example.org" in listed
    assert "no such user" in listed
    told = await told_ada(mailing)
    assert "nobody@example.org" in told and "550" in told and "questbot outbox" in told


async def test_a_connection_lost_after_the_message_is_uncertain_and_never_resent(
        mailing: Server, smtp: SmtpServer) -> None:
    smtp.mailbox.mode = "drop"
    await mailing.say("tina", "/grant email:flaky@example.org python-basics badge done")
    await send_all(mailing)
    assert len(smtp.mailbox.received) == 1
    [uncertain] = await mailing.services.store.failed_deliveries("email")
    assert uncertain.status is DeliveryStatus.UNCERTAIN
    told = await told_ada(mailing)
    assert "flaky@example.org" in told and f"--retry {uncertain.delivery.delivery_id}" in told
    smtp.mailbox.mode = "ok"
    mailing.clock.advance(hours=2)
    for _ in range(3):
        await pump(mailing).deliver_pending()
    assert len(smtp.mailbox.received) == 1


async def test_an_address_is_used_on_badges_once_its_code_is_typed(
        mailing: Server, smtp: SmtpServer) -> None:
    reply = await mailing.say("alice", "/email Alice@Example.org")
    assert "confirmation code" in reply and "alice@example.org" in reply
    await send_all(mailing)
    [message] = smtp.mailbox.messages()
    assert message["To"] == "alice@example.org"
    assert message["Subject"] == "Your confirmation code"
    code = re.search(r"/email ([A-Z0-9]{4}-[A-Z0-9]{6})", part(message, "plain"))
    assert code and code.group(1) in part(message, "html")
    assert list(message.iter_attachments()) == []
    waiting = await mailing.say("alice", "/mydata")
    assert '"email": null' in waiting
    assert '"email_waiting_for_its_code": "alice@example.org"' in waiting
    assert "not the code" in await mailing.say("alice", "/email ZZZZ-ZZZZZZ")
    assert "alice@example.org" in await mailing.say("alice", f"/email {code.group(1)}")
    confirmed = await mailing.say("alice", "/mydata")
    assert '"email": "alice@example.org"' in confirmed and "waiting" not in confirmed
    assert "No address is waiting" in await mailing.say("alice", f"/email {code.group(1)}")
    # an address asked for counts as the tutor's at once, confirmed or not
    assert "on its way" in await mailing.say("tina", "/email tina@example.org")
    refused = await mailing.say("tina", "/grant email:tina@example.org python-basics badge me")
    assert "is an address you registered" in refused


async def test_confirmation_emails_are_rate_limited_per_learner_and_per_address(
        mailing: Server, smtp: SmtpServer) -> None:
    for n in range(3):
        assert "on its way" in await mailing.say("bob", f"/email bob{n}@example.org")
    assert "several confirmation codes" in await mailing.say("bob", "/email bob9@example.org")
    for name in ("carol", "dave", "erin"):
        assert "on its way" in await mailing.say(name, "/email shared@example.org")
    refused = await mailing.say("frank", "/email shared@example.org")
    assert "shared@example.org" in refused and "already" in refused
    await send_all(mailing)
    assert len(smtp.mailbox.received) == 6
    mailing.clock.advance(hours=1, minutes=1)
    assert "on its way" in await mailing.say("bob", "/email bob9@example.org")


@pytest.mark.parametrize("language", ["fr", "gd"])
async def test_french_and_gaelic_emails_hold_no_english_sentence(
        tmp_path: Path, smtp: SmtpServer, language: str) -> None:
    from questbot.i18n import ADDED, ENGLISH, translate  # noqa: PLC0415

    async with running_server(tmp_path, smtp_url=smtp.url, smtp_from=SENDER,
                              smtp_ca_file=smtp.ca_file, language=language) as server:
        await server.say("tina", "/grant email:lea@example.org python-basics badge bravo")
        await server.say("lea", "/email lea@example.org")
        await send_all(server)
    badge, confirmation = smtp.mailbox.messages()
    english = [*(text for key, text in ADDED["en"].items() if key.startswith(f"{NAMESPACE}.")),
               ENGLISH["email.confirm_subject"], ENGLISH["email.confirm_body"]]
    pieces = {piece.strip() for text in english for piece in re.split(r"\{\w+\}|[:.,\n]", text)
              if len(piece.split()) >= 3}
    for message in (badge, confirmation):
        body = message["Subject"] + part(message, "plain") + part(message, "html")
        assert [p for p in pieces if p in body] == []
        assert message["Content-Language"] == language
    assert confirmation["Subject"] == translate("email.confirm_subject", language)


async def test_the_password_never_reaches_a_log_line(
        mailing: Server, smtp: SmtpServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    smtp.mailbox.mode = "550"
    await mailing.say("tina", "/grant email:x@example.org python-basics badge done")
    await send_all(mailing)
    assert caplog.records
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert PASSWORD not in logged and PASSWORD.replace("!", "%21") not in logged
    assert PASSWORD not in repr(mailing.settings) and PASSWORD not in repr(
        mailing.settings.smtp())


async def test_without_smtp_an_address_is_taken_at_once_and_nothing_is_emailed(
        server: Server) -> None:
    assert "alice@example.org" in await server.say("alice", "/email alice@example.org")
    assert '"email": "alice@example.org"' in await server.say("alice", "/mydata")
    await server.say("tina", "/grant email:robin@example.org python-basics badge done")
    assert await server.services.store.pending_deliveries("email", 10) == []
    assert email_pump_of(server.services) is None
    assert UserRef("email", "Robin@example.org").user_id == "robin@example.org"


def test_badges_awarded_from_the_command_line_wait_in_the_outbox_and_go_by_email(
        tmp_path: Path, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch) -> None:
    from questbot.app.cli import main  # noqa: PLC0415
    from tests.paths import QUESTS  # noqa: PLC0415

    for name, value in {"CONFIG": "", "DATA_DIR": str(tmp_path / "data"),
                        "QUESTS_DIR": str(QUESTS), "SMTP_URL": smtp.url, "SMTP_FROM": SENDER,
                        "SMTP_CA_FILE": str(smtp.ca_file)}.items():
        monkeypatch.setenv(f"QUESTBOT_{name}", value)
    sheet = tmp_path / "class.csv"
    sheet.write_text("learner,reason\nana@example.org,ran the help desk\n"
                     "ben@example.org,ran the help desk\n")
    assert main(["award", "community-helper", "--csv", str(sheet)]) == 0
    assert main(["award", "community-helper", "--csv", str(sheet)]) == 0  # nothing twice

    async def serve() -> None:
        async with running_server(tmp_path, smtp_url=smtp.url, smtp_from=SENDER,
                                  smtp_ca_file=smtp.ca_file) as server:
            await send_all(server)
    asyncio.run(serve())
    messages = smtp.mailbox.messages()
    assert sorted(m["To"] for m in messages) == ["ana@example.org", "ben@example.org"]
    assert len({claim_code(m) for m in messages}) == 2


@pytest.mark.parametrize(("environ", "expected"), [
    ({"QUESTBOT_SMTP_URL": "http://u:hunter2-secret@mail.example.org"}, "smtp://"),
    ({"QUESTBOT_SMTP_URL": "smtp://u@mail.example.org"}, "no password"),
    ({"QUESTBOT_SMTP_URL": "smtp://:hunter2-secret@mail.example.org"}, "no user"),
    ({"QUESTBOT_SMTP_URL": "smtp://u:hunter2-secret@mail.example.org:99999"}, "65535"),
    ({"QUESTBOT_SMTP_URL": "smtp://u:hunter2-secret@mail.example.org/x?y=1"}, "no path"),
    ({"QUESTBOT_SMTP_URL": "smtp://u:hunter2-secret@"}, "names no server"),
    ({"QUESTBOT_SMTP_URL": "smtp://u:hunter2@secret@mail.example.org"}, "%40"),
    ({"QUESTBOT_SMTP_FROM": "badges@example.org"}, "QUESTBOT_SMTP_URL: needed"),
    ({"QUESTBOT_SMTP_URL": "smtps://u:hunter2-secret@mail.example.org",
      "QUESTBOT_SMTP_FROM": "not an address"}, "QUESTBOT_SMTP_FROM: expected an address"),
])
def test_smtp_settings_are_checked_and_the_password_is_never_repeated(
        environ: dict[str, str], expected: str) -> None:
    from questbot.app.config import load_settings  # noqa: PLC0415
    from questbot.domain.errors import ConfigError  # noqa: PLC0415

    environ = {"QUESTBOT_CONFIG": "", "QUESTBOT_SMTP_FROM": "b@example.org", **environ}
    if "QUESTBOT_SMTP_URL" not in environ:
        environ.pop("QUESTBOT_SMTP_FROM")
        environ["QUESTBOT_SMTP_FROM"] = "badges@example.org"
    with pytest.raises(ConfigError) as raised:
        load_settings(environ=environ, plugins={})
    assert expected in str(raised.value)
    assert "hunter2" not in str(raised.value)


def test_each_kind_of_smtp_url_means_its_security_and_port() -> None:
    from questbot.app.config import load_settings  # noqa: PLC0415
    from questbot.mail.smtp_settings import Security  # noqa: PLC0415

    def smtp(url: str):
        settings = load_settings(environ={"QUESTBOT_CONFIG": "", "QUESTBOT_SMTP_URL": url,
                                          "QUESTBOT_SMTP_FROM": SENDER}, plugins={})
        assert "p%40ss-w0rd" not in repr(settings) and "p@ss-w0rd" not in repr(settings)
        return settings.smtp()

    starttls = smtp("smtp://me%40example.org:p%40ss-w0rd@mail.example.org")
    assert (starttls.security, starttls.port, starttls.username, starttls.password) == (
        Security.STARTTLS, 587, "me@example.org", "p@ss-w0rd")
    assert "p@ss-w0rd" not in repr(starttls)
    assert smtp("smtps://u:p%40ss-w0rd@mail.example.org").security is Security.IMPLICIT_TLS
    assert smtp("smtps://u:p%40ss-w0rd@mail.example.org").port == 465
    relay = smtp("smtp://localhost:2525")
    assert (relay.security, relay.port, relay.username) == (Security.NONE, 2525, None)
    assert relay.sender.domain == "example.org"


async def test_forgetting_a_learner_forgets_the_address_they_asked_for(
        mailing: Server, smtp: SmtpServer) -> None:
    import sqlite3  # noqa: PLC0415

    await mailing.say("zoe", "/email zoe.secret@example.org")
    await send_all(mailing)
    assert "deleted" in await mailing.say("zoe", "/forget confirm")
    database = sqlite3.connect(mailing.settings.data_dir / "questbot.sqlite3")
    try:
        left = [(table, row) for table in ("email_confirmations", "outbox", "email_claims",
                                           "learners", "processed_events")
                for row in database.execute(f"SELECT * FROM {table}")
                if "zoe.secret@example.org" in repr(row)]
    finally:
        database.close()
    assert left == []


@settings(max_examples=300, deadline=None)
@given(scheme=st.sampled_from(["smtp", "smtps", "http", "SMTP", ""]),
       user=st.text(max_size=12), password=st.text(min_size=8, max_size=20),
       host=st.text(max_size=20), tail=st.text(max_size=12))
def test_any_smtp_url_is_read_or_refused_without_repeating_its_password(
        scheme: str, user: str, password: str, host: str, tail: str) -> None:
    from email.headerregistry import Address  # noqa: PLC0415
    from urllib.parse import quote  # noqa: PLC0415

    from questbot.mail import parse_smtp_url  # noqa: PLC0415

    url = f"{scheme}://{quote(user, safe='')}:{quote(password, safe='')}@{host}{tail}"
    try:
        parsed = parse_smtp_url(url, Address(addr_spec="b@example.org"))
    except ValueError as exc:
        problem = str(exc)
    else:
        problem = ""
    if problem:
        assert password not in problem and quote(password, safe="") not in problem
        return
    assert parsed.password == password and parsed.port > 0 and parsed.host
    shown = repr(parsed).replace(parsed.host, "").replace(parsed.username or "", "")
    assert password not in shown and "***" in repr(parsed)


async def test_messages_an_older_version_queued_for_addresses_are_listed_not_emailed(
        tmp_path: Path) -> None:
    import sqlite3  # noqa: PLC0415

    from questbot.storage import SqliteStore  # noqa: PLC0415
    from questbot.storage.sql.migrations import MIGRATIONS  # noqa: PLC0415
    from questbot.storage.sqlite.migrations import migrate  # noqa: PLC0415

    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    before_email = next(number for number, migration in enumerate(MIGRATIONS, start=1)
                        if migration.why.startswith("email:")) - 1
    migrate(conn, upto=before_email)
    conn.execute("INSERT INTO outbox (platform, platform_user_id, learner_id, message,"
                 " created_at) VALUES ('email', 'old@example.org', '', ?, ?), ('console',"
                 " 'alice', '', ?, ?)", ('{"kind": "Text", "text": "old news"}',
                                         "2026-01-01T00:00:00.000000Z",
                                         '{"kind": "Text", "text": "for alice"}',
                                         "2026-01-01T00:00:00.000000Z"))
    conn.close()
    store = SqliteStore(path)
    await store.open()
    try:
        assert await store.pending_deliveries("email", 10) == []
        [old] = await store.failed_deliveries("email")
        assert old.status is DeliveryStatus.FAILED and "never sent" in (old.last_error or "")
        assert len(await store.pending_deliveries("console", 10)) == 1
    finally:
        await store.close()
