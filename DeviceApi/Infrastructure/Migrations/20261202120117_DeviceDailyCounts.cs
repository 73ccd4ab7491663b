using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pushboard.DeviceApi.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class DeviceDailyCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "device_daily_counts",
                columns: table => new
                {
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    shard = table.Column<short>(type: "smallint", nullable: false),
                    registrations = table.Column<int>(type: "integer", nullable: false),
                    token_refreshes = table.Column<int>(type: "integer", nullable: false),
                    invalidations = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_device_daily_counts", x => new { x.day, x.shard });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "device_daily_counts");
        }
    }
}
