"""A webhook receiver on 127.0.0.1 for the tests: it checks every signature with the
``standardwebhooks`` package (an implementation independent of questbot's), and answers as
told: ``fail`` (HTTP 500), ``slow`` (answers after the sender gave up, keeping nothing, as a
receiver that crashed), ``redirect`` or ``accept`` (HTTP 204, keeping the event)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import jsonschema
from aiohttp import web
from referencing import Registry, Resource
from standardwebhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    webhook_id: str
    body: dict[str, Any]


@dataclass
class Receiver:
    url: str = ""
    secret: str = ""
    mode: str = "accept"
    slow_seconds: float = 1.0
    accepted: list[Received] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)  # every status it answered, in order
    bad_signatures: int = 0
    in_flight: int = 0
    most_in_flight: int = 0

    async def handle(self, request: web.Request) -> web.Response:
        if self.mode == "slow":  # the sender gives up on it: no longer in flight for it
            self.answers.append(503)
            await asyncio.sleep(self.slow_seconds)
            return web.Response(status=503)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            return await self._answer(request)
        finally:
            self.in_flight -= 1

    async def _answer(self, request: web.Request) -> web.Response:
        body = await request.read()
        try:
            Webhook(self.secret).verify(body, dict(request.headers))
        except (WebhookVerificationError, ValueError):
            self.bad_signatures += 1
            return self._said(400)
        if self.mode == "fail":
            return self._said(500)
        if self.mode == "redirect":
            self._said(302)
            raise web.HTTPFound("http://127.0.0.1:1/elsewhere")
        self.accepted.append(Received(request.headers["webhook-id"], json.loads(body)))
        return self._said(204)

    def _said(self, status: int) -> web.Response:
        self.answers.append(status)
        return web.Response(status=status)

    def events_of(self, learner_id: str) -> list[str]:
        return [r.body["type"] for r in self.accepted
                if r.body["data"]["learner_id"] == learner_id]


@asynccontextmanager
async def running_receiver() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    receiver.url = f"http://127.0.0.1:{port}/hook"
    try:
        yield receiver
    finally:
        await runner.cleanup()


def validate_webhook_body(description: dict[str, Any], body: dict[str, Any]) -> None:
    """``body`` is what the OpenAPI description's webhook of its type says it is."""
    operation = description["webhooks"][body["type"]]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    document = {**description, "$schema": "https://json-schema.org/draft/2020-12/schema"}
    registry: Registry[Any] = Registry().with_resource("urn:openapi",
                                                       Resource.from_contents(document))
    validator = jsonschema.Draft202012Validator({"$ref": "urn:openapi" + schema["$ref"]},
                                                registry=registry,
                                                format_checker=jsonschema.FormatChecker())
    validator.validate(body)
