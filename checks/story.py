"""The `story` check: the PR names the story it delivers, and that story exists.

Where references are looked for (`places`, always searched in this order): the PR title, the
branch name (`head_ref`), the body and the commit messages; then story files the PR adds or edits.

What counts as a reference:
- tracker keys `BILL-123` (Jira, Linear, YouTrack, Shortcut style): an upper-case project key of
  at least two letters, a dash and a number, standing alone (not inside a word or an identifier,
  not the tail of a longer hyphenated name like `TOB-RGM-14` or `US-EAST-1`, not followed by `.5`,
  `.x`, `:00` or `-2024`). Technical names of that shape (`UTF-8`, `SHA-256`, `ISO-8601`,
  `CVE-2024-1234`, `GPT-4`, licences, encodings, OS and language versions, ...) and generic words
  (`STEP-2`, `PHASE-3`, `RC-1`) are not stories (`_NOT_PROJECTS`). Lower-case keys are taken only
  where people actually type them: at the start of a branch path segment (`bill-12-invoices`,
  `jdoe/eng-123-login`, Linear's default) or at the very start of the title or a commit subject
  (`bill-12: ...`), or in brackets anywhere (Shortcut's `[sc-123]`), and only all lower-case keys
  of at most six letters with two digits or more that are not ordinary words (`fix-2`,
  `readme-10`, `node-18`, `Flask-3022` are not stories). Bots' branches (`renovate/...`,
  `dependabot/...`) and GitHub's `<user>-patch-1` names are not read for keys.
- GitHub refs: `#12`, `owner/repo#12`, issue and pull request URLs (`.../issues/12`,
  `.../pull/12/files`), closing keywords (`Fixes #12`), CPython-style `gh-12`/`GH-12`, `PR-12`, and
  branch names that open with an issue number (`12-fix-login`, `12_fix_login`, `#12-login`,
  `issue-12`, `issue#12`, `bug-12`, `closes-12`). A ref to the PR's own
  repository is reported as `#12`; `#12` right after ordinal words (`step #1`, `build #456`,
  `color #333333`) or before `priority` is not one, unless it is in parentheses (`version bump
  (#123)`, GitHub's squash-merge suffix) or ends the line with two digits or more; nor is `#0...`
  (hex colours), nor the PR's own number.
- Azure Boards `AB#123`, and Azure DevOps work item URLs (reported as `AB#123`).
- Jira / Linear / YouTrack issue URLs (`.../browse/BILL-12`, `?selectedIssue=BILL-12`,
  `.../issue/ENG-7`), and Shortcut story URLs (`app.shortcut.com/acme/story/123` -> `SC-123`).
  Every other URL is dropped: a key in a link to a doc or a commit is not one.
- ids captured by the configured `patterns` (named group `id`, else group 1, else the match).

Text inside HTML comments (PR templates' hints: `<!-- e.g. Fixes #123 -->`), fenced code, inline
code spans, `<pre>`, `<code>`, `<details>` and `<blockquote>` (Dependabot/Renovate release notes
quoting other projects' issues) is ignored, and so are Markdown's comment idiom `[//]: # (...)`,
template placeholders that link nowhere (`[#1]()`) and trailers naming people (`Signed-off-by:`,
`Co-authored-by:`). Merge commits (`Merge branch 'main' into ...`) are skipped.
`projects`, when non-empty, is the only list of tracker keys that count (any case, any length,
bypassing the technical-name list); it does not affect GitHub and Azure refs or `patterns`.

Story files (`story_glob`, gitignore syntax): a file's ids come from its name
(`BILL-12-invoice-totals-story.md` -> BILL-12, `S-003-login-story.md` -> S-003,
`12-invoice-totals-story.md` -> #12; a name without an id is known by its stem) and, because a check
only sees the snapshot, from its front matter (`id:`, `story:`, `story_id:`) only when the file is
added by this PR so its whole text is in the diff. A story file the PR adds or edits is itself a
reference. Numbers compare as numbers (`S-3` finds `S-003-...`); `#12` and `AB#12` find `12-...`.
A key that would otherwise be refused (`S-3`, `ISO-8601`) counts when a story file has that id.

Verdict: no reference anywhere -> fail, with a finding that says where to add one. When
`repo_files` is known and holds story files, every tracker key, Azure ref and `patterns` id must
have a story file, else warn naming it; GitHub refs also warn when none of the PR's ids has a story
file (a bug fix may link an issue beside its story without that issue needing a file). Otherwise
pass. `Outcome.stories` lists the ids in order of first appearance.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from checks.globs import GlobError, Globs, compile_globs
from checks.lazyre import Pattern, lazy_compile
from checks.model import (
    ChangedFile,
    FileStatus,
    Finding,
    Outcome,
    Severity,
    Snapshot,
    Status,
)
from checks.spec import CheckSpec, Option

PLACES = ("title", "branch", "body", "commits")
# Where a `story <ID>` command's link is reported as found.
LINK_PLACE = "story command"
DEFAULT_STORY_GLOB = "docs/work/features/*/stories/*-story.md"
_PLACE_NAMES = {"title": "PR title", "branch": "branch name", "body": "body",
                "commits": "commit messages"}
_MAX_SUMMARY_IDS = 6
_MAX_ID_LENGTH = 80

# Upper-case prefixes that look like tracker keys but name standards, algorithms, encodings,
# versions and products (UTF-8, SHA-256, ISO-8601, GPT-4) or generic words (STEP-2): never stories
# unless listed in `projects` or named by a story file.
_NOT_PROJECTS = frozenset("""
UTF UCS CP WINDOWS LATIN KOI BIG GB EUC IBM ASCII ANSI UNICODE
SHA SHA1 SHA2 SHA3 MD MD4 MD5 CRC ADLER FNV MURMUR XXH BLAKE BLAKE2 RIPEMD KECCAK HMAC PBKDF
SCRYPT ARGON AES DES TDES RSA DSA ECDSA ECDH ED EDDSA CURVE SECP CHACHA SALSA POLY BASE ROT
TLS SSL DTLS HTTP HTTPS SPDY QUIC OAUTH OIDC SAML JWT PKCS ASN FIPS NIST ITU IEEE IEC ISO DIN BS
RFC BCP STD JSR PSR PEP ECMA ES ECMASCRIPT JS TS SQL CVE CWE CAPEC GHSA OSV PYSEC RUSTSEC USN DSA
RHSA ALAS GLSA MSRC ZDI TALOS OWASP ASVS WCAG ARIA SOC PCI HIPAA NIS HTML XHTML CSS SVG XML XSLT
XPATH JSON YAML UML BPMN SOAP WSDL SMTP IMAP POP LDAP NTP IP IPV TCP UDP ICMP BGP OSPF DHCP SNMP
WIFI WPA WEP LTE BT BLE USB PCIE SATA DDR LPDDR HDMI AV VP MPEG MP HEVC AVC JPEG PNG WEBP AAC
X86 AMD ARM ARMV AARCH IA SSE AVX WIN WIN32 WIN64 UTC GMT CET CEST EET PST PDT EST EDT CST MST IST
JST AEST GPT LLAMA CLAUDE GEMINI PALM PHI QWEN MISTRAL BERT RESNET VGG YOLO COVID SARS MERS HIV
RTX GTX RX K8S EC2 PY PYTHON PHP PERL RUBY JAVA JDK JRE NODE DOTNET NET VUE REACT ANGULAR RAILS
DJANGO RHEL CENTOS UBUNTU DEBIAN FEDORA SLES ALPINE PG PSQL MYSQL POSIX GPL LGPL AGPL MPL EPL
APACHE BSD MIT CDDL EUPL OFL CC CC0 SSPL BUSL BSL MR TODO FIXME XXX HACK NOTE MAX MIN SIZE LEN
COUNT LIMIT INDEX IDX NUM NO NR TOP STEP PHASE PART DAY WEEK ROUND STAGE LEVEL TIER SPRINT
VERSION VER REV RC BETA ALPHA ITERATION ATTEMPT OPTION PAGE CHAPTER SECTION FIGURE TABLE LINE
ROW COLUMN ITEM NUMBER FIX FIXES HOTFIX BUGFIX FEATURE FEATURES FEAT RELEASE UPGRADE UPDATE BUMP
CHORE REFACTOR WIP TMP TEMP TRY ADD REMOVE DOCS DOC CI BUILD DEPS DEP PATCH MERGE REVERT BACKPORT
DEMO POC SPIKE LAB HW EXERCISE LESSON MAIN MASTER DEVELOP STAGING HOT QUICK DRAFT NEW OLD
E2E I18N L10N A11Y ERR ERROR WARN WARNING INFO DEBUG CODE STATUS EXIT PORT PID UID GID FY CY PI
IE WINXP ISBN ISSN EAN UPC GTIN ADR JEP KEP KIP EIP ERC BIP SNAPSHOT Y2K
""".split())

# Lower-case words people start branch names with that are not tracker keys (`readme-12`).
_LOWER_WORDS = frozenset("""
readme docs nit nits typo typos stats unit units test tests simple lint misc tweak tweaks
flow click kill freeze chore bump update patch fix fixes bug bugs issue pr try part day
close closes closed resolve resolves finish rebase revert drop carry wip tmp temp
""".split())

# GitHub refs written as keys: CPython's `gh-123`, Jenkins' `PR-12`, `issue-12`.
_GITHUB_PREFIXES = frozenset({"GH", "PR", "ISSUE", "ISSUES"})

# `#N` after these words is a position or a count, not an issue ("step #1", "build #456").
_ORDINAL_WORDS = frozenset("""
step steps item items option options attempt try retry rerun take revision number no nr num rank
ranked round phase point
line row col column version ver case scenario part chapter section page build run job pipeline
iteration comment note figure fig table slide question answer example level stage day week sprint
player seat room floor slot lane worker thread node pod replica shard partition batch epoch sample
frame track episode season vol volume color colour background bg fill stroke border fg foreground
hex rgb tier size position place our their my your its
""".split())
_ORDINAL_FOLLOWERS = frozenset("priority reason choice rule spot place fan pick seller hit".split())

_KEY = r"([A-Z][A-Z0-9_]{0,14})-([0-9]{1,7})"
# A key stands alone: not glued to a word or a dotted name, not a version (`-1.2`, `-8:`) or a
# CVE-like triple (`-2024-1234`).
_KEY_END = r"(?![^\W_]|[.:,][0-9]|\.[xX*](?![^\W_])|-[0-9]|@)"
# In prose a key is not glued to an identifier (`Bench_LRC-8`) nor the tail of a longer
# hyphenated name (`TOB-RGM-14`, `US-EAST-1`); branch names use `_` and `-` as separators.
_UPPER_KEY_RE = lazy_compile(r"(?<![\w.@$%&])(?<![^\W_]-)" + _KEY + _KEY_END)
_BRANCH_KEY_RE = lazy_compile(r"(?<![^\W_])(?<![.@$%&])" + _KEY + _KEY_END)
# Shortcut's `[sc-123]`: a lower-case key in brackets is typed as an id anywhere in prose.
_BRACKET_KEY_RE = lazy_compile(r"\[([a-z][a-z0-9]{0,14})-([0-9]{1,7})\]")
_LOWER_GH_RE = lazy_compile(r"(?<![^\W_])(?<![.@$%&])gh-([0-9]{1,7})" + _KEY_END)
_AZURE_RE = lazy_compile(r"(?<![^\W_])(?<![.@$%&])[Aa][Bb]#([0-9]{1,9})(?![^\W_])")
_REPO_REF_RE = lazy_compile(
    r"(?<![\w./-])([A-Za-z0-9][A-Za-z0-9-]{0,38})/([A-Za-z0-9._-]{1,100})#([1-9][0-9]{0,6})"
    r"(?![^\W_])"
)
_HASH_REF_RE = lazy_compile(r"(?<![\w&#/\\])#([1-9][0-9]{0,6})(?![^\W_]|\.[0-9])")
# Only a plain space between: "step #1" is a position, "version bump (#123)" names a PR.
_WORD_BEFORE_RE = lazy_compile(r"([^\W\d_]+)[ \t]*$")
_WORD_AFTER_RE = lazy_compile(r"^[ \t]*([^\W\d_]+)")
_LINE_END_RE = lazy_compile(r"[ \t.!)\]]*(?:\n|$)")

_URL_RE = lazy_compile(
    r"(?:https?://|(?<![\w./-])(?:www\.)?github\.com/)[^\s<>()\[\]{}\"'`|]+", re.IGNORECASE
)
_GITHUB_URL_RE = lazy_compile(
    r"^(?:https?://)?(?:www\.)?[^/]*github[^/]*/([A-Za-z0-9][A-Za-z0-9-]*)/([A-Za-z0-9._-]+)"
    r"/(?:issues|pull|pulls)/([1-9][0-9]{0,6})(?:[/#?].*)?$", re.IGNORECASE
)
_TRACKER_URL_RE = lazy_compile(
    r"(?:/browse/|/issues?/|/tickets?/|[?&](?:selectedIssue|issueKey)=)"
    r"([A-Za-z][A-Za-z0-9_]{0,14})-([0-9]{1,7})(?![0-9A-Za-z])"
)
_SHORTCUT_URL_RE = lazy_compile(
    r"^https?://app\.(?:shortcut\.com|clubhouse\.io)/[^/]+/story/([0-9]{1,9})(?![0-9])", re.I
)
_AZURE_URL_RE = lazy_compile(
    r"^https?://(?:dev\.azure\.com/[^/]+|[^/]+\.visualstudio\.com)/.*_workitems/edit/([0-9]{1,9})",
    re.IGNORECASE,
)

# Lower-case keys count at the start of a branch segment or of a title / commit subject only.
_LEADING_KEY_RE = lazy_compile(r"^[\W_]*([A-Za-z][A-Za-z0-9]{0,14})-([0-9]{1,7})" + _KEY_END)
_SEGMENT_NUMBER_RE = lazy_compile(r"^([1-9][0-9]{0,5})[-_](?=[A-Za-z])")
_SEGMENT_ISSUE_RE = lazy_compile(
    r"^(?:(?:issues?|bugs?|gh|pr|close[sd]?|resolve[sd]?)[-_#]?|#)([1-9][0-9]{0,6})(?![0-9])", re.I
)
# Bots' branches (`renovate/clap-4.x`, `dependabot/.../cache-3`) name packages, never stories.
_BOT_BRANCH_RE = lazy_compile(
    r"^(?:dependabot|renovate|snyk-|pre-commit-ci|release-please-|changeset-release|"
    r"all-contributors|imgbot|whitesource|mend-|depfu|greenkeeper|pyup-|scala-steward)", re.I
)
# GitHub's web editor names branches `<user>-patch-<n>`: the user name is not a key.
_PATCH_BRANCH_RE = lazy_compile(r"-patch-[0-9]+$")
_MAX_LOWER_KEY = 6

_HTML_OPEN_RE = lazy_compile(r"<!--|<(details|blockquote|pre|code)\b[^<>]{0,300}>", re.I)
_HTML_CLOSE_RE = {tag: lazy_compile(rf"</{tag}\s*>", re.I)
                  for tag in ("details", "blockquote", "pre", "code")}
_FENCE_RE = lazy_compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN_RE = lazy_compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")
# Markdown's comment idiom `[//]: # (hint)`, template placeholders linking nowhere (`[#1]()`),
# and trailers naming people (`Co-authored-by: ID-86 <...>`): none is the author's reference.
_NOT_PROSE_RE = lazy_compile(
    r"^[ \t]*\[[^\[\]\n]{0,200}\]:[ \t]*#.*$|\[[^\[\]\n]{0,200}\]\([ \t]*\)"
    r"|^[ \t]*[A-Za-z][\w-]{0,40}-by:.*$",
    re.M,
)

_NAME_KEY_RE = lazy_compile(r"^([A-Za-z][A-Za-z0-9_]{0,14})-([0-9]{1,7})(?=$|[-_.])")
_NAME_NUMBER_RE = lazy_compile(r"^([0-9]{1,7})(?=$|[-_.])(?![-_.][0-9]{2}(?:$|[-_.]))")
_NAME_UPPER_KEY_RE = lazy_compile(r"(?<![A-Za-z0-9])([A-Z][A-Z0-9_]{0,14})-([0-9]{1,7})(?![0-9])")
_STORY_SUFFIX_RE = lazy_compile(r"[-_.]?story$", re.I)
_FRONT_KEY_RE = lazy_compile(r"^(?:id|story|story[_-]id)\s*:\s*(.*?)\s*$", re.I)
_FRONT_MATTER_MAX_LINES = 200

_ID_KEY_RE = lazy_compile(r"^([A-Za-z][A-Za-z0-9_]{0,14})-([0-9]{1,7})$")
_ID_NUMBER_RE = lazy_compile(r"^#?([0-9]{1,9})$")
_ID_AZURE_RE = lazy_compile(r"^AB#([0-9]{1,9})$", re.I)


@dataclass(frozen=True, slots=True)
class Ref:
    """One reference found: its normalised id, where it was found, and its kind."""

    id: str
    place: str
    kind: str  # "key", "github", "azure", "custom" or "file"


# eq=False: one run's index of story files, never compared.
@dataclass(frozen=True, eq=False)
class StoryIndex:
    """The story files known for this PR and the ids they answer to."""

    paths: Mapping[tuple[Any, ...], str] = field(default_factory=dict)
    active: bool = False  # repo_files is known and holds story files: ids must resolve

    def path_for(self, ref_id: str) -> str | None:
        """Return the story file an id resolves to, or None."""
        for key in resolve_keys(ref_id):
            if key in self.paths:
                return self.paths[key]
        return None


# eq=False: what one run's reference readers consult, never compared.
@dataclass(frozen=True, eq=False)
class _Context:
    """Options and snapshot facts every extractor needs, prepared once per run."""

    projects: frozenset[str]
    patterns: tuple[Pattern, ...]
    repository: str
    number: int | None
    index: StoryIndex


# --- ids --------------------------------------------------------------------------------------


def resolve_keys(ref_id: str) -> list[tuple[Any, ...]]:
    """Keys under which an id matches a story file (numbers compare as numbers)."""
    if match := _ID_NUMBER_RE.match(ref_id):
        return [("num", int(match.group(1)))]
    if match := _ID_AZURE_RE.match(ref_id):
        return [("num", int(match.group(1))), ("key", "AB", int(match.group(1)))]
    if match := _ID_KEY_RE.match(ref_id):
        return [("key", match.group(1).upper(), int(match.group(2)))]
    return [("raw", ref_id.upper())]


def _github_id(owner: str | None, repo: str | None, number: int, ctx: _Context) -> str | None:
    """`#N` for the PR's own repository, `owner/repo#N` for another; None for the PR itself."""
    name = f"{owner}/{repo}" if owner and repo else ""
    own = not name or name.lower() == ctx.repository
    if own and ctx.number is not None and number == ctx.number:
        return None
    return f"#{number}" if own else f"{name}#{number}"


