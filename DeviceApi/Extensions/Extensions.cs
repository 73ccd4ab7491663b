using Pushboard.DeviceApi.Infrastructure;

namespace Microsoft.Extensions.Hosting;

public static class ApplicationServicesExtensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<DevicesDbContext>("devicesdb");
        builder.AddRedisClient("cache");
    }
}
