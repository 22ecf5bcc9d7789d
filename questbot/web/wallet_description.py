"""The wallet's routes in the badge server's OpenAPI description, so schemathesis sends its
generated requests there too: a token no one holds answers 404, like a replaced one."""

from __future__ import annotations

from typing import Any

HTML = "text/html"


def _answer(description: str, *types: str) -> dict[str, Any]:
    return {"description": description, "content": {t: {"schema": {"type": "string"}}
                                                    for t in types}}


def _param(name: str, description: str, where: str = "path") -> dict[str, Any]:
    return {"name": name, "in": where, "required": where == "path",
            "description": description, "schema": {"type": "string", "maxLength": 200}}


TOKEN = _param("token", "the wallet's token, from the holder's /wallet link (its only key)")
AWARD = _param("award_id", "one of the holder's badges")
LANG = _param("lang", "the page's language (en, fr, gd)", "query")
RECORD = {"type": "object", "required": ["@context", "type", "issuer", "credentialSubject",
                                         "proof"],
          "properties": {"type": {"type": "array", "contains": {"const": "ClrCredential"}}}}
NO_WALLET = _answer("No wallet has this token (unknown, malformed or replaced by a new"
                    " link).", HTML)


def _get(summary: str, answer: dict[str, Any]) -> dict[str, Any]:
    return {"get": {"summary": summary, "tags": ["wallet"], "parameters": [TOKEN, LANG],
                    "responses": {"200": answer, "404": NO_WALLET}}}


def paths() -> dict[str, Any]:
    record = _answer("No wallet has this token, or this server makes no records.", HTML)
    return {
        "/wallet/{token}": _get("The holder's private wallet: badges, pathways, level and"
                                " streak (not cached, no referrer, not indexed)",
                                _answer("The page.", HTML)),
        "/wallet/{token}/hidden": _get("The badges the holder hid from the wallet",
                                       _answer("The page.", HTML)),
        "/wallet/{token}/badges.zip": _get("The baked PNGs of the badges the wallet shows"
                                           " (revoked ones left out)",
                                           _answer("A zip.", "application/zip")),
        "/wallet/{token}/record.json": {"get": {
            "summary": "The holder's whole record, a signed CLR 2.0 ClrCredential of the"
                       " badges the wallet shows", "tags": ["wallet"],
            "parameters": [TOKEN, LANG],
            "responses": {"200": {"description": "The record.", "content": {
                              "application/json": {"schema": RECORD}}},
                          "404": record,
                          "413": _answer("More badges than one record carries (100): hide"
                                         " some to download the others.", HTML)}}},
        "/wallet/{token}/badges/{award_id}": {"post": {
            "summary": "Hide a badge from the wallet (hidden=1) or show it again (hidden=0);"
                       " a form from this site only (Origin, Sec-Fetch-Site)",
            "tags": ["wallet"], "parameters": [TOKEN, AWARD, LANG],
            "requestBody": {"required": False, "content": {
                "application/x-www-form-urlencoded": {"schema": {
                    "type": "object", "additionalProperties": {"type": "string"}}}}},
            "responses": {"303": {"description": "Done: back to the wallet."},
                          "400": _answer("The form is incomplete.", HTML),
                          "403": _answer("Sent from another site.", HTML),
                          "404": _answer("No wallet has this token, or the badge is not"
                                         " its holder's.", HTML)}}},
    }
