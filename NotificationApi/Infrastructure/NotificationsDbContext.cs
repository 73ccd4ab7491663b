using Microsoft.EntityFrameworkCore;

namespace Pushboard.NotificationApi.Infrastructure;

public sealed class NotificationsDbContext(DbContextOptions<NotificationsDbContext> options) : DbContext(options);
