using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Pushboard.DeviceApi.Infrastructure;

// Lets `dotnet ef migrations add` build the model without a running database or AppHost.
public sealed class DesignTimeDevicesDbContextFactory : IDesignTimeDbContextFactory<DevicesDbContext>
{
    public DevicesDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<DevicesDbContext>().UseNpgsql("Host=localhost;Database=devicesdb").Options);
}
