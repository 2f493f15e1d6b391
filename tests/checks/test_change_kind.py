"""What kind of edit a source file got, on real diff text from merged commits of public repos.

Each excerpt is a few lines of a real commit (repository and commit named above it); only the
lines shown are copied. The tests check asks for a test only when the kind is behaviour.
"""
# ruff: noqa: E501, E101 (real `git diff` text: long paths, and Go source indents with tabs)

from __future__ import annotations

import pytest

import checks
from checks.change_kind import ChangeKind, classify_change
from checks.model import CheckResult, Status
from checks.snapshot import load_snapshot


def _kind(diff: str) -> ChangeKind:
    changed = load_snapshot({"title": "x", "diff": diff}).files[0]
    return classify_change(changed, lambda text: bool(text.strip()) and not
                           text.lstrip().startswith(("//", "#")))


def _tests(diff: str, repo_files: list[str] | None = None) -> CheckResult:
    doc: dict[str, object] = {"title": "x", "diff": diff}
    if repo_files is not None:
        doc["repo_files"] = repo_files
    return checks.run(doc, only={"tests"}).check("tests")


# pressly/goose 8b1f056e1126252241ea49a2233d442d87442d20 "delete unused value:duplicateCheckOnce"
GOOSE_DELETE = """\
diff --git a/goose.go b/goose.go
index 8ce57d2..0e692c2 100644
--- a/goose.go
+++ b/goose.go
@@ -4,13 +4,11 @@ import (
 	"database/sql"
 	"fmt"
 	"strconv"
-	"sync"
 )
 
 const VERSION = "v2.7.0-rc3"
 
 var (
-	duplicateCheckOnce sync.Once
 	minVersion         = int64(0)
 	maxVersion         = int64((1 << 63) - 1)
 	timestampFormat    = "20060102150405"
"""

# pressly/goose ff32c04cfd500fae2b00607059ae0a79025bac52 "Adopt Go modules as /v3 (#261)"
GOOSE_V3 = """\
diff --git a/cmd/goose/main.go b/cmd/goose/main.go
index 04b07f3..e2e9947 100644
--- a/cmd/goose/main.go
+++ b/cmd/goose/main.go
@@ -6,7 +6,7 @@ import (
 	"log"
 	"os"
 
-	"github.com/pressly/goose"
+	"github.com/pressly/goose/v3"
 )
 
 var (
diff --git a/examples/go-migrations/main.go b/examples/go-migrations/main.go
index d9b3470..1a34074 100644
--- a/examples/go-migrations/main.go
+++ b/examples/go-migrations/main.go
@@ -7,7 +7,7 @@ import (
 	"log"
 	"os"
 
-	"github.com/pressly/goose"
+	"github.com/pressly/goose/v3"
 
 	_ "github.com/mattn/go-sqlite3"
 )
"""

# pressly/goose cf53a22 (internal/dialect/dialects.go): one enum-like constant in a `const (` block
GOOSE_CONST = """\
diff --git a/internal/dialect/dialects.go b/internal/dialect/dialects.go
index 6ab06e5..acf0642 100644
--- a/internal/dialect/dialects.go
+++ b/internal/dialect/dialects.go
@@ -14,4 +14,5 @@ const (
 	Vertica    Dialect = "vertica"
 	Ydb        Dialect = "ydb"
 	Turso      Dialect = "turso"
+	Starrocks  Dialect = "starrocks"
 )
"""

# pressly/goose 286883a "add db fix as well" (dialect.go): one method added to an interface
GOOSE_INTERFACE = """\
diff --git a/dialect.go b/dialect.go
index edc2c35..1f21aa6 100644
--- a/dialect.go
+++ b/dialect.go
@@ -10,6 +10,7 @@ import (
 type SQLDialect interface {
 	createVersionTableSQL() string // sql string to create the db version table
 	insertVersionSQL() string      // sql string to insert the initial version table row
+	updateVersionSQL() string      // sql string to update version
 	dbVersionQuery(db *sql.DB) (*sql.Rows, error)
 }
 
"""

# documenso/documenso d6cf3fec4 "feat: unify settings (#3128)" (packages/lib/constants/cookies.ts)
DOCUMENSO_CONST = """\
diff --git a/packages/lib/constants/cookies.ts b/packages/lib/constants/cookies.ts
new file mode 100644
index 000000000..9bd959928
--- /dev/null
+++ b/packages/lib/constants/cookies.ts
@@ -0,0 +1 @@
+export const PREFERRED_TEAM_URL_COOKIE = 'preferred-team-url';
"""

# jazzband/django-taggit 2e9a592 "Change unique_together declaration to a unique constraint"
TAGGIT_META = """\
diff --git a/taggit/models.py b/taggit/models.py
index 1f2a3b4..5c6d7e8 100644
--- a/taggit/models.py
+++ b/taggit/models.py
@@ -188,4 +188,9 @@ class TaggedItem(GenericTaggedItemBase, TaggedItemBase):
         verbose_name_plural = _("tagged items")
         app_label = "taggit"
         index_together = [["content_type", "object_id"]]
-        unique_together = [["content_type", "object_id", "tag"]]
+        constraints = [
+            models.UniqueConstraint(
+                fields=("content_type", "object_id", "tag"),
+                name="taggit_taggeditem_content_type_id_object_id_tag_id_4bb97a8e_uniq",
+            )
+        ]
"""

