using Pushboard.Contracts;
using StackExchange.Redis;

namespace Pushboard.NotificationApi.Sending;

// Tells DeviceApi, through the durable "device-events" stream, that FCM declared a device's token dead.
public sealed class DeadTokenPublisher(IConnectionMultiplexer redis, TimeProvider time)
{
    public async Task PublishAsync(string deviceId, string token, string fcmErrorCode)
    {
        var reason = fcmErrorCode switch
        {
            "UNREGISTERED" => DeviceInvalidReasons.Unregistered,
            "SENDER_ID_MISMATCH" => DeviceInvalidReasons.SenderIdMismatch,
            _ => DeviceInvalidReasons.InvalidToken,
        };
        var deviceEvent = new DeviceInvalidatedEvent(Guid.CreateVersion7().ToString(), deviceId, token, reason, time.GetUtcNow());
        await redis.GetDatabase().StreamAddAsync(DeviceEventStream.Name, DeviceEventStream.EventField, deviceEvent.ToJson());
    }
}
