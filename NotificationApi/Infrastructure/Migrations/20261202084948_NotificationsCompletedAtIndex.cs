using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pushboard.NotificationApi.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class NotificationsCompletedAtIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_notifications_completed_at",
                table: "notifications",
                column: "completed_at",
                filter: "completed_at IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_notifications_completed_at",
                table: "notifications");
        }
    }
}