# pressly/goose ea49266 "Add missing error check" (migrate.go): a new branch
GOOSE_BRANCH = """\
diff --git a/migrate.go b/migrate.go
index 5529442..3e21426 100644
--- a/migrate.go
+++ b/migrate.go
@@ -275,6 +275,9 @@ func EnsureDBVersion(db *sql.DB) (int64, error) {
 		// latest version of migration has not been applied.
 		toSkip = append(toSkip, row.VersionID)
 	}
+	if err := rows.Err(); err != nil {
+		return 0, errors.Wrap(err, "failed to get next row")
+	}
 
 	return 0, ErrNoNextVersion
 }
"""

# documenso/documenso 886c40a46 "fix: add constraint on name schema (#2866)": a new validation
DOCUMENSO_RULE = """\
diff --git a/packages/lib/constants/auth.ts b/packages/lib/constants/auth.ts
index 91560505e..2561c8e90 100644
--- a/packages/lib/constants/auth.ts
+++ b/packages/lib/constants/auth.ts
@@ -14,6 +14,7 @@ export const ZNameSchema = z
   .string()
   .trim()
   .min(3, { message: 'Please enter a valid name.' })
+  .max(255, { message: 'Name cannot be more than 255 characters.' })
   .refine((value) => !URL_PATTERN.test(value), {
     message: 'Name cannot contain URLs.',
   });
"""

# pennersr/django-allauth fa0766872 "fix(httpkit): prevent KeyError when REMOTE_ADDR is missing"
ALLAUTH_CHANGED_CALL = """\
diff --git a/allauth/core/internal/httpkit.py b/allauth/core/internal/httpkit.py
index 1111111..2222222 100644
--- a/allauth/core/internal/httpkit.py
+++ b/allauth/core/internal/httpkit.py
@@ -216,6 +216,6 @@ def get_client_ip(request: HttpRequest) -> str | None:
     else:
         ip = get_client_ip_from_xff(request)
         if not ip:
-            ip = request.META["REMOTE_ADDR"]
+            ip = request.META.get("REMOTE_ADDR")
     return clean_client_ip(ip) if ip else None
 
"""

# pressly/goose 94c2f51: `rename parser.go => sql_parser.go (100%)`
GOOSE_RENAME = """\
diff --git a/parser.go b/sql_parser.go
similarity index 100%
rename from parser.go
rename to sql_parser.go
"""


@pytest.mark.parametrize(("diff", "kind"), [
    (GOOSE_DELETE, ChangeKind.DELETIONS),
    (GOOSE_V3, ChangeKind.IMPORTS),
    (GOOSE_CONST, ChangeKind.DECLARATIONS),
    (GOOSE_INTERFACE, ChangeKind.DECLARATIONS),
    (DOCUMENSO_CONST, ChangeKind.DECLARATIONS),
    (TAGGIT_META, ChangeKind.SCHEMA),
    (GOOSE_BRANCH, ChangeKind.BEHAVIOUR),
    (DOCUMENSO_RULE, ChangeKind.BEHAVIOUR),
    (ALLAUTH_CHANGED_CALL, ChangeKind.BEHAVIOUR),
], ids=["deletion", "import-path", "const-member", "interface-method", "ts-constant",
        "django-meta", "new-branch", "new-validation", "changed-call"])
def test_real_edits_are_told_apart(diff: str, kind: ChangeKind) -> None:
    assert _kind(diff) is kind


@pytest.mark.parametrize(("diff", "reason"), [
    (GOOSE_DELETE, "only lines removed"),
    (GOOSE_V3, "only imports or package paths changed"),
    (GOOSE_CONST, "only fields, constants or enum members added"),
    (TAGGIT_META, "only model field or table options declared"),
])
def test_no_test_is_asked_for_edits_without_behaviour(diff: str, reason: str) -> None:
    result = _tests(diff)
    assert result.status is Status.PASS
    assert reason in result.summary


def test_a_pure_rename_needs_no_test() -> None:
    result = _tests(GOOSE_RENAME)
    assert result.status is Status.PASS
    assert result.summary == "Only renames."


@pytest.mark.parametrize(("diff", "what"), [
    (GOOSE_BRANCH, "branches"), (DOCUMENSO_RULE, "changed calls or expressions"),
])
def test_behaviour_still_asks_and_says_what_changed(diff: str, what: str) -> None:
    result = _tests(diff)
    assert result.status is Status.FAIL
    assert f"({what}) but no test changed" in result.findings[0].message


