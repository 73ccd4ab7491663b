using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Pushboard.NotificationApi.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class ScheduledAndCanceled : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "apns_ttl_seconds",
                table: "notifications",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "local_time",
                table: "notifications",
                type: "character varying(5)",
                maxLength: 5,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "send_at",
                table: "notifications",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "canceled",
                table: "delivery_counts",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "scheduled_for",
                table: "deliveries",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "scheduled_work",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    notification_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    due_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    first_delivery_id = table.Column<long>(type: "bigint", nullable: false),
                    last_delivery_id = table.Column<long>(type: "bigint", nullable: false),
                    lease_expires_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scheduled_work", x => x.id);
                    table.ForeignKey(
                        name: "FK_scheduled_work_notifications_notification_id",
                        column: x => x.notification_id,
                        principalTable: "notifications",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_scheduled_work_due_at",
                table: "scheduled_work",
                column: "due_at");

            migrationBuilder.CreateIndex(
                name: "IX_scheduled_work_notification_id_kind_due_at",
                table: "scheduled_work",
                columns: new[] { "notification_id", "kind", "due_at" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "scheduled_work");

            migrationBuilder.DropColumn(
                name: "apns_ttl_seconds",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "local_time",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "send_at",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "canceled",
                table: "delivery_counts");

            migrationBuilder.DropColumn(
                name: "scheduled_for",
                table: "deliveries");
        }
    }
}
