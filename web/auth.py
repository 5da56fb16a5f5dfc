"""Bearer-token access: which caller sent this request, or a 401.

Tokens are never stored: configuration holds their SHA-256 (from `ereje token hash`), so a
leaked config file or log line does not leak a credential. A presented token is hashed and
compared with every configured hash by `hmac.compare_digest` (no early exit, so the timing
says nothing about which or how many characters matched). Each token names its caller; the
caller is written into every logged decision. Revoked entries stay in the file, marked, so the
revocation itself is on record.

Sources, merged: `EREJE_TOKENS_FILE` (YAML or JSON: a list of `{caller, token_sha256,
revoked?}`, or `{tokens: [...]}`) and `EREJE_TOKENS` (`caller:sha256hex,...`).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask, current_app, g, request

from web.problems import Message, Problem, say

log = logging.getLogger("ereje.web")

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_CALLER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")
REALM = "ereje"


class TokenConfigError(ValueError):
    """The token configuration cannot be used; the message names the entry."""


@dataclass(frozen=True)
class TokenEntry:
    caller: str
    token_sha256: str
    revoked: bool = False


def hash_token(token: str) -> str:
    """The SHA-256 hex digest under which a token is configured."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A fresh random token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def _entry(item: Any, where: str) -> TokenEntry:
    if not isinstance(item, Mapping):
        raise TokenConfigError(f"{where}: expected a mapping with caller and token_sha256")
    unknown = set(item) - {"caller", "token_sha256", "revoked", "note"}
    if unknown:
        raise TokenConfigError(
            f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))};"
            " allowed: caller, token_sha256, revoked, note"
        )
    caller = item.get("caller")
    digest = item.get("token_sha256")
    revoked = item.get("revoked", False)
    if not isinstance(caller, str) or not _CALLER.match(caller):
        raise TokenConfigError(
            f"{where}: caller {caller!r} must be 1-100 letters, digits or . _ @ -"
        )
    if not isinstance(digest, str) or not _HEX64.match(digest.lower()):
        raise TokenConfigError(
            f"{where}: token_sha256 must be 64 hex digits (the output of `ereje token hash`),"
            " never the token itself"
        )
    if not isinstance(revoked, bool):
        raise TokenConfigError(f"{where}: revoked must be true or false, not {revoked!r}")
    return TokenEntry(caller, digest.lower(), revoked)


def parse_tokens_file(path: Path) -> list[TokenEntry]:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TokenConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise TokenConfigError(f"{path}: not valid YAML/JSON: {exc}") from None
    if isinstance(data, Mapping) and "tokens" in data:
        data = data["tokens"]
    if data is None:
        return []
    if not isinstance(data, list):
        raise TokenConfigError(f"{path}: expected a list of tokens (or a mapping with 'tokens')")
    return [_entry(item, f"{path}: entry {i + 1}") for i, item in enumerate(data)]


def parse_tokens_env(text: str) -> list[TokenEntry]:
    entries = []
    for i, part in enumerate(p.strip() for p in text.split(",")):
        if not part:
            continue
        caller, sep, digest = part.rpartition(":")
        if not sep:
            raise TokenConfigError(
                f"EREJE_TOKENS item {i + 1}: expected caller:sha256hex, got no ':'"
            )
        entries.append(
            _entry({"caller": caller, "token_sha256": digest}, f"EREJE_TOKENS item {i + 1}")
        )
    return entries


class TokenRegistry:
    """The configured tokens; `reload()` re-reads them (SIGHUP) keeping the old set on error."""

    def __init__(self, file: str | None, env: str | None) -> None:
        self.file = Path(file) if file else None
        self.env = env
        self.entries: tuple[TokenEntry, ...] = tuple(self._read())

    def _read(self) -> list[TokenEntry]:
        entries: list[TokenEntry] = []
        if self.file is not None:
            entries += parse_tokens_file(self.file)
        if self.env:
            entries += parse_tokens_env(self.env)
        return entries

    def reload(self) -> None:
        try:
            self.entries = tuple(self._read())
        except TokenConfigError as exc:
            log.error("token configuration not reloaded, keeping the previous one: %s", exc)

    def caller_of(self, token: str) -> str | None:
        """The caller whose valid, unrevoked token this is; else None."""
        entry = self.authenticate(token)
        return None if entry is None or entry.revoked else entry.caller

    def authenticate(self, token: str) -> TokenEntry | None:
        """The entry whose hash matches `token`, revoked or not; every entry is compared."""
        digest = hash_token(token).encode("ascii")
        found: TokenEntry | None = None
        for entry in self.entries:
            if hmac.compare_digest(digest, entry.token_sha256.encode("ascii")) and found is None:
                found = entry
        return found


