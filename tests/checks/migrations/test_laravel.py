"""Laravel migrations on realistic PR diffs: pass, every way of failing, and look-alikes."""

from __future__ import annotations

import pytest

from checks.model import Status
from tests.checks.migrations.gitdiff import added, modified, pr, rules, run

MIG = "database/migrations/2024_01_31_120000_create_flights_table.php"
ADD = "database/migrations/2024_01_31_130000_add_votes_to_users_table.php"
PKG = "packages/billing/database/migrations/2024_01_31_140000_create_invoices_table.php"

MODEL = added("app/Models/Flight.php", """
    <?php

    namespace App\\Models;

    use Illuminate\\Database\\Eloquent\\Model;

    class Flight extends Model
    {
        protected $fillable = ['name', 'airline'];
    }
""")
FACTORY = added("database/factories/FlightFactory.php", """
    <?php

    namespace Database\\Factories;

    use Illuminate\\Database\\Eloquent\\Factories\\Factory;

    class FlightFactory extends Factory
    {
        public function definition(): array
        {
            return ['name' => fake()->word(), 'airline' => fake()->company()];
        }
    }
""")
SEEDER = added("database/seeders/FlightSeeder.php", """
    <?php

    namespace Database\\Seeders;

    use Illuminate\\Database\\Seeder;
    use Illuminate\\Support\\Facades\\Schema;

    class FlightSeeder extends Seeder
    {
        public function up(): void
        {
            Schema::disableForeignKeyConstraints();
        }
    }
""")
TEST = added("tests/Feature/FlightTest.php", """
    <?php

    namespace Tests\\Feature;

    use App\\Models\\Flight;
    use Tests\\TestCase;

    class FlightTest extends TestCase
    {
        public function test_a_flight_is_created(): void
        {
            $this->assertNotNull(Flight::factory()->create());
        }
    }
""")

CREATE = """
    <?php

    use Illuminate\\Database\\Migrations\\Migration;
    use Illuminate\\Database\\Schema\\Blueprint;
    use Illuminate\\Support\\Facades\\Schema;

    return new class extends Migration
    {
        /**
         * Run the migrations.
         */
        public function up(): void
        {
            Schema::create('flights', function (Blueprint $table) {
                $table->id();
                $table->string('name');
                $table->string('airline');
                $table->timestamps();
            });
        }

        /**
         * Reverse the migrations.
         */
        public function down(): void
        {
            Schema::dropIfExists('flights');
        }
    };
"""
ADD_STUB = """
    <?php

    use Illuminate\\Database\\Migrations\\Migration;
    use Illuminate\\Database\\Schema\\Blueprint;
    use Illuminate\\Support\\Facades\\Schema;

    return new class extends Migration
    {
        /**
         * Run the migrations.
         */
        public function up(): void
        {
            Schema::table('users', function (Blueprint $table) {
                $table->integer('votes');
            });
        }

        /**
         * Reverse the migrations.
         */
        public function down(): void
        {
            Schema::table('users', function (Blueprint $table) {
                //
            });
        }
    };
"""

CASES = [
    ("make:migration create with model, factory, test", pr(
        added(MIG, CREATE), MODEL, FACTORY, TEST), []),
    ("named class (Laravel 8) with dropColumn", pr(added(ADD, """
        <?php

        use Illuminate\\Database\\Migrations\\Migration;
        use Illuminate\\Database\\Schema\\Blueprint;
        use Illuminate\\Support\\Facades\\Schema;

        class AddVotesToUsersTable extends Migration
        {
            public function up()
            {
                Schema::table('users', function (Blueprint $table) {
                    $table->integer('votes');
                });
            }

            public function down()
            {
                Schema::table('users', function (Blueprint $table) {
                    $table->dropColumn('votes');
                });
            }
        }
    """)), []),
    ("--table stub left with its empty closure", pr(added(ADD, ADD_STUB)),
     [("laravel-empty-down", ADD, 22)]),
    ("down with only a comment", pr(added(PKG, CREATE.replace(
        "Schema::dropIfExists('flights');", "// Schema::dropIfExists('flights');"))),
     [("laravel-empty-down", PKG, 25)]),
    ("down throws", pr(added(ADD, ADD_STUB.replace(
        """        Schema::table('users', function (Blueprint $table) {
                //
            });
        }
    };""", """        throw new \\RuntimeException('Votes cannot be restored.');
        }
    };"""))), [("laravel-refusing-down", ADD, 22)]),
    ("no down at all", pr(added(MIG, CREATE.split("        /**\n         * Reverse")[0] + "};\n")),
     [("laravel-missing-down", MIG, 12)]),
    ("model, factory, seeder and test only", pr(MODEL, FACTORY, SEEDER, TEST), []),
]


@pytest.mark.parametrize(("diff", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_laravel_table(diff: str, expected: list[tuple[str, str, int]]) -> None:
    result = run(diff)
    assert rules(result) == expected
    assert result.status is (Status.FAIL if expected else Status.PASS)


def test_gutting_an_existing_down_fails() -> None:
    gutted = CREATE.replace("        Schema::dropIfExists('flights');\n", "")
    assert rules(run(modified(MIG, CREATE, gutted))) == [("laravel-empty-down", MIG, 25)]


def test_changing_only_the_up_is_not_judged() -> None:
    edited = CREATE.replace("$table->string('airline');",
                            "$table->string('airline')->index();")
    assert run(modified(MIG, CREATE, edited)).findings == ()


BACKFILL_PATH = "database/migrations/2024_09_29_140340_backfill_flight_status.php"
# A backfill whose down() is empty on purpose (BookStack's ensure_editor_value_set and most
# Laravel apps): nothing in the schema changed, so rollback has nothing to undo.
BACKFILL = """
    <?php

    use Illuminate\\Database\\Migrations\\Migration;
    use Illuminate\\Support\\Facades\\DB;

    return new class extends Migration
    {
        public function up(): void
        {
            DB::table('flights')
                ->where('status', '=', '')
                ->update(['status' => 'scheduled']);
            DB::update("UPDATE flights SET airline = 'unknown' WHERE airline IS NULL");
        }

        public function down(): void
        {
            // The rows left empty before cannot be told apart any more
        }
    };
"""


def test_data_only_up_with_an_empty_down_passes() -> None:
    result = run(pr(added(BACKFILL_PATH, BACKFILL)))
    assert result.status is Status.PASS
    assert result.findings == ()


@pytest.mark.parametrize("schema", [
    "DB::statement('ALTER TABLE flights ADD COLUMN gate varchar(8)');",
    "Schema::table('flights', function (Blueprint $table) { $table->string('gate'); });",
])
def test_schema_changes_beside_the_backfill_still_need_a_down(schema: str) -> None:
    text = BACKFILL.replace("DB::update(", schema + "\n            DB::update(")
    assert rules(run(pr(added(BACKFILL_PATH, text)))) == [
        ("laravel-empty-down", BACKFILL_PATH, 17)]  # the `down()` line
