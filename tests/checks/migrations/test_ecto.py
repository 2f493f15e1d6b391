"""Ecto migrations on realistic PR diffs: pass, every way of failing, and look-alikes."""

from __future__ import annotations

import pytest

from checks.model import Status
from tests.checks.migrations.gitdiff import added, modified, pr, rules, run

MIG = "priv/repo/migrations/20240131120000_add_email_to_users.exs"
UMBRELLA = "apps/billing/priv/repo/migrations/20240131120000_create_invoices.exs"

SCHEMA = modified("lib/my_app/accounts/user.ex", """
    defmodule MyApp.Accounts.User do
      use Ecto.Schema

      schema "users" do
        field :name, :string
      end
    end
""", """
    defmodule MyApp.Accounts.User do
      use Ecto.Schema

      schema "users" do
        field :name, :string
        field :email, :string
      end
    end
""")
TEST = added("test/my_app/accounts_test.exs", """
    defmodule MyApp.AccountsTest do
      use MyApp.DataCase

      test "email is kept" do
        assert %{email: "a@b.c"} = MyApp.Accounts.create_user!(%{email: "a@b.c"})
      end
    end
""")
SEEDS = added("priv/repo/seeds.exs", """
    MyApp.Repo.insert!(%MyApp.Accounts.User{name: "admin"})
""")


def ecto(body: str) -> str:
    """An Ecto migration module around `body` (2-space indented defs)."""
    return ("defmodule MyApp.Repo.Migrations.AddEmailToUsers do\n"
            "  use Ecto.Migration\n\n" + body + "end\n")


CASES = [
    ("reversible change/0", pr(added(MIG, ecto("""  def change do
    alter table(:users) do
      add :email, :string
      remove :nickname, :string
      modify :name, :text, from: :string
    end

    create unique_index(:users, [:email])
    execute "CREATE EXTENSION IF NOT EXISTS citext", "DROP EXTENSION citext"
    # execute "UPDATE users SET email = name"
  end
""")), SCHEMA, TEST), []),
    ("execute/2 with heredocs", pr(added(UMBRELLA, ecto("""  def change do
    execute \"\"\"
    CREATE VIEW paid_invoices AS SELECT * FROM invoices WHERE paid
    \"\"\", \"\"\"
    DROP VIEW paid_invoices
    \"\"\"
  end
"""))), []),
    ("up/0 and down/0", pr(added(MIG, ecto("""  def up do
    execute "UPDATE users SET email = lower(email)"
  end

  def down, do: execute("UPDATE users SET email = email")
"""))), []),
    ("execute/1 in change/0", pr(added(MIG, ecto("""  def change do
    alter table(:users) do
      add :email, :string
    end

    execute "UPDATE users SET email = name || '@example.com'"
  end
""")), SCHEMA), [("ecto-irreversible-change", MIG, 9)]),
    ("remove/1, modify without from, drop table", pr(added(MIG, ecto("""  def change do
    alter table(:users) do
      remove :nickname
      modify :name, :text
    end

    drop table(:sessions)
  end
"""))), [("ecto-irreversible-change", MIG, 6), ("ecto-irreversible-change", MIG, 7),
          ("ecto-irreversible-change", MIG, 10)]),
    ("down/0 raises", pr(added(MIG, ecto("""  def up do
    execute "DELETE FROM sessions"
  end

  def down do
    raise Ecto.MigrationError, message: "sessions cannot be restored"
  end
"""))), [("ecto-refusing-down", MIG, 8)]),
    ("down/0 does nothing", pr(added(MIG, ecto("""  def up do
    create table(:invoices) do
      add :amount, :integer
    end
  end

  def down do
    # drop table(:invoices)
    :ok
  end
"""))), [("ecto-empty-down", MIG, 10)]),
    ("up/0 without down/0", pr(added(UMBRELLA, ecto("""  def up do
    create table(:invoices) do
      add :amount, :integer
    end
  end
"""))), [("ecto-missing-down", UMBRELLA, 4)]),
    ("schema, test and seeds only", pr(SCHEMA, TEST, SEEDS), []),
    ("the migrations folder's formatter config", pr(modified(
        "priv/repo/migrations/.formatter.exs",
        '[\n  import_deps: [:ecto_sql],\n  inputs: ["*.exs"]\n]\n',
        '[\n  import_deps: [:ecto_sql],\n  inputs: ["*.exs"],\n  line_length: 120\n]\n')), []),
]


@pytest.mark.parametrize(("diff", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_ecto_table(diff: str, expected: list[tuple[str, str, int]]) -> None:
    result = run(diff)
    assert rules(result) == expected
    assert result.status is (Status.FAIL if expected else Status.PASS)
    if not expected and "migrations/2024" not in diff:
        assert result.summary == "No migration in this PR."


def test_gutting_an_existing_down_fails() -> None:
    old = ecto("""  def up do
    create table(:invoices) do
      add :amount, :integer
    end
  end

  def down do
    drop table(:invoices)
  end
""")
    new = old.replace("    drop table(:invoices)\n", "")
    assert rules(run(modified(MIG, old, new))) == [("ecto-empty-down", MIG, 10)]
