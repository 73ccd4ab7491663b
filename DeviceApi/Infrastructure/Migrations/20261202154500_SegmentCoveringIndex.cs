using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pushboard.DeviceApi.Infrastructure.Migrations
{
    // The language index gains the columns the other segment conditions read, so that a segment with a language is
    // counted and paged by an index-only scan (docs/deviceapi.md#segments). Not in the model, as SegmentIndexes.
    /// <inheritdoc />
    public partial class SegmentCoveringIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX ix_devices_language_device_id;");
            migrationBuilder.Sql("""CREATE INDEX ix_devices_language_device_id ON devices (split_part(locale, '-', 1), device_id) INCLUDE (platform, locale, app_version_key, status);""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX ix_devices_language_device_id;");
            migrationBuilder.Sql("""CREATE INDEX ix_devices_language_device_id ON devices (split_part(locale, '-', 1), device_id);""");
        }
    }
}
