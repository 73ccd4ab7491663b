using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Pushboard.ServiceDefaults.Redis;

public static class IdleConsumerCleanupExtensions
{
    // Deletes the consumer names of stopped readers from the service's consumer group (IdleConsumerCleanup).
    public static IHostApplicationBuilder AddIdleConsumerCleanup(this IHostApplicationBuilder builder, Func<IServiceProvider, StreamConsumerGroup> group)
    {
        builder.Services.AddOptions<StreamConsumerOptions>().BindConfiguration(StreamConsumerOptions.Section)
            .Validate(consumers => consumers.ForgetIdleAfter > TimeSpan.Zero && consumers.CleanupInterval > TimeSpan.Zero,
                "StreamConsumers:ForgetIdleAfter and CleanupInterval must be positive.")
            .ValidateOnStart();
        builder.Services.AddHostedService(provider => ActivatorUtilities.CreateInstance<IdleConsumerCleanup>(provider, group(provider)));
        return builder;
    }
}