def test_constant_value_change_is_behaviour() -> None:
    diff = GOOSE_DELETE.replace('-\tduplicateCheckOnce sync.Once\n',
                                '-\ttimestampFormat    = "20060102"\n+\ttimestampFormat    = "20060102150405"\n')
    diff = diff.replace("@@ -4,13 +4,11 @@", "@@ -4,13 +4,12 @@")
    assert _kind(diff) is ChangeKind.BEHAVIOUR


# pressly/goose 992628dd "Rename CheckPending to GetVersions (#764)", first hunk of each file: the
# method is renamed in provider.go and the integration test calling it is updated;
# provider_test.go is left alone.
GOOSE_RENAME_METHOD = """\
diff --git a/internal/testing/integration/postgres_locking_test.go b/internal/testing/integration/postgres_locking_test.go
index 465bac9..76413ba 100644
--- a/internal/testing/integration/postgres_locking_test.go
+++ b/internal/testing/integration/postgres_locking_test.go
@@ -437,7 +437,7 @@ func TestPostgresPending(t *testing.T) {
 				hasPending, err := p.HasPending(context.Background())
 				check.NoError(t, err)
 				boolCh <- hasPending
-				current, target, err := p.CheckPending(context.Background())
+				current, target, err := p.GetVersions(context.Background())
 				check.NoError(t, err)
 				check.Number(t, current, int64(wantCurrent))
 				check.Number(t, target, int64(wantTarget))
diff --git a/provider.go b/provider.go
index 091c1b5..1c6c53c 100644
--- a/provider.go
+++ b/provider.go
@@ -163,17 +163,12 @@ func (p *Provider) HasPending(ctx context.Context) (bool, error) {
 	return p.hasPending(ctx)
 }
 
-// CheckPending returns the current database version and the target version to migrate to. If there
-// are no pending migrations, the target version will be the same as the current version.
+// GetVersions returns the max database version and the target version to migrate to.
 //
 // Note, this method will not use a SessionLocker if one is configured. This allows callers to check
-// for pending migrations without blocking or being blocked by other operations.
-//
-// If out-of-order migrations are enabled this method is not suitable for checking pending
-// migrations because it ONLY returns the highest version in the database. Instead, use the
-// [HasPending] method.
-func (p *Provider) CheckPending(ctx context.Context) (current, target int64, err error) {
-	return p.checkPending(ctx)
+// for versions without blocking or being blocked by other operations.
+func (p *Provider) GetVersions(ctx context.Context) (current, target int64, err error) {
+	return p.getVersions(ctx)
 }
 
 // GetDBVersion returns the highest version recorded in the database, regardless of the order in
"""


def test_a_test_elsewhere_that_uses_the_changed_code_counts_and_is_named() -> None:
    repo = ["provider.go", "provider_test.go",
            "internal/testing/integration/postgres_locking_test.go"]
    result = _tests(GOOSE_RENAME_METHOD, repo)
    assert result.status is Status.PASS
    assert ("provider.go by internal/testing/integration/postgres_locking_test.go "
            "(uses CheckPending)") in result.summary


def test_a_test_elsewhere_that_does_not_touch_the_module_does_not_count() -> None:
    unrelated = GOOSE_RENAME_METHOD.replace(
        "-\t\t\t\tcurrent, target, err := p.CheckPending(context.Background())\n"
        "+\t\t\t\tcurrent, target, err := p.GetVersions(context.Background())\n",
        "-\t\t\t\tcurrent, target, err := p.Versions(context.Background())\n"
        "+\t\t\t\tcurrent, target, err := p.Status(context.Background())\n")
    assert unrelated != GOOSE_RENAME_METHOD
    result = _tests(unrelated, ["provider.go", "provider_test.go",
                                "internal/testing/integration/postgres_locking_test.go"])
    assert result.status is Status.WARN
    assert "provider_test.go was not updated" in result.findings[0].message


# eclipse-hawkbit/hawkbit 596590ab6 "Bump spring-boot to 4.1.1 (#3306)": a validation annotation
# added to an entity field.
HAWKBIT_FIELD_ANNOTATION = """\
diff --git a/hawkbit-repository/hawkbit-repository-jpa/src/main/java/org/eclipse/hawkbit/repository/jpa/model/JpaRollout.java b/hawkbit-repository/hawkbit-repository-jpa/src/main/java/org/eclipse/hawkbit/repository/jpa/model/JpaRollout.java
index 1111111..2222222 100644
--- a/hawkbit-repository/hawkbit-repository-jpa/src/main/java/org/eclipse/hawkbit/repository/jpa/model/JpaRollout.java
+++ b/hawkbit-repository/hawkbit-repository-jpa/src/main/java/org/eclipse/hawkbit/repository/jpa/model/JpaRollout.java
@@ -155,6 +155,7 @@ public class JpaRollout extends AbstractJpaNamedEntity implements Rollout, Event
     // it explicitly (by id) via RolloutRepository. It must never be read off the managed entity - a plain field read
     // would not trigger the lazy fault-in and would silently return null.
     @Basic(fetch = FetchType.LAZY)
+    @Size(max = Rollout.ACCESS_CONTROL_CONTEXT_MAX_SIZE)
     private String accessControlContext;
 
     @Setter
"""

