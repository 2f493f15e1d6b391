"""checks/ performs no I/O: no network, files, clock, environment, process state or server stack."""

from __future__ import annotations

import ast

import pytest

from tests.shared import ROOT

# Top-level modules checks/ may not import (absolute imports; `a.b` counts as `a`).
FORBIDDEN_MODULES = frozenset({
    # the bot and its server stack
    "bot", "aiohttp", "gidgethub", "yarl", "multidict", "jwt", "prometheus_client", "cachetools",
    "redis",
    # network
    "socket", "ssl", "http", "urllib", "urllib3", "requests", "httpx", "ftplib", "smtplib",
    "poplib", "imaplib", "telnetlib", "xmlrpc", "socketserver", "webbrowser", "select",
    "selectors",
    # files and the file system
    "io", "os", "pathlib", "shutil", "tempfile", "glob", "fileinput", "filecmp", "linecache",
    "zipfile", "tarfile", "gzip", "bz2", "lzma", "codecs", "sqlite3", "dbm", "shelve", "mmap",
    "zoneinfo",
    # processes, threads, signals and the interpreter's own state
    "sys", "gc", "subprocess", "multiprocessing", "concurrent", "threading", "_thread", "asyncio",
    "signal", "atexit", "faulthandler", "tracemalloc", "resource", "ctypes", "fcntl", "platform",
    "locale", "getpass", "pwd", "grp", "site", "sysconfig", "importlib", "pkgutil", "runpy",
    "builtins", "inspect", "logging", "warnings",
    # the clock and randomness
    "time", "datetime", "calendar", "sched", "random", "secrets", "uuid",
})
# Builtins that read or write the outside world, or load code.
FORBIDDEN_CALLS = frozenset({"open", "input", "print", "exec", "eval", "compile", "__import__",
                             "breakpoint", "exit", "quit", "help"})
# Names that reach the environment, the file system or the clock whatever module they come from
# (posixpath's string functions are fine; its `exists` or `expanduser` are not).
FORBIDDEN_NAMES = frozenset({
    "environ", "environb", "getenv", "putenv", "getcwd", "expanduser", "expandvars", "abspath",
    "realpath", "relpath", "exists", "lexists", "isfile", "isdir", "islink", "ismount",
    "samefile", "getsize", "getatime", "getmtime", "getctime", "from_filename", "match_tree",
    "match_tree_entries", "match_tree_files", "now", "utcnow", "today",
})
# What a module may use despite the lists above, and why. Each entry must still be needed.
ALLOWED = {
    ("checks/diff.py", "import gc"):
        "parse_diff and parse_files pause the cyclic collector while they allocate millions of "
        "acyclic objects (a third of a 25 MB parse, bench/engine.py) and restore its state "
        "before returning; it reads nothing from outside and changes no result",
}
SOURCES = sorted((ROOT / "checks").rglob("*.py"))


def violations(source: str) -> list[str]:
    """Every forbidden import, builtin call or name in Python source, one line each."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [f"import {alias.name}" for alias in node.names
                      if alias.name.split(".")[0] in FORBIDDEN_MODULES]
        elif isinstance(node, ast.ImportFrom):
            # Relative imports stay inside checks/, whatever the module is called.
            if node.level == 0 and (node.module or "").split(".")[0] in FORBIDDEN_MODULES:
                found.append(f"import {node.module}")
            found += [f"import {node.module or '.'}.{alias.name}" for alias in node.names
                      if alias.name in FORBIDDEN_NAMES]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in FORBIDDEN_CALLS:
            found.append(f"{node.func.id}() at line {node.lineno}")
        elif isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_NAMES:
            found.append(f".{node.attr} at line {node.lineno}")
    return found


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_module_does_no_io(path) -> None:
    name = path.relative_to(ROOT).as_posix()
    found = violations(path.read_text(encoding="utf-8"))
    assert [v for v in found if (name, v) not in ALLOWED] == []


def test_every_allowance_is_still_needed_and_says_why() -> None:
    for (name, what), reason in ALLOWED.items():
        assert what in violations((ROOT / name).read_text(encoding="utf-8")), (name, what)
        assert len(reason) > 40, (name, what)


@pytest.mark.parametrize("snippet", [
    # the bot and its stack, however imported
    "import bot", "from bot.github import GitHubClient", "import bot.settings as s",
    "import aiohttp", "from aiohttp import web", "import gidgethub.aiohttp",
    # network
    "import socket", "import urllib.request", "from urllib.request import urlopen",
    "import requests", "import http.client", "from ssl import create_default_context",
    # files and the environment
    "import os", "import os.path", "from os import environ", "from os.path import exists",
    "import pathlib", "from pathlib import Path", "import io", "from io import StringIO",
    "import shutil", "import tempfile", "with open('x') as f:\n    pass",
    "data = open('report.json').read()", "from posixpath import exists",
    "from posixpath import expanduser", "import posixpath\nposixpath.expanduser('~')",
    "value = environ['GITHUB_TOKEN']\nvalue = mapping.environ['X']",
    "import unidiff\nunidiff.PatchSet.from_filename('x.diff')",
    # process and interpreter state
    "import sys", "from sys import argv", "import gc", "from gc import disable",
    "import threading", "import subprocess", "from subprocess import run",
    "import importlib", "from importlib import import_module", "mod = __import__('os')",
    "import multiprocessing", "from concurrent.futures import ThreadPoolExecutor",
    "import asyncio", "import logging", "import signal", "import builtins",
    # the clock and randomness
    "import time", "from time import perf_counter", "import datetime",
    "from datetime import datetime", "import random", "from random import choice",
    "import secrets", "import uuid", "stamp = date.today()", "stamp = clock.now()",
    # output and code loading
    "print('debug')", "exec('x = 1')", "eval('1 + 1')", "answer = input()",
])
def test_the_rule_catches_each_kind_of_violation(snippet: str) -> None:
    assert violations(snippet), snippet


@pytest.mark.parametrize("snippet", [
    "import re", "import re2", "from collections.abc import Mapping", "import json",
    "from posixpath import basename, dirname", "from . import secrets", "from .time import parse",
    "from checks.secrets import CHECK", "import xml.parsers.expat", "handle.open_ended = True",
    "time = 3\nenv = {'environ': 1}", "pattern = re.compile('os.environ')", "import hashlib",
])
def test_the_rule_allows_pure_code(snippet: str) -> None:
    assert violations(snippet) == [], snippet
