"""Rails migrations on realistic PR diffs: pass, every way of failing, and look-alikes."""

from __future__ import annotations

import pytest

from checks.model import Status
from tests.checks.migrations.gitdiff import added, modified, pr, removed, rules, run

MIG = "db/migrate/20240131120000_add_email_to_users.rb"

MODEL = added("app/models/user.rb", """
    class User < ApplicationRecord
      validates :email, presence: true
    end
""")
SPEC = added("spec/models/user_spec.rb", """
    require "rails_helper"

    RSpec.describe User do
      it "needs an email" do
        expect(User.new(email: nil)).not_to be_valid
      end
    end
""")
SCHEMA = modified("db/schema.rb", """
    ActiveRecord::Schema[7.1].define(version: 2024_01_01_000000) do
      create_table "users", force: :cascade do |t|
        t.string "name"
      end
    end
""", """
    ActiveRecord::Schema[7.1].define(version: 2024_01_31_120000) do
      create_table "users", force: :cascade do |t|
        t.string "name"
        t.string "email"
      end
    end
""")


def mig(body: str, name: str = "AddEmailToUsers") -> str:
    """A Rails 7.1 migration class around `body` (already indented by four spaces)."""
    return f"class {name} < ActiveRecord::Migration[7.1]\n{body}end\n"


GOOD_CHANGE = mig("""\
  def change
    add_column :users, :email, :string
    add_index :users, :email, unique: true
    # execute "UPDATE users SET email = name" -- done in a rake task instead
  end
""")
UP_DOWN = mig("""\
  def up
    execute <<~SQL
      UPDATE users SET email = lower(name) -- end
    SQL
  end

  def down
    execute "UPDATE users SET email = NULL"
  end
""")

