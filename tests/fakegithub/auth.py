"""GitHub App authentication as api.github.com does it: an RS256 JWT for `/app` endpoints,
installation access tokens for everything else."""

from __future__ import annotations

import secrets
import string
import time
from collections.abc import Mapping

import jwt

from .spec import DOCS_URL, ApiError
from .state import State, Token

# GitHub refuses an App JWT whose `exp` is more than 10 minutes ahead (FACTS.md, App JWT);
# a few seconds of slack stand in for the clock drift GitHub tolerates.
JWT_MAX_LIFETIME = 600
CLOCK_SLACK = 30
# Operations GitHub authenticates with the App's JWT rather than an installation token.
JWT_OPERATIONS = frozenset({
    "apps/get-authenticated", "apps/create-installation-access-token",
    "apps/list-webhook-deliveries", "apps/redeliver-webhook-delivery",
})
_TOKEN_ALPHABET = string.ascii_letters + string.digits


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, {"message": message, "documentation_url": DOCS_URL, "status": "401"})


def credentials(headers: Mapping[str, str]) -> str:
    """Return the credential from `Authorization: token X` / `Bearer X`, or raise 401."""
    value = headers.get("Authorization", "").strip()
    scheme, _, credential = value.partition(" ")
    if not value:
        raise _unauthorized("Requires authentication")
    if scheme.lower() not in {"token", "bearer"} or not credential.strip():
        raise _unauthorized("Bad credentials")
    return credential.strip()


def verify_jwt(token: str, app_id: int, public_pem: str, now: float | None = None) -> None:
    """Check an App JWT like GitHub: RS256 with the App key, `iss` = App id, sane iat/exp."""
    now = time.time() if now is None else now
    try:
        claims = jwt.decode(token, public_pem, algorithms=["RS256"],
                            options={"require": ["iat", "exp", "iss"], "verify_exp": False,
                                     "verify_iat": False})
    except jwt.PyJWTError as exc:
        raise _unauthorized("A JSON web token could not be decoded") from exc
    if str(claims["iss"]) != str(app_id):
        raise _unauthorized("Integration not found")
    if not isinstance(claims["iat"], int) or claims["iat"] > now + CLOCK_SLACK:
        raise _unauthorized("'Issued at' claim ('iat') must be an Integer representing the "
                            "time that the assertion was issued.")
    if not isinstance(claims["exp"], int) or claims["exp"] <= now:
        raise _unauthorized("'Expiration time' claim ('exp') must be a numeric value "
                            "representing the future time at which the assertion expires.")
    if claims["exp"] > now + JWT_MAX_LIFETIME + CLOCK_SLACK:
        raise _unauthorized("'Expiration time' claim ('exp') is too far in the future.")


def issue_token(state: State, installation_id: int, ttl: float) -> Token:
    """Create an installation token (`ghs_` + 36 characters, like today's classic format)."""
    value = "ghs_" + "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(36))
    token = Token(value, installation_id, time.time() + ttl)
    state.tokens[value] = token
    return token


def installation_for(state: State, credential: str, now: float | None = None) -> int:
    """Return the installation an unexpired token belongs to, or raise 401 Bad credentials."""
    token = state.tokens.get(credential)
    if token is None or token.expires_at <= (time.time() if now is None else now):
        raise _unauthorized("Bad credentials")
    return token.installation_id
