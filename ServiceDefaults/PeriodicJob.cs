using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pushboard.ServiceDefaults;

// Housekeeping that runs when the service starts and then every Interval. A failed run is logged and tried again at the
// next tick, so a database outage delays the job and does not end it.
public abstract partial class PeriodicJob(TimeProvider time, ILogger logger) : BackgroundService
{
    protected TimeProvider Time { get; } = time;

    protected abstract TimeSpan Interval { get; }

    protected abstract Task RunOnceAsync(CancellationToken cancellationToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, Time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogFailed(logger, GetType().Name, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(LogLevel.Error, "{Job} failed; it runs again at its next interval")]
    private static partial void LogFailed(ILogger logger, string job, Exception exception);
}
