"""Every rule in every syntax the scanners claim: built at test time, each sample must be found.

For each syntax, one diff holds one file per rule (rule_samples.py makes the values fresh from
the providers' documented formats); the check runs once per syntax and every file must report
its rule as a failure on the line where the value sits, without showing the value. Private keys
have their own syntaxes (multi-line blocks), and a negative set (placeholders, documented
examples, hashes, ids, public keys, wrong checksums) must stay quiet in the same syntaxes.
"""

from __future__ import annotations

import random

import pytest

from checks.model import Severity
from tests.checks.secrets.diffs import run
from tests.checks.secrets.rule_samples import samples
from tests.checks.secrets.syntaxes import (
    KEY_SYNTAXES,
    SYNTAXES,
    KeyBuild,
    Syntax,
    applies,
    keys,
    negatives,
)
from tests.checks.secrets.tokens import MoreTokens


@pytest.mark.parametrize("syntax", SYNTAXES, ids=[s.name for s in SYNTAXES])
def test_every_rule_is_found_in_the_syntax(syntax: Syntax) -> None:
    chosen = [s for s in samples(seed=len(syntax.name)) if applies(syntax, s)]
    files, expected = [], {}
    for sample in chosen:
        path, lines, line = syntax.build(sample.key, sample.value)
        full = f"{sample.rule}/{path}"
        files.append(_new_file(full, lines))
        expected[full] = (sample, line)
    findings = run("".join(files)).check("secrets").findings
    missed = []
    for path, (sample, line) in expected.items():
        got = [(f.rule, f.line, f.severity) for f in findings if f.path == path]
        if (sample.rule, line, Severity.FAIL) not in got:
            missed.append(f"{sample.rule}: {got}")
    assert missed == []
    assert not any(s.value in f.message for s in chosen for f in findings)


def _new_file(path: str, lines: list[str]) -> str:
    from tests.checks.secrets.diffs import new_file
    return new_file(path, lines)


def test_harness_covers_every_rule_in_at_least_twenty_syntaxes() -> None:
    from checks.secrets import RULE_IDS

    counts = {rule: 0 for rule in RULE_IDS}
    for syntax in SYNTAXES:
        for sample in samples(seed=1):
            if applies(syntax, sample):
                counts[sample.rule] += 1
    counts["private-key"] = len(KEY_SYNTAXES)
    counts["gcp-service-account"] = 1  # its shape is the service-account JSON itself
    assert {rule for rule, n in counts.items() if n < 20} == {"gcp-service-account"}
    assert len(SYNTAXES) >= 20


# Private keys: (name, build(key lines) -> (path, lines, BEGIN line)).
@pytest.mark.parametrize(("name", "build"), KEY_SYNTAXES, ids=[k[0] for k in KEY_SYNTAXES])
def test_private_keys_are_found_in_the_syntax(name: str, build: KeyBuild) -> None:
    for n, key in enumerate(keys(random.Random(name))):
        path, lines, line = build(key)
        findings = run(_new_file(f"{n}/{path}", lines)).check("secrets").findings
        assert [(f.rule, f.line, f.severity) for f in findings] == [
            ("private-key", line, Severity.FAIL)], key[0]


def test_gcp_service_account_json_is_found() -> None:
    body = "\\n".join(MoreTokens(3).pem_body(8))
    lines = ["{", '  "type": "service_account",',
             '  "private_key": "-----BEGIN PRIVATE KEY-----\\n' + body
             + '\\n-----END PRIVATE KEY-----\\n",',
             '  "client_email": "x@p.iam.gserviceaccount.com"', "}"]
    findings = run(_new_file("sa.json", lines)).check("secrets").findings
    assert [(f.rule, f.line) for f in findings] == [("gcp-service-account", 3)]


@pytest.mark.parametrize("syntax", [s for s in SYNTAXES if "generic" in s.kinds],
                         ids=[s.name for s in SYNTAXES if "generic" in s.kinds])
def test_negative_set_stays_quiet_in_the_syntax(syntax: Syntax) -> None:
    files = [_new_file(f"{n}/{syntax.build(key, value)[0]}", syntax.build(key, value)[1])
             for n, (key, value) in enumerate(negatives(MoreTokens(len(syntax.name))))]
    findings = run("".join(files)).check("secrets").findings
    loud = [(f.path, f.rule) for f in findings if f.severity is not Severity.NOTICE]
    assert loud == []


def test_keyword_rules_leave_ids_shas_and_urls_alone() -> None:
    t = MoreTokens(12)
    lines = [f"CLOUDFLARE_COMMIT={t.sha(40)}", f"CLOUDFLARE_ZONE_ID={t.sha(32)}",
             f"HEROKU_APP_ID={t.uuid()}", f"DATADOG_VERSION={t.sha(40)}",
             "OKTA_ISSUER=https://acme.okta.com/oauth2/default", f"SNYK_ORG_ID={t.uuid()}"]
    assert run(_new_file(".env", lines)).check("secrets").findings == ()


def test_word_shaped_look_alikes_of_short_prefixes_are_quiet() -> None:
    # CSS classes and constants with the prefix and length of an Infracost or Octopus key.
    lines = ['<i class="ico-ChevronRightDoubleOutlineSmallXy"></i>',
             "const DOCS = 'API-REFERENCEDOCUMENTATIONPAGE';"]
    assert run(_new_file("web/index.html", lines)).check("secrets").findings == ()