CASES = [
    # --- pass ---
    ("change with invertible commands", pr(added(MIG, GOOD_CHANGE), MODEL, SCHEMA, SPEC), []),
    ("up and down", pr(added(MIG, UP_DOWN), SCHEMA), []),
    ("reversible block holds execute", pr(added(MIG, mig("""\
  def change
    add_column :users, :email, :string
    reversible do |dir|
      dir.up { execute "UPDATE users SET email = name" }
      dir.down { execute "UPDATE users SET name = email" }
    end
    up_only { execute "UPDATE users SET verified = true" }
  end
"""))), []),
    ("drop_table with a block, remove_column with type", pr(added(MIG, mig("""\
  def change
    drop_table :legacy_users do |t|
      t.string :name, null: false
      t.timestamps
    end
    remove_column :users, :nickname, :string, limit: 40
    remove_index :users, column: :nickname
    remove_columns :users, :a, :b, type: :string
    change_column_default :users, :status, from: nil, to: "active"
    remove_timestamps :sessions
    remove_reference :posts, :author, index: true
    remove_foreign_key :posts, :users
    change_column_null :users, :email, false
    rename_column :users, :login, :username
  end
"""))), []),
    ("change_table with typed removals", pr(added(MIG, mig("""\
  def change
    change_table :users, bulk: true do |t|
      t.remove :nickname, :avatar, type: :string
      t.rename :login, :username
      t.remove_references :company
      t.string :email
    end
  end
"""))), []),
    ("strong_migrations safety_assured with typed removal", pr(added(MIG, mig("""\
  def change
    safety_assured { remove_column :users, :legacy_token, :string }
  end
"""))), []),
    ("empty up and empty down", pr(added(MIG, mig("""\
  def up
  end

  def down
  end
"""))), []),
    ("class-method migration (Rails 2 style)", pr(added(MIG, """\
class AddEmailToUsers < ActiveRecord::Migration
  def self.up
    add_column :users, :email, :string
  end

  def self.down
    remove_column :users, :email
  end
end
""")), []),
    # --- fail ---
    ("execute in change", pr(added(MIG, mig("""\
  def change
    add_column :users, :email, :string
    execute <<~SQL
      UPDATE users SET email = name
    SQL
  end
""")), MODEL, SCHEMA), [("rails-irreversible-change", MIG, 4)]),
    ("remove_column without type", pr(added(MIG, mig("""\
  def change
    remove_column :users, :legacy_token
  end
""")), SCHEMA), [("rails-irreversible-change", MIG, 3)]),
    ("change_column and drop_table without block", pr(added(MIG, mig("""\
  def change
    change_column :users, :email, :text
    drop_table :sessions
    drop_table :a, :b, if_exists: true
  end
"""))), [("rails-irreversible-change", MIG, 3), ("rails-irreversible-change", MIG, 4),
          ("rails-irreversible-change", MIG, 5)]),
    ("conditional forms without what inversion needs", pr(added(MIG, mig("""\
  def change
    remove_index :users, name: "index_users_on_email"
    change_column_default :users, :status, "active"
    remove_foreign_key :posts, column: :author_id
    change_table :users do |t|
      t.remove :nickname
      t.change :bio, :text
    end
  end
"""))), [("rails-irreversible-change", MIG, 3), ("rails-irreversible-change", MIG, 4),
          ("rails-irreversible-change", MIG, 5), ("rails-irreversible-change", MIG, 7),
          ("rails-irreversible-change", MIG, 8)]),
    ("down raises IrreversibleMigration", pr(added(MIG, mig("""\
  def up
    remove_column :users, :legacy_token
  end

  def down
    raise ActiveRecord::IrreversibleMigration
  end
"""))), [("rails-refusing-down", MIG, 6)]),
    ("down raises a string", pr(added(MIG, mig("""\
  def up
    drop_table :sessions
  end

  def down
    raise "Can't bring back the sessions"
  end
"""))), [("rails-refusing-down", MIG, 6)]),
    ("down holds only comments", pr(added(MIG, mig("""\
  def up
    add_column :users, :email, :string
  end

  def down
    # remove_column :users, :email
  end
""")), SCHEMA), [("rails-empty-down", MIG, 6)]),
    ("one-line empty down", pr(added(MIG, mig("""\
  def up
    add_column :users, :email, :string
  end

  def down; end
"""))), [("rails-empty-down", MIG, 6)]),
    ("up without down", pr(added(MIG, mig("""\
  def up
    add_column :users, :email, :string
  end
"""))), [("rails-missing-down", MIG, 2)]),
    ("multi-database folder in a monorepo", pr(added(
        "services/shop/db/animals_migrate/20240131120000_add_dogs.rb", mig("""\
  def up
    create_table :dogs
  end
""", "AddDogs"))), [("rails-missing-down",
                     "services/shop/db/animals_migrate/20240131120000_add_dogs.rb", 2)]),
    # --- shapes seen in real apps ---
    ("if block inside reversible's dir.up", pr(added(MIG, mig("""\
  def change
    add_column :syncs, :finished_at, :datetime
    reversible do |dir|
      dir.up do
        execute "UPDATE syncs SET finished_at = ran_at"
        if Rails.env.production?
          execute "UPDATE syncs SET state = 'failed' WHERE state = 'running'"
        end
      end
      dir.down do
        execute "UPDATE syncs SET ran_at = finished_at"
      end
    end
    remove_column :syncs, :ran_at, :datetime
  end
"""))), []),
    ("modifier if after return or a bang call opens no block", pr(added(MIG, mig("""\
  def change
    add_column :users, :email, :string
    return unless table_exists?(:legacy_users)
    User.find_each { |u| u.save! } if Rails.env.development?
    execute "UPDATE users SET email = login"
  end
"""))), [("rails-irreversible-change", MIG, 6)]),
    ("change wins over up/down in the same class", pr(added(MIG, mig("""\
  def change
    create_table :subscriptions do |t|
      t.references :user, null: false
    end
  end

  def up
    User.find_each { |user| user.subscriptions.create! }
  end

  def down
  end
"""))), []),
    ("change with execute beside a working down still fails", pr(added(MIG, mig("""\
  def change
    execute "ALTER TABLE users ADD CONSTRAINT email_lower CHECK (email = lower(email))"
  end

  def down
    execute "ALTER TABLE users DROP CONSTRAINT email_lower"
  end
"""))), [("rails-irreversible-change", MIG, 3)]),
    # --- look-alikes that are never judged ---
    ("schema dump, seeds and a model", pr(SCHEMA, MODEL, added("db/seeds.rb", """
        User.create!(name: "admin")
        execute "DELETE FROM users"
    """)), []),
    ("a rake task that looks like a migration", pr(added("lib/tasks/backfill.rake", """
        task backfill: :environment do
          def up
            execute "UPDATE users SET email = name"
          end
        end
    """)), []),
    ("a migration spec", pr(added("spec/migrations/add_email_to_users_spec.rb", """
        require "rails_helper"
        require Rails.root.join("db/migrate/20240131120000_add_email_to_users.rb")

        RSpec.describe AddEmailToUsers do
          def up
            execute "SELECT 1"
          end
        end
    """)), []),
    ("deleting a whole migration", pr(removed(MIG, UP_DOWN)), []),
]


