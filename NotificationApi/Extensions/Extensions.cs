using Pushboard.NotificationApi.Infrastructure;

namespace Microsoft.Extensions.Hosting;

public static class ApplicationServicesExtensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<NotificationsDbContext>("notificationsdb");
        builder.AddRedisClient("cache");
    }
}