def _key_ref(project: str, digits: str, ctx: _Context, *, lower: bool = False,
             url: bool = False) -> tuple[str, str] | None:
    """Turn a project key and number into (id, kind), or None when it is not a story."""
    project = project.upper()
    if project in _GITHUB_PREFIXES:
        ref = _github_id(None, None, int(digits), ctx)
        return (ref, "github") if ref else None
    ref_id = f"{project}-{digits}"
    return (ref_id, "key") if _key_counts(project, ref_id, ctx, lower=lower, url=url) else None


def _key_counts(project: str, ref_id: str, ctx: _Context, *, lower: bool, url: bool) -> bool:
    if ctx.projects:
        return project in ctx.projects
    if ctx.index.path_for(ref_id) is not None or url:
        return True
    if sum(c.isalpha() for c in project) < 2 or _is_technical(project):
        return False
    return not lower or len(project) <= _MAX_LOWER_KEY


def _is_technical(project: str) -> bool:
    """True for names like UTF, SHA512 or MD5: a listed prefix, with or without its digits."""
    return project in _NOT_PROJECTS or project.rstrip("0123456789") in _NOT_PROJECTS


def _custom_id(raw: str, ctx: _Context) -> tuple[str, str] | None:
    text = raw.strip()
    if not text or len(text) > _MAX_ID_LENGTH:
        return None
    if match := _ID_KEY_RE.match(text):
        project = match.group(1).upper()
        if project in _GITHUB_PREFIXES:
            return _key_ref(project, match.group(2), ctx)
        return f"{project}-{match.group(2)}", "custom"
    if _ID_AZURE_RE.match(text):
        return text.upper(), "custom"
    return text, "custom"