# jellyfin/jellyfin 682c45090c (#17698): an attribute added to an obsolete property.
JELLYFIN_PROPERTY_ATTRIBUTE = """\
diff --git a/MediaBrowser.Model/Dlna/TranscodingProfile.cs b/MediaBrowser.Model/Dlna/TranscodingProfile.cs
index 1111111..2222222 100644
--- a/MediaBrowser.Model/Dlna/TranscodingProfile.cs
+++ b/MediaBrowser.Model/Dlna/TranscodingProfile.cs
@@ -141,6 +141,7 @@ public class TranscodingProfile
     /// Gets or sets a value indicating whether breaking the video stream on non-keyframes is supported.
     /// </summary>
     [DefaultValue(false)]
+    [XmlIgnore]
     [XmlAttribute("breakOnNonKeyFrames")]
     [Obsolete("This is always false")]
     public bool? BreakOnNonKeyFrames { get; set; }
"""

# eclipse-hawkbit/hawkbit a1aeb7778 "Fix JpaDeploymentManagement @Transactionl write declarations
# (#3295)", first hunk: an annotation on a method changes how it runs.
HAWKBIT_METHOD_ANNOTATION = """\
diff --git a/hawkbit-repository/hawkbit-repository-jpa/src/main/java/org/eclipse/hawkbit/repository/jpa/management/JpaDeploymentManagement.java b/hawkbit-repository/hawkbit-repository-jpa/src/main/java/org/eclipse/hawkbit/repository/jpa/management/JpaDeploymentManagement.java
index 6da8efafd..4cc4f141b 100644
--- a/hawkbit-repository/hawkbit-repository-jpa/src/main/java/org/eclipse/hawkbit/repository/jpa/management/JpaDeploymentManagement.java
+++ b/hawkbit-repository/hawkbit-repository-jpa/src/main/java/org/eclipse/hawkbit/repository/jpa/management/JpaDeploymentManagement.java
@@ -375,7 +375,7 @@ public class JpaDeploymentManagement extends JpaActionManagement implements Depl
     }
 
     @Override
-    @Transactional
+    @Transactional(isolation = Isolation.READ_COMMITTED)
     @Retryable(includes = ConcurrencyFailureException.class, maxRetriesString = Constants.RETRY_MAX, delayString = Constants.RETRY_DELAY)
     public Action forceTargetAction(final long actionId) {
         final JpaAction action = actionRepository.findById(actionId)
"""

# outline/outline d77dcdf853 "fix: Document update rejected when preferences are null (#13525)":
# a property of a type literal changes its type.
OUTLINE_RETYPED = """\
diff --git a/server/commands/documentUpdater.ts b/server/commands/documentUpdater.ts
index 1111111..2222222 100644
--- a/server/commands/documentUpdater.ts
+++ b/server/commands/documentUpdater.ts
@@ -25,7 +25,7 @@ type Props = {
   /** If the document should be displayed full-width on the screen */
   fullWidth?: boolean;
   /** Display preferences for the document, merged with existing values */
-  preferences?: DocumentPreferences;
+  preferences?: DocumentPreferences | null;
   /** Whether insights should be visible on the document */
   insightsEnabled?: boolean;
   /** The edit mode: "replace", "append", "prepend", or "patch" */
"""


@pytest.mark.parametrize(("diff", "kind"), [
    (HAWKBIT_FIELD_ANNOTATION, ChangeKind.SCHEMA),
    (JELLYFIN_PROPERTY_ATTRIBUTE, ChangeKind.SCHEMA),
    (HAWKBIT_METHOD_ANNOTATION, ChangeKind.BEHAVIOUR),
    (OUTLINE_RETYPED, ChangeKind.DECLARATIONS),
], ids=["java-field-annotation", "csharp-property-attribute", "java-method-annotation",
        "ts-member-retyped"])
def test_annotations_and_types_are_told_apart(diff: str, kind: ChangeKind) -> None:
    assert _kind(diff) is kind


def test_a_retyped_member_that_is_renamed_or_given_a_value_is_behaviour() -> None:
    renamed = OUTLINE_RETYPED.replace("+  preferences?: DocumentPreferences | null;",
                                      "+  prefs?: DocumentPreferences | null;")
    valued = OUTLINE_RETYPED.replace("+  preferences?: DocumentPreferences | null;",
                                     "+  preferences?: DocumentPreferences = {};")
    assert renamed != OUTLINE_RETYPED and valued != OUTLINE_RETYPED
    assert _kind(renamed) is ChangeKind.BEHAVIOUR
    assert _kind(valued) is ChangeKind.BEHAVIOUR


