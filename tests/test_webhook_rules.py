"""The pure rules of webhooks: the signature agrees with the ``standardwebhooks`` package
for any secret, id, time and body; endpoints must be https on a public address (private,
loopback, link-local and unspecified ones refused, however they are written)."""

from __future__ import annotations

import base64
import ipaddress
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from standardwebhooks import Webhook

from questbot.domain.errors import Rejected
from questbot.domain.webhooks import (
    address_allowed,
    new_secret,
    secret_key,
    signature,
    url_problem,
)
from questbot.storage import SqliteStore
from questbot.webhooks import WebhookPolicy, admin
from tests.paths import ROOT

ids = st.text(st.characters(codec="ascii", categories=["L", "N"]), min_size=1, max_size=40)


@given(key=st.binary(min_size=1, max_size=64), message_id=ids,
       moment=st.integers(0, 2**33), body=st.text(max_size=500))
def test_the_signature_is_the_standard_one(key: bytes, message_id: str, moment: int,
                                           body: str) -> None:
    secret = "whsec_" + base64.b64encode(key).decode()
    ours = signature(secret, message_id, moment, body.encode())
    theirs = Webhook(secret).sign(message_id, datetime.fromtimestamp(moment, UTC), body)
    assert ours == theirs


@given(message_id=ids, body=st.binary(max_size=500).map(lambda b: b.hex()))
def test_a_receiver_verifies_what_questbot_signs_and_nothing_else(message_id: str,
                                                                  body: str) -> None:
    secret = new_secret()
    assert len(secret_key(secret)) == 32
    moment = int(datetime.now(UTC).timestamp())
    headers = {"webhook-id": message_id, "webhook-timestamp": str(moment),
               "webhook-signature": signature(secret, message_id, moment, body.encode())}
    Webhook(secret).verify(body, headers, json_parse=False)
    with pytest.raises(Exception, match="signature"):
        Webhook(new_secret()).verify(body, headers, json_parse=False)
    with pytest.raises(Exception, match="signature"):
        Webhook(secret).verify(body + "x", headers, json_parse=False)


PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16",
           "100.64.0.0/10", "0.0.0.0/8"]


@given(network=st.sampled_from(PRIVATE), offset=st.integers(0, 2**24 - 1),
       form=st.sampled_from(["plain", "mapped", "compatible", "nat64"]))
def test_internal_ipv4_addresses_are_refused_however_written(network: str, offset: int,
                                                             form: str) -> None:
    net = ipaddress.IPv4Network(network)
    address = ipaddress.IPv4Address(int(net.network_address) + offset % net.num_addresses)
    forms: dict[str, ipaddress.IPv4Address | ipaddress.IPv6Address] = {
        "plain": address,
        "mapped": ipaddress.IPv6Address(f"::ffff:{address}"),
        "compatible": ipaddress.IPv6Address(int(address)),
        "nat64": ipaddress.IPv6Address(f"64:ff9b::{address}"),
    }
    written = forms[form]
    if int(address) <= 1 and form == "compatible":
        return  # :: and ::1, judged as themselves below
    assert not address_allowed(written, allow_private=False)


@given(st.ip_addresses())
def test_an_address_is_allowed_only_if_globally_routable(address: ipaddress.IPv4Address
                                                         | ipaddress.IPv6Address) -> None:
    if address_allowed(address, allow_private=False):
        assert address.is_global and not address.is_multicast
    if address.is_loopback or address.is_private or address.is_link_local:
        assert not address_allowed(address, allow_private=False)


def test_private_addresses_may_be_allowed_but_never_unspecified_or_multicast() -> None:
    for text in ("127.0.0.1", "::1", "10.1.2.3", "fe80::1", "192.168.1.1"):
        assert address_allowed(ipaddress.ip_address(text), allow_private=True)
    for text in ("0.0.0.0", "::", "224.0.0.1", "ff02::1"):
        assert not address_allowed(ipaddress.ip_address(text), allow_private=True)


@given(st.text(max_size=300))
def test_any_text_as_a_url_is_judged_without_an_error(text: str) -> None:
    assert url_problem(text, allow_http=False) in (None, "webhooks.url_invalid",
                                                   "webhooks.url_not_https",
                                                   "webhooks.url_credentials")


@pytest.mark.parametrize(("url", "problem"), [
    ("http://hooks.example.org/in", "webhooks.url_not_https"),
    ("https://10.0.0.7/in", "webhooks.url_private"),
    ("https://127.0.0.1/in", "webhooks.url_private"),
    ("https://[::1]:8443/in", "webhooks.url_private"),
    ("https://[::ffff:127.0.0.1]/in", "webhooks.url_private"),
    ("https://169.254.169.254/latest/meta-data", "webhooks.url_private"),
    ("https://0.0.0.0/in", "webhooks.url_private"),
    ("https://localhost/in", "webhooks.url_private"),  # a name that resolves to loopback
    ("https://user:pw@hooks.example.org/in", "webhooks.url_credentials"),
    ("ftp://hooks.example.org/in", "webhooks.url_invalid"),
    ("https:///in", "webhooks.url_invalid"),
    ("https://hooks.example.org:99999/in", "webhooks.url_invalid"),
])
async def test_registering_an_endpoint_that_could_reach_inside_is_refused(
        tmp_path: Path, url: str, problem: str) -> None:
    store = SqliteStore(tmp_path / "q.sqlite3")
    await store.open()
    try:
        with pytest.raises(Rejected) as refused:
            await admin.register(store, url, "", WebhookPolicy(), datetime.now(UTC))
        assert refused.value.key == problem
        assert await store.webhooks() == []
    finally:
        await store.close()


async def test_loopback_is_accepted_when_the_setting_allows_it(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "q.sqlite3")
    await store.open()
    try:
        policy = WebhookPolicy(allow_private=True, allow_http=True)
        endpoint, secret = await admin.register(store, "http://127.0.0.1:9/in",
                                                "badge.revoked,badge.awarded", policy,
                                                datetime.now(UTC))
        assert endpoint.events == ("badge.awarded", "badge.revoked")
        assert secret.startswith("whsec_") and len(secret_key(secret)) == 32
        with pytest.raises(Rejected) as refused:
            await admin.register(store, "http://127.0.0.1:9/in", "badge.granted", policy,
                                 datetime.now(UTC))
        assert refused.value.key == "webhooks.unknown_event"
    finally:
        await store.close()


def readme_verifier() -> Callable[..., bool]:
    """The receiver's example in README.md, as a reader would copy it."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("**Verifying a delivery**"):]
    start = section.index("```python\n") + len("```python\n")
    code = section[start:section.index("\n```", start)]
    namespace: dict[str, Any] = {}
    exec(compile(code, "README.md", "exec"), namespace)  # our own README
    verify: Callable[..., bool] = namespace["verify"]
    return verify


@given(message_id=ids, body=st.binary(max_size=300))
def test_the_readme_example_verifies_a_delivery_and_refuses_a_forgery(message_id: str,
                                                                      body: bytes) -> None:
    verify = readme_verifier()
    secret = new_secret()
    moment = int(datetime.now(UTC).timestamp())
    headers = {"webhook-id": message_id, "webhook-timestamp": str(moment),
               "webhook-signature": signature(secret, message_id, moment, body)}
    assert verify(secret, headers, body)
    assert not verify(secret, headers, body + b"!")
    assert not verify(new_secret(), headers, body)
    late = {**headers, "webhook-timestamp": str(moment - 3600),
            "webhook-signature": signature(secret, message_id, moment - 3600, body)}
    assert not verify(secret, late, body)
