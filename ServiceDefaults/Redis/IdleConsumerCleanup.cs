using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Pushboard.ServiceDefaults.Redis;

// Keeps a consumer group's list of consumer names as long as its live readers plus those that stopped within
// StreamConsumers:ForgetIdleAfter (docs/reliability.md, "State stays bounded").
public sealed partial class IdleConsumerCleanup(
    StreamConsumerGroup group,
    IOptions<StreamConsumerOptions> options,
    TimeProvider time,
    ILogger<IdleConsumerCleanup> logger) : PeriodicJob(time, logger)
{
    protected override TimeSpan Interval => options.Value.CleanupInterval;

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var forgotten = await group.ForgetIdleConsumersAsync(options.Value.ForgetIdleAfter);
        if (forgotten > 0)
        {
            LogForgotten(forgotten, group.Name);
        }
    }

    [LoggerMessage(LogLevel.Debug, "Deleted {Count} consumer names without pending entries from the consumer group {Group}")]
    private partial void LogForgotten(long count, string group);
}
