using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pushboard.DeviceApi.Infrastructure.Migrations
{
    // What segments (API.md) are resolved and counted with (docs/deviceapi.md#segments). None of it is in the model:
    // a SQL function, a generated column only SQL reads, an expression index and a partial GIN index.
    /// <inheritdoc />
    public partial class SegmentIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The order of Contracts' AppVersion as text that sorts bytewise (COLLATE "C"): each number as two digits
            // of length and its digits without leading zeros; then '~' for a release, or '-' and each pre-release
            // identifier ('0' and a number, or '1' and the text) ended by '!' (below every identifier character, so a
            // shorter list sorts first, and '-' and '!' below '~', so a pre-release sorts before its release).
            // NULL when the version is not of that form. The build (+...) is ignored.
            migrationBuilder.Sql("""
                CREATE FUNCTION app_version_number(digits text) RETURNS text
                LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
                AS $$ SELECT lpad(length(ltrim(digits, '0'))::text, 2, '0') || ltrim(digits, '0') $$;

                CREATE FUNCTION app_version_sort_key(version text) RETURNS text
                LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
                AS $$
                SELECT app_version_number(m[1]) || app_version_number(coalesce(m[2], '0')) || app_version_number(coalesce(m[3], '0'))
                    || CASE WHEN m[4] IS NULL THEN '~' ELSE '-' || (
                        SELECT string_agg(CASE WHEN id ~ '^[0-9]+$' THEN '0' || app_version_number(id) ELSE '1' || id END || '!', '' ORDER BY n)
                        FROM unnest(string_to_array(m[4], '.')) WITH ORDINALITY AS identifiers(id, n)) END
                FROM regexp_match(version, '^([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$') AS m
                WHERE length(version) <= 64
                $$;
                """);

            // Computed by Postgres on every write that sets app_version, and only then (a token refresh does not
            // recompute it). Adding it rewrites the table once.
            migrationBuilder.Sql("""ALTER TABLE devices ADD COLUMN app_version_key text COLLATE "C" GENERATED ALWAYS AS (app_version_sort_key(app_version)) STORED;""");

            // A tag segment's count, and the pages of a rare tag, from the tags of active devices that have any.
            migrationBuilder.Sql("""CREATE INDEX ix_devices_active_tags ON devices USING gin (tags jsonb_path_ops) WHERE status = 'active' AND tags <> '{}'::jsonb;""");

            // A locale segment walks the active devices of its language (the locale up to its first '-') in
            // device_id order: its pages read no more rows than their language has.
            migrationBuilder.Sql("""CREATE INDEX ix_devices_active_language_device_id ON devices (split_part(locale, '-', 1), device_id) WHERE status = 'active';""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX ix_devices_active_language_device_id;");
            migrationBuilder.Sql("DROP INDEX ix_devices_active_tags;");
            migrationBuilder.Sql("ALTER TABLE devices DROP COLUMN app_version_key;");
            migrationBuilder.Sql("DROP FUNCTION app_version_sort_key(text); DROP FUNCTION app_version_number(text);");
        }
    }
}
