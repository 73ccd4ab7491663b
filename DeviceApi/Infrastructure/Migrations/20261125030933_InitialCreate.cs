using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pushboard.DeviceApi.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class InitialCreate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "devices",
                columns: table => new
                {
                    device_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false, collation: "C"),
                    fcm_token = table.Column<string>(type: "text", nullable: true),
                    platform = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    user_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    app_version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    locale = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    invalid_reason = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    token_updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    last_seen_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_devices", x => x.device_id);
                    table.CheckConstraint("ck_devices_platform", "platform IN ('android', 'ios', 'web')");
                    table.CheckConstraint("ck_devices_status", "status IN ('active', 'invalid')");
                });

            migrationBuilder.CreateIndex(
                name: "ix_devices_invalid_device_id",
                table: "devices",
                column: "device_id",
                filter: "status = 'invalid'");

            migrationBuilder.CreateIndex(
                name: "ix_devices_user_id_device_id",
                table: "devices",
                columns: new[] { "user_id", "device_id" });

            // A token belongs to one device. Indexed by its md5: a btree entry cannot hold a 4096-character token.
            migrationBuilder.Sql("CREATE UNIQUE INDEX ix_devices_fcm_token_md5 ON devices (md5(fcm_token));");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "devices");
        }
    }
}