# --- text cleaning ----------------------------------------------------------------------------


def _strip_fences(text: str) -> str:
    """Drop fenced code blocks (an unclosed fence runs to the end, as GitHub renders it)."""
    out: list[str] = []
    fence = ""
    for line in text.split("\n"):
        match = _FENCE_RE.match(line)
        if fence:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) \
                    and not line.strip().lstrip(fence[0]):
                fence = ""
            out.append("")
        elif match and not (match.group(1)[0] == "`" and "`" in line.strip()[len(match.group(1)):]):
            fence = match.group(1)
            out.append("")
        else:
            out.append(line)
    return "\n".join(out)


def _block_end(text: str, start: int, tag: str | None) -> int:
    """Where a block opened at `start` ends: -1 when its closing tag never comes."""
    if tag is None:  # an unclosed comment hides the rest, as GitHub renders it
        end = text.find("-->", start)
        return len(text) if end < 0 else end + 3
    match = _HTML_CLOSE_RE[tag].search(text, start)
    return match.end() if match else -1


def _strip_html_blocks(text: str) -> str:
    """Blank comments and <details>/<blockquote>/<pre>/<code> blocks, in one pass."""
    parts: list[str] = []
    pos = 0
    unclosed: set[str | None] = set()  # a closer missing once is missing for every later opener
    for match in _HTML_OPEN_RE.finditer(text):
        tag = match.group(1).lower() if match.group(1) else None
        if match.start() < pos or tag in unclosed:
            continue
        end = _block_end(text, match.end(), tag)
        if end < 0:
            unclosed.add(tag)
            continue
        parts.append(text[pos:match.start()])
        parts.append(" ")
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def clean_text(text: str) -> str:
    """Remove what is not the author's prose: comments, code, quoted release notes."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "```" in text or "~~~" in text:
        text = _strip_fences(text)
    if "<" in text:
        text = _strip_html_blocks(text)
    if "`" in text:
        text = _CODE_SPAN_RE.sub(" ", text)
    if "]" in text or "-by:" in text:
        text = _NOT_PROSE_RE.sub(" ", text)
    return text


# --- extraction -------------------------------------------------------------------------------

_Found = tuple[int, str, str]  # (position, id, kind)


def _url_refs(url: str, ctx: _Context) -> Iterator[tuple[str, str]]:
    if match := _GITHUB_URL_RE.match(url):
        ref = _github_id(match.group(1), match.group(2), int(match.group(3)), ctx)
        if ref:
            yield ref, "github"
    elif match := _AZURE_URL_RE.match(url):
        yield f"AB#{match.group(1)}", "azure"
    elif match := _SHORTCUT_URL_RE.match(url):
        yield f"SC-{match.group(1)}", "key"
    elif match := _TRACKER_URL_RE.search(url):
        found = _key_ref(match.group(1), match.group(2), ctx, url=True)
        if found:
            yield found


def _split_urls(text: str, ctx: _Context) -> tuple[str, list[_Found]]:
    """Take refs from issue URLs, and blank every URL so nothing else is read inside one."""
    if "://" not in text and "github.com" not in text.lower():
        return text, []
    found: list[_Found] = []
    parts: list[str] = []
    last = 0
    for match in _URL_RE.finditer(text):
        url = match.group(0).rstrip(".,;:!?*_~")
        found.extend((match.start(), ref, kind) for ref, kind in _url_refs(url, ctx))
        parts.append(text[last:match.start()])
        parts.append(" " * len(url))
        last = match.start() + len(url)
    parts.append(text[last:])
    return "".join(parts), found


def _is_ordinal(text: str, start: int, end: int) -> bool:
    if end - start > 2 and _LINE_END_RE.match(text, end):
        return False  # "Document installation options #64": a subject ending in its PR number
    before = _WORD_BEFORE_RE.search(text, max(0, start - 24), start)
    if before and before.group(1).lower() in _ORDINAL_WORDS:
        return True
    after = _WORD_AFTER_RE.match(text[end:end + 24])
    return bool(after and after.group(1).lower() in _ORDINAL_FOLLOWERS)


def _hash_refs(text: str, ctx: _Context) -> Iterator[_Found]:
    for match in _HASH_REF_RE.finditer(text):
        if not _is_ordinal(text, match.start(), match.end()):
            ref = _github_id(None, None, int(match.group(1)), ctx)
            if ref:
                yield match.start(), ref, "github"


def _repo_refs(text: str, ctx: _Context) -> Iterator[_Found]:
    for match in _REPO_REF_RE.finditer(text):
        ref = _github_id(match.group(1), match.group(2), int(match.group(3)), ctx)
        if ref:
            yield match.start(), ref, "github"


def _key_refs(text: str, ctx: _Context, *, branch: bool = False) -> Iterator[_Found]:
    for match in (_BRANCH_KEY_RE if branch else _UPPER_KEY_RE).finditer(text):
        found = _key_ref(match.group(1), match.group(2), ctx)
        if found:
            yield match.start(), *found
    if not branch and "[" in text:
        for match in _BRACKET_KEY_RE.finditer(text):
            if found := _lower_ref(match.group(1), match.group(2), ctx):
                yield match.start(), *found
    if "gh-" in text:
        for match in _LOWER_GH_RE.finditer(text):
            found = _key_ref("GH", match.group(1), ctx)
            if found:
                yield match.start(), *found


def _azure_refs(text: str) -> Iterator[_Found]:
    for match in _AZURE_RE.finditer(text):
        yield match.start(), f"AB#{match.group(1)}", "azure"


def _pattern_refs(text: str, ctx: _Context) -> Iterator[_Found]:
    for pattern in ctx.patterns:
        for match in pattern.finditer(text):
            raw = _pattern_group(match)
            found = _custom_id(raw, ctx) if raw else None
            if found:
                yield match.start(), *found


def _pattern_group(match: re.Match[str]) -> str | None:
    if "id" in match.re.groupindex:
        return match.group("id")
    return match.group(1) if match.re.groups else match.group(0)


def _leading_ref(token: str, ctx: _Context) -> tuple[str, str] | None:
    """A key at the start of a branch segment, title or subject, upper or lower case."""
    match = _LEADING_KEY_RE.match(token)
    if not match:
        return None
    if match.group(1).isupper():
        return _key_ref(match.group(1), match.group(2), ctx)
    return _lower_ref(match.group(1), match.group(2), ctx)


def _lower_ref(project: str, digits: str, ctx: _Context) -> tuple[str, str] | None:
    """A key typed in lower case (Linear, Shortcut): `eng-123`, never `readme-5` or `Flask-30`."""
    upper = project.upper()
    if upper in _GITHUB_PREFIXES or upper in ctx.projects:
        return _key_ref(project, digits, ctx)
    # Title case is a name (`Bond-009`, `Flask-3022`); one digit is a counter (`docker-1`).
    if not project.islower() or len(digits) < 2 or project in _LOWER_WORDS:
        return None
    return _key_ref(project, digits, ctx, lower=True)


def text_refs(text: str, ctx: _Context, *, leading: bool = False,
              branch: bool = False) -> list[_Found]:
    """Every reference in one free text (or a branch name), ordered by position."""
    text = clean_text(text)
    if not text.strip():
        return []
    found: list[_Found] = []
    if ctx.patterns:
        found.extend(_pattern_refs(text, ctx))
    text, url_found = _split_urls(text, ctx)
    found.extend(url_found)
    if "#" in text:
        found.extend(_azure_refs(text))
        if not branch:  # `fix/issue#12` is a path, not owner/repo#12
            found.extend(_repo_refs(text, ctx))
        found.extend(_hash_refs(text, ctx))
    found.extend(_key_refs(text, ctx, branch=branch))
    if leading and (first := _leading_ref(text.lstrip(), ctx)):
        found.append((-1, *first))
    return sorted(found, key=lambda item: item[0])


def _segment_ref(segment: str, ctx: _Context) -> tuple[str, str] | None:
    if match := _SEGMENT_ISSUE_RE.match(segment) or _SEGMENT_NUMBER_RE.match(segment):
        ref = _github_id(None, None, int(match.group(1)), ctx)
        return (ref, "github") if ref else None
    if _PATCH_BRANCH_RE.search(segment):
        return None
    return _leading_ref(segment, ctx)


def branch_refs(branch: str, ctx: _Context) -> list[_Found]:
    """References in a branch name: keys anywhere, plus lower-case keys opening a segment."""
    branch = branch.removeprefix("refs/heads/")
    if _BOT_BRANCH_RE.match(branch):
        return []
    found = text_refs(branch, ctx, branch=True)
    offset = 0
    for segment in branch.split("/"):
        if first := _segment_ref(segment, ctx):
            found.append((offset, *first))
        offset += len(segment) + 1
    return sorted(found, key=lambda item: item[0])


def _place_refs(snapshot: Snapshot, place: str, ctx: _Context) -> Iterator[Ref]:
    if place == "title":
        texts = [(snapshot.title, True)]
    elif place == "branch":
        yield from (Ref(i, place, k) for _, i, k in branch_refs(snapshot.head_ref, ctx))
        return
    elif place == "body":
        texts = [(snapshot.body, False)]
    else:
        commits = [c for c in snapshot.commits or () if not c.is_merge]
        texts = [(c.message, True) for c in commits]
    for text, leading in texts:
        yield from (Ref(i, place, k) for _, i, k in text_refs(text or "", ctx, leading=leading))


# --- story files ------------------------------------------------------------------------------


def _name_ids(path: str) -> list[str]:
    """Ids in a story file's name: a leading key or number, else an upper-case key, else stem."""
    stem = path.rsplit("/", 1)[-1]
    stem = stem[:-3] if stem.lower().endswith(".md") else stem.rsplit(".", 1)[0]
    stem = _STORY_SUFFIX_RE.sub("", stem) or stem
    if match := _NAME_KEY_RE.match(stem):
        return [_name_key(match.group(1), match.group(2))]
    if match := _NAME_NUMBER_RE.match(stem):
        return [f"#{int(match.group(1))}"]
    if match := _NAME_UPPER_KEY_RE.search(stem):
        return [_name_key(match.group(1), match.group(2))]
    return [stem]