# jellyfin/jellyfin fb50b4df8b "Stop user updates from orphaning permission and preference rows
# (#17645)": UserManager's first hunk, and the first lines of the new test of its UpdateUser.
JELLYFIN_ASPECT_TEST = """\
diff --git a/Jellyfin.Server.Implementations/Users/UserManager.cs b/Jellyfin.Server.Implementations/Users/UserManager.cs
index 932ced547a..fea6084267 100644
--- a/Jellyfin.Server.Implementations/Users/UserManager.cs
+++ b/Jellyfin.Server.Implementations/Users/UserManager.cs
@@ -225,19 +225,8 @@ namespace Jellyfin.Server.Implementations.Users
                         ?? throw new ResourceNotFoundException(nameof(user.Id));
 
                     dbContext.Entry(dbUser).CurrentValues.SetValues(user);
-                    dbContext.Permissions.RemoveRange(dbUser.Permissions);
-                    dbUser.Permissions.Clear();
-                    foreach (var permission in user.Permissions)
-                    {
-                        dbUser.Permissions.Add(new Permission(permission.Kind, permission.Value));
-                    }
-
-                    dbContext.Preferences.RemoveRange(dbUser.Preferences);
-                    dbUser.Preferences.Clear();
-                    foreach (var preference in user.Preferences)
-                    {
-                        dbUser.Preferences.Add(new Preference(preference.Kind, preference.Value));
-                    }
+                    SyncPermissions(dbUser, user.Permissions);
+                    SyncPreferences(dbUser, user.Preferences);
 
                     dbUser.AccessSchedules.Clear();
                     foreach (var accessSchedule in user.AccessSchedules)
diff --git a/tests/Jellyfin.Server.Implementations.Tests/Users/UserManagerUpdateUserTests.cs b/tests/Jellyfin.Server.Implementations.Tests/Users/UserManagerUpdateUserTests.cs
new file mode 100644
index 0000000000..c940f92109
--- /dev/null
+++ b/tests/Jellyfin.Server.Implementations.Tests/Users/UserManagerUpdateUserTests.cs
@@ -0,0 +1,6 @@
+using System;
+using System.Collections.Generic;
+using System.IO;
+using System.Linq;
+using System.Threading;
+using System.Threading.Tasks;
"""
JELLYFIN_REPO = ["Jellyfin.Server.Implementations/Users/UserManager.cs",
                 "tests/Jellyfin.Server.Implementations.Tests/Users/UserManagerTests.cs",
                 "tests/Jellyfin.Server.Implementations.Tests/Users/UserManagerUpdateUserTests.cs"]


def test_a_test_of_one_aspect_of_a_class_counts_for_it() -> None:
    result = _tests(JELLYFIN_ASPECT_TEST, JELLYFIN_REPO)
    assert result.status is Status.PASS
    assert ("UserManager.cs by tests/Jellyfin.Server.Implementations.Tests/Users/"
            "UserManagerUpdateUserTests.cs (tests part of it)") in result.summary


def test_a_longer_name_that_is_a_class_of_its_own_does_not_count() -> None:
    repo = [*JELLYFIN_REPO, "Jellyfin.Server.Implementations/Users/UserManagerUpdateUser.cs"]
    result = _tests(JELLYFIN_ASPECT_TEST, repo)
    assert result.status is Status.WARN
    assert "UserManagerTests.cs was not updated" in result.findings[0].message


# koel/koel 0e72544 "fix: harden URL validation and the SSO callback (#2642)": RadioStreamService
# hands connecting to a new RadioStreamConnector, which comes with its own test (excerpts of the
# new files).
KOEL_DELEGATION = """\
diff --git a/app/Services/Radio/RadioStreamService.php b/app/Services/Radio/RadioStreamService.php
index 1111111..2222222 100644
--- a/app/Services/Radio/RadioStreamService.php
+++ b/app/Services/Radio/RadioStreamService.php
@@ -8,6 +8,7 @@ use Symfony\\Component\\HttpFoundation\\StreamedResponse;
 class RadioStreamService
 {
     public function __construct(
+        private readonly RadioStreamConnector $connector,
         private readonly RadioStreamProxy $proxy,
     ) {}
 
@@ -18,7 +19,7 @@ class RadioStreamService
     public function stream(RadioStation $station): StreamedResponse
     {
         return new StreamedResponse(function () use ($station) {
-            $stream = $this->proxy->openStream($station->url);
+            $stream = $this->connector->connect($station->url);
 
             if (!$stream) {
                 return;
diff --git a/app/Services/Radio/RadioStreamConnector.php b/app/Services/Radio/RadioStreamConnector.php
new file mode 100644
index 0000000..d214efc
--- /dev/null
+++ b/app/Services/Radio/RadioStreamConnector.php
@@ -0,0 +1,12 @@
+<?php
+
+namespace App\\Services\\Radio;
+
+use App\\Services\\Network\\Network;
+use Illuminate\\Support\\Uri;
+
+class RadioStreamConnector
+{
+    public function __construct(
+        private readonly Network $network,
+    ) {}
diff --git a/tests/Unit/Services/Radio/RadioStreamConnectorTest.php b/tests/Unit/Services/Radio/RadioStreamConnectorTest.php
new file mode 100644
index 0000000..4444444
--- /dev/null
+++ b/tests/Unit/Services/Radio/RadioStreamConnectorTest.php
@@ -0,0 +1,11 @@
+<?php
+
+namespace Tests\\Unit\\Services\\Radio;
+
+use App\\Services\\Network\\Network;
+use App\\Services\\Radio\\RadioStreamConnector;
+use Mockery;
+use PHPUnit\\Framework\\Attributes\\Test;
+use Tests\\TestCase;
+
+class RadioStreamConnectorTest extends TestCase
"""
KOEL_REPO = ["app/Services/Radio/RadioStreamService.php",
             "app/Services/Radio/RadioStreamConnector.php",
             "tests/Unit/Services/Radio/RadioStreamServiceTest.php",
             "tests/Unit/Services/Radio/RadioStreamConnectorTest.php"]


