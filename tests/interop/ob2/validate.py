"""Run 1EdTech's Open Badges 2.0 validator core (PyPI `openbadges` 1.1.2) on a URL, offline.

It runs in a virtual environment of its own (see requirements.txt: it needs PyLD 0.7.1 and
other pins that cannot share questbot's environment), with the shims it needs on Python 3.11.
Network access is limited to 127.0.0.1; the Open Badges v2 JSON-LD context is served from
the validator's own bundled copy, as openbadges.md advises. Prints the report as JSON."""

import collections
import collections.abc
import json
import sys
from urllib.parse import urlparse

for name in ("Mapping", "MutableMapping", "Sequence", "Iterable", "Callable"):
    setattr(collections, name, getattr(collections.abc, name))  # for python-jose, requests-cache

import requests  # noqa: E402
from openbadges.verifier.openbadges_context import OPENBADGES_CONTEXT_V2_DICT  # noqa: E402

_real_send = requests.Session.send


def _offline_send(self, request, **kwargs):
    url = request.url
    if url.rstrip("/").startswith("https://w3id.org/openbadges/v2"):
        response = requests.Response()
        response.status_code = 200
        response._content = json.dumps(OPENBADGES_CONTEXT_V2_DICT).encode()
        response.headers["Content-Type"] = "application/ld+json"
        response.url = url
        response.request = request
        return response
    if urlparse(url).hostname not in ("127.0.0.1", "localhost"):
        raise requests.ConnectionError(f"offline: refusing to fetch {url}")
    return _real_send(self, request, **kwargs)


requests.Session.send = _offline_send

import openbadges  # noqa: E402

report = openbadges.verify(sys.argv[1], use_cache=False)
print(json.dumps({
    "valid": report["report"]["valid"],
    "errorCount": report["report"]["errorCount"],
    "messages": [{"level": m.get("messageLevel"), "text": m.get("result")}
                 for m in report["report"]["messages"]],
}))
