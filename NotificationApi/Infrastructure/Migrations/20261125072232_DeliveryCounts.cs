using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pushboard.NotificationApi.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class DeliveryCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "delivery_counts",
                columns: table => new
                {
                    notification_id = table.Column<Guid>(type: "uuid", nullable: false),
                    shard = table.Column<short>(type: "smallint", nullable: false),
                    targeted = table.Column<int>(type: "integer", nullable: false),
                    pending = table.Column<int>(type: "integer", nullable: false),
                    sent = table.Column<int>(type: "integer", nullable: false),
                    failed = table.Column<int>(type: "integer", nullable: false),
                    invalid_token = table.Column<int>(type: "integer", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_delivery_counts", x => new { x.notification_id, x.shard });
                    table.ForeignKey(
                        name: "FK_delivery_counts_notifications_notification_id",
                        column: x => x.notification_id,
                        principalTable: "notifications",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            // Notifications written before the counts existed get theirs from their deliveries, in shard 0.
            migrationBuilder.Sql(
                """
                INSERT INTO delivery_counts (notification_id, shard, targeted, pending, sent, failed, invalid_token, updated_at)
                SELECT notification_id, 0, count(*), count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'sent'),
                    count(*) FILTER (WHERE status = 'failed'), count(*) FILTER (WHERE status = 'invalid_token'), max(updated_at)
                FROM deliveries GROUP BY notification_id
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "delivery_counts");
        }
    }
}
