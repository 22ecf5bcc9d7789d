"""The learner's private wallet: ``/wallet/{token}``, where the token in the address is the
only key. It shows the badges its holder has not hidden, their pathways, level and streak;
its forms hide a badge or show it again, through the engine (the chat's ``HideBadge``,
acting as the holder's account), so the rule and the record are the chat's.

Every answer is private: not stored by caches, sent with no referrer, kept out of search
engines (``PRIVATE`` in app.py). An unknown or replaced token gets the same 404 as a
malformed one. The page shows no platform id, chat id or email address."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from aiohttp import web

from questbot.domain.ids import ConversationRef
from questbot.domain.messages import Event, HideBadge
from questbot.domain.wallet import WALLET_PATH, token_hash
from questbot.ports import EventHandler, LearnerRecords, WalletHolder, WalletReader
from questbot.web.context import WEB
from questbot.web.language import page_language
from questbot.web.pathway_page import PathwayProgress, drawn
from questbot.web.wallet_view import (
    MAX_SHOWN,
    badge_line,
    held_classes,
    pathway_lines,
    standing,
)

TOKEN = re.compile(r"[A-Za-z0-9_-]{16,128}")
AWARD = re.compile(r"[A-Za-z0-9_-]{1,64}")
NONCE = re.compile(r"[A-Za-z0-9_-]{16,43}")
MAX_FORM = 1024
CHAT = "wallet"  # the conversation the page's events come from


@dataclass(frozen=True)
class WalletSetup:
    reader: WalletReader
    engine: EventHandler  # the page's hide and show go through the rules
    records: LearnerRecords | None = None  # the signed record; None: not offered


WALLET = web.AppKey("wallet", WalletSetup)


async def holder_of(request: web.Request) -> tuple[str, WalletHolder] | None:
    """The token of the address and its holder, or None (malformed, unknown, replaced)."""
    token = request.match_info.get("token", "")
    if not TOKEN.fullmatch(token):
        return None
    holder = await request.app[WALLET].reader.wallet(token_hash(token))
    return None if holder is None else (token, holder)


def pathway_progress(reader: WalletReader) -> PathwayProgress:
    """The pathway page's ``?learner=`` hook: a wallet token to the badge classes its
    holder shows (hidden and revoked ones left out)."""
    async def progress(token: str) -> frozenset[str] | None:
        if not TOKEN.fullmatch(token):
            return None
        holder = await reader.wallet(token_hash(token))
        return None if holder is None else held_classes(holder.badges)
    return progress


def not_found(request: web.Request) -> web.Response:
    return request.app[WEB].message(request, "wallet.unknown", "wallet.unknown_text", 404)


def wallet_address(request: web.Request, token: str) -> str:
    return request.app[WEB].badges.urls.base + WALLET_PATH + token


async def wallet_page(request: web.Request) -> web.Response:
    found = await holder_of(request)
    if found is None:
        return not_found(request)
    token, holder = found
    context = request.app[WEB]
    language = page_language(request, context.language)
    shown = holder.shown
    lines = [await badge_line(request, b, language) for b in shown[:MAX_SHOWN]]
    held = held_classes(holder.badges)
    pathways = pathway_lines(request, held, language)
    return context.page(
        request, "wallet.html", badges=lines, hidden=len(holder.badges) - len(shown),
        pathways=pathways, maps={p.map.id: drawn(request, p.map, held) for p in pathways},
        held=held, standing=standing(context.badges, holder, context.clock.now(),
                                     language.code),
        wallet=wallet_address(request, token), token=token,
        nonce=secrets.token_urlsafe(16), records=request.app[WALLET].records is not None)


async def hidden_page(request: web.Request) -> web.Response:
    """The badges hidden from the wallet, each with a form that shows it again."""
    found = await holder_of(request)
    if found is None:
        return not_found(request)
    token, holder = found
    context = request.app[WEB]
    return context.page(request, "wallet_hidden.html",
                        badges=[b for b in holder.badges if b.hidden],
                        wallet=wallet_address(request, token), nonce=secrets.token_urlsafe(16))


def _same_origin(request: web.Request) -> bool:
    """A form posted from this site. Browsers say where a request comes from in
    Sec-Fetch-Site; one that does not is judged by its Origin, unless that is "null" (what
    browsers send from a page whose Referrer-Policy is no-referrer, as the wallet's is).
    A request that proves neither can only come from someone who holds the token."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    return origin in (None, "null") or origin in _ours(request)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _ours(request: web.Request) -> set[str]:
    return {_origin(request.app[WEB].badges.urls.base), f"{request.scheme}://{request.host}"}


async def _form(request: web.Request) -> dict[str, str] | None:
    body = await request.content.read(MAX_FORM + 1)
    if len(body) > MAX_FORM:
        return None
    try:
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=10))
    except (UnicodeDecodeError, ValueError):
        return None


async def hide_badge(request: web.Request) -> web.Response:
    """POST /wallet/{token}/badges/{award_id}: ``hidden`` 1 hides it, 0 shows it again; a
    form's nonce is the event's id, so sending it twice changes nothing more."""
    found = await holder_of(request)
    if found is None:
        return not_found(request)
    token, holder = found
    context = request.app[WEB]
    if not _same_origin(request):
        return context.message(request, "wallet.refused", "wallet.refused_text", 403)
    form = await _form(request)
    award_id = request.match_info.get("award_id", "")
    nonce = form.get("nonce", "") if form else ""
    if (form is None or not NONCE.fullmatch(nonce) or form.get("hidden") not in ("0", "1")
            or not AWARD.fullmatch(award_id)):
        return context.message(request, "wallet.bad_form", "wallet.bad_form_text", 400)
    if holder.account is None or all(b.award_id != award_id for b in holder.badges):
        return not_found(request)
    language = page_language(request, context.language)
    account = holder.account
    await request.app[WALLET].engine.handle(Event(
        f"web.{nonce}", account, ConversationRef(account.platform, CHAT, private=True),
        HideBadge(award_id, hidden=form["hidden"] == "1"), language=language.code))
    back = wallet_address(request, token) + ("/hidden" if form.get("from") == "hidden" else "")
    raise web.HTTPSeeOther(language.keep(back))
