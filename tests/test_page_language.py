"""Pages in the reader's language: ?lang= decides, else Accept-Language (and the answer says
it varies), else the community's language; a Gaelic or French page reads no English sentence
of the web's catalogues; the switcher and the page's links keep the chosen language; the
verify page's verdict and the certificate are in the page's language; JSON stays English."""

from __future__ import annotations

import io
import re
from html import unescape
from string import Formatter

import aiohttp
import pytest
from babel.messages.pofile import read_po

from questbot.web.language import choose, preferred_languages
from tests.paths import ROOT
from tests.server import Server

WEB_CATALOGUES = (("questbot/web/locale", "questbot_web"),
                  ("questbot/badges/locale", "questbot_badges"))
WORD = re.compile(r"(?<![/\w])[a-z]{2,}\b")


def _english_sentences() -> set[str]:
    """The literal pieces of the web's English messages long enough to be words of a
    sentence (three lower-case words or more)."""
    pieces: set[str] = set()
    for folder, domain in WEB_CATALOGUES:
        with (ROOT / folder / "en" / "LC_MESSAGES" / f"{domain}.po").open("rb") as source:
            texts = [str(m.string) for m in read_po(source) if m.id]
        for text in texts:
            for literal, _, _, _ in Formatter().parse(text):
                pieces |= {piece.strip() for piece in re.split(r"[:;()]", literal)
                           if len(WORD.findall(piece)) >= 3}
    return pieces


ENGLISH = _english_sentences()


async def get(url: str, **headers: str) -> tuple[int, dict[str, str], str]:
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers) as response:
        return response.status, dict(response.headers), await response.text()