def test_a_change_handing_its_work_to_code_tested_in_the_pr_counts_and_says_so() -> None:
    result = _tests(KOEL_DELEGATION, KOEL_REPO)
    assert result.status is Status.PASS
    assert ("RadioStreamService.php by tests/Unit/Services/Radio/RadioStreamConnectorTest.php "
            "(uses RadioStreamConnector, changed with it)") in result.summary


def test_handing_work_to_untested_code_still_warns() -> None:
    # The same PR with the connector's test left out (and an excerpt of its Network test kept):
    # nothing tests what the service now calls.
    untested = KOEL_DELEGATION[:KOEL_DELEGATION.index("diff --git a/tests/")]
    unrelated_test = """\
diff --git a/tests/Unit/Services/Network/NetworkTest.php b/tests/Unit/Services/Network/NetworkTest.php
index 238ae882b..fc35aa8cb 100644
--- a/tests/Unit/Services/Network/NetworkTest.php
+++ b/tests/Unit/Services/Network/NetworkTest.php
@@ -101,3 +101,10 @@ class NetworkTest extends TestCase
         self::assertSame([], $this->network->resolveToPublicIps($wrapper));
     }
 
+    #[Test, DataProvider('provideAmbiguousIpv4Literals')]
+    public function rejectsIpv4LiteralsThatParsersDisagreeOn(string $literal): void
+    {
+        self::assertFalse($this->network->isPublicHost($literal));
+        self::assertSame([], $this->network->resolveToPublicIps($literal));
+    }
+
"""
    result = _tests(untested + unrelated_test, [*KOEL_REPO, "tests/Unit/Services/Network/NetworkTest.php"])
    assert result.status is Status.WARN
    assert any("RadioStreamServiceTest.php was not updated" in f.message for f in result.findings)


# Netflix/dispatch 11a85ecdc "fix(incident): submission form formatting changes (#6191)": an alert
# moves up the template, re-indented, and gets a top margin.
DISPATCH_MARKUP = """\
diff --git a/src/dispatch/static/dispatch/src/incident/ReportSubmissionCard.vue b/src/dispatch/static/dispatch/src/incident/ReportSubmissionCard.vue
index 1111111..2222222 100644
--- a/src/dispatch/static/dispatch/src/incident/ReportSubmissionCard.vue
+++ b/src/dispatch/static/dispatch/src/incident/ReportSubmissionCard.vue
@@ -25,6 +25,26 @@
           If you suspect an incident and need help, please fill out this form to the best of your
           abilities.
         </p>
+        <v-alert
+          v-if="project?.suggest_security_event_over_incident"
+          type="warning"
+          variant="tonal"
+          class="mt-4 mb-4"
+          density="compact"
+        >
+          <template #prepend>
+            <v-icon>mdi-security</v-icon>
+          </template>
+          <div>
+            <strong>Consider reporting as a Security Event instead</strong>
+            <br />
+            Please consider using the
+            <router-link :to="{ name: 'eventReport' }" class="text-decoration-none">
+              Security Event reporting page
+            </router-link>
+            for better handling and response.
+          </div>
+        </v-alert>
         <p v-if="project_faq">
           If you have additional questions, please check out the following FAQ document:
           <a :href="project_faq.weblink" target="_blank" style="text-decoration: none">
@@ -102,26 +122,6 @@
       </v-card-text>
       <v-card-actions>
         <div class="w-100">
-          <v-alert
-            v-if="project?.suggest_security_event_over_incident"
-            type="warning"
-            variant="tonal"
-            class="mb-4"
-            density="compact"
-          >
-            <template #prepend>
-              <v-icon>mdi-security</v-icon>
-            </template>
-            <div>
-              <strong>Consider reporting as a Security Event instead</strong>
-              <br />
-              Please consider using the
-              <router-link :to="{ name: 'eventReport' }" class="text-decoration-none">
-                Security Event reporting page
-              </router-link>
-              for better handling and response.
-            </div>
-          </v-alert>
           <v-btn
             color="info"
             block
"""