def _name_key(project: str, digits: str) -> str:
    project = project.upper()
    return f"#{int(digits)}" if project in _GITHUB_PREFIXES else f"{project}-{digits}"


def _value_ids(value: str) -> list[str]:
    """Ids in a front matter value: `BILL-12`, `"S-003"`, `[BILL-12, BILL-13]`, `#12`, `AB#7`."""
    value = re.sub(r"\s+#.*$", "", value).strip().strip("[]")
    out = []
    for item in value.split(","):
        item = item.strip().strip("'\"").strip()
        if not item or len(item) > _MAX_ID_LENGTH:
            continue
        if match := _ID_KEY_RE.match(item):
            out.append(_name_key(match.group(1), match.group(2)))
        elif match := _ID_NUMBER_RE.match(item):
            out.append(f"#{int(match.group(1))}")
        else:
            out.append(item.upper() if _ID_AZURE_RE.match(item) else item)
    return out


def front_matter_ids(lines: Sequence[str]) -> list[str]:
    """Ids declared in a Markdown file's YAML front matter (`id:`, `story:`, `story_id:`)."""
    if not lines or lines[0].lstrip("\ufeff").strip() != "---":
        return []
    out: list[str] = []
    for line in lines[1:_FRONT_MATTER_MAX_LINES]:
        if line.strip() in ("---", "..."):
            break
        if match := _FRONT_KEY_RE.match(line):
            out.extend(_value_ids(match.group(1)))
    return out


