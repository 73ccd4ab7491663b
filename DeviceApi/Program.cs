using Pushboard.DeviceApi.Apis;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

await app.MigrateDevicesDbAsync();

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
app.MapDeviceApi();
app.MapDeviceStatsApi();

app.Run();
// Visible to tests/DeviceApi.Tests, which host the service in process (WebApplicationFactory).
public partial class Program;
