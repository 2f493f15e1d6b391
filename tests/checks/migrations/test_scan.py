"""The scanner: comments and strings blanked with every offset kept, bodies found by structure."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from checks.migrations.lexer import Code, Lang, mask
from checks.migrations.matcher import (
    Block,
    csharp_steps,
    elixir_steps,
    is_blank,
    js_steps,
    php_steps,
    ruby_steps,
    split_args,
)
from tests.growth import assert_linear

MASK_CASES = [
    (Lang.RUBY, 'add_column :users, :email # drop_table :users\n', ["add_column"], ["drop_table"]),
    (Lang.RUBY, 'execute <<~SQL\n  DROP TABLE users; -- end\nSQL\nfoo\n', ["execute", "foo"],
     ["DROP", "end"]),
    (Lang.RUBY, 'x = "a #{"nested"} drop_table"\n=begin\nremove_column\n=end\ny\n', ["x", "y"],
     ["nested", "drop_table", "remove_column"]),
    (Lang.RUBY, "y = %w[drop_table end]\nz = %q(remove_column)\n", ["y", "z"],
     ["drop_table", "remove_column"]),
    (Lang.JS, "up(); // knex.schema.dropTable('x')\n/* dropTable */ x = `a ${'b'} dropTable`\n",
     ["up", "x"], ["dropTable"]),
    (Lang.JS, "const r = /dropTable\\//g; down()\n", ["down"], ["dropTable"]),
    (Lang.PHP, "<?php\n# Schema::drop('x')\n// dropIfExists\n$a = 'dropIfExists'; #[Attr]\n",
     ["$a", "#[Attr]"], ["drop", "dropIfExists"]),
    (Lang.PHP, "$sql = <<<SQL\n  DROP TABLE x;\n  SQL;\n$b = \"{$row['dropColumn']}\";\n",
     ["$sql", "$b"], ["DROP", "dropColumn"]),
    (Lang.CSHARP, 'b.Sql(@"DROP ""x"""); // DropTable\nvar s = $"{a} DropTable";\n',
     ["b.Sql", "var s"], ["DROP", "DropTable"]),
    (Lang.CSHARP, 'var r = """\n  DropTable " \n  """; /* DropColumn */ x();\n', ["var r", "x()"],
     ["DropTable", "DropColumn"]),
    (Lang.CSHARP,
     'a($@"{x} DropTable"); b(@$"DropColumn {y}");\nc($$"""\n  {{z}} DropIndex\n  """);\n',
     ["a(", "b(", "c("], ["DropTable", "DropColumn", "DropIndex"]),
    (Lang.ELIXIR, 'execute "DROP end" # drop table(:x)\nexecute """\nend do\n"""\nok()\n',
     ["execute", "ok()"], ["DROP", "drop", "end do"]),
    (Lang.ELIXIR, "x = ~s(drop table) <> ~S|end| <> 'do'\ny = ?#\n", ["x =", "y ="],
     ["drop", "end", "do"]),
    (Lang.GO, 'goose.AddMigration(up, down) // goose.AddMigration(up, nil)\n'
     'q := `DROP TABLE x;\n` + "nil\\"nil" + string(\'(\')\n/* nil */ ok()\n',
     ["goose.AddMigration(up, down)", "q :=", "string(", "ok()"], ["nil", "DROP", "'('"]),
]


@pytest.mark.parametrize(("lang", "text", "kept", "gone"), MASK_CASES)
def test_mask_blanks_comments_and_strings_only(lang: Lang, text: str, kept: list[str],
                                               gone: list[str]) -> None:
    masked = mask(text, lang)
    assert len(masked) == len(text)
    assert [i for i, c in enumerate(masked) if c == "\n"] == [
        i for i, c in enumerate(text) if c == "\n"]
    for word in kept:
        assert word in masked
    for word in gone:
        assert word not in masked


def _steps(finder: Callable[[Code], list[Block]], text: str,
           lang: Lang) -> list[tuple[str, int, bool, str]]:
    code = Code.of(text, lang, 10)
    return [(b.name, code.line_of(b.head), b.closed, " ".join(b.body(code).split()))
            for b in finder(code)]


def test_ruby_defs_match_end_past_modifiers_blocks_and_strings() -> None:
    text = (
        "class X < ActiveRecord::Migration[7.1]\n"
        "  def up\n"
        "    add_column :a, :b, :string if table_exists?(:a)\n"
        "    change_table :a do |t|\n"
        "      t.string :c, default: 'end'\n"
        "    end\n"
        "  end\n"
        "  def down = nil\n"
        "  def change\n"
        "    while x do y end\n"
        "  end\n"
        "end\n"
    )
    got = _steps(ruby_steps, text, Lang.RUBY)
    assert [(n, line, closed) for n, line, closed, _ in got] == [
        ("up", 11, True), ("change", 18, True)]
    assert got[0][3].endswith("end")


def test_elixir_defs_with_do_blocks_and_keyword_form() -> None:
    text = (
        "def change do\n"
        "  alter table(:a) do\n"
        "    add :b, :string, default: \"end\"\n"
        "  end\n"
        "  if x, do: y, else: z\n"
        "end\n"
        "def down, do: execute(\"DROP\")\n"
    )
    got = _steps(elixir_steps, text, Lang.ELIXIR)
    assert [(n, line, closed) for n, line, closed, _ in got] == [
        ("change", 10, True), ("down", 16, True)]
    assert got[1][3] == 'execute(" ")'


