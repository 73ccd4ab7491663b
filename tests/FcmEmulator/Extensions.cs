using Pushboard.FcmEmulator.Model;

namespace Microsoft.Extensions.Hosting;

public static class FcmEmulatorExtensions
{
    private const string DefaultUrl = "http://127.0.0.1:5199";

    public static void AddFcmEmulator(this WebApplicationBuilder builder)
    {
        // Loopback only: the emulator accepts any signing key and must never be reachable from outside the machine.
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AccessTokens>();
        builder.Services.AddSingleton<FaultInjection>();
        builder.Services.AddSingleton(new MessageStore(builder.Configuration.GetValue("Emulator:MessageCapacity", 200_000)));
        builder.Services.AddSingleton(new AttemptLog(builder.Configuration.GetValue("Emulator:AttemptCapacity", 200_000)));
        builder.Services.AddSingleton<SendStatistics>();
    }
}
