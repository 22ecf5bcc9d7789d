"""``questbot webhooks``: register, list, remove, enable and disable outbound webhook
endpoints, and read their delivery log, in the community's language."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from questbot.app.config import Settings
from questbot.app.webhook_wiring import webhook_policy
from questbot.domain.errors import ConfigError, Rejected
from questbot.i18n import translate
from questbot.ports import Endpoint, Store, WebhookAttempt
from questbot.storage import open_store
from questbot.webhooks import admin


async def webhooks(settings: Settings, action: str, target: str | None, events: str,
                   reason: str | None, limit: int) -> int:
    language = settings.language.split("-", 1)[0].lower()
    store = open_store(settings.database)
    await store.open()
    try:
        for line in await _act(store, settings, language, action, target, events, reason,
                               limit):
            print(line)
    except Rejected as refused:
        raise ConfigError(translate(refused.key, language, **refused.params)) from None
    finally:
        await store.close()
    return 0


async def _act(store: Store, settings: Settings, language: str, action: str,
               target: str | None, events: str, reason: str | None, limit: int
               ) -> list[str]:
    def t(key: str, **params: object) -> str:
        return translate(key, language, **params)

    if action == "list":
        return endpoint_lines(await admin.endpoints(store), language)
    if action == "log":
        return log_lines(await admin.delivery_log(store, target, limit), language)
    assert target is not None  # argparse requires it for the other actions
    if action == "add":
        endpoint, secret = await admin.register(store, target, events,
                                                webhook_policy(settings), datetime.now(UTC))
        return [t("webhooks.added", endpoint=endpoint.endpoint_id, url=endpoint.url,
                  events=", ".join(endpoint.events)),
                t("webhooks.secret", secret=secret)]
    if action == "remove":
        await admin.remove(store, target)
        return [t("webhooks.removed", endpoint=target)]
    if action == "enable":
        await admin.enable(store, target)
        return [t("webhooks.enabled", endpoint=target)]
    if action == "disable":
        await admin.disable(store, target, reason or t("webhooks.disabled_by_admin"))
        return [t("webhooks.disabled", endpoint=target)]
    raise ConfigError(f"webhooks: unknown action {action!r}")


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def endpoint_lines(found: Sequence[Endpoint], language: str) -> list[str]:
    if not found:
        return [translate("webhooks.none", language)]
    lines = []
    for endpoint in found:
        if not endpoint.enabled:
            state = translate("webhooks.state_disabled", language,
                              reason=endpoint.disabled_reason or "-")
        elif endpoint.failing_since is not None:
            state = translate("webhooks.state_failing", language,
                              since=_when(endpoint.failing_since), failures=endpoint.failures)
        else:
            state = translate("webhooks.state_enabled", language)
        lines.append(translate("webhooks.list_line", language, endpoint=endpoint.endpoint_id,
                               state=state, url=endpoint.url,
                               events=", ".join(endpoint.events), pending=endpoint.pending,
                               created=_when(endpoint.created_at)))
    return lines


def log_lines(attempts: Sequence[WebhookAttempt], language: str) -> list[str]:
    if not attempts:
        return [translate("webhooks.log_none", language)]
    lines = []
    for attempt in attempts:
        if attempt.delivered:
            result = translate("webhooks.log_delivered", language, status=attempt.status_code)
        else:
            result = translate("webhooks.log_failed", language, error=attempt.error or "-")
        lines.append("\t".join((_when(attempt.attempted_at), attempt.endpoint_id,
                                attempt.event_type, attempt.event_id, result)))
    return lines