def _file_ids(changed: ChangedFile | None, path: str) -> list[str]:
    ids = _name_ids(path)
    if changed is not None and changed.is_whole_file:
        ids += [i for i in front_matter_ids([ln.text for ln in changed.added]) if i not in ids]
    return ids


def _story_spec(globs: Iterable[str]) -> Globs | None:
    globs = [g for g in globs if g.strip()]
    if not globs:
        return None
    try:
        return compile_globs(globs)
    except GlobError:  # validated by the config already; a bad glob means no story files
        return None


def story_files(snapshot: Snapshot, spec: Globs | None
                ) -> tuple[list[str], dict[str, ChangedFile]]:
    """Story file paths at head (repository and diff) and the ones this PR adds or edits."""
    if spec is None:
        return [], {}
    touched = {f.path: f for f in snapshot.files
               if f.status is not FileStatus.REMOVED and spec.match_file(f.path)}
    removed = {f.path for f in snapshot.files if f.status is FileStatus.REMOVED}
    known = sorted(p for p in spec.match_files(snapshot.repo_files or ()) if p not in removed)
    seen = set(known)
    known += [p for p in touched if p not in seen]
    return known, touched


def build_index(snapshot: Snapshot, paths: list[str], touched: Mapping[str, ChangedFile]
                ) -> StoryIndex:
    """Map every id a story file answers to onto its path."""
    keys: dict[tuple[Any, ...], str] = {}
    for path in paths:
        for ref_id in _file_ids(touched.get(path), path):
            for key in resolve_keys(ref_id):
                keys.setdefault(key, path)
    return StoryIndex(keys, active=snapshot.repo_files is not None and bool(paths))


