"""GitHub's limits in one place, each with the FACTS.md section (and source) it comes from.

FACTS.md is ../shared/github/FACTS.md; the addresses after each constant are its sources.
"""

from __future__ import annotations

# Webhook delivery > "Payload cap: 25 MB": GitHub never delivers a larger payload, so anything
# bigger is not GitHub and is refused before it is read.
# https://docs.github.com/en/enterprise-server@3.13/webhooks/webhook-events-and-payloads
MAX_PAYLOAD_BYTES = 25 * 1024 * 1024

# Our own bounds on bodies not yet authenticated (bot/body.py). The budget holds two bodies at
# GitHub's cap plus room for many of the usual few-KB ones. GitHub drops a delivery not answered
# within 10 s (Webhook delivery > "Respond within 10 seconds"), so a body still arriving after
# that is not worth waiting for.
MAX_UNVERIFIED_BODY_BYTES = 64 * 1024 * 1024
BODY_READ_TIMEOUT_SECONDS = 10.0
REFUSED_BODY_LINGER_SECONDS = 1.0
# aiohttp's read buffer per connection (its default is 256 KiB). A body waiting for room in the
# budget holds at most twice this in aiohttp's buffer (it stops reading the socket there) plus
# one socket read (asyncio reads 256 KiB at a time), so beyond the budget a stranger's open
# connection costs at most UNVERIFIED_BYTES_PER_CONNECTION of memory.
READ_BUFFER_BYTES = 64 * 1024
SOCKET_READ_BYTES = 256 * 1024
UNVERIFIED_BYTES_PER_CONNECTION = 2 * READ_BUFFER_BYTES + SOCKET_READ_BYTES
# A connection idle between requests, or whose request head is still incomplete, is closed after
# this long (aiohttp's default of 75 s would let half-sent headers hold sockets that much longer).
IDLE_CONNECTION_SECONDS = 15.0

# Check runs > "Annotations: at most 50 per request"; further updates append.
# Spec checks/create, checks/update; https://docs.github.com/rest/checks/runs#update-a-check-run
ANNOTATIONS_PER_REQUEST = 50

# Check runs > "Output text": summary and text each at most 65535 characters (maxLength).
MAX_CHECK_OUTPUT_CHARS = 65535

# Check run output title: the spec gives no maxLength (GitHub refuses titles over 255 characters,
# as third-party clients report); the UI shows one line, so the bot keeps it to one short line
# (bedevere's lesson: long status texts get truncated by CSS).
MAX_CHECK_TITLE_CHARS = 120

# Annotations: spec checks/create `output.annotations[].title` "maximum size is 255 characters",
# `message` and `raw_details` "maximum size is 64 KB" (bytes, so multibyte text counts more).
MAX_ANNOTATION_TITLE_CHARS = 255
MAX_ANNOTATION_TEXT_BYTES = 64 * 1024 - 1

# Comments > "Comment bodies: 65536 characters" (observed 422 "Body is too long"); one thread
# says bytes may count, so the bot stays a margin under it.
# https://github.com/danger/danger/issues/424
MAX_COMMENT_CHARS = 65536
COMMENT_SAFETY_MARGIN = 512
# The checklist is both the check run's summary (65535 characters) and the comment (65536, maybe
# counted in bytes): it is rendered to fit the smaller, in bytes, with room for the note on
# annotations left out that both carry.
CHECKLIST_MAX_BYTES = MAX_COMMENT_CHARS - COMMENT_SAFETY_MARGIN - 256
# Our own bound on annotation requests per run: beyond it the checklist lists the rest.
MAX_ANNOTATIONS = 1000

# Pull request contents > "Files list: at most 3000 files", per_page up to 100.
# Spec pulls/list-files; https://docs.github.com/rest/pulls/pulls#list-pull-requests-files
MAX_PR_FILES = 3000
# Pull request contents > "Commits list: at most 250" (pulls/list-commits).
# https://docs.github.com/rest/pulls/pulls#list-commits-on-a-pull-request
MAX_PR_COMMITS = 250
# Compare limits: `compare/{base}...{head}` unpaged lists at most 250 commits and at most 300
# changed files. Spec repos/compare-commits-with-basehead (FACTS.md, Compare limits).
MAX_COMPARE_COMMITS = 250
MAX_COMPARE_FILES = 300
# Largest page size GitHub accepts for list endpoints (spec: per_page maximum 100).
PER_PAGE = 100

# Pull request contents > "Diff too large: HTTP 406": the diff media type refuses diffs over
# 300 files or 20,000 lines (observed), so a PR above this file count skips straight to the
# files list. https://docs.github.com/en/repositories/creating-and-managing-repositories/repository-limits
MAX_DIFF_FILES = 300
DIFF_MEDIA_TYPE = "application/vnd.github.diff"

# App authentication > "Installation tokens last 1 hour"; refreshed well before that so a
# token never expires in the middle of a job.
# https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app
INSTALLATION_TOKEN_SECONDS = 3600
TOKEN_REFRESH_MARGIN_SECONDS = 5 * 60

# Rate limits > "When a limit is exceeded": honour retry-after, else x-ratelimit-reset, else
# wait and back off, and give up after a set number of tries (continuing can get an app banned).
# https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit
MAX_ATTEMPTS = 4
MAX_RETRY_WAIT_SECONDS = 120.0
SECONDARY_LIMIT_DEFAULT_WAIT_SECONDS = 60.0

# Rate limits > "Secondary limits": at most 100 concurrent requests per installation.
MAX_CONCURRENT_REQUESTS = 100
