using Microsoft.AspNetCore.Server.Kestrel.Core;
using Pushboard.FcmEmulator.Model;

namespace Microsoft.Extensions.Hosting;

public static class FcmEmulatorExtensions
{
    public static void AddFcmEmulator(this WebApplicationBuilder builder)
    {
        // Loopback only: the emulator accepts any signing key and must never be reachable from outside the machine.
        // Two listeners: HTTP/1.1 for /token (Google.Apis.Auth) and the /emulator control API, and HTTP/2 without TLS
        // (prior knowledge) for messages:send, which the real FCM serves over HTTP/2. messages:send answers on both.
        var port = builder.Configuration.GetValue("Emulator:Port", 5199);
        var http2Port = builder.Configuration.GetValue("Emulator:Http2Port", 5198);
        builder.WebHost.UseUrls();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenLocalhost(port, listen => listen.Protocols = HttpProtocols.Http1);
            kestrel.ListenLocalhost(http2Port, listen => listen.Protocols = HttpProtocols.Http2);
        });

        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AccessTokens>();
        builder.Services.AddSingleton<FaultInjection>();
        builder.Services.AddSingleton(new MessageStore(builder.Configuration.GetValue("Emulator:MessageCapacity", 200_000)));
        builder.Services.AddSingleton(new AttemptLog(builder.Configuration.GetValue("Emulator:AttemptCapacity", 200_000)));
        builder.Services.AddSingleton(new SendStatistics(builder.Configuration.GetValue("Emulator:DuplicateCapacity", 1_000_000)));
    }
}