@pytest.mark.parametrize(("diff", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rails_table(diff: str, expected: list[tuple[str, str, int]]) -> None:
    result = run(diff)
    assert rules(result) == expected
    assert result.status is (Status.FAIL if expected else Status.PASS)


OLD_UP_DOWN = mig("""\
  def up
    add_column :users, :email, :string
    add_index :users, :email
  end

  def down
    remove_index :users, :email
    remove_column :users, :email
  end
""")


def test_gutting_an_existing_down_fails_on_its_line() -> None:
    gutted = OLD_UP_DOWN.replace(
        "    remove_index :users, :email\n    remove_column :users, :email\n", "")
    result = run(modified(MIG, OLD_UP_DOWN, gutted))
    assert rules(result) == [("rails-empty-down", MIG, 7)]


def test_deleting_the_whole_down_method_fails() -> None:
    without = OLD_UP_DOWN.replace(
        "\n  def down\n    remove_index :users, :email\n    remove_column :users, :email\n  end\n",
        "")
    result = run(modified(MIG, OLD_UP_DOWN, without))
    assert [r for r, _, _ in rules(result)] == ["rails-missing-down"]
    assert result.findings[0].path == MIG


def test_editing_the_up_step_only_is_not_judged() -> None:
    long_up = mig("".join(f"    add_column :users, :c{i}, :string\n" for i in range(12)),
                  "Wide").replace("class Wide < ActiveRecord::Migration[7.1]\n",
                                  "class Wide < ActiveRecord::Migration[7.1]\n  def up\n")
    old = long_up.replace("end\n", "  end\n\n  def down\n"
                          "    raise ActiveRecord::IrreversibleMigration\n  end\nend\n")
    new = old.replace(":c0, :string", ":c0, :text")
    result = run(modified(MIG, old, new))
    assert result.findings == ()


def test_adding_execute_to_an_existing_change_fails_on_the_added_line() -> None:
    new = GOOD_CHANGE.replace("    add_index :users, :email, unique: true\n",
                              "    add_index :users, :email, unique: true\n"
                              "    execute \"UPDATE users SET email = lower(email)\"\n")
    result = run(modified(MIG, GOOD_CHANGE, new))
    assert rules(result) == [("rails-irreversible-change", MIG, 5)]


def test_a_hunk_that_shows_only_part_of_a_down_is_not_judged() -> None:
    body = "".join(f"    remove_column :users, :c{i}, :string\n" for i in range(20))
    old = mig(f"  def up\n    add_column :users, :x, :string\n  end\n\n  def down\n{body}  end\n")
    new = old.replace(":c10, :string", ":c10, :text")
    assert run(modified(MIG, old, new)).findings == ()


def test_the_message_says_how_to_fix_it_in_rails_words() -> None:
    result = run(added(MIG, mig("  def change\n    execute \"DROP VIEW v\"\n  end\n")))
    message = result.findings[0].message
    assert "reversible do |dir|" in message and "IrreversibleMigration" in message


def test_turning_up_and_down_into_change_is_no_regression() -> None:
    as_change = mig("""\
  def change
    add_column :users, :email, :string
    add_index :users, :email
  end
""")
    assert run(modified(MIG, OLD_UP_DOWN, as_change)).findings == ()


def test_a_mixed_pr_fails_naming_only_the_bad_migration() -> None:
    ecto = "priv/repo/migrations/20240131120000_add_email.exs"
    diff = pr(added(MIG, GOOD_CHANGE), SCHEMA, added(ecto, """
        defmodule MyApp.Repo.Migrations.AddEmail do
          use Ecto.Migration

          def change do
            execute "UPDATE users SET email = lower(email)"
          end
        end
    """))
    result = run(diff)
    assert result.status is Status.FAIL
    assert rules(result) == [("ecto-irreversible-change", ecto, 5)]
    assert "2 migrations" in result.summary or "of 2" in result.summary


# maybe-finance/maybe and most Rails apps backfill data in migrations whose `down` is empty on
# purpose: nothing in the schema changed, so there is nothing to roll back.
BACKFILL = mig("""\
  def up
    execute <<~SQL
      UPDATE valuations SET kind = 'reconciliation' WHERE kind IS NULL
    SQL
    Account.where(status: nil).update_all(status: "active")
  end

  def down
  end
""")


def test_data_only_up_with_an_empty_down_passes() -> None:
    result = run(pr(added(MIG, BACKFILL)))
    assert result.status is Status.PASS
    assert result.summary.startswith("1 migration judged")


def test_schema_sql_in_execute_still_needs_a_down() -> None:
    schema = BACKFILL.replace("UPDATE valuations SET kind = 'reconciliation' WHERE kind IS NULL",
                              "ALTER TABLE valuations ADD COLUMN kind varchar")
    assert rules(run(pr(added(MIG, schema)))) == [("rails-empty-down", MIG, 9)]
