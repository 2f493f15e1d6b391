"""PEM blocks, removed lines, several secrets, allow markers, options, notebooks, odd input."""

from __future__ import annotations

import json

import checks
from checks.model import Severity, Status
from tests.checks.secrets.diffs import modified_file, new_file, run
from tests.checks.secrets.tokens import Tokens

T = Tokens(seed=33)


def _secrets(diff: str, options: dict | None = None):
    return run(diff, options).check("secrets")


def test_pem_block_over_many_lines_is_one_finding_on_the_begin_line() -> None:
    body = T.pem_body(20)
    lines = ["# Deploy key for the staging box", "-----BEGIN RSA PRIVATE KEY-----", *body,
             "-----END RSA PRIVATE KEY-----"]
    result = _secrets(new_file("ops/keys/staging_rsa", lines))
    assert result.status is Status.FAIL
    [finding] = result.findings
    assert (finding.rule, finding.line, finding.end_line) == ("private-key", 2, len(lines))
    assert all(chunk not in finding.message for chunk in body)


def test_pem_block_added_into_an_existing_yaml_file_keeps_new_file_line_numbers() -> None:
    added = ["  tls.key: |", "    -----BEGIN EC PRIVATE KEY-----",
             *("    " + b for b in T.pem_body(4)), "    -----END EC PRIVATE KEY-----"]
    diff = modified_file("k8s/ingress-secret.yaml", 40, ["kind: Secret", "type: kubernetes.io/tls",
                                                          "data:"], [], added, ["---"])
    [finding] = _secrets(diff).findings
    assert (finding.line, finding.end_line) == (44, 44 + len(added) - 2)


def test_openssh_key_and_escaped_key_in_one_string() -> None:
    escaped = ('PRIVATE_KEY="-----BEGIN PRIVATE KEY-----\\n' + "\\n".join(T.pem_body(5))
               + '\\n-----END PRIVATE KEY-----\\n"')
    diff = new_file(".env.staging", ["APP_ENV=staging", escaped]) + new_file(
        "deploy/id_ed25519", ["-----BEGIN OPENSSH PRIVATE KEY-----", *T.pem_body(3),
                              "-----END OPENSSH PRIVATE KEY-----"])
    findings = _secrets(diff).findings
    assert [(f.path, f.rule, f.line, f.end_line) for f in findings] == [
        (".env.staging", "private-key", 2, None), ("deploy/id_ed25519", "private-key", 1, 6)]


def test_gcp_service_account_json() -> None:
    key = ("-----BEGIN PRIVATE KEY-----\\n" + "\\n".join(T.pem_body(8))
           + "\\n-----END PRIVATE KEY-----\\n")
    lines = ["{", '  "type": "service_account",', '  "project_id": "acme-data",',
             f'  "private_key_id": "{T.sha()}",', f'  "private_key": "{key}",',
             '  "client_email": "etl@acme-data.iam.gserviceaccount.com"', "}"]
    [finding] = _secrets(new_file("etl/credentials/service-account.json", lines)).findings
    assert (finding.rule, finding.line) == ("gcp-service-account", 5)


def test_pem_placeholder_in_docs_stays_quiet() -> None:
    lines = ["```", "-----BEGIN RSA PRIVATE KEY-----", "MIIEpAIBAAKCAQEA...", "...",
             "-----END RSA PRIVATE KEY-----", "```"]
    assert _secrets(new_file("docs/ssh.md", lines)).status is Status.PASS


def test_secret_only_on_a_removed_line_passes() -> None:
    token = T.github()
    diff = modified_file("src/settings.py", 10, ["import os", ""], [f'GITHUB_TOKEN = "{token}"'],
                         ['GITHUB_TOKEN = os.environ["GITHUB_TOKEN"]'], ["DEBUG = False"])
    result = _secrets(diff)
    assert (result.status, result.findings) == (Status.PASS, ())


def test_secret_on_a_context_line_is_not_this_prs() -> None:
    token = T.stripe()
    diff = modified_file("billing/keys.py", 3, [f'STRIPE_KEY = "{token}"'], [], ["TIMEOUT = 30"])
    assert _secrets(diff).status is Status.PASS


