namespace Pushboard.DeviceApi.Model;

// One attribute of a merge patch (RFC 7396): left as stored unless IsSet; set to null, it is cleared.
public readonly record struct PatchField(bool IsSet, string? Value);

// The body of PATCH /api/devices/{deviceId}. ClearTags (`"tags": null`) empties the tags before TagChanges apply;
// a change to null removes that tag.
public sealed record DevicePatch(
    PatchField UserId,
    PatchField AppVersion,
    PatchField Locale,
    PatchField TimeZone,
    bool ClearTags,
    IReadOnlyDictionary<string, string?> TagChanges,
    string? UserIdHash);
