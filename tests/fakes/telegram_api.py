"""A fake Telegram Bot API server (aiohttp, 127.0.0.1) that python-telegram-bot talks to over
HTTP. It keeps users, chats and messages, serves getUpdates, records what the bot sends
(texts, keyboards, edits, documents as bytes), and can answer 429s, 5xx and delays, answer late
after doing what was asked (a slow Telegram: the message arrives, the answer does not in
time), and refuse chats whose user blocked the bot."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT = {"id": 900001, "is_bot": True, "first_name": "Questbot", "username": "questbot_test_bot",
       "can_join_groups": True, "can_read_all_group_messages": True,
       "supports_inline_queries": False}


@dataclass
class Sent:
    method: str
    chat_id: int
    message_id: int
    text: str | None = None
    keyboard: list[list[dict[str, Any]]] | None = None
    document: bytes | None = None
    file_name: str | None = None
    caption: str | None = None
    reply_to: int | None = None  # the message it answers (reply_parameters)
    entities: list[dict[str, Any]] | None = None


@dataclass
class Failure:
    method: str | None  # None: every method
    remaining: int
    status: int
    retry_after: int | None = None


@dataclass
class Late:
    """Do what was asked, then answer only after ``seconds``."""

    method: str | None  # None: every method
    remaining: int
    seconds: float


@dataclass
class FakeTelegram:
    token: str = "123456:TEST-token"
    updates: list[dict[str, Any]] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    edits: list[dict[str, Any]] = field(default_factory=list)
    answered: list[dict[str, Any]] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    commands: list[dict[str, Any]] = field(default_factory=list)  # the default scope's
    menus: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # scope -> commands
    localized_menus: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    webhook: dict[str, Any] | None = None
    failures: list[Failure] = field(default_factory=list)
    outage_until: float = 0.0
    delay: float = 0.0
    late: list[Late] = field(default_factory=list)
    blocked: set[int] = field(default_factory=set)  # users who blocked the bot
    files: dict[str, bytes] = field(default_factory=dict)  # file_id -> what a user uploaded
    invite_links: list[dict[str, Any]] = field(default_factory=list)  # createChatInviteLink
    no_invite_rights: set[int] = field(default_factory=set)  # chats where the bot may not invite
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _new_update: asyncio.Event = field(default_factory=asyncio.Event)
    _runner: web.AppRunner | None = None
    port: int = 0

    # --- server ---------------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_post("/bot{token}/{method}", self._dispatch)
        app.router.add_get("/bot{token}/{method}", self._dispatch)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # --- what users do --------------------------------------------------------------------
    def user(self, user_id: int, name: str, language: str = "en") -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": name, "language_code": language}

    def private_chat(self, user: dict[str, Any]) -> dict[str, Any]:
        return {"id": user["id"], "type": "private", "first_name": user["first_name"]}

    def group(self, chat_id: int, title: str) -> dict[str, Any]:
        return {"id": chat_id, "type": "supergroup", "title": title}

    def says(self, user: dict[str, Any], text: str, chat: dict[str, Any] | None = None,
             reply_to: dict[str, Any] | None = None, update_id: int | None = None
             ) -> dict[str, Any]:
        message = self._message(user, chat or self.private_chat(user), text=text)
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        self.push({"message": message}, update_id)
        return message

    def sends_photo(self, user: dict[str, Any]) -> None:
        message = self._message(user, self.private_chat(user))
        message["photo"] = [{"file_id": "p1", "file_unique_id": "u1", "width": 10,
                             "height": 10}]
        self.push({"message": message})

    def sends_file(self, user: dict[str, Any], data: bytes, caption: str | None = None,
                   name: str = "evidence.pdf", photo: bool = False,
                   declared_size: int | None = None) -> None:
        """A document (or a photo) with an optional caption, as Telegram delivers it: the
        update names the file; its bytes come from getFile and the file URL."""
        file_id = f"f{len(self.files) + 1}"
        self.files[file_id] = data
        entry: dict[str, Any] = {"file_id": file_id, "file_unique_id": f"u{file_id}"}
        if declared_size != -1:  # -1: the update names no size (Telegram may leave it out)
            entry["file_size"] = declared_size if declared_size is not None else len(data)
        message = self._message(user, self.private_chat(user))
        if photo:
            message["photo"] = [{**entry, "width": 10, "height": 10}]
        else:
            message["document"] = {**entry, "file_name": name}
        if caption is not None:
            message["caption"] = caption
        self.push({"message": message})

    def edits_message(self, user: dict[str, Any], message: dict[str, Any], text: str) -> None:
        self.push({"edited_message": {**message, "text": text, "edit_date": int(time.time())}})

    def presses(self, user: dict[str, Any], sent: Sent, label: str) -> None:
        assert sent.keyboard is not None
        data = next(b["callback_data"] for row in sent.keyboard for b in row
                    if b["text"] == label)
        message = {"message_id": sent.message_id, "date": int(time.time()),
                   "chat": {"id": sent.chat_id, "type": "private"}, "from": BOT,
                   "text": sent.text, "reply_markup": {"inline_keyboard": sent.keyboard}}
        self.push({"callback_query": {"id": f"cq{next(self._message_ids)}", "from": user,
                                      "chat_instance": "ci", "data": data,
                                      "message": message}})

    def reacts(self, user: dict[str, Any], chat: dict[str, Any], message_id: int,
               emoji: str = "👍", instead_of: str | None = None) -> None:
        """A reaction to a message; ``instead_of`` changes an earlier one (Telegram sends the
        old and the new reactions, and says nothing of who wrote the message)."""
        old = [{"type": "emoji", "emoji": instead_of}] if instead_of else []
        self.push({"message_reaction": {
            "chat": chat, "message_id": message_id, "user": user, "date": int(time.time()),
            "old_reaction": old, "new_reaction": [{"type": "emoji", "emoji": emoji}]}})

    def push(self, body: dict[str, Any], update_id: int | None = None) -> dict[str, Any]:
        update = {"update_id": update_id if update_id is not None else next(self._update_ids),
                  **body}
        self.updates.append(update)
        self._new_update.set()
        return update

    def _message(self, user: dict[str, Any], chat: dict[str, Any], **fields: Any
                 ) -> dict[str, Any]:
        return {"message_id": next(self._message_ids), "date": int(time.time()),
                "chat": chat, "from": user, **fields}

    # --- what the bot sent ----------------------------------------------------------------
    def to(self, chat_id: int) -> list[Sent]:
        return [s for s in self.sent if s.chat_id == chat_id]

    def texts_to(self, chat_id: int) -> str:
        return "\n".join(s.text or s.caption or "" for s in self.to(chat_id))

    async def wait_for(self, predicate: Any, within: float = 15.0) -> None:
        deadline = time.monotonic() + within
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError("timed out waiting for the bot")
            await asyncio.sleep(0.02)

    # --- the API --------------------------------------------------------------------------
    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        self.calls.append("download")
        file_id = request.match_info["path"].rsplit("/", 1)[-1]
        if file_id not in self.files:
            return _error(404, "Not Found")
        return web.Response(body=self.files[file_id])

    async def _dispatch(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        self.calls.append(method)
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        if self.delay:
            await asyncio.sleep(self.delay)
            if request.transport is None or request.transport.is_closing():
                return _error(499, "the caller went away")  # it never reached Telegram
        if time.monotonic() < self.outage_until:
            return _error(502, "Bad Gateway")
        for failure in self.failures:
            if failure.remaining > 0 and failure.method in (None, method):
                failure.remaining -= 1
                return _error(failure.status, "Too Many Requests: retry later"
                              if failure.status == 429 else "Internal Server Error",
                              failure.retry_after)
        params = await _params(request)
        handler = getattr(self, "_" + method, None)
        if handler is None:
            return _error(404, f"Not Found: method {method}")
        if method.startswith("send") and int(params.get("chat_id") or 0) in self.blocked:
            return _error(403, "Forbidden: bot was blocked by the user")
        result = await handler(params)
        if isinstance(result, web.Response):  # the method's own error
            return result
        for late in self.late:
            if late.remaining > 0 and late.method in (None, method):
                late.remaining -= 1
                await asyncio.sleep(late.seconds)  # done already; the answer comes too late
                break
        return web.json_response({"ok": True, "result": result})

    async def _getMe(self, params: dict[str, Any]) -> Any:
        return BOT

    async def _getUpdates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 1.0)
        fresh = [u for u in self.updates if u["update_id"] >= offset]
        if not fresh and timeout:
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), timeout)
            fresh = [u for u in self.updates if u["update_id"] >= offset]
        return fresh[:100]

    async def _getFile(self, params: dict[str, Any]) -> Any:
        file_id = str(params.get("file_id"))
        if file_id not in self.files:
            return _error(400, "Bad Request: invalid file_id")
        return {"file_id": file_id, "file_unique_id": f"u{file_id}",
                "file_size": len(self.files[file_id]), "file_path": f"documents/{file_id}"}

    async def _sendMessage(self, params: dict[str, Any]) -> Any:
        markup = params.get("reply_markup")
        keyboard = markup.get("inline_keyboard") if isinstance(markup, dict) else None
        return self._record(Sent("sendMessage", int(params["chat_id"]),
                                 next(self._message_ids), params["text"], keyboard,
                                 reply_to=_reply_to(params), entities=params.get("entities")))

    async def _sendDocument(self, params: dict[str, Any]) -> Any:
        document = params["document"]
        return self._record(Sent("sendDocument", int(params["chat_id"]),
                                 next(self._message_ids), None, None, document.file.read(),
                                 document.filename, params.get("caption"),
                                 reply_to=_reply_to(params)))

    async def _createChatInviteLink(self, params: dict[str, Any]) -> Any:
        chat_id = int(params["chat_id"])
        if chat_id in self.no_invite_rights:
            return _error(400, "Bad Request: not enough rights to manage chat invite links")
        link = {"invite_link": f"https://t.me/+fake{len(self.invite_links) + 1}",
                "creator": BOT, "creates_join_request": False, "is_primary": False,
                "is_revoked": False, "chat_id": chat_id}
        for key in ("member_limit", "expire_date", "name"):
            if params.get(key) is not None:
                link[key] = int(params[key]) if key != "name" else str(params[key])
        self.invite_links.append(link)
        return {k: v for k, v in link.items() if k != "chat_id"}

    async def _editMessageText(self, params: dict[str, Any]) -> Any:
        self.edits.append(params)
        return {"message_id": int(params["message_id"]), "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"}, "from": BOT,
                "text": params["text"]}

    async def _answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        self.answered.append(params)
        return True

    async def _setMyCommands(self, params: dict[str, Any]) -> Any:
        scope = params.get("scope") or {"type": "default"}
        if params.get("language_code"):  # the menu for users of that language
            self.localized_menus[(menu_key(scope), params["language_code"])] = params["commands"]
            return True
        self.menus[menu_key(scope)] = params["commands"]
        if scope["type"] == "default":
            self.commands = params["commands"]
        return True

    def menu_for(self, scope: dict[str, Any]) -> set[str]:
        """The command names registered for exactly this scope."""
        return {c["command"] for c in self.menus.get(menu_key(scope), [])}

    async def _setWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = params
        return True

    async def _deleteWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = None
        return True

    def _record(self, sent: Sent) -> dict[str, Any]:
        self.sent.append(sent)
        message: dict[str, Any] = {"message_id": sent.message_id, "date": int(time.time()),
                                   "chat": {"id": sent.chat_id, "type": "private"},
                                   "from": BOT}
        if sent.text is not None:
            message["text"] = sent.text
        if sent.keyboard is not None:
            message["reply_markup"] = {"inline_keyboard": sent.keyboard}
        if sent.document is not None:
            message["document"] = {"file_id": f"f{sent.message_id}", "file_unique_id":
                                   f"u{sent.message_id}", "file_name": sent.file_name,
                                   "mime_type": "image/png", "file_size": len(sent.document)}
            message["caption"] = sent.caption
        return message


async def _params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        data: dict[str, Any] = await request.json()
        return data
    form = await request.post()
    params: dict[str, Any] = {}
    for key, value in form.items():
        params[key] = json.loads(value) if key in _JSON_FIELDS and isinstance(value, str) \
            else value
    return params


_JSON_FIELDS = {"reply_markup", "commands", "allowed_updates", "entities", "caption_entities",
                "scope", "reply_parameters"}


def _reply_to(params: dict[str, Any]) -> int | None:
    reply = params.get("reply_parameters")
    return int(reply["message_id"]) if isinstance(reply, dict) else None


def menu_key(scope: dict[str, Any]) -> str:
    return json.dumps(scope, sort_keys=True)


def _error(status: int, description: str, retry_after: int | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=status)
