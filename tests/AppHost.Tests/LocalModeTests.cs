using System.Net;
using Npgsql;
using Pushboard.Tests;
using StackExchange.Redis;

namespace Pushboard.AppHost.Tests;

public sealed class LocalModeTests(PushboardAppFixture fixture) : IClassFixture<PushboardAppFixture>
{
    [Theory]
    [InlineData("deviceapi")]
    [InlineData("notificationapi")]
    [InlineData("web")]
    [InlineData("fcm-emulator")]
    public async Task Every_service_reports_healthy(string resource)
    {
        using var client = fixture.CreateClient(resource);

        using var health = await client.GetAsync("/health");
        using var alive = await client.GetAsync("/alive");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Theory]
    [InlineData("devicesdb")]
    [InlineData("notificationsdb")]
    public async Task Postgres_answers_queries_through_the_handed_out_connection_string(string database)
    {
        await using var connection = new NpgsqlConnection(await fixture.ConnectionStringOf(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT current_database()", connection);

        Assert.Equal(database, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Redis_answers_commands_through_the_handed_out_connection_string()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await fixture.ConnectionStringOf("cache"));
        var database = redis.GetDatabase();
        var key = "apphost-test:" + Guid.NewGuid();

        await database.StringSetAsync(key, "pushboard", TimeSpan.FromMinutes(1));

        Assert.Equal("pushboard", (string?)await database.StringGetAsync(key));
    }

    [Fact]
    public async Task Local_servers_listen_on_loopback_only()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(await fixture.ConnectionStringOf("devicesdb"));
        await using var connection = new NpgsqlConnection(connectionString.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SHOW listen_addresses", connection);

        Assert.Equal("127.0.0.1", await command.ExecuteScalarAsync());
        Assert.Equal("127.0.0.1", connectionString.Host);

        await using var redis = await ConnectionMultiplexer.ConnectAsync(await fixture.ConnectionStringOf("cache") + ",allowAdmin=true");
        var server = redis.GetServer(redis.GetEndPoints().Single());
        Assert.Equal("127.0.0.1", Assert.Single(await server.ConfigGetAsync("bind")).Value);
        Assert.Equal(IPAddress.Loopback, ((IPEndPoint)redis.GetEndPoints().Single()).Address);
    }
}
