"""A fake Discord (aiohttp on 127.0.0.1): the REST routes discord.py uses and a gateway
websocket (hello, identify, ready, guild create, heartbeats, resume, dispatches). It records
what the bot sends, can answer 429s, and drives interactions, messages and reactions."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

APP_ID = 700000000000000001
BOT_ID = 700000000000000002
GUILD_ID = 700000000000000010
GENERAL = 700000000000000020
HELP = 700000000000000021
ACHIEVEMENTS = 700000000000000022
TUTOR_ROLE = 700000000000000030
HELPER_ROLE = 700000000000000031  # below the bot's own role: it may give it
MENTOR_ROLE = 700000000000000032  # above the bot's own role: Discord refuses (403)
MESSAGE_CONTENT = 1 << 15


def snowflake_time() -> str:
    return datetime.now(UTC).isoformat()


def user_json(user_id: int, name: str, bot: bool = False) -> dict[str, Any]:
    return {"id": str(user_id), "username": name.lower(), "discriminator": "0",
            "global_name": name, "avatar": None, "bot": bot, "public_flags": 0}


@dataclass
class Post:
    """Something the bot sent: an interaction callback, a follow-up, or a channel message."""

    kind: str  # "callback", "followup", "edit", "message"
    at: float
    content: str | None = None
    ephemeral: bool = False
    components: list[dict[str, Any]] = field(default_factory=list)
    embeds: list[dict[str, Any]] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    channel_id: int | None = None
    interaction_token: str | None = None
    callback_type: int | None = None
    message_id: int = 0
    data: dict[str, Any] = field(default_factory=dict)  # the JSON payload the bot sent

    def buttons(self) -> list[dict[str, Any]]:
        return [c for row in self.components for c in row.get("components", [])]


@dataclass
class FakeDiscord:
    token: str = "fake-discord-token"
    allow_message_content: bool = True
    posts: list[Post] = field(default_factory=list)
    commands: list[dict[str, Any]] = field(default_factory=list)
    command_syncs: int = 0  # times the global slash commands were put
    locales: dict[int, str] = field(default_factory=dict)
    dispatched: list[dict[str, Any]] = field(default_factory=list)
    rate_limit_next: int = 0  # answer this many REST calls with 429 first
    rate_limited: int = 0
    port: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(8 * 10**17))
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)
    # each connection's [shard id, shard count], as it identified
    _shards: dict[web.WebSocketResponse, tuple[int, int]] = field(default_factory=dict)
    identified_shards: list[tuple[int, int]] = field(default_factory=list)
    _sequence: int = 0
    _identified: asyncio.Event = field(default_factory=asyncio.Event)
    _runner: web.AppRunner | None = None
    _dm_channels: dict[int, int] = field(default_factory=dict)  # channel -> user
    members: dict[int, dict[str, Any]] = field(default_factory=dict)
    closed_dms: set[int] = field(default_factory=set)  # members who refuse DMs
    # store this many new messages, then drop the connection before answering
    lose_answer_next: int = 0
    _nonces: dict[tuple[int, str], Post] = field(default_factory=dict)
    member_roles: dict[int, set[int]] = field(default_factory=dict)  # roles the bot changed
    role_calls: list[tuple[str, int, int]] = field(default_factory=list)  # (method, user, role)
    manage_roles: bool = True  # does the bot have Manage Roles?

    # --- server ---------------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{path:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        for socket in list(self._sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def rest_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def wait_identified(self) -> None:
        await asyncio.wait_for(self._identified.wait(), 15)

    async def drop_connections(self) -> None:
        """Close the gateway as Discord does when it wants a client to reconnect."""
        self._identified.clear()
        for socket in list(self._sockets):
            await socket.close(code=4000, message=b"reconnect")

    # --- people ---------------------------------------------------------------------------
    def member(self, user_id: int, name: str, tutor: bool = False, locale: str = "en-US"
               ) -> dict[str, Any]:
        member = {"user": user_json(user_id, name), "roles": [str(TUTOR_ROLE)] if tutor else [],
                  "joined_at": snowflake_time(), "deaf": False, "mute": False, "flags": 0,
                  "permissions": "1071698660929", "nick": None, "avatar": None}
        self.members[user_id] = member
        self.locales[user_id] = locale  # the Discord language the member uses
        return member

    # --- what users do --------------------------------------------------------------------
    async def slash(self, member: dict[str, Any], name: str, channel: int = GENERAL,
                    **options: Any) -> str:
        data: dict[str, Any] = {"id": str(next(self._ids)), "name": name, "type": 1,
                                "options": []}
        for key, value in options.items():
            if isinstance(value, dict):  # a member, as a USER option with resolved data
                user = value["user"]
                data["options"].append({"name": key, "type": 6, "value": user["id"]})
                resolved = data.setdefault("resolved", {"users": {}, "members": {}})
                resolved["users"][user["id"]] = user
                resolved["members"][user["id"]] = {k: v for k, v in value.items()
                                                   if k != "user"}
            else:
                data["options"].append({"name": key, "type": _option_type(value),
                                        "value": value})
        return await self._interaction(2, member, channel, data)

    async def press(self, member: dict[str, Any], custom_id: str,
                    message: Post | None = None) -> str:
        """Press a button of a message the bot sent (the newest one that has it)."""
        message = message or next(p for p in reversed(self.posts)
                                  if any(b.get("custom_id") == custom_id for b in p.buttons()))
        data = {"custom_id": custom_id, "component_type": 2}
        return await self._interaction(3, member, message.channel_id if message and
                                       message.channel_id else GENERAL, data, message)

    async def submit_modal(self, member: dict[str, Any], custom_id: str, field_id: str,
                           value: str) -> str:
        data = {"custom_id": custom_id, "components": [
            {"type": 1, "components": [{"type": 4, "custom_id": field_id, "value": value}]}]}
        return await self._interaction(5, member, GENERAL, data)

    async def say(self, member: dict[str, Any], content: str, channel: int = GENERAL,
                  message_id: int | None = None) -> int:
        message_id = message_id or next(self._ids)
        await self.dispatch("MESSAGE_CREATE", {
            "id": str(message_id), "channel_id": str(channel), "guild_id": str(GUILD_ID),
            "author": member["user"], "member": {k: v for k, v in member.items() if k != "user"},
            "content": content, "timestamp": snowflake_time(), "edited_timestamp": None,
            "tts": False, "mention_everyone": False, "mentions": [], "mention_roles": [],
            "attachments": [], "embeds": [], "pinned": False, "type": 0, "flags": 0,
            "components": []})
        return message_id

    async def react(self, member: dict[str, Any], message_id: int, channel: int = GENERAL,
                    emoji: str = "👍", author: dict[str, Any] | None = None) -> None:
        """A reaction; ``author`` (a member) wrote the message, as Discord's payload says."""
        data = {"user_id": member["user"]["id"], "channel_id": str(channel),
                "message_id": str(message_id), "guild_id": str(GUILD_ID),
                "emoji": {"id": None, "name": emoji}, "member": member, "burst": False,
                "type": 0}
        if author is not None:
            data["message_author_id"] = author["user"]["id"]
        await self.dispatch("MESSAGE_REACTION_ADD", data)

    async def _interaction(self, kind: int, member: dict[str, Any], channel: int,
                           data: dict[str, Any], message: Post | None = None) -> str:
        token = f"tok{next(self._ids)}"
        payload: dict[str, Any] = {
            "id": str(next(self._ids)), "application_id": str(APP_ID), "type": kind,
            "data": data, "guild_id": str(GUILD_ID), "channel_id": str(channel),
            "channel": {"id": str(channel), "type": 0, "guild_id": str(GUILD_ID),
                        "name": "general" if channel == GENERAL else "help"},
            "member": member, "token": token, "version": 1,
            "locale": self.locales.get(int(member["user"]["id"]), "en-US"),
            "guild_locale": "en-US", "app_permissions": "1071698660929", "entitlements": [],
            "authorizing_integration_owners": {"0": str(GUILD_ID)}, "context": 0,
            "attachment_size_limit": 25 * 1024 * 1024}
        if message is not None:
            payload["message"] = self._message_json(message)
        await self.dispatch("INTERACTION_CREATE", payload)
        return token

    async def dispatch(self, event: str, data: dict[str, Any], *, again: bool = False) -> None:
        await self._identified.wait()
        if not again:
            self.dispatched.append({"t": event, "d": data})
        self._sequence += 1
        guild = data.get("guild_id")
        for socket in list(self._sockets):
            shard = self._shards.get(socket, (0, 1))
            if not (_owns(shard, int(guild)) if guild else shard[0] == 0):
                continue  # a guild's events go to its shard; DMs to shard 0
            await socket.send_str(json.dumps({"op": 0, "s": self._sequence, "t": event,
                                              "d": data}))

    # --- what the bot sent ----------------------------------------------------------------
    def to_interaction(self, token: str) -> list[Post]:
        return [p for p in self.posts if p.interaction_token == token]

    def text_of(self, token: str) -> str:
        return "\n".join(p.content or "" for p in self.to_interaction(token))

    def dms_to(self, user_id: int) -> list[Post]:
        return [p for p in self.posts if p.kind == "message" and
                self._dm_channels.get(p.channel_id or 0) == user_id]

    async def wait_for(self, predicate: Any, within: float = 15.0) -> None:
        deadline = time.monotonic() + within
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError("timed out waiting for the bot")
            await asyncio.sleep(0.02)

    # --- the gateway ----------------------------------------------------------------------
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await socket.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}}))
        async for frame in socket:
            if frame.type != WSMsgType.TEXT:
                break
            payload = json.loads(frame.data)
            op = payload.get("op")
            if op == 1:
                await socket.send_str(json.dumps({"op": 11}))
            elif op == 2:
                await self._identify(socket, payload["d"])
            elif op == 6:
                session = str(payload["d"].get("session_id", "session-0-1"))
                shard_id, count = (int(n) for n in session.split("-")[1:3])
                self._shards[socket] = (shard_id, count)
                self._sockets.append(socket)
                await socket.send_str(json.dumps({"op": 0, "s": self._sequence,
                                                  "t": "RESUMED", "d": {}}))
                self._identified.set()
        if socket in self._sockets:
            self._sockets.remove(socket)
        return socket

    async def _identify(self, socket: web.WebSocketResponse, data: dict[str, Any]) -> None:
        if data.get("token") != self.token:
            await socket.close(code=4004, message=b"Authentication failed.")
            return
        if data.get("intents", 0) & MESSAGE_CONTENT and not self.allow_message_content:
            await socket.close(code=4014, message=b"Disallowed intent(s).")
            return
        shard_id, count = data.get("shard") or (0, 1)
        shard = (int(shard_id), int(count))
        owns = _owns(shard, GUILD_ID)
        self._shards[socket] = shard
        self.identified_shards.append(shard)
        self._sockets.append(socket)
        self._sequence += 1
        await socket.send_str(json.dumps({"op": 0, "s": self._sequence, "t": "READY", "d": {
            "v": 10, "user": user_json(BOT_ID, "Questbot", bot=True),
            "guilds": [{"id": str(GUILD_ID), "unavailable": True}] if owns else [],
            "session_id": f"session-{shard[0]}-{shard[1]}",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(APP_ID), "flags": MESSAGE_CONTENT}, "shard": list(shard)}}))
        if owns:
            self._sequence += 1
            await socket.send_str(json.dumps({"op": 0, "s": self._sequence, "t": "GUILD_CREATE",
                                              "d": self._guild()}))
        self._identified.set()

    def _guild(self) -> dict[str, Any]:
        def channel(channel_id: int, name: str, position: int) -> dict[str, Any]:
            return {"id": str(channel_id), "type": 0, "name": name, "position": position,
                    "permission_overwrites": [], "guild_id": str(GUILD_ID), "nsfw": False,
                    "parent_id": None, "topic": None, "rate_limit_per_user": 0}

        def role(role_id: int, name: str) -> dict[str, Any]:
            return {"id": str(role_id), "name": name, "permissions": "1071698660929",
                    "position": 0 if role_id == GUILD_ID else 1, "color": 0, "hoist": False,
                    "managed": False, "mentionable": False, "flags": 0}

        return {"id": str(GUILD_ID), "name": "Learning Community", "icon": None,
                "owner_id": "1", "roles": [role(GUILD_ID, "@everyone"),
                                           role(TUTOR_ROLE, "Tutor"),
                                           role(HELPER_ROLE, "Helper"),
                                           role(MENTOR_ROLE, "Mentor")],
                "channels": [channel(GENERAL, "general", 0), channel(HELP, "help", 1),
                             channel(ACHIEVEMENTS, "achievements", 2)],
                "members": [], "member_count": 3, "emojis": [], "stickers": [], "features": [],
                "premium_tier": 0, "unavailable": False, "joined_at": snowflake_time(),
                "large": False, "voice_states": [], "presences": [], "threads": [],
                "stage_instances": [], "guild_scheduled_events": [], "mfa_level": 0,
                "verification_level": 0, "explicit_content_filter": 0,
                "default_message_notifications": 0, "system_channel_flags": 0,
                "preferred_locale": "en-US", "nsfw_level": 0, "premium_progress_bar_enabled": False}

    # --- REST -----------------------------------------------------------------------------
    async def _rest(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        if request.headers.get("Authorization") not in (f"Bot {self.token}", None) and \
                not path.startswith(("interactions/", "webhooks/")):
            return _json({"message": "401: Unauthorized", "code": 0}, status=401)
        if self.rate_limit_next > 0 and request.method == "POST" and \
                not path.startswith("interactions/"):
            self.rate_limit_next -= 1
            self.rate_limited += 1
            return _json(
                {"message": "You are being rate limited.", "retry_after": 0.3, "global": False},
                status=429, headers={"Retry-After": "0.3", "Via": "1.1 google",
                                     "X-RateLimit-Limit": "5",
                                     "X-RateLimit-Remaining": "0",
                                     "X-RateLimit-Reset-After": "0.3",
                                     "X-RateLimit-Bucket": "fake", "X-RateLimit-Scope": "user"})
        parts = path.split("/")
        method = request.method
        if path == "users/@me" and method == "GET":
            return _json(user_json(BOT_ID, "Questbot", bot=True))
        if path in ("oauth2/applications/@me", "applications/@me"):
            return _json({"id": str(APP_ID), "name": "Questbot", "icon": None,
                          "description": "", "bot_public": True,
                          "bot_require_code_grant": False, "verify_key": "0" * 64,
                          "owner": user_json(1, "Owner"), "team": None, "flags": MESSAGE_CONTENT,
                          "summary": ""})
        if path in ("gateway", "gateway/bot"):
            return _json({"url": self.gateway_url, "shards": 1,
                                      "session_start_limit": {"total": 1000, "remaining": 999,
                                                              "reset_after": 0,
                                                              "max_concurrency": 1}})
        if parts[0] == "applications" and parts[-1] == "commands" and method == "PUT":
            commands = await request.json()
            self.command_syncs += 1
            self.commands = [{**c, "id": str(next(self._ids)), "application_id": str(APP_ID),
                              "version": "1", "type": c.get("type", 1),
                              "default_member_permissions": c.get("default_member_permissions")}
                             for c in commands]
            return _json(self.commands)
        if parts[0] == "interactions" and parts[-1] == "callback":
            body, files = await _body(request)
            data = body.get("data") or {}
            self.posts.append(Post("callback", time.monotonic(), data.get("content"),
                                   bool((data.get("flags") or 0) & 64),
                                   data.get("components") or [], data.get("embeds") or [],
                                   files, interaction_token=parts[2],
                                   callback_type=body.get("type"), data=data))
            return _json({"interaction": {"id": parts[1], "type": 2,
                                          "response_message_loading": body.get("type") == 5,
                                          "response_message_ephemeral":
                                              bool((data.get("flags") or 0) & 64)},
                          "resource": {"type": body.get("type")}})
        if parts[0] == "webhooks" and method == "POST":
            body, files = await _body(request)
            post = Post("followup", time.monotonic(), body.get("content"),
                        bool((body.get("flags") or 0) & 64), body.get("components") or [],
                        body.get("embeds") or [], files, channel_id=GENERAL,
                        interaction_token=parts[2], message_id=next(self._ids), data=body)
            self.posts.append(post)
            return _json(self._message_json(post))
        if parts[0] == "webhooks" and method == "PATCH":
            body, files = await _body(request)
            post = Post("edit", time.monotonic(), body.get("content"), False,
                        body.get("components") or [], body.get("embeds") or [], files,
                        channel_id=GENERAL, interaction_token=parts[2],
                        message_id=next(self._ids))
            self.posts.append(post)
            return _json(self._message_json(post))
        if parts[0] == "guilds" and len(parts) == 6 and parts[2] == "members" and \
                parts[4] == "roles" and method in ("PUT", "DELETE"):
            return self._member_role(method, int(parts[1]), int(parts[3]), int(parts[5]))
        if path == "users/@me/channels" and method == "POST":
            recipient = int((await request.json())["recipient_id"])
            channel_id = next(self._ids)
            self._dm_channels[channel_id] = recipient
            return _json({"id": str(channel_id), "type": 1, "last_message_id": None,
                                      "recipients": [self._user(recipient)]})
        if parts[0] == "users" and method == "GET":
            return _json(self._user(int(parts[1])))
        if parts[0] == "channels" and parts[-1] == "messages" and method == "POST":
            if self._dm_channels.get(int(parts[1])) in self.closed_dms:
                return _json({"message": "Cannot send messages to this user", "code": 50007},
                             status=403)
            body, files = await _body(request)
            nonce = (int(parts[1]), str(body["nonce"])) if body.get("enforce_nonce") else None
            if nonce is not None and nonce in self._nonces:  # Discord returns the first one
                return _json(self._message_json(self._nonces[nonce]))
            post = Post("message", time.monotonic(), body.get("content"), False,
                        body.get("components") or [], body.get("embeds") or [], files,
                        channel_id=int(parts[1]), message_id=next(self._ids), data=body)
            self.posts.append(post)
            if nonce is not None:
                self._nonces[nonce] = post
            if self.lose_answer_next > 0 and request.transport is not None:
                self.lose_answer_next -= 1
                request.transport.abort()  # stored, but the bot never hears so
            return _json(self._message_json(post))
        return _json({"message": f"404: Not Found {method} {path}", "code": 0},
                                 status=404)

    def _member_role(self, method: str, guild: int, user: int, role: int) -> web.Response:
        """``PUT``/``DELETE /guilds/{guild}/members/{user}/roles/{role}``, as Discord answers
        them: 204 (also for a role the member already has, or never had), 403 Missing
        Permissions without Manage Roles or for a role above the bot's, 404 for a stranger."""
        self.role_calls.append((method, user, role))
        if guild != GUILD_ID:
            return _json({"message": "Unknown Guild", "code": 10004}, status=404)
        if role not in (TUTOR_ROLE, HELPER_ROLE, MENTOR_ROLE):
            return _json({"message": "Unknown Role", "code": 10011}, status=404)
        if user not in self.members:
            return _json({"message": "Unknown Member", "code": 10007}, status=404)
        if not self.manage_roles or role in (MENTOR_ROLE, TUTOR_ROLE):
            return _json({"message": "Missing Permissions", "code": 50013}, status=403)
        roles = self.member_roles.setdefault(user, set())
        if method == "PUT":
            roles.add(role)
        else:
            roles.discard(role)
        return web.Response(status=204)

    def channel_posts(self, channel_id: int) -> list[Post]:
        return [p for p in self.posts if p.kind == "message" and p.channel_id == channel_id]

    def _user(self, user_id: int) -> dict[str, Any]:
        member = self.members.get(user_id)
        return member["user"] if member else user_json(user_id, f"user{user_id}")

    def _message_json(self, post: Post) -> dict[str, Any]:
        return {"id": str(post.message_id or next(self._ids)),
                "channel_id": str(post.channel_id or GENERAL),
                "author": user_json(BOT_ID, "Questbot", bot=True), "content": post.content or "",
                "timestamp": snowflake_time(), "edited_timestamp": None, "tts": False,
                "mention_everyone": False, "mentions": [], "mention_roles": [],
                "attachments": [{"id": str(next(self._ids)), "filename": name, "size": len(data),
                                 "url": "http://127.0.0.1/a", "proxy_url": "http://127.0.0.1/a"}
                                for name, data in post.files.items()],
                "embeds": post.embeds, "pinned": False, "type": 0, "flags": 64 if post.ephemeral
                else 0, "components": post.components, "webhook_id": str(APP_ID)}


def _owns(shard: tuple[int, int], guild_id: int) -> bool:
    """Discord's rule: a guild's events go to shard (guild_id >> 22) % shard_count."""
    return (guild_id >> 22) % shard[1] == shard[0]


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None
          ) -> web.Response:
    # discord.py reads JSON only when the content type is exactly application/json
    return web.Response(body=json.dumps(data).encode(), status=status,
                        headers={"Content-Type": "application/json", **(headers or {})})


def _option_type(value: Any) -> int:
    return 5 if isinstance(value, bool) else 4 if isinstance(value, int) else 3


async def _body(request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
    if request.content_type == "application/json":
        return await request.json(), {}
    if not request.content_type.startswith("multipart/"):
        return {}, {}
    reader = await request.multipart()
    body: dict[str, Any] = {}
    files: dict[str, bytes] = {}
    while True:
        part = await reader.next()
        if part is None:
            break
        data = await part.read()  # type: ignore[union-attr]
        if part.name == "payload_json":  # type: ignore[union-attr]
            body = json.loads(data)
        elif part.filename:  # type: ignore[union-attr]
            files[part.filename] = bytes(data)  # type: ignore[union-attr]
    return body, files
