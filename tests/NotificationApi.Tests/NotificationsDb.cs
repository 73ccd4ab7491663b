using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pushboard.NotificationApi.Infrastructure;
using Pushboard.Tests;

namespace Pushboard.NotificationApi.Tests;

// NotificationApi's DbContext on the AppHost's notificationsdb, for DeliveryStore's statements tested on their own.
internal static class NotificationsDb
{
    public static async Task<NotificationsDbContext> OpenAsync(PushboardAppFixture fixture) => On(await fixture.ConnectionStringOf("notificationsdb"));

    public static NotificationsDbContext On(string connectionString) =>
        new(new DbContextOptionsBuilder<NotificationsDbContext>().UseNpgsql(connectionString).Options);

    // On a connection of the test's own, e.g. to hold a statement's rows in an open transaction.
    public static NotificationsDbContext On(NpgsqlConnection connection) =>
        new(new DbContextOptionsBuilder<NotificationsDbContext>().UseNpgsql(connection).Options);
}
