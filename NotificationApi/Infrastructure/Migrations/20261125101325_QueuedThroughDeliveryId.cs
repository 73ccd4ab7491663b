using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pushboard.NotificationApi.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class QueuedThroughDeliveryId : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "queued_through_delivery_id",
                table: "notifications",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            // Notifications already in flight: every delivery they have is covered by a queued item.
            migrationBuilder.Sql(
                """
                UPDATE notifications n
                SET queued_through_delivery_id = coalesce((SELECT max(d.id) FROM deliveries d WHERE d.notification_id = n.id), 0)
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "queued_through_delivery_id",
                table: "notifications");
        }
    }
}
