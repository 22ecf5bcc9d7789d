"""The badge server as a well-behaved public HTTP service: content negotiation, entity tags
and conditional GET, CORS, and the security headers, seen over real sockets."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping

import aiohttp
import pytest
from hypothesis import given
from hypothesis import strategies as st
from multidict import CIMultiDictProxy

from questbot.web.context import negotiate
from tests.server import Server

HTML = "text/html"
JSON = "application/json"
LD = "application/ld+json"
VC = "application/vc+ld+json"
OFFERS = (HTML, JSON, LD, VC)
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


@pytest.mark.parametrize(("accept", "chosen"), [
    (None, HTML),
    ("", HTML),
    ("*/*", HTML),  # equal: the page
    (BROWSER, HTML),
    (JSON, JSON),
    ("APPLICATION/JSON", JSON),  # media types are case-insensitive
    ("Application/Vc+Ld+Json", VC),
    (f"{VC}, image/png;q=0.9", VC),  # what `questbot verify URL` sends
    (f"{HTML};q=0.5, {JSON}", JSON),  # the higher q wins, wherever it is listed
    (f"{JSON};q=0.5, {HTML}", HTML),
    (f"{LD};q=0.9, {VC};q=0.8, {HTML};q=0.1", LD),
    (f"{JSON}, {HTML}", JSON),  # equal q and specificity: the one named first
    (f"{HTML}, {JSON}", HTML),
    (f"*/*, {JSON}", JSON),  # equal q: the more specific range
    (f"application/*, {HTML};q=0.9", JSON),  # a wildcard: the server's first such offer
    (f"application/*;q=0.5, {VC}", VC),
    (f"*/*, {HTML};q=0", JSON),  # q=0 excludes, even below a wildcard
    (f"{JSON};q=0", None),  # the only named type excluded: nothing is acceptable
    (f"{JSON};q=0, */*", HTML),
    (f"*/*;q=0.1, {LD};q=0.2", LD),
    (f"{JSON};q=0.500", JSON),
    (f"{JSON};q=1.000;level=1", JSON),  # parameters after q are extensions
    (f"{LD}; profile=\"https://w3id.org/openbadges/v2\"", LD),  # media type parameters
    (" application/json ; q=0.8 , text/html ; q=0.7", JSON),  # spaces around everything
    ("*", HTML),  # old clients' shorthand for */*
    ("image/png", None),
    (f"{JSON};q=2", HTML),  # out of range: the range is ignored, as is the header
    (f"{JSON};q=abc, {LD}", LD),
    (f"{JSON};q=nan, {VC};q=0.3", VC),
    ("garbage, ;;;, /, */json", HTML),  # nothing usable: as if there were no header
])
def test_accept_tables(accept: str | None, chosen: str | None) -> None:
    assert negotiate(accept, OFFERS) == chosen


@given(st.text(), st.lists(st.sampled_from((*OFFERS, "image/png", "text/plain")),
                           min_size=1, max_size=5, unique=True))
def test_negotiation_never_raises(accept: str, offers: list[str]) -> None:
    assert negotiate(accept, offers) in (*offers, None)


@given(st.lists(st.tuples(st.sampled_from(["text", "application", "image", "*"]),
                          st.sampled_from(["html", "json", "ld+json", "vc+ld+json", "*"]),
                          st.integers(0, 1000)), max_size=6))
def test_a_type_excluded_by_name_is_never_chosen(ranges: list[tuple[str, str, int]]) -> None:
    header = ", ".join(f"{kind}/{sub};q={q / 1000:.3f}" for kind, sub, q in ranges)
    chosen = negotiate(header, OFFERS)
    named = [q for kind, sub, q in ranges if f"{kind}/{sub}" == chosen]
    assert not named or named[0] > 0  # the first range naming a type exactly decides


# --- over the wire ------------------------------------------------------------------------
async def fetch(url: str, method: str = "GET", **headers: str
                ) -> tuple[int, CIMultiDictProxy[str], bytes]:
    async with aiohttp.ClientSession() as http, \
            http.request(method, url, headers=headers) as response:
        return response.status, response.headers, await response.read()


async def cached_urls(server: Server) -> dict[str, str]:
    """Every document and image a client may cache, with its URL."""
    award_id = await server.grant_badge()
    base = server.base
    return {"assertion": f"{base}/ob2/assertions/{award_id}",
            "credential": f"{base}/ob3/credentials/{award_id}",
            "badge class": f"{base}/ob2/badges/python-basics.badge",
            "class image": f"{base}/images/badges/python-basics.badge.png",
            "baked png": f"{base}/badges/{award_id}/badge.png",
            "certificate": f"{base}/badges/{award_id}/certificate.png",
            "issuer": f"{base}/ob2/issuer", "keys": f"{base}/issuer/keys",
            "favicon": f"{base}/favicon.svg", "status list": f"{base}/status/revocation",
            "stylesheet": f"{base}/static/site.css"}


async def test_every_cacheable_resource_answers_304_to_its_etag(server: Server) -> None:
    for name, url in (await cached_urls(server)).items():
        status, headers, body = await fetch(url)
        assert status == 200, name
        etag = headers["ETag"]
        assert re.fullmatch(r'"[0-9a-f]{32}"', etag), (name, etag)  # strong, of the bytes
        status, again, unchanged = await fetch(url, **{"If-None-Match": etag})
        assert (status, unchanged) == (304, b""), name
        assert again["ETag"] == etag, name
        assert again.get("Cache-Control") == headers.get("Cache-Control"), name
        if name != "stylesheet":
            assert again["Access-Control-Allow-Origin"] == "*", name
        for condition in (f'"other", {etag}', f"W/{etag}", "*"):
            assert (await fetch(url, **{"If-None-Match": condition}))[0] == 304, condition
        assert (await fetch(url, **{"If-None-Match": '"other"'}))[2] == body, name
        status, _, empty = await fetch(url, "HEAD", **{"If-None-Match": etag})
        assert (status, empty) == (304, b"")


async def test_the_same_bytes_give_the_same_etag(server: Server) -> None:
    urls = await cached_urls(server)
    for name, url in urls.items():
        first, second = await fetch(url), await fetch(url)
        assert first[2] == second[2], name
        assert first[1]["ETag"] == second[1]["ETag"], name


async def test_a_revoked_assertion_has_a_new_etag_and_always_its_body(server: Server) -> None:
    award_id = await server.grant_badge()
    url = f"{server.base}/ob2/assertions/{award_id}"
    _, headers, _ = await fetch(url)
    valid_etag = headers["ETag"]
    assert "Revoked" in await server.say("tina", "/revoke alice python-basics badge mistake")
    status, headers, body = await fetch(url, **{"If-None-Match": valid_etag})
    assert status == 410
    assert b'"revoked": true' in body
    assert headers["ETag"] != valid_etag
    # a 410 is not a 2xx, so If-None-Match does not apply: the body always comes
    status, _, body = await fetch(url, **{"If-None-Match": headers["ETag"]})
    assert status == 410 and b"mistake" in body


async def test_the_status_list_etag_follows_revocations(server: Server) -> None:
    award_id = await server.grant_badge()
    url = f"{server.base}/status/revocation"
    before = (await fetch(url))[1]["ETag"]
    await server.say("tina", "/revoke alice python-basics badge mistake")
    status, headers, _ = await fetch(url, **{"If-None-Match": before})
    assert status == 200 and headers["ETag"] != before  # this award's bit is now set
    assert award_id in (await fetch(f"{server.base}/badges/{award_id}", Accept=JSON))[2].decode()


@pytest.mark.parametrize(("accept", "kind"), [
    (BROWSER, HTML), (JSON, JSON), (LD, LD), (VC, VC),
    (f"{HTML};q=0.4, {VC};q=0.6", VC), (f"*/*;q=0.1, {JSON}", JSON), ("image/png", HTML),
])
async def test_the_badge_page_negotiates_and_says_it_varies(server: Server, accept: str,
                                                            kind: str) -> None:
    award_id = await server.grant_badge()
    status, headers, _ = await fetch(f"{server.base}/badges/{award_id}", Accept=accept)
    assert status == 200
    assert headers["Content-Type"].split(";")[0] == kind
    assert headers["Vary"] == ("Accept, Accept-Language" if kind == HTML else "Accept")
    assert headers["Access-Control-Allow-Origin"] == "*"


async def test_each_variant_of_the_badge_page_has_its_own_etag(server: Server) -> None:
    award_id = await server.grant_badge()
    url = f"{server.base}/badges/{award_id}"
    tags = {accept: (await fetch(url, Accept=accept))[1]["ETag"]
            for accept in (BROWSER, JSON, LD, VC)}
    assert len(set(tags.values())) == 4
    status, headers, body = await fetch(url, Accept=JSON, **{"If-None-Match": tags[BROWSER]})
    assert status == 200 and body.startswith(b"{")  # the page's tag does not fit the JSON
    status, headers, _ = await fetch(url, Accept=JSON, **{"If-None-Match": tags[JSON]})
    assert (status, headers["Vary"]) == (304, "Accept")


async def test_404s_vary_by_accept_and_json_ones_are_public(server: Server) -> None:
    status, headers, body = await fetch(f"{server.base}/badges/nope", Accept=JSON)
    assert (status, headers["Content-Type"].split(";")[0]) == (404, JSON)
    assert headers["Vary"] == "Accept" and headers["Access-Control-Allow-Origin"] == "*"
    assert b"no such badge" in body
    status, headers, body = await fetch(f"{server.base}/badges/nope", Accept=BROWSER)
    assert (status, headers["Content-Type"].split(";")[0]) == (404, HTML)
    assert headers["Vary"] == "Accept, Accept-Language"  # the page is in the reader's language
    for path in ("/ob2/assertions/nope", "/ob3/credentials/nope", "/ob2/badges/nope",
                 "/images/badges/nope.png"):
        status, headers, _ = await fetch(server.base + path)
        assert (status, headers["Access-Control-Allow-Origin"]) == (404, "*"), path
        assert "ETag" not in headers, path


async def test_documents_and_images_are_open_to_any_origin(server: Server) -> None:
    for name, url in (await cached_urls(server)).items():
        if name == "stylesheet":
            continue  # the pages' own style, not a public document
        _, headers, _ = await fetch(url, Origin="https://employer.example")
        assert headers["Access-Control-Allow-Origin"] == "*", name


async def test_verify_answers_a_cors_preflight_and_cross_origin_posts(server: Server) -> None:
    status, headers, body = await fetch(
        f"{server.base}/verify", "OPTIONS", Origin="https://employer.example",
        **{"Access-Control-Request-Method": "POST",
           "Access-Control-Request-Headers": "content-type"})
    assert (status, body) == (204, b"")
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert set(headers["Access-Control-Allow-Methods"].replace(" ", "").split(",")) == {
        "POST", "OPTIONS"}
    allowed = {h.strip().lower() for h in headers["Access-Control-Allow-Headers"].split(",")}
    assert {"content-type", "accept"} <= allowed
    assert int(headers["Access-Control-Max-Age"]) > 0

    award_id = await server.grant_badge()
    png = (await fetch(f"{server.base}/badges/{award_id}/badge.png"))[2]
    for accept, kind in ((JSON, JSON), (BROWSER, HTML)):
        payload = aiohttp.FormData()
        payload.add_field("file", io.BytesIO(png), filename="badge.png")
        async with aiohttp.ClientSession() as http, http.post(
                f"{server.base}/verify", data=payload,
                headers={"Accept": accept, "Origin": "https://employer.example"}) as response:
            assert response.status == 200
            assert response.content_type == kind
            assert response.headers["Access-Control-Allow-Origin"] == "*"
            assert response.headers["Vary"] == (
                "Accept, Accept-Language" if kind == HTML else "Accept")
    async with aiohttp.ClientSession() as http, http.post(
            f"{server.base}/verify", data=b"", headers={"Accept": JSON}) as response:
        assert response.status == 400  # a rejected upload is answered the same way
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert response.headers["Vary"] == "Accept"


def assert_no_versions(headers: Mapping[str, str]) -> None:
    assert headers["Server"] == "questbot"
    assert not re.search(r"\d|aiohttp|python", headers["Server"], re.IGNORECASE)


async def test_every_answer_has_security_headers(server: Server) -> None:
    award_id = await server.grant_badge()
    paths = ["/", f"/badges/{award_id}", "/verify", "/badges/nope", "/nowhere",
             f"/badges/{award_id}/badge.png", f"/ob3/credentials/{award_id}", "/healthz",
             "/static/site.css"]
    for path in paths:
        _, headers, _ = await fetch(server.base + path)
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", path
        assert_no_versions(headers)
    _, headers, _ = await fetch(f"{server.base}/verify", "OPTIONS")
    assert_no_versions(headers)


async def test_pages_have_a_strict_content_security_policy(server: Server) -> None:
    award_id = await server.grant_badge()
    for path in ("/", f"/badges/{award_id}", "/verify", "/badges/nope"):
        _, headers, body = await fetch(server.base + path, Accept=BROWSER)
        policy = {key: value for key, _, value in
                  (part.strip().partition(" ") for part in
                   headers["Content-Security-Policy"].split(";"))}
        assert policy["default-src"] == "'self'"
        assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
        assert policy["frame-ancestors"] == "'none'" and policy["base-uri"] == "'none'"
        assert policy["form-action"] == "'self'"
        assert "unsafe" not in headers["Content-Security-Policy"]
        html = body.decode()
        # what the policy would block: inline style and script, handlers, style attributes
        assert "<style" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert not re.search(r"\s(style|on[a-z]+)\s*=", html), path
        assert f'href="{server.base}/static/site.css"' in html, path


async def test_the_stylesheet_carries_the_issuers_colours(server: Server) -> None:
    status, headers, body = await fetch(f"{server.base}/static/site.css")
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    css = body.decode()
    issuer = server.services.badges.issuer
    assert f"--main: {issuer.colour}" in css and f"--accent: {issuer.accent}" in css
    assert "{{" not in css
