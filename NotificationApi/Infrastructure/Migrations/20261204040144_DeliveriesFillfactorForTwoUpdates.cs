using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pushboard.NotificationApi.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class DeliveriesFillfactorForTwoUpdates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterTable(
                name: "deliveries")
                .Annotation("Npgsql:StorageParameter:fillfactor", 33)
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 50);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterTable(
                name: "deliveries")
                .Annotation("Npgsql:StorageParameter:fillfactor", 50)
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 33);
        }
    }
}
