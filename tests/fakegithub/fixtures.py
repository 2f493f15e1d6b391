"""pytest fixtures for the fake GitHub (loaded from tests/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from .keys import generate_app_key
from .server import FakeGitHub


@pytest.fixture(scope="session")
def app_key() -> tuple[str, str]:
    """A (private_pem, public_pem) App key generated once per test session."""
    return generate_app_key()


@pytest.fixture
async def fake_github(app_key: tuple[str, str]) -> AsyncIterator[FakeGitHub]:
    """A started fake GitHub on 127.0.0.1 holding one App, installation and repository."""
    fake = FakeGitHub(key_pair=app_key)
    fake.validate_responses = True
    await fake.start()
    try:
        yield fake
    finally:
        await fake.close()
    assert not fake.response_errors, "fake GitHub answered off-spec or crashed: " + "; ".join(
        fake.response_errors[:5])