def test_two_secrets_in_one_file_are_two_findings_with_their_lines() -> None:
    lines = ["const config = {", f"  slack: '{T.slack_bot()}',", "  retries: 3,",
             f"  sendgrid: '{T.sendgrid()}',", "};"]
    result = _secrets(new_file("src/notify/config.ts", lines))
    assert [(f.rule, f.line) for f in result.findings] == [("slack-token", 2),
                                                           ("sendgrid-api-key", 4)]
    assert result.summary.startswith("2 secrets on added lines in 1 file")


def test_aws_secret_next_to_its_key_id_in_python_code() -> None:
    lines = ["session = boto3.Session(", f'    aws_access_key_id="{T.aws_key_id()}",',
             f'    "{T.aws_secret()}",', '    region_name="eu-west-1",', ")"]
    result = _secrets(new_file("tools/s3_sync.py", lines))
    assert [(f.rule, f.line) for f in result.findings] == [("aws-access-key-id", 2),
                                                           ("aws-secret-access-key", 3)]


def test_azure_shared_access_key_and_discord_webhook() -> None:
    conn = (f"Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=send;"
            f"SharedAccessKey={T.chars(43)}=")
    hook = f"https://discord.com/api/webhooks/1187{T.chars(14, '0123456789')}/{T.chars(68)}"
    lines = ["{", f'  "ServiceBus": "{conn}",', f'  "DiscordHook": "{hook}"', "}"]
    result = _secrets(new_file("src/Worker/appsettings.Production.json", lines))
    assert [(f.rule, f.line) for f in result.findings] == [("azure-shared-access-key", 2),
                                                           ("discord-webhook-url", 3)]


def test_github_checksum_decides_between_real_and_made_up_tokens() -> None:
    # A made-up token of the right shape is a notice ("checksum does not match"), not a miss.
    good, bad = T.github(), T.github_bad_checksum()
    lines = [f'REAL = "{good}"', f'MADE_UP = "{bad}"']
    result = _secrets(new_file("tests/test_tokens.py", lines))
    assert [(f.rule, f.line, f.severity) for f in result.findings] == [
        ("github-pat", 1, Severity.FAIL), ("github-pat", 2, Severity.NOTICE)]
    assert "checksum does not match" in result.findings[1].message


def test_inline_allow_marker_turns_the_finding_into_a_notice() -> None:
    token = T.stripe(mode="test")
    lines = [
        f'STRIPE_TEST_KEY = "{token}"  # shipshape:allow secret test-mode key for the sandbox',
        f"const hook = '{T.slack_webhook()}'; // shipshape:allow secret posted to #dev-null",
        f"    <password>{T.password()}</password> <!-- shipshape:allow secret local Nexus -->",
    ]
    result = _secrets(new_file("tests/fixtures/keys.txt", lines))
    assert result.status is Status.PASS
    assert [f.severity for f in result.findings] == [Severity.NOTICE] * 3
    assert "test-mode key for the sandbox" in result.findings[0].message
    assert result.findings[2].message.startswith("Allowed by an inline shipshape:allow marker: "
                                                 "local Nexus.")
    assert "3 allowed" in result.summary


def test_allow_marker_on_another_line_does_not_allow() -> None:
    lines = ["# shipshape:allow secret reviewed", "", f"TOKEN = '{T.github()}'"]
    assert _secrets(new_file("ci/token.py", lines)).status is Status.FAIL


def test_allow_paths_reports_notices() -> None:
    diff = new_file("tests/fixtures/tokens.json", [f'{{"token": "{T.npm()}"}}'])
    result = _secrets(diff, {"allow_paths": ["tests/fixtures/"]})
    assert result.status is Status.PASS
    [finding] = result.findings
    assert (finding.severity, finding.rule) == (Severity.NOTICE, "npm-token")
    assert "allow_paths" in finding.message


def test_generic_level_warn_keeps_provider_tokens_failing() -> None:
    generic = new_file("config/app.yaml", ["db:", f"  password: {T.password()}"])
    assert _secrets(generic, {"generic_level": "warn"}).status is Status.WARN
    assert _secrets(generic).status is Status.FAIL
    both = generic + new_file("scripts/gh.sh", [f"export GH_TOKEN={T.github()}"])
    assert _secrets(both, {"generic_level": "warn"}).status is Status.FAIL


def test_rules_option_turns_one_rule_off() -> None:
    diff = new_file("tests/fixtures/session.txt", [f"Authorization: Bearer {T.jwt()}"])
    assert _secrets(diff).status is Status.FAIL
    assert _secrets(diff, {"rules": {"jwt": False}}).status is Status.PASS


