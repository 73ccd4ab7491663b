using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pushboard.Contracts;
using Pushboard.DeviceApi.Infrastructure;
using Pushboard.DeviceApi.Model;
using Pushboard.ServiceDefaults.Redis;
using StackExchange.Redis;

namespace Pushboard.DeviceApi.Services;

// Applies DeviceInvalidatedEvents from the `device-events` stream. An entry is acknowledged only after its database
// change has committed, so a crash leaves it pending and it is applied again; applying twice changes the device once.
public sealed partial class DeviceInvalidationConsumer(
    IConnectionMultiplexer redis,
    IServiceScopeFactory scopes,
    TimeProvider timeProvider,
    IOptions<DeviceEventsOptions> options,
    DeviceMetrics metrics,
    ILogger<DeviceInvalidationConsumer> logger) : BackgroundService
{
    private readonly string _consumer = $"{Environment.MachineName}-{Environment.ProcessId}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var group = new StreamConsumerGroup(redis, DeviceEventStream.Name, settings.ConsumerGroup);
        var nextClaim = DateTimeOffset.MinValue;
        var groupReady = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!groupReady)
                {
                    await group.EnsureAsync();
                    groupReady = true;
                }

                var handled = 0;
                if (timeProvider.GetUtcNow() >= nextClaim)
                {
                    var claimed = await group.ClaimIdleAsync(_consumer, settings.ClaimIdleAfter, settings.BatchSize);
                    handled += await HandleAsync(group, claimed, stoppingToken);
                    nextClaim = timeProvider.GetUtcNow() + settings.ClaimIdleAfter / 2;
                }

                var entries = await group.ReadNewAsync(_consumer, settings.BatchSize);
                handled += await HandleAsync(group, entries, stoppingToken);
                if (handled == 0)
                {
                    await Task.Delay(settings.PollInterval, timeProvider, stoppingToken);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                if (StreamConsumerGroup.IsMissing(exception))
                {
                    groupReady = false;
                }

                LogConsumeFailed(logger, settings.ErrorPause, exception);
                await Task.Delay(settings.ErrorPause, timeProvider, stoppingToken);
            }
        }
    }

    private async Task<int> HandleAsync(StreamConsumerGroup group, StreamEntry[] entries, CancellationToken cancellationToken)
    {
        if (entries.Length == 0)
        {
            return 0;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DevicesDbContext>();
        foreach (var entry in entries)
        {
            if (!entry.IsNull)
            {
                await ApplyAsync(db, entry, cancellationToken);
            }

            await group.AcknowledgeAsync(entry.Id);
        }

        return entries.Length;
    }

    private async Task ApplyAsync(DevicesDbContext db, StreamEntry entry, CancellationToken cancellationToken)
    {
        DeviceInvalidatedEvent? deviceEvent;
        try
        {
            var json = entry[DeviceEventStream.EventField];
            deviceEvent = json.IsNullOrEmpty ? null : DeviceInvalidatedEvent.FromJson(json.ToString());
        }
        catch (JsonException)
        {
            deviceEvent = null;
        }

        if (deviceEvent is not { DeviceId: not null, FcmToken: not null, Reason: not null } || !InvalidReasons.IsFromFcm(deviceEvent.Reason))
        {
            // It can never be applied; keeping it pending would only replay it forever.
            LogMalformed(logger, entry.Id.ToString());
            return;
        }

        var now = timeProvider.GetUtcNow().UtcDateTime;
        // Only while the device still holds the dead token, and only once: a redelivery finds nothing to change.
        // Counted in the day's rollup in the same transaction.
        var changed = await DeviceDays.InvalidateAsync(db, now, cancel => db.Devices
            .Where(device => device.DeviceId == deviceEvent.DeviceId && device.FcmToken == deviceEvent.FcmToken
                && (device.Status != DeviceStatuses.Invalid || device.InvalidReason != deviceEvent.Reason))
            .ExecuteUpdateAsync(
                update => update
                    .SetProperty(device => device.Status, DeviceStatuses.Invalid)
                    .SetProperty(device => device.InvalidReason, deviceEvent.Reason)
                    .SetProperty(device => device.UpdatedAt, now),
                cancel), cancellationToken);
        metrics.Invalidated(deviceEvent.Reason, changed);
        LogApplied(logger, deviceEvent.DeviceId, TokenMask.Mask(deviceEvent.FcmToken), deviceEvent.Reason, changed > 0);
    }

    [LoggerMessage(LogLevel.Information, "Invalidation of device {DeviceId} (token {MaskedToken}, {Reason}) applied: changed {Changed}")]
    private static partial void LogApplied(ILogger logger, string deviceId, string maskedToken, string reason, bool changed);

    [LoggerMessage(LogLevel.Warning, "Entry {EntryId} of device-events is not a DeviceInvalidatedEvent with a known reason; skipped")]
    private static partial void LogMalformed(ILogger logger, string entryId);

    [LoggerMessage(LogLevel.Error, "Reading device-events failed; retrying in {ErrorPause}")]
    private static partial void LogConsumeFailed(ILogger logger, TimeSpan errorPause, Exception exception);
}