def has_story_files(snapshot: Snapshot, globs: Sequence[str]) -> bool:
    """True when the repository listing holds at least one story file."""
    spec = _story_spec(globs)
    return spec is not None and any(spec.match_files(snapshot.repo_files or ()))


def story_paths(snapshot: Snapshot, globs: Sequence[str], ids: Iterable[str]
                ) -> dict[str, str]:
    """The story file each id resolves to, found in the repository listing (never built
    from the id), for the ids that have one."""
    paths, touched = story_files(snapshot, _story_spec(globs))
    index = build_index(snapshot, paths, touched)
    found = {ref_id: index.path_for(ref_id) for ref_id in ids}
    return {ref_id: path for ref_id, path in found.items() if path is not None}


# --- verdict ----------------------------------------------------------------------------------


def _context(snapshot: Snapshot, options: StoryOptions, index: StoryIndex) -> _Context:
    projects = frozenset(p.strip().rstrip("-").upper() for p in options.projects if p.strip())
    patterns = []
    for source in options.patterns:
        try:
            patterns.append(re.compile(source))
        except re.error:  # validated by the config already; never crash on one bad pattern
            continue
    return _Context(projects, tuple(patterns), snapshot.repository.strip().lower(),
                    snapshot.number, index)


def _unique(refs: Iterable[Ref]) -> tuple[list[str], dict[str, list[str]], dict[str, str]]:
    """Ids in order of first appearance, the places each was found, and each id's kind."""
    order: list[str] = []
    places: dict[str, list[str]] = {}
    kinds: dict[str, str] = {}
    seen: dict[str, str] = {}
    for ref in refs:
        key = ref.id.lower() if ref.kind == "github" else ref.id
        ref_id = seen.setdefault(key, ref.id)
        if ref_id not in places:
            order.append(ref_id)
            places[ref_id] = []
            kinds[ref_id] = ref.kind
        if ref.place not in places[ref_id]:
            places[ref_id].append(ref.place)
    return order, places, kinds


