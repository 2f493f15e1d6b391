"""An in-process fake of api.github.com for bot tests (see README.md in this folder)."""

from .keys import generate_app_key
from .server import FakeGitHub
from .state import Call, FakeCommit, PullRequest, Repo

__all__ = ["Call", "FakeCommit", "FakeGitHub", "PullRequest", "Repo", "generate_app_key"]
