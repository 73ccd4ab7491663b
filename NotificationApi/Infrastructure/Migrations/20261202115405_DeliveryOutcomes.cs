using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pushboard.NotificationApi.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class DeliveryOutcomes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "final_last_minute",
                table: "delivery_counts",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "final_this_minute",
                table: "delivery_counts",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "rate_minute",
                table: "delivery_counts",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "delivery_outcomes",
                columns: table => new
                {
                    minute = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    error = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    shard = table.Column<short>(type: "smallint", nullable: false),
                    count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_delivery_outcomes", x => new { x.minute, x.outcome, x.error, x.shard });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "delivery_outcomes");

            migrationBuilder.DropColumn(
                name: "final_last_minute",
                table: "delivery_counts");

            migrationBuilder.DropColumn(
                name: "final_this_minute",
                table: "delivery_counts");

            migrationBuilder.DropColumn(
                name: "rate_minute",
                table: "delivery_counts");
        }
    }
}
