using System.Text.Json;

namespace Pushboard.NotificationApi.Infrastructure;

// DeviceApi's answers, as far as NotificationApi reads them.
public sealed record DeviceRecord(string DeviceId, string? FcmToken, string Status, string? TimeZone = null);

public sealed record DevicePage(List<DeviceRecord> Items, string? Next);

public sealed record DeviceQuery(IReadOnlyList<string> DeviceIds);

// A page of the active devices a segment matches (DeviceApi's POST /api/devices/query with a segment).
public sealed record SegmentQuery(JsonElement Segment, string? After, int Limit);

public sealed record DeviceQueryResult(List<DeviceRecord> Items);