def _unauthorized(detail: Message, error: str | None) -> Problem:
    challenge = f'Bearer realm="{REALM}"'
    if error:
        challenge += f', error="{error}"'
    return Problem("unauthorized", detail, headers={"WWW-Authenticate": challenge})


def bearer_token(header: str) -> str | None:
    """The token of an `Authorization: Bearer <token>` header (scheme in any case); None for
    any other scheme or an empty token."""
    scheme, _, token = header.partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def current_caller() -> str:
    """Authenticate this request; return the caller's name or raise a 401 problem."""
    header = request.headers.get("Authorization", "")
    if not header:
        raise _unauthorized(say("problem.detail.no_token"), None)
    token = bearer_token(header)
    if token is None:
        raise _unauthorized(say("problem.detail.not_bearer"), "invalid_request")
    registry: TokenRegistry = current_app.extensions["ereje.tokens"]
    entry = registry.authenticate(token)
    if entry is None:
        raise _unauthorized(say("problem.detail.bad_token"), "invalid_token")
    if entry.revoked:
        log.warning("revoked token presented for caller %s", entry.caller)
        raise _unauthorized(say("problem.detail.revoked_token"), "invalid_token")
    return entry.caller


def authenticated_caller() -> str | None:
    """The caller of this request when it sent a valid, unrevoked token; else None (no 401):
    for public endpoints that show more to a known caller."""
    if not request.headers.get("Authorization"):
        return None
    try:
        return current_caller()
    except Problem:
        return None


F = TypeVar("F", bound=Callable[..., Any])


def require_token(view: F) -> F:
    """Decision endpoints: a valid token is required; its caller goes to `g.caller`."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        g.caller = current_caller()
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def read_access(view: F) -> F:
    """Policy-reading endpoints: public unless `EREJE_PUBLIC_READ` is off, else as above."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_app.config.get("EREJE_PUBLIC_READ"):
            g.caller = current_caller()
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


# Page groups an operator can put behind a token (`EREJE_PROTECTED_PAGES`), by the blueprint
# of the pages app that serves them.
PAGE_GROUPS = {
    "monitoring": "monitoring",
    "try": "tryit",
    "compare": "compare",
    "trace": "trace",
    "acts": "pages",
}


def parse_protected_pages(text: str) -> frozenset[str]:
    """`EREJE_PROTECTED_PAGES`: comma-separated page groups, or `all`."""
    names = {p.strip().lower() for p in text.split(",") if p.strip()}
    if "all" in names:
        return frozenset(PAGE_GROUPS)
    unknown = names - set(PAGE_GROUPS)
    if unknown:
        raise ValueError(
            f"unknown page group(s) {', '.join(sorted(unknown))};"
            f" known: {', '.join(PAGE_GROUPS)}, all"
        )
    return frozenset(names)


def page_caller(registry: TokenRegistry) -> str | None:
    """The caller of a page request: a bearer token (scripts), or HTTP Basic with the token as
    the password (a browser asks for it by itself); None when neither holds a valid token."""
    auth = request.authorization
    token = None
    if auth is not None and auth.type == "bearer":
        token = auth.token
    elif auth is not None and auth.type == "basic":
        token = auth.password
    return registry.caller_of(token) if token else None


def guard_pages(pages: Flask, api: Flask) -> None:
    """Refuse the protected page groups to requests without a valid token (401 page).

    The costly pages (/monitoring, /try: one decision per request) need no token by default:
    they are for people on the same host. An operator exposing the service sets
    `EREJE_PROTECTED_PAGES=monitoring,try` (or `all`); a browser then asks for a user name
    (any) and a password (the caller's token).
    """
    from flask import make_response, render_template

    protected = parse_protected_pages(api.config.get("EREJE_PROTECTED_PAGES") or "")
    blueprints = {PAGE_GROUPS[name] for name in protected}
    if not blueprints:
        return

    @pages.before_request
    def _guard() -> Any:
        if request.blueprint not in blueprints:
            return None
        caller = page_caller(api.extensions["ereje.tokens"])
        if caller is not None:
            g.caller = caller
            return None
        response = make_response(render_template("error.html", code=401), 401)
        response.headers["WWW-Authenticate"] = f'Basic realm="{REALM}", charset="UTF-8"'
        return response


def init_app(app: Flask) -> None:
    registry = TokenRegistry(app.config.get("EREJE_TOKENS_FILE"), app.config.get("EREJE_TOKENS"))
    if not registry.entries:
        log.warning(
            "no bearer tokens configured (EREJE_TOKENS_FILE / EREJE_TOKENS):"
            " every decision request will be refused with 401"
        )
    app.extensions["ereje.tokens"] = registry
