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
            // NULL when the version is not of that form. The build (+...) is ignored. Plain string functions and a regular
            // expression without captures: a capturing regexp_match made this 50 times slower.
            migrationBuilder.Sql("""
                CREATE FUNCTION app_version_number(digits text) RETURNS text
                LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
                AS $$ SELECT lpad(length(ltrim(digits, '0'))::text, 2, '0') || ltrim(digits, '0') $$;

                CREATE FUNCTION app_version_sort_key(version text) RETURNS text
                LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
                AS $$
                DECLARE
                    core text;
                    pre_release text;
                    numbers text[];
                    key text;
                    id text;
                BEGIN
                    IF length(version) > 64
                       OR version !~ '^[0-9]+(\.[0-9]+)?(\.[0-9]+)?(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$' THEN
                        RETURN NULL;
                    END IF;
                    core := split_part(version, '+', 1);
                    pre_release := CASE WHEN strpos(core, '-') > 0 THEN substr(core, strpos(core, '-') + 1) END;
                    numbers := string_to_array(split_part(core, '-', 1), '.');
                    key := app_version_number(numbers[1]) || app_version_number(coalesce(numbers[2], '0')) || app_version_number(coalesce(numbers[3], '0'));
                    IF pre_release IS NULL THEN
                        RETURN key || '~';
                    END IF;
                    key := key || '-';
                    FOREACH id IN ARRAY string_to_array(pre_release, '.') LOOP
                        key := key || CASE WHEN id ~ '^[0-9]+$' THEN '0' || app_version_number(id) ELSE '1' || id END || '!';
                    END LOOP;
                    RETURN key;
                END
                $$;
                """);

            // Computed by Postgres on every write that sets app_version, and only then (a token refresh does not
            // recompute it). Adding it rewrites the table once.
            migrationBuilder.Sql("""ALTER TABLE devices ADD COLUMN app_version_key text COLLATE "C" GENERATED ALWAYS AS (app_version_sort_key(app_version)) STORED;""");

            // A tag segment's count, and the pages of a rare tag, from the tags of active devices that have any.
            migrationBuilder.Sql("""CREATE INDEX ix_devices_active_tags ON devices USING gin (tags jsonb_path_ops) WHERE status = 'active' AND tags <> '{}'::jsonb;""");

            // A locale segment walks the devices of its language (the locale up to its first '-') in device_id order:
            // its pages read no more rows than their language has. Not partial: ANALYZE keeps no statistics for the
            // expression of a partial index, and without them the planner took a language for 0.5 % of the devices.
            migrationBuilder.Sql("""CREATE INDEX ix_devices_language_device_id ON devices (split_part(locale, '-', 1), device_id);""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX ix_devices_language_device_id;");
            migrationBuilder.Sql("DROP INDEX ix_devices_active_tags;");
            migrationBuilder.Sql("ALTER TABLE devices DROP COLUMN app_version_key;");
            migrationBuilder.Sql("DROP FUNCTION app_version_sort_key(text); DROP FUNCTION app_version_number(text);");
        }
    }
}
