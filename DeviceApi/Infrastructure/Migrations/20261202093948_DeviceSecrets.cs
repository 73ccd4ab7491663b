using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pushboard.DeviceApi.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class DeviceSecrets : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<byte[]>(
                name: "secret_hash",
                table: "devices",
                type: "bytea",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "secret_hash",
                table: "devices");
        }
    }
}