def _describe(ids: Sequence[str], places: Mapping[str, Sequence[str]]) -> str:
    shown = [f"{i} ({', '.join(places[i])})" for i in ids[:_MAX_SUMMARY_IDS]]
    more = len(ids) - len(shown)
    if more:
        shown.append(f"{more} more")
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _unresolved(ids: Sequence[str], kinds: Mapping[str, str], index: StoryIndex) -> list[str]:
    if not index.active:
        return []
    missing = [i for i in ids if index.path_for(i) is None]
    if len(missing) < len(ids):  # something resolved: GitHub refs may be plain links
        return [i for i in missing if kinds[i] != "github"]
    return missing


def _example_key(options: StoryOptions, index: StoryIndex) -> str:
    projects = [p.strip().rstrip("-").upper() for p in options.projects if p.strip()]
    if projects:
        return f"{projects[0]}-123"
    keys = sorted(k[1] for k in index.paths if k[0] == "key")
    if keys:
        return f"{keys[0]}-123"
    return "#123" if any(k[0] == "num" for k in index.paths) else "PROJ-123"


def _where_to_add(places: Sequence[str], example: str) -> str:
    branch = f"{example[1:]}-invoice-totals" if example.startswith("#") \
        else f"feature/{example}-invoice-totals"
    hints = {
        "title": f"the PR title (e.g. `{example}: Add invoice totals`)",
        "branch": f"the branch name (e.g. `{branch}`)",
        "body": f"the body (e.g. `Closes {example}`)",
        "commits": f"a commit message (e.g. `{example}: Add invoice totals`)",
    }
    parts = [hints[p] for p in places if p in hints]
    if not parts:
        return "Add a story file to the PR, or configure `story.places` to search the PR text."
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]
    return f"Add the story id to {joined}."


