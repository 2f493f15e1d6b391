"""bench/gosamples.py: the Go-subset evaluator that reads gitleaks' rule samples at bench time."""

from __future__ import annotations

import random
import re

import pytest

from bench.gosamples import GoError, evaluate_rules, generate

# A helper file of the same shape as the one the benchmark reads: a map of syntax templates.
GENERATE_GO = '''
func GenerateSampleSecrets(identifier string, secret string) []string {
	samples := map[string]string{
		// a comment between entries
		"ini - quoted": "{i}Token=\\"{s}\\"",
		"go - short":   `{i}Token := "{s}"`,
	}
	return nil
}
'''

RULES_GO = '''
func Acme() *config.Rule {
	r := config.Rule{
		RuleID: "acme-token",
		Regex:  regexp.MustCompile(`acme_[a-z0-9]{8}`),
	}
	tps := utils.GenerateSampleSecrets("acme", "acme_"+secrets.NewSecret(utils.AlphaNumeric("8")))
	extra := "ACME_KEY=" + fmt.Sprintf("%s-%s", "a", "b")
	tps = append(tps, extra, `raw \\n stays`)
	fps := []string{
		"acme_xxxxxxxx", // a placeholder
	}
	return utils.Validate(r, tps, fps)
}

func Paths() *config.Rule {
	r := config.Rule{RuleID: "by-path"}
	tps := map[string]string{"deploy/file.tf": "password = " + `"x"`}
	for _, v := range other {
		tps = append(tps, v)
	}
	fps := unknownHelper("x")
	return utils.ValidateWithPaths(r, tps, fps)
}
'''


def test_rule_samples_are_evaluated_with_their_syntax_and_path() -> None:
    acme, paths = evaluate_rules(RULES_GO, GENERATE_GO, random.Random(1))
    assert acme.rule_id == "acme-token" and acme.skipped == []
    texts = [v.text for v in acme.tps]
    assert [v.syntax for v in acme.tps[:2]] == ["ini - quoted", "go - short"]
    assert re.fullmatch(r'acmeToken="acme_[a-z0-9]{8}"', texts[0])
    assert re.fullmatch(r'acmeToken := "acme_[a-z0-9]{8}"', texts[1])
    assert texts[2:] == ["ACME_KEY=a-b", "raw \\n stays"]
    assert [v.text for v in acme.fps] == ["acme_xxxxxxxx"]
    assert [(v.path, v.text) for v in paths.tps] == [("deploy/file.tf", 'password = "x"')]
    assert sorted(paths.skipped) == ["assignment inside a loop or condition",
                                     "unsupported call unknownHelper"]


@pytest.mark.parametrize("regex", [r"(?i)ghp_[a-z0-9]{36}", r"xox[bp]-\d{10,13}-[A-Za-z0-9-]+",
                                   r"[[:alnum:]]{12}\.(?:live|test)_[^\s'\"]{4}",
                                   r"AKIA[A-Z2-7]{16}\b"])
def test_generated_values_match_their_regex(regex: str) -> None:
    rng = random.Random(7)
    python = regex.replace("[[:alnum:]]", "[a-zA-Z0-9]")
    for _ in range(50):
        assert re.fullmatch(python, generate(regex, rng))


def test_unsupported_regex_is_an_error_not_a_crash() -> None:
    with pytest.raises(GoError):
        generate(r"(a", random.Random(0))