def test_bad_option_is_a_config_error_naming_the_key() -> None:
    try:
        checks.config_from_dict({"secrets": {"generic_level": "loud"}})
    except checks.ConfigError as exc:
        assert exc.path == "secrets.generic_level"
    else:
        raise AssertionError("generic_level: loud was accepted")


def test_notebook_source_strings_are_scanned_as_code() -> None:
    key = T.openai()
    cells = ['   "source": [', "    " + json.dumps("import openai\n") + ",",
             "    " + json.dumps(f'openai.api_key = "{key}"\n') + ",",
             "    " + json.dumps(f'db_password = "{T.password()}"\n'), "   ]"]
    result = _secrets(new_file("analysis/Churn.ipynb", cells))
    assert [(f.rule, f.line) for f in result.findings] == [("openai-api-key", 3),
                                                           ("generic-secret", 4)]


def test_binary_and_patchless_files_do_not_crash() -> None:
    diff = ("diff --git a/assets/logo.png b/assets/logo.png\nnew file mode 100644\n"
            "index 0000000..e69de29\nBinary files /dev/null and b/assets/logo.png differ\n")
    snapshot = {"title": "ACME-2", "files": [
        {"filename": "data/huge.sql", "status": "added", "additions": 90000, "deletions": 0},
    ]}
    assert run(diff).check("secrets").status is Status.PASS
    result = checks.run(snapshot, only={"secrets"}).check("secrets")
    assert result.status is Status.PASS and "without a patch" in result.summary


def test_non_ascii_text_keeps_line_numbers_and_offsets() -> None:
    token = T.github()
    lines = ["# Konfiguration für die Zahlungsabwicklung — naïve café ☕", "größe = 3",
             f'jeton = "{token}"  # 令牌']
    [finding] = _secrets(new_file("zahlung/einstellungen.py", lines)).findings
    assert (finding.rule, finding.line) == ("github-pat", 3)


def test_minified_line_with_many_keys_stays_linear_and_correct() -> None:
    pairs = ",".join(f'"token_{i}":"{T.uuid()}"' for i in range(3000))
    line = "{" + pairs + f',"apiKey":"{T.google_api_key()}"' + "}"
    findings = _secrets(new_file("web/public/config.json", [line])).findings
    assert [f.rule for f in findings] == ["google-api-key"]


def test_allow_marker_above_a_private_key_block() -> None:
    lines = ["# shipshape:allow secret throwaway key of the integration-test container",
             "-----BEGIN OPENSSH PRIVATE KEY-----", *T.pem_body(4),
             "-----END OPENSSH PRIVATE KEY-----"]
    result = _secrets(new_file("tests/integration/sshd/host_key", lines))
    assert result.status is Status.PASS
    assert [(f.severity, f.line) for f in result.findings] == [(Severity.NOTICE, 2)]


def test_python_re_fallback_finds_exactly_what_re2_finds(monkeypatch) -> None:
    from checks.secrets import scan
    from tests.checks.secrets.corpus import build_corpus, to_diff

    files = checks.load_snapshot({"title": "ACME-3", "diff": to_diff(build_corpus(8))}).files
    fast = scan.find_secrets(files)
    monkeypatch.setattr(scan.fastpass, "re2", None)
    assert not scan._fast()
    assert scan.find_secrets(files) == fast
    assert len(fast) > 200


def test_vendored_files_are_classified_like_the_other_checks_and_not_scanned() -> None:
    from checks.paths import PathKind, classify
    from checks.uncounted import Uncounted, uncounted

    t = Tokens(seed=77)
    bundle = ".yarn/releases/yarn-4.1.1.cjs"
    diff = new_file(bundle, ['var e="' + t.github() + '";module.exports=e;']) + new_file(
        "src/app.js", [f'const token = "{t.github()}";'])
    outcome = run(diff).check("secrets")
    assert [(f.path, f.rule) for f in outcome.findings] == [("src/app.js", "github-pat")]
    assert "1 vendored file not scanned" in outcome.summary
    # The same path is vendored for the commits (size) and tests checks.
    changed = next(f for f in checks.load_snapshot({"title": "x", "diff": diff}).files
                   if f.path == bundle)
    assert uncounted(changed) is Uncounted.VENDORED
    assert classify(bundle) is PathKind.VENDORED