def _names(places: Sequence[str]) -> str:
    names = [_PLACE_NAMES[p] for p in places if p in _PLACE_NAMES]
    if not names:
        return "the PR (no places configured)"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _fail(snapshot: Snapshot, options: StoryOptions, places: Sequence[str],
          index: StoryIndex) -> Outcome:
    summary = f"No story reference in the {_names(places)}."
    if "commits" in places and snapshot.commits is None:
        summary += " Commit messages were not available."
    advice = _where_to_add(places, _example_key(options, index))
    finding = Finding(f"No story id found. {advice}", rule="story-missing", severity=Severity.FAIL)
    return Outcome(Status.FAIL, summary, (finding,), stats={"story_references": 0})


def _missing_finding(ref_id: str, where: Sequence[str], globs: Sequence[str]) -> Finding:
    if list(globs) == [DEFAULT_STORY_GLOB]:
        name = f"{ref_id.lstrip('#').replace('#', '-').replace('/', '-')}-<slug>-story.md"
        hint = f"add docs/work/features/<feature>/stories/{name}"
    else:
        hint = "add a story file matching " + ", ".join(f"`{g}`" for g in globs)
    return Finding(f"{ref_id} (in the {', '.join(where)}) has no story file: {hint}, "
                   f"or correct the id.", rule="story-file-missing", severity=Severity.WARN)


def _verdict(ids: list[str], places: Mapping[str, list[str]], kinds: Mapping[str, str],
             index: StoryIndex, globs: Sequence[str]) -> Outcome:
    stats = {"story_references": len(ids)}
    missing = _unresolved(ids, kinds, index)
    found = f"Found {_describe(ids, places)}"
    if missing:
        findings = tuple(_missing_finding(i, places[i], globs) for i in missing)
        tail = "it has" if len(ids) == 1 else ", ".join(missing) + (" has" if len(missing) == 1
                                                                     else " have")
        return Outcome(Status.WARN, f"{found}, but {tail} no story file.", findings,
                       tuple(ids), stats)
    resolved = [i for i in ids if index.active and index.path_for(i)]
    tail = f"; story file found for {', '.join(resolved[:_MAX_SUMMARY_IDS])}" if resolved else ""
    return Outcome(Status.PASS, f"{found}{tail}.", (), tuple(ids), stats)


def _linked_refs(link: str, ctx: _Context) -> list[Ref]:
    """A story linked by command: its id as the PR text would read it, else taken as given."""
    found = [Ref(i, LINK_PLACE, k) for _, i, k in text_refs(link, ctx, leading=True)]
    return found or [Ref(link, LINK_PLACE, "key")]


@dataclass(frozen=True)
class StoryOptions:
    """The story check's options; keys, defaults and docs are declared in `CHECK.options`."""

    places: tuple[str, ...]
    patterns: tuple[str, ...]
    projects: tuple[str, ...]
    story_glob: tuple[str, ...]


def check(snapshot: Snapshot, options: StoryOptions) -> Outcome:
    """Find the story references of a PR and check they resolve to story files."""
    globs = list(options.story_glob)
    paths, touched = story_files(snapshot, _story_spec(globs))
    index = build_index(snapshot, paths, touched)
    ctx = _context(snapshot, options, index)
    places = [p for p in PLACES if p in options.places]
    refs = [ref for place in places for ref in _place_refs(snapshot, place, ctx)]
    refs += [Ref(i, "story file", "file") for path, changed in touched.items()
             for i in _file_ids(changed, path)]
    refs += [ref for link in snapshot.story_links for ref in _linked_refs(link, ctx)]
    ids, where, kinds = _unique(refs)
    if not ids:
        return _fail(snapshot, options, places, index)
    return _verdict(ids, where, kinds, index, globs)


CHECK = CheckSpec(
    id="story",
    title="Story ID referenced",
    run=check,
    options_type=StoryOptions,
    rules=("story-missing", "story-file-missing"),
    options={
        "places": Option(list(PLACES), "choice_list",
                         "where to look for story references: title, branch, body, commits",
                         choices=PLACES),
        "patterns": Option([], "regex_list",
                           "extra regular expressions for story ids; the named group `id`, else "
                           "group 1, else the whole match is the id"),
        "projects": Option([], "str_list",
                           "tracker project keys that count (e.g. [BILL, OPS]); empty: any key "
                           "that is not a technical name like UTF-8 or SHA-256"),
        "story_glob": Option([DEFAULT_STORY_GLOB], "glob_list",
                             "where story files live (gitignore syntax); referenced ids must "
                             "have one when the repository has any; [] turns story files off"),
    },
    needs_repo_files=True,
    description="The PR names its story (tracker key, GitHub issue or Azure Boards item), "
                "and the story has a file in the repository.",
)