def test_a_moved_element_with_a_changed_class_is_presentation() -> None:
    assert _kind(DISPATCH_MARKUP) is ChangeKind.PRESENTATION
    assert "only static markup attributes changed" in _tests(DISPATCH_MARKUP).summary


def test_a_changed_binding_in_markup_is_behaviour() -> None:
    bound = DISPATCH_MARKUP.replace(
        '+          v-if="project?.suggest_security_event_over_incident"',
        '+          v-if="project?.suggest_security_event_over_incident && !submitted"')
    assert bound != DISPATCH_MARKUP
    assert _kind(bound) is ChangeKind.BEHAVIOUR


# --- reading a file's first lines, and the removed lines, cheaply ---------------------------------

def test_leading_first_gives_every_line_as_iterating_does() -> None:
    from checks.change_kind import leading_first
    from checks.lineruns import LineRuns

    # Two hunks (two runs of added lines), carriage returns at line ends and inside a line.
    diff = ("diff --git a/app.py b/app.py\nindex 1111111..2222222 100644\n--- a/app.py\n"
            "+++ b/app.py\n@@ -1,3 +1,5 @@\n a = 1\r\n+b = 2\r\n+c = '\r'\r\n+d = 4\n-e = 5\n"
            " f = 6\n@@ -10,1 +13,4 @@\n g = 7\n+h = 8\n+\n+i = 9")
    changed = load_snapshot({"title": "x", "diff": diff}).files[0]
    assert isinstance(changed.added, LineRuns)
    every = list(changed.added)
    assert [line.text for line in every] == ["b = 2", "c = '\r'", "d = 4", "h = 8", "", "i = 9"]
    for window in range(len(every) + 2):
        assert list(leading_first(changed.added, window)) == every
    assert list(leading_first(changed.removed, 1)) == list(changed.removed)
    assert list(leading_first((), 3)) == []


def test_statements_are_judged_new_by_whole_removed_lines() -> None:
    # Moved and re-indented: old lines. Inside a longer old line, or in an old comment: new.
    def edit(removed: list[str], added: list[str]) -> ChangeKind:
        return _kind("diff --git a/app.py b/app.py\nindex 1111111..2222222 100644\n"
                     "--- a/app.py\n+++ b/app.py\n"
                     f"@@ -1,{len(removed) + 1} +1,{len(added) + 1} @@\n def total(xs):\n"
                     + "".join(f"-{text}\n" for text in removed)
                     + "".join(f"+{text}\n" for text in added))

    assert edit(["    if xs:", "        return sum(xs)"],
                ["    if xs:  ", "\t\treturn sum(xs)"]) is ChangeKind.REORDERED
    assert edit(["    return sum(xs) + tax"], ["    return sum(xs)"]) is ChangeKind.BEHAVIOUR
    assert edit(["    x = 1  # return sum(xs)"], ["    return sum(xs)"]) is ChangeKind.BEHAVIOUR


