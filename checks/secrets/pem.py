"""Private key blocks: one finding on the BEGIN line, with the END line, however many lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from checks.lazyre import lazy_compile
from checks.model import Line
from checks.secrets import quiet

RULE_ID = "private-key"
NAME = "private key"
PATTERN = (
    r"-----BEGIN (?P<kind>(?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP |SSH2 ENCRYPTED )?"
    r"PRIVATE KEY(?: BLOCK)?)-----"
)
ANCHOR = r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY"

# A real key has hundreds of base64 characters; a doc snippet has `...` or a few.
MIN_BODY = 64
MAX_BLOCK_LINES = 200
_BODY = lazy_compile(r"[A-Za-z0-9+/=]{16,}")
_END = lazy_compile(r"-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----")
_ESCAPED_NEWLINE = lazy_compile(r"\\(?:r\\)?n")
# One line of key material as it sits in any file: indented, behind a comment marker, inside
# a string literal (`"MIIE...\\n" +`, `'MIIE...',`), but nothing else on the line.
_BODY_LINE = lazy_compile(
    r"""[ \t]*(?:#+|//|\*|;|--)?[ \t]*[rbuf]?["'`]?(?P<b64>[A-Za-z0-9+/=]{2,})"""
    r"""(?:\\[nr])*["'`]?[ \t]*[,+;\\]?[ \t]*\)?[ \t]*""")
_HEADER = lazy_compile(r"""[ \t]*(?:#+|//|\*)?[ \t]*["'`]?[A-Za-z\-]+:[ \t]*[^\n]*$""")
_ELIDED = lazy_compile(r"\.\.\.|…|<[^>]*>|\[[^\]]*\]")


@dataclass(frozen=True)
class Block:
    """A private key block found in the added lines."""

    kind: str
    value: str
    end_line: int | None


def describe(kind: str) -> str:
    """`RSA PRIVATE KEY` -> `RSA private key`; the bare PKCS#8 form says so."""
    head = kind.replace("PRIVATE KEY", "").replace(" BLOCK", "").strip()
    return f"{head} private key" if head else "private key (PKCS#8)"


def _body_ok(body: str) -> bool:
    return len(body) >= MIN_BODY and not quiet.is_placeholder_body(body)


def _one_line(kind: str, rest: str, number: int) -> Block | None:
    """The `-----BEGIN ...-----\\nMIIE...\\n-----END ...-----` form inside one string."""
    body = "".join(_BODY.findall(_ESCAPED_NEWLINE.sub(" ", rest.split("-----END", 1)[0])))
    return Block(kind, f"-----BEGIN {kind}-----{body}", None) if _body_ok(body) else None


def find_block(kind: str, lines: Sequence[Line], index: int, column: int) -> Block | None:
    """Judge the block whose BEGIN marker is at `lines[index]`, `column`; None when harmless."""
    first = lines[index]
    rest = first.text[column:]
    if _ESCAPED_NEWLINE.search(rest):
        return _one_line(kind, rest, first.number)
    body: list[str] = []
    end = None
    previous = first.number
    for line in lines[index + 1 : index + 1 + MAX_BLOCK_LINES]:
        if line.number != previous + 1:
            break  # the block continues on lines this PR did not add
        if _END.search(line.text):
            previous = end = line.number
            break
        if not body and (_HEADER.match(line.text) or not line.text.strip()):
            previous = line.number
            continue  # `Proc-Type:`/`DEK-Info:` (legacy PEM), `Version:` and a blank line (PGP)
        material = _BODY_LINE.fullmatch(line.text)
        if material is None:
            if _ELIDED.search(line.text):
                return None  # `...` in place of the middle: a documentation snippet
            break  # prose after a BEGIN line that only mentions the marker
        previous = line.number
        body.append(material.group("b64"))
    joined = "".join(body)
    if not _body_ok(joined):
        return None
    return Block(kind, f"-----BEGIN {kind}-----{joined}", end or previous)
