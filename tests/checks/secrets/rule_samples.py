"""One sample value per rule id, built at test time from the provider's documented format.

`samples(seed)` maps every rule of the secrets check to the key a person would assign it to and a
fresh value of its shape: what the syntax harness (test_harness.py) writes into every syntax.
Nothing here is a real credential; no token-shaped string is written into the repository.
"""

from __future__ import annotations

import base64
import string
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from tests.checks.secrets.tokens import B64, HEX, URLSAFE, MoreTokens

UPPER_DIGITS = string.ascii_uppercase + string.digits
LOWER_DIGITS = string.ascii_lowercase + string.digits


@dataclass(frozen=True)
class RuleSample:
    """A rule, the key its value sits under, and the value (a token, a URL, a password)."""

    rule: str
    key: str
    value: str
    kind: str  # "provider" (a prefix of its own), "keyword" (needs its key), "generic"


class SaasTokens(MoreTokens):
    """Shapes of the SaaS rules (checks/secrets/saas_rules.py) and the keyword rules."""

    def airtable(self) -> str:
        return "pa" + "t" + self.chars(14) + "." + self.chars(64, HEX)

    def alibaba(self) -> str:
        return "LT" + "AI" + self.chars(20)

    def artifactory(self) -> str:
        return "AK" + "Cp" + self.chars(69)

    def clojars(self) -> str:
        return "CLOJARS" + "_" + self.chars(60, LOWER_DIGITS)

    def contentful(self) -> str:
        return "CFP" + "AT-" + self.chars(43, URLSAFE)

    def duffel(self) -> str:
        return "duffel" + "_live_" + self.chars(43, URLSAFE)

    def dynatrace(self) -> str:
        return "dt0" + "c01." + self.chars(24, UPPER_DIGITS) + "." + self.chars(64, UPPER_DIGITS)

    def easypost(self) -> str:
        return "EZ" + "AK" + self.chars(54)

    def frameio(self) -> str:
        return "fio" + "-u-" + self.chars(64, URLSAFE)

    def flutterwave(self) -> str:
        return "FLWSECK" + "-" + self.chars(32, HEX) + "-X"

    def harness(self) -> str:
        return ("pa" + "t." + self.chars(22, URLSAFE) + "." + self.chars(24, LOWER_DIGITS) + "."
                + self.chars(20))

    def infracost(self) -> str:
        return "ic" + "o-" + self.chars(32)

    def intra42(self) -> str:
        return "s-s4" + "t2ud-" + self.chars(64, HEX)

    def langsmith(self) -> str:
        return "lsv2" + "_pt_" + self.chars(32, HEX) + "_" + self.chars(10, HEX)

    def mapbox(self) -> str:
        return "sk" + ".eyJ" + self.chars(60, URLSAFE) + "." + self.chars(22, URLSAFE)

    def maxmind(self) -> str:
        return self.chars(6) + "_" + self.chars(29) + "_m" + "mk"

    def notion(self) -> str:
        return "nt" + "n_" + self.chars(11, string.digits) + self.chars(35)

    def prefect(self) -> str:
        return "pn" + "u_" + self.chars(36)

    def readme(self) -> str:
        return "rd" + "me_" + self.chars(70, LOWER_DIGITS)

    def scalingo(self) -> str:
        return "tk-" + "us-" + self.chars(48, URLSAFE)

    def brevo(self) -> str:
        return "xkey" + "sib-" + self.chars(64, HEX) + "-" + self.chars(16)

    def shippo(self) -> str:
        return "ship" + "po_live_" + self.chars(40, HEX)

    def octopus(self) -> str:
        return "AP" + "I-" + self.chars(26, UPPER_DIGITS)

    def openshift(self) -> str:
        return "sha" + "256~" + self.chars(43, URLSAFE)

    def planetscale(self) -> str:
        return "pscale" + "_tkn_" + self.chars(43, URLSAFE)

    def typeform(self) -> str:
        return "tf" + "p_" + self.chars(59, URLSAFE)

    def settlemint(self) -> str:
        return "sm" + "_pat_" + self.chars(16)

    def sourcegraph(self) -> str:
        return "sg" + "p_" + self.chars(16, HEX) + "_" + self.chars(40, HEX)

    def newrelic_browser(self) -> str:
        return "NR" + "JS-" + self.chars(19, HEX)

    def adobe(self) -> str:
        return "p8" + "e-" + self.chars(32, URLSAFE)

    def defined_networking(self) -> str:
        return ("dn" + "key-" + self.chars(26, LOWER_DIGITS) + "-"
                + self.chars(52, LOWER_DIGITS))

    def plaid(self) -> str:
        return "access-" + "production-" + str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def okta(self) -> str:
        return "0" + "0" + self.chars(40, URLSAFE)

    def uuid4(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def facebook(self) -> str:
        return "EA" + "AG" + self.chars(180)

    def sonarqube(self) -> str:
        return "sq" + "p_" + self.chars(40, HEX)

    def lob(self) -> str:
        return "te" + "st_" + self.chars(35, HEX)

    def bedrock(self) -> str:
        """A short-lived key: base64 of a presigned URL (random bytes as its signature part)."""
        url = b"bedrock.amazonaws.com/?Action=CallWithBearerToken&X-Amz-Signature="
        body = url + self.rng.randbytes(96)
        return "bedrock-" + "api-key-" + base64.b64encode(body).decode()


def samples(seed: int) -> list[RuleSample]:
    """A fresh sample for every rule id of the secrets check."""
    t = SaasTokens(seed)
    provider: list[tuple[str, str, Callable[[], str]]] = [
        ("github-pat", "GITHUB_TOKEN", t.github),
        ("github-fine-grained-pat", "GH_PAT", t.github_fine_grained),
        ("github-oauth-token", "GH_OAUTH_TOKEN", lambda: t.github("gho_")),
        ("github-app-token", "INSTALLATION_TOKEN", lambda: t.github("ghs_")),
        ("github-refresh-token", "GH_REFRESH", lambda: t.github("ghr_")),
        ("gitlab-pat", "GITLAB_TOKEN", t.gitlab),
        ("gitlab-token", "RUNNER_TOKEN", t.gitlab_runner),
        ("aws-access-key-id", "AWS_ACCESS_KEY_ID", t.aws_key_id),
        ("google-api-key", "MAPS_API_KEY", t.google_api_key),
        ("azure-storage-connection-string", "STORAGE",
         lambda: "DefaultEndpointsProtocol=https;AccountName=acmeprod;AccountKey="
         + t.azure_account_key() + ";EndpointSuffix=core.windows.net"),
        ("azure-shared-access-key", "BUS",
         lambda: "Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=Root;"
         "SharedAccessKey=" + t.chars(43, B64) + "="),
        ("azure-sas-token", "EXPORT_URL",
         lambda: "https://acme.blob.core.windows.net/x?" + t.azure_sas_query()),
        ("slack-token", "SLACK_BOT_TOKEN", t.slack_bot),
        ("slack-webhook-url", "SLACK_WEBHOOK", t.slack_webhook),
        ("stripe-secret-key", "STRIPE_SECRET_KEY", t.stripe),
        ("stripe-restricted-key", "STRIPE_KEY", lambda: t.stripe("rk")),
        ("stripe-webhook-secret", "STRIPE_WEBHOOK_SECRET", t.stripe_webhook),
        ("twilio-api-key", "TWILIO_API_KEY", t.twilio),
        ("sendgrid-api-key", "SENDGRID_API_KEY", t.sendgrid),
        ("mailgun-api-key", "MAILGUN_API_KEY", t.mailgun),
        ("npm-token", "NPM_TOKEN", t.npm),
        ("pypi-token", "PYPI_TOKEN", t.pypi),
        ("anthropic-api-key", "ANTHROPIC_API_KEY", t.anthropic),
        ("openai-api-key", "OPENAI_API_KEY", t.openai),
        ("discord-bot-token", "DISCORD_TOKEN", t.discord),
        ("discord-webhook-url", "DISCORD_HOOK",
         lambda: "https://discord.com/api/webhooks/" + t.chars(18, string.digits) + "/"
         + t.chars(68, URLSAFE)),
        ("telegram-bot-token", "TELEGRAM_BOT_TOKEN", t.telegram),
        ("shopify-token", "SHOPIFY_ACCESS_TOKEN", t.shopify),
        ("jwt", "SERVICE_JWT", t.jwt),
        ("vault-service-token", "VAULT_TOKEN", t.vault_service),
        ("vault-batch-token", "VAULT_BATCH", t.vault_batch),
        ("terraform-cloud-token", "TFC_TOKEN", t.terraform),
        ("pulumi-access-token", "PULUMI_ACCESS_TOKEN", t.pulumi),
        ("doppler-token", "DOPPLER_TOKEN", t.doppler),
        ("1password-secret-key", "OP_SECRET_KEY", t.onepassword_secret_key),
        ("1password-service-account-token", "OP_SERVICE_ACCOUNT_TOKEN",
         t.onepassword_service_account),
        ("age-secret-key", "SOPS_AGE_KEY", t.age),
        ("tailscale-key", "TS_AUTHKEY", t.tailscale),
        ("digitalocean-token", "DO_TOKEN", t.digitalocean),
        ("cloudflare-origin-ca-key", "ORIGIN_CA_KEY", t.cloudflare_origin_ca),
        ("heroku-api-key", "HEROKU_API_KEY", t.heroku),
        ("flyio-token", "FLY_API_TOKEN", t.flyio),
        ("databricks-token", "DATABRICKS_TOKEN", t.databricks),
        ("grafana-api-key", "GRAFANA_KEY", t.grafana_legacy),
        ("grafana-cloud-token", "GRAFANA_CLOUD_TOKEN", t.grafana_cloud),
        ("grafana-service-account-token", "GRAFANA_TOKEN", t.grafana_service_account),
        ("new-relic-user-api-key", "NEW_RELIC_API_KEY", t.new_relic_user),
        ("new-relic-insert-key", "NEW_RELIC_INSERT_KEY", t.new_relic_insert),
        ("sentry-org-token", "SENTRY_AUTH_TOKEN", t.sentry_org),
        ("sentry-user-token", "SENTRY_USER_TOKEN", t.sentry_user),
        ("atlassian-api-token", "JIRA_API_TOKEN", t.atlassian),
        ("linear-api-key", "LINEAR_API_KEY", t.linear),
        ("postman-api-key", "POSTMAN_API_KEY", t.postman),
        ("huggingface-token", "HF_TOKEN", t.huggingface),
        ("gcp-oauth-client-secret", "GOOGLE_CLIENT_SECRET", t.google_oauth_secret),
        ("rubygems-api-key", "GEM_HOST_API_KEY", t.rubygems),
        ("supabase-access-token", "SUPABASE_ACCESS_TOKEN", t.supabase),
        ("square-access-token", "SQUARE_ACCESS_TOKEN", t.square),
        ("square-oauth-secret", "SQUARE_APP_SECRET", t.square_oauth),
        ("mailchimp-api-key", "MAILCHIMP_API_KEY", t.mailchimp),
        ("twitter-bearer-token", "TWITTER_BEARER_TOKEN", t.twitter_bearer),
        ("azure-ad-client-secret", "AZURE_CLIENT_SECRET", t.azure_ad),
        ("replicate-api-token", "REPLICATE_API_TOKEN", t.replicate),
        ("groq-api-key", "GROQ_API_KEY", t.groq),
        ("perplexity-api-key", "PPLX_API_KEY", t.perplexity),
        ("airtable-pat", "AIRTABLE_TOKEN", t.airtable),
        ("alibaba-access-key-id", "ALIBABA_ACCESS_KEY_ID", t.alibaba),
        ("artifactory-api-key", "ARTIFACTORY_API_KEY", t.artifactory),
        ("clojars-token", "CLOJARS_DEPLOY_TOKEN", t.clojars),
        ("contentful-pat", "CONTENTFUL_MANAGEMENT_TOKEN", t.contentful),
        ("duffel-token", "DUFFEL_ACCESS_TOKEN", t.duffel),
        ("dynatrace-token", "DT_API_TOKEN", t.dynatrace),
        ("easypost-api-key", "EASYPOST_API_KEY", t.easypost),
        ("frameio-token", "FRAMEIO_TOKEN", t.frameio),
        ("flutterwave-secret-key", "FLW_SECRET_KEY", t.flutterwave),
        ("harness-token", "HARNESS_PLATFORM_API_KEY", t.harness),
        ("infracost-api-key", "INFRACOST_API_KEY", t.infracost),
        ("intra42-client-secret", "FT_CLIENT_SECRET", t.intra42),
        ("langsmith-api-key", "LANGSMITH_API_KEY", t.langsmith),
        ("mapbox-secret-token", "MAPBOX_SECRET_TOKEN", t.mapbox),
        ("maxmind-license-key", "MAXMIND_LICENSE_KEY", t.maxmind),
        ("notion-token", "NOTION_TOKEN", t.notion),
        ("prefect-api-key", "PREFECT_API_KEY", t.prefect),
        ("readme-api-key", "README_API_KEY", t.readme),
        ("scalingo-api-token", "SCALINGO_API_TOKEN", t.scalingo),
        ("brevo-api-key", "BREVO_API_KEY", t.brevo),
        ("shippo-api-token", "SHIPPO_API_TOKEN", t.shippo),
        ("octopus-deploy-api-key", "OCTOPUS_API_KEY", t.octopus),
        ("openshift-user-token", "OPENSHIFT_TOKEN", t.openshift),
        ("planetscale-token", "PLANETSCALE_SERVICE_TOKEN", t.planetscale),
        ("typeform-pat", "TYPEFORM_TOKEN", t.typeform),
        ("settlemint-token", "SETTLEMINT_ACCESS_TOKEN", t.settlemint),
        ("sourcegraph-token", "SRC_ACCESS_TOKEN", t.sourcegraph),
        ("new-relic-browser-key", "NEW_RELIC_BROWSER_KEY", t.newrelic_browser),
        ("adobe-client-secret", "ADOBE_CLIENT_SECRET", t.adobe),
        ("defined-networking-key", "DN_API_KEY", t.defined_networking),
        ("plaid-access-token", "PLAID_ACCESS_TOKEN", t.plaid),
        ("lob-api-key", "LOB_API_KEY", t.lob),
        ("facebook-access-token", "FB_PAGE_ACCESS_TOKEN", t.facebook),
        ("sonarqube-token", "SONAR_TOKEN", t.sonarqube),
        ("aws-bedrock-api-key", "AWS_BEARER_TOKEN_BEDROCK", t.bedrock),
    ]
    keyword: list[tuple[str, str, Callable[[], str]]] = [
        ("okta-api-token", "OKTA_API_TOKEN", t.okta),
        ("datadog-api-key", "DD_API_KEY", lambda: t.chars(32, HEX)),
        ("cloudflare-api-token", "CLOUDFLARE_API_TOKEN", lambda: t.chars(40, URLSAFE)),
        ("heroku-api-key-legacy", "HEROKU_API_KEY", t.uuid4),
        ("snyk-token", "SNYK_TOKEN", t.uuid4),
        ("hubspot-api-key", "HUBSPOT_API_KEY", t.uuid4),
        ("messagebird-api-key", "MESSAGEBIRD_ACCESS_KEY", lambda: t.chars(25)),
        ("kucoin-api-secret", "KUCOIN_API_SECRET", t.uuid4),
        ("squarespace-api-key", "SQUARESPACE_API_KEY", t.uuid4),
        ("discord-client-secret", "DISCORD_CLIENT_SECRET", lambda: t.chars(32, URLSAFE)),
    ]
    generic: list[tuple[str, str, Callable[[], str]]] = [
        ("generic-secret", "DB_PASSWORD", t.password),
        ("aws-secret-access-key", "AWS_SECRET_ACCESS_KEY", t.aws_secret),
        ("url-credentials", "DATABASE_URL",
         lambda: f"postgres://app:{t.chars(20)}@db.prod.acme.io:5432/app"),
    ]
    return ([RuleSample(r, k, make(), "provider") for r, k, make in provider]
            + [RuleSample(r, k, make(), "keyword") for r, k, make in keyword]
            + [RuleSample(r, k, make(), "generic") for r, k, make in generic])