def visible(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def english_in(html: str) -> list[str]:
    text = visible(html) + " " + " ".join(re.findall(r'(?:alt|aria-label)="([^"]*)"', html))
    return sorted(piece for piece in ENGLISH if piece in text)


async def verify(server: Server, png: bytes, query: str = "", **headers: str) -> str:
    payload = aiohttp.FormData()
    payload.add_field("file", io.BytesIO(png), filename="badge.png")
    async with aiohttp.ClientSession() as http, http.post(
            f"{server.base}/verify{query}", data=payload,
            headers={"Accept": "text/html", **headers}) as response:
        assert response.status == 200
        return await response.text()


def test_the_web_catalogues_have_sentences_to_look_for() -> None:
    assert len(ENGLISH) > 40
    assert "This badge expired on" in ENGLISH


@pytest.mark.parametrize("language", ["gd", "fr"])
async def test_a_badge_page_asked_in_gaelic_or_french_says_no_english_sentence(
        server: Server, language: str) -> None:
    award_id = await server.grant_badge()
    status, headers, html = await get(f"{server.base}/badges/{award_id}?lang={language}",
                                      **{"Accept-Language": "en"})
    assert status == 200
    assert f'<html lang="{language}">' in html
    assert english_in(html) == []
    words = {"gd": ("Luchdaich a-nuas am bràiste (PNG)", "Air a thoirt seachad le",
                    "Dligheach", "Dùbhlan"),
             "fr": ("Télécharger le badge (PNG)", "Émis par", "Valide", "Quête")}[language]
    assert all(word in unescape(html) for word in words)
    assert "Accept-Language" not in headers.get("Vary", "")  # ?lang= chose, not the header
    # its links to other pages keep the language; documents for machines do not take one
    assert f'/verify?lang={language}"' in html
    assert f'/certificate.png?lang={language}"' in html
    assert f"/ob2/assertions/{award_id}\"" in html


async def test_accept_language_french_gives_a_french_page_that_says_it_varies(
        server: Server) -> None:
    award_id = await server.grant_badge()
    status, headers, html = await get(f"{server.base}/badges/{award_id}",
                                      **{"Accept-Language": "de-DE, fr-CA;q=0.8, en;q=0.5"})
    assert status == 200 and '<html lang="fr">' in html
    assert "Télécharger le badge (PNG)" in unescape(html)
    assert english_in(html) == []
    assert {v.strip() for v in headers["Vary"].split(",")} == {"Accept", "Accept-Language"}
    # a negotiated language is not written into links: the next page negotiates again
    assert "?lang=" not in html.split('<nav class="languages"')[0]


@pytest.mark.parametrize("query", ["?lang=xx", "?lang=../fr", "?lang=", "?lang=FRA"])
async def test_an_unknown_lang_is_ignored(server: Server, query: str) -> None:
    status, _, html = await get(f"{server.base}/verify{query}")
    assert status == 200 and '<html lang="en">' in html and "Verify a badge" in html
    assert english_in(html)  # the English page is what the other languages are checked against
    _, _, french = await get(f"{server.base}/verify{query}", **{"Accept-Language": "fr"})
    assert '<html lang="fr">' in french and "Vérifier un badge" in unescape(french)


async def test_the_switcher_links_this_page_in_each_language_named_in_its_own(
        server: Server) -> None:
    award_id = await server.grant_badge()
    _, _, html = await get(f"{server.base}/badges/{award_id}?lang=gd")
    switcher = unescape(html.split('<nav class="languages"')[1].split("</nav>")[0])
    assert 'href="/badges/' + award_id + '?lang=en"' in switcher and ">English<" in switcher
    assert 'href="/badges/' + award_id + '?lang=fr"' in switcher and ">Français<" in switcher
    assert 'aria-current="page">Gàidhlig<' in switcher


async def test_the_home_and_error_pages_are_translated(server: Server) -> None:
    _, _, home = await get(f"{server.base}/?lang=gd")
    assert "Dearbh bràiste" in unescape(home) and english_in(home) == []
    status, _, missing = await get(f"{server.base}/badges/nope?lang=fr",
                                   Accept="text/html")
    assert status == 404 and "Badge introuvable" in unescape(missing)
    assert english_in(missing) == []


async def test_the_verify_page_in_french_shows_a_french_verdict_and_json_stays_english(
        server: Server) -> None:
    award_id = await server.grant_badge()
    png = server.settings.data_dir / "badges" / "awards" / f"{award_id}.png"
    html = unescape(await verify(server, png.read_bytes(), "?lang=fr"))
    assert '<html lang="fr">' in html
    assert re.search(r'id="verdict-status">Valide<', html)
    assert "Le badge est authentique et en vigueur." in html
    assert "Émis par ce serveur, signé avec sa clé actuelle." in html
    assert english_in(html) == []
    gaelic = unescape(await verify(server, png.read_bytes(), **{"Accept-Language": "gd"}))
    assert "Tha am bràiste fìor agus an gnìomh." in gaelic and english_in(gaelic) == []
    payload = aiohttp.FormData()
    payload.add_field("file", io.BytesIO(png.read_bytes()), filename="badge.png")
    async with aiohttp.ClientSession() as http, http.post(
            f"{server.base}/verify?lang=fr", data=payload,
            headers={"Accept": "application/json", "Accept-Language": "fr"}) as response:
        answer = await response.json()
    assert answer["status"] == "valid"
    assert answer["summary"] == "The badge is authentic and in force."


async def test_a_rejected_upload_is_explained_in_the_pages_language(server: Server) -> None:
    async with aiohttp.ClientSession() as http, http.post(
            f"{server.base}/verify?lang=gd", data=b"",
            headers={"Accept": "text/html"}) as response:
        html = unescape(await response.text())
    assert response.status == 400
    assert "Tha an luchdachadh suas falamh." in html and english_in(html) == []


async def test_the_revoked_notice_writes_its_date_in_french(server: Server) -> None:
    award_id = await server.grant_badge()
    await server.say("tina", "/revoke alice python-basics badge awarded in error")
    _, _, html = await get(f"{server.base}/badges/{award_id}?lang=fr")
    notice = unescape(html.split('id="notice">')[1].split("</p>")[0])
    months = ("janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre"
              "|décembre")
    assert re.fullmatch(rf"Ce badge a été révoqué le \d+ ({months}) \d{{4}}\. .+", notice)


async def test_the_certificate_is_drawn_in_the_pages_language(server: Server) -> None:
    award_id = await server.grant_badge()
    pngs = {}
    for language in ("en", "fr", "gd"):
        async with aiohttp.ClientSession() as http, http.get(
                f"{server.base}/badges/{award_id}/certificate.png?lang={language}") as response:
            assert response.status == 200 and response.content_type == "image/png"
            pngs[language] = await response.read()
    assert len(set(pngs.values())) == 3  # the same certificate, in three languages' words
    async with aiohttp.ClientSession() as http, http.get(
            f"{server.base}/badges/{award_id}/certificate.png",
            headers={"Accept-Language": "gd"}) as response:
        assert await response.read() == pngs["gd"]
        assert "Accept-Language" in response.headers["Vary"]


def test_the_language_is_the_query_then_the_header_then_the_communitys() -> None:
    assert choose("gd", "fr", "en").code == "gd" and choose("gd", None, "en").chosen
    assert choose(None, "fr-FR,en;q=0.5", "en").code == "fr"
    assert choose("xx", "gd;q=0.9, fr;q=0.2", "en").code == "gd"
    assert choose(None, "de, es", "fr").code == "fr"
    assert choose(None, None, "gd").code == "gd"
    assert choose(None, "de", "xx").code == "en"
    assert not choose(None, "fr", "en").chosen


def test_accept_language_is_read_by_quality_and_odd_parts_are_dropped() -> None:
    assert preferred_languages("en;q=0.1, fr-CA, gd;q=0.5") == ["fr-ca", "gd", "en"]
    assert preferred_languages("fr;q=0, *, <script>, en;q=2, de;q=x, gd") == ["gd"]
    assert preferred_languages("") == []
    assert len(preferred_languages("en," * 10_000)) < 200


WEB_KEY = re.compile(r"""(?:\bt|\bsay|message\(request,)\(?\s*["']([a-z_]+\.[a-z_.]+)["']""")
MESSAGE_KEYS = re.compile(r"""message\(request, "([a-z_.]+)", "([a-z_.]+)\"""")
REJECTED_KEY = re.compile(r"""UploadRejected\(\d+, "([a-z_.]+)"\)""")
CHECK_KEY = re.compile(r"""verdict\.fail\(\s*"[a-z_]+",\s*"[a-z_]+",\s*"([a-z_]+)"|"""
                       r"""verdict\.passed\(\s*"[a-z_]+",\s*"([a-z_]+)\"""")


def test_every_key_the_web_and_the_badges_say_is_in_their_english_catalogue() -> None:
    from questbot.i18n import ADDED  # noqa: PLC0415

    web_files = [*(ROOT / "questbot/web").rglob("*.py"),
                 *(ROOT / "questbot/web").rglob("templates/*.html")]
    used = {f"web.{key}" for path in web_files for key in WEB_KEY.findall(path.read_text())}
    for path in (ROOT / "questbot/web").glob("*.py"):
        text = path.read_text()
        used |= {f"web.{key}" for pair in MESSAGE_KEYS.findall(text) for key in pair}
        used |= {f"web.{key}" for key in REJECTED_KEY.findall(text)}
    badge_files = list((ROOT / "questbot/badges").glob("*.py"))
    used |= {f"badges.check.{key}" for path in badge_files
             for pair in CHECK_KEY.findall(path.read_text()) for key in pair if key}
    used |= {f"badges.{key}" for path in badge_files
             for key in re.findall(r"""\bsay\(\s*"([a-z_]+\.[a-z_.]+)\"""", path.read_text())}
    assert len(used) > 60
    assert sorted(key for key in used if key not in ADDED["en"]) == []


@pytest.mark.parametrize(("language", "name"), [("fr", "Les bases de Python"),
                                                ("gd", "Bunaitean Python"),
                                                ("en", "Python Basics")])
async def test_the_badges_own_words_are_in_the_readers_language(
        server: Server, language: str, name: str) -> None:
    award_id = await server.grant_badge()  # python-basics: its badge speaks three languages
    _, _, html = await get(f"{server.base}/badges/{award_id}?lang={language}")
    assert f"<h1>{name}</h1>" in unescape(html)
    assert f'<meta property="og:title" content="{name}">' in unescape(html)


def test_accept_language_is_read_by_whole_entries_and_every_parameter() -> None:
    assert "fr" not in preferred_languages("x" * 508 + ",fr;q=0")  # cut: its q=0 is not lost
    assert preferred_languages("fr;x=1;q=0, gd;q=0.5") == ["gd"]
    assert preferred_languages("fr;q=1_0, gd;q=１, en;q=0.500") == ["en"]
    assert preferred_languages("gd;q=0.9, fr") == ["fr", "gd"]
