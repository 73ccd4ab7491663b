using System.Net;

namespace Pushboard.NotificationApi.Infrastructure;

// DeviceApi answered a resolution call with a client error that asking again cannot change (400, 404, 413, …).
public sealed class DeviceApiRefusedException(HttpStatusCode status, string call)
    : Exception($"DeviceApi refused {call} with {(int)status} {status}.");
