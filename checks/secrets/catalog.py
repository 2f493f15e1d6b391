"""Every provider rule, in the order the scanner tries them (the first rules win a tie)."""

from __future__ import annotations

from checks.secrets.keyword_rules import KEYWORD_RULES
from checks.secrets.more_rules import MORE_RULES
from checks.secrets.rules import PROVIDER_RULES as CORE_RULES
from checks.secrets.rules import Rule
from checks.secrets.saas_rules import SAAS_RULES

PROVIDER_RULES: tuple[Rule, ...] = (*CORE_RULES, *MORE_RULES, *SAAS_RULES, *KEYWORD_RULES)
