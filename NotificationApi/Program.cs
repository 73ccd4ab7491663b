using Pushboard.NotificationApi.Apis;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

await app.MigrateNotificationsDbAsync();

// First: the client address the rate limits see is the one a believed proxy forwarded (ProxyOptions).
app.UseForwardedHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseRateLimiter();
app.UseAuthorization();

if (app.Environment.IsDevelopment())
{
    app.MapOpenApi();
    app.MapScalarApiReference();
}

app.MapDefaultEndpoints();
app.MapNotificationApi();
app.MapStatsApi();

app.Run();

// Visible to tests/NotificationApi.Tests, which host a replica in process (WebApplicationFactory).
public partial class Program;