@pytest.mark.parametrize("text", [
    "exports.up = function(knex) { return x; };\nexports.down = function(knex) {};\n",
    "export async function up(knex: Knex): Promise<void> { x }\n"
    "export async function down(knex: Knex): Promise<void> {}\n",
    "module.exports = {\n  up: async (queryInterface, Sequelize) => { x },\n"
    "  down: async () => {},\n};\n",
    "module.exports = {\n  async up(queryInterface) { x },\n  async down(queryInterface) {},\n};\n",
    "export class A implements MigrationInterface {\n"
    "  public async up(queryRunner: QueryRunner): Promise<void> { x }\n"
    "  public async down(queryRunner: QueryRunner): Promise<void> {}\n}\n",
])
def test_js_finds_up_and_down_in_every_export_style(text: str) -> None:
    got = _steps(js_steps, text, Lang.JS)
    assert [(n, closed) for n, _, closed, _ in got] == [("up", True), ("down", True)]
    assert is_blank(got[1][3]) and not is_blank(got[0][3])


def test_js_arrow_expression_bodies_and_calls() -> None:
    text = ("exports.up = knex => knex.schema.createTable('a', t => t.increments());\n"
            "exports.down = (knex) => knex.schema.dropTable('a');\n"
            "up(knex);\n")
    got = _steps(js_steps, text, Lang.JS)
    assert [(n, body) for n, _, _, body in got] == [
        ("up", "knex.schema.createTable(' ', t => t.increments())"),
        ("down", "knex.schema.dropTable(' ')"),
    ]


def test_php_and_csharp_methods() -> None:
    php = ("<?php\nreturn new class extends Migration {\n"
           "    public function up(): void { Schema::create('a', function (Blueprint $t) {}); }\n"
           "    public function down(): void\n    {\n        // Schema::drop('a');\n    }\n};\n")
    got = _steps(php_steps, php, Lang.PHP)
    assert [(n, line, is_blank(b)) for n, line, _, b in got] == [
        ("up", 12, False), ("down", 13, True)]
    cs = ("public partial class Init : Migration {\n"
          "  protected override void Up(MigrationBuilder migrationBuilder) { x(); }\n"
          "  protected override void Down(MigrationBuilder migrationBuilder)\n  {\n  }\n}\n")
    got = _steps(csharp_steps, cs, Lang.CSHARP)
    assert [(n, line, is_blank(b)) for n, line, _, b in got] == [
        ("up", 11, False), ("down", 12, True)]


def test_a_body_cut_off_by_the_hunk_is_not_closed() -> None:
    got = _steps(ruby_steps, "  def down\n    remove_column :a, :b, :string\n", Lang.RUBY)
    assert got[0][:3] == ("down", 10, False)
    got = _steps(php_steps, "public function down(): void\n{\n    Schema::drop('a');\n",
                 Lang.PHP)
    assert got[0][2] is False


def test_split_args_ignores_commas_inside_brackets_and_strings() -> None:
    masked = mask(':users, [:a, :b], "x, y", type: :string', Lang.RUBY)
    assert split_args(masked) == [":users", "[:a, :b]", '"    "', "type: :string"]


def test_scanning_is_linear_on_a_large_file() -> None:
    unit = ("  def up\n    execute \"UPDATE x SET y = '#{z}' -- end\"\n"
            "    add_column :a, :b, :string # drop_table\n  end\n")

    def build(n: int) -> Callable[[], list[Block]]:
        text = "class A < ActiveRecord::Migration[7.1]\n" + unit * n + "end\n"
        return lambda: ruby_steps(Code.of(text, Lang.RUBY))

    steps = build(2000)()
    assert len(steps) == 2000 and all(b.closed for b in steps[:5])
    assert_linear(build, 2000)


def test_every_rule_a_code_framework_can_emit_is_in_the_rule_table() -> None:
    from checks.migrations import dotnet, elixir, js, php, ruby
    from checks.migrations.rules import RULES

    styles = [ruby.STYLE, *js.STYLES.values(), php.LARAVEL, php.DOCTRINE, php.PHINX,
              dotnet.STYLE, elixir.STYLE]
    for style in styles:
        needed = ["missing-down", "empty-down", style.refusing_rule]
        if style.change is not None:
            needed.append("irreversible-change")
        for defect in needed:
            rule = RULES[style.rule_id(defect)]
            assert rule.framework == style.framework


def test_csharp_run_of_dollars_without_a_quote_masks_in_linear_time() -> None:
    # The old `\$*@?\$*"+` trigger backtracked cubically: 2,000 `$` took about 12 s.
    def build(n: int) -> Callable[[], str]:
        text = "var price = " + "$" * n + ";\nmigrationBuilder.DropTable(\"Legacy\");\n"
        return lambda: mask(text, Lang.CSHARP)

    masked = build(2_000)()
    assert "migrationBuilder.DropTable" in masked and "Legacy" not in masked
    assert_linear(build, 500)