def test_a_new_file_is_read_only_up_to_its_first_statement(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Iterating a diff view splits its whole run of lines: a 20,000-line new file whose
    # statement comes early is settled from its first lines (the tests check's code-line count
    # and its new-statement test alike).
    from checks import tests_touched
    from checks.change_kind import _adds_statement
    from checks.lineruns import LineRuns
    from tests.diffs import new_file

    changed = load_snapshot({"title": "x", "diff": new_file(
        "src/app.py", ["import os", "", "def main():", *["    x = 1"] * 20_000])}).files[0]
    iterated: list[int] = []
    real = LineRuns.__iter__
    monkeypatch.setattr(LineRuns, "__iter__", lambda self: iterated.append(1) or real(self))
    assert tests_touched._code_lines(changed, 1) == 1
    assert _adds_statement(changed, lambda text: bool(text.strip()))
    assert iterated == []


# fastapi/full-stack-fastapi-template 2fdd62ce "Add `ty` to precommit (#2227)": the type checker's
# suppressions name their error codes; the code on each line is the same.
TEMPLATE_TYPE_IGNORE_CODES = """\
diff --git a/backend/app/models.py b/backend/app/models.py
index b5132e0e..0ae3cf65 100644
--- a/backend/app/models.py
+++ b/backend/app/models.py
@@ -31,7 +31,7 @@ class UserRegister(SQLModel):
 
 # Properties to receive via API on update, all are optional
 class UserUpdate(UserBase):
-    email: EmailStr | None = Field(default=None, max_length=255)  # type: ignore
+    email: EmailStr | None = Field(default=None, max_length=255)  # type: ignore[assignment]
     password: str | None = Field(default=None, min_length=8, max_length=128)
 
 
@@ -80,7 +80,7 @@ class ItemCreate(ItemBase):
 
 # Properties to receive on item update
 class ItemUpdate(ItemBase):
-    title: str | None = Field(default=None, min_length=1, max_length=255)  # type: ignore
+    title: str | None = Field(default=None, min_length=1, max_length=255)  # type: ignore[assignment]
 
 
 # Database model, database table inferred from class name
"""


def test_only_trailing_comments_changed_is_not_behaviour() -> None:
    assert _kind(TEMPLATE_TYPE_IGNORE_CODES) is ChangeKind.TRAILING_COMMENTS
    assert _tests(TEMPLATE_TYPE_IGNORE_CODES).status is Status.PASS


def test_a_trailing_comment_edit_that_also_changes_code_is_behaviour() -> None:
    def edit(path: str, removed: str, added: str) -> ChangeKind:
        return _kind(f"diff --git a/{path} b/{path}\nindex 1111111..2222222 100644\n"
                     f"--- a/{path}\n+++ b/{path}\n@@ -1,2 +1,2 @@\n x = 1\n-{removed}\n+{added}\n")

    assert edit("app.py", "limit = 10  # type: ignore", "limit = 20  # type: ignore[assignment]"
                ) is ChangeKind.BEHAVIOUR
    # A `#` or `//` followed by a quote may sit inside a string literal: the line is code.
    assert edit("app.py", 'color = "#fff"  # old', 'color = "#000"  # old') is ChangeKind.BEHAVIOUR
    assert edit("app.js", 'const u = "http://a";', 'const u = "http://b";') is ChangeKind.BEHAVIOUR
    assert edit("main.go", "\tn := load() // nolint", "\tn := load() // nolint:errcheck"
                ) is ChangeKind.TRAILING_COMMENTS
    # Python's `//` is floor division, not a comment.
    assert edit("app.py", "half = n // 2", "half = n // 3") is ChangeKind.BEHAVIOUR


# netbox-community/netbox 044a627c3 "feat(dcim): Add SFP112 interface type for 100GE connections":
# a new choice constant and its (value, label) entry in the ChoiceSet's grouped CHOICES table.
NETBOX_NEW_CHOICE = """\
diff --git a/netbox/dcim/choices.py b/netbox/dcim/choices.py
index 99c26b7c9..a427c5df3 100644
--- a/netbox/dcim/choices.py
+++ b/netbox/dcim/choices.py
@@ -1027,6 +1027,7 @@ class InterfaceTypeChoices(ChoiceSet):
     TYPE_100GE_CXP = '100gbase-x-cxp'
     TYPE_100GE_CPAK = '100gbase-x-cpak'
     TYPE_100GE_DSFP = '100gbase-x-dsfp'
+    TYPE_100GE_SFP112 = '100gbase-x-sfp112'
     TYPE_100GE_SFP_DD = '100gbase-x-sfpdd'
     TYPE_100GE_QSFP28 = '100gbase-x-qsfp28'
     TYPE_100GE_QSFP_DD = '100gbase-x-qsfpdd'
@@ -1339,6 +1340,7 @@ class InterfaceTypeChoices(ChoiceSet):
                 (TYPE_100GE_DSFP, 'DSFP (100GE)'),
                 (TYPE_100GE_QSFP28, 'QSFP28 (100GE)'),
                 (TYPE_100GE_QSFP_DD, 'QSFP-DD (100GE)'),
+                (TYPE_100GE_SFP112, 'SFP112 (100GE)'),
                 (TYPE_100GE_SFP_DD, 'SFP-DD (100GE)'),
                 (TYPE_200GE_CFP2, 'CFP2 (200GE)'),
                 (TYPE_200GE_QSFP56, 'QSFP56 (200GE)'),
"""


def test_a_new_choice_entry_is_a_declaration() -> None:
    assert _kind(NETBOX_NEW_CHOICE) is ChangeKind.DECLARATIONS
    assert _tests(NETBOX_NEW_CHOICE).status is Status.PASS


def test_choice_entries_are_declarations_only_in_a_choices_table() -> None:
    def added(context: str, line: str, heading: str = "") -> ChangeKind:
        return _kind("diff --git a/app/models.py b/app/models.py\nindex 1111111..2222222 100644\n"
                     f"--- a/app/models.py\n+++ b/app/models.py\n@@ -1,2 +1,3 @@ {heading}\n"
                     f"{context}\n     ('draft', _('Draft')),\n+{line}\n")

    assert added(" STATUS_CHOICES = [", "    ('archived', _('Archived')),") is ChangeKind.DECLARATIONS
    assert added(" status = forms.ChoiceField(choices=[", "    ('archived', 'Archived'),"
                 ) is ChangeKind.DECLARATIONS
    # The same pair in any other table may grant or route: behaviour.
    assert added(" GRANTS = [", "    ('archived', 'delete'),") is ChangeKind.BEHAVIOUR
    assert added(" GRANTS = [", "    ('archived', 'delete'),", "class StatusChoices(ChoiceSet):"
                 ) is ChangeKind.DECLARATIONS
    assert added(" GRANTS = [", "    ('archived', 'delete'),", "class ChoicesView(View):"
                 ) is ChangeKind.BEHAVIOUR
    # A call is never a choice entry.
    assert added(" STATUS_CHOICES = [", "    ('archived', label_for('archived')),"
                 ) is ChangeKind.BEHAVIOUR
