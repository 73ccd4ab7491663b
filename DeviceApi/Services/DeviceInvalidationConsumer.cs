using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pushboard.Contracts;
using Pushboard.DeviceApi.Infrastructure;
using Pushboard.DeviceApi.Model;
using StackExchange.Redis;

namespace Pushboard.DeviceApi.Services;

public sealed class DeviceEventsOptions
{
    public const string Section = "DeviceEvents";

    public string ConsumerGroup { get; set; } = "deviceapi";

    // How long to wait before asking again when the stream had nothing new.
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    // Entries another consumer took but did not acknowledge for this long are taken over (it crashed).
    public TimeSpan ClaimIdleAfter { get; set; } = TimeSpan.FromSeconds(30);

    public int BatchSize { get; set; } = 100;
}

// Applies DeviceInvalidatedEvents from the `device-events` stream. An entry is acknowledged only after its database
// change has committed, so a crash leaves it pending and it is applied again; applying twice changes the device once.
public sealed partial class DeviceInvalidationConsumer(
    IConnectionMultiplexer redis,
    IServiceScopeFactory scopes,
    TimeProvider timeProvider,
    IOptions<DeviceEventsOptions> options,
    ILogger<DeviceInvalidationConsumer> logger) : BackgroundService
{
    private readonly string _consumer = $"{Environment.MachineName}-{Environment.ProcessId}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var database = redis.GetDatabase();
        var nextClaim = DateTimeOffset.MinValue;
        var groupReady = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!groupReady)
                {
                    await EnsureGroupAsync(database, settings.ConsumerGroup);
                    groupReady = true;
                }

                var handled = 0;
                if (timeProvider.GetUtcNow() >= nextClaim)
                {
                    var claimed = await database.StreamAutoClaimAsync(
                        DeviceEventStream.Name, settings.ConsumerGroup, _consumer,
                        (long)settings.ClaimIdleAfter.TotalMilliseconds, "0-0", settings.BatchSize);
                    handled += await HandleAsync(database, settings.ConsumerGroup, claimed.ClaimedEntries, stoppingToken);
                    nextClaim = timeProvider.GetUtcNow() + settings.ClaimIdleAfter / 2;
                }

                var entries = await database.StreamReadGroupAsync(
                    DeviceEventStream.Name, settings.ConsumerGroup, _consumer, StreamPosition.NewMessages, settings.BatchSize);
                handled += await HandleAsync(database, settings.ConsumerGroup, entries, stoppingToken);
                if (handled == 0)
                {
                    await Task.Delay(settings.PollInterval, timeProvider, stoppingToken);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                if (exception is RedisServerException { Message: var message } && message.StartsWith("NOGROUP", StringComparison.Ordinal))
                {
                    groupReady = false;
                }

                LogConsumeFailed(logger, exception);
                await Task.Delay(TimeSpan.FromSeconds(2), timeProvider, stoppingToken);
            }
        }
    }

    private static async Task EnsureGroupAsync(IDatabase database, string group)
    {
        try
        {
            await database.StreamCreateConsumerGroupAsync(DeviceEventStream.Name, group, StreamPosition.Beginning, createStream: true);
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // The group exists already: another replica or an earlier run created it.
        }
    }

    private async Task<int> HandleAsync(IDatabase database, string group, StreamEntry[] entries, CancellationToken cancellationToken)
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

            await database.StreamAcknowledgeAsync(DeviceEventStream.Name, group, entry.Id);
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
        var changed = await db.Devices
            .Where(device => device.DeviceId == deviceEvent.DeviceId && device.FcmToken == deviceEvent.FcmToken
                && (device.Status != DeviceStatuses.Invalid || device.InvalidReason != deviceEvent.Reason))
            .ExecuteUpdateAsync(
                update => update
                    .SetProperty(device => device.Status, DeviceStatuses.Invalid)
                    .SetProperty(device => device.InvalidReason, deviceEvent.Reason)
                    .SetProperty(device => device.UpdatedAt, now),
                cancellationToken);
        LogApplied(logger, deviceEvent.DeviceId, TokenMask.Mask(deviceEvent.FcmToken), deviceEvent.Reason, changed > 0);
    }

    [LoggerMessage(LogLevel.Information, "Invalidation of device {DeviceId} (token {MaskedToken}, {Reason}) applied: changed {Changed}")]
    private static partial void LogApplied(ILogger logger, string deviceId, string maskedToken, string reason, bool changed);

    [LoggerMessage(LogLevel.Warning, "Entry {EntryId} of device-events is not a DeviceInvalidatedEvent with a known reason; skipped")]
    private static partial void LogMalformed(ILogger logger, string entryId);

    [LoggerMessage(LogLevel.Error, "Reading device-events failed; retrying in 2 s")]
    private static partial void LogConsumeFailed(ILogger logger, Exception exception);
}
