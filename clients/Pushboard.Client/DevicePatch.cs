using System.Text.Json.Nodes;

namespace Pushboard.Client;

/// <summary>
/// A JSON merge patch (RFC 7396) of a device's attributes for <c>PATCH /api/devices/{deviceId}</c>: only what is set here
/// changes; setting a field to null clears it, setting a tag to null removes that tag.
/// </summary>
public sealed class DevicePatch
{
    private readonly JsonObject _body = [];
    private JsonObject? _tags;

    /// <summary>Sets (or, with null, clears) the device's user.</summary>
    public DevicePatch UserId(string? userId) => Set("userId", userId);

    /// <summary>Sets (or clears) the app version.</summary>
    public DevicePatch AppVersion(string? appVersion) => Set("appVersion", appVersion);

    /// <summary>Sets (or clears) the locale.</summary>
    public DevicePatch Locale(string? locale) => Set("locale", locale);

    /// <summary>Sets (or clears) the IANA time zone.</summary>
    public DevicePatch TimeZone(string? timeZone) => Set("timeZone", timeZone);

    /// <summary>Sets one tag, or removes it with null; other tags stay.</summary>
    public DevicePatch Tag(string key, string? value)
    {
        _tags ??= [];
        _body["tags"] = _tags;
        _tags[key] = value;
        return this;
    }

    /// <summary>
    /// Removes every tag of the device (<c>"tags": null</c>). A merge patch cannot both clear the tags and set some: a
    /// <see cref="Tag"/> after this in the same patch sends that change instead; set new tags in a second patch.
    /// </summary>
    public DevicePatch ClearTags()
    {
        _tags = null;
        _body["tags"] = null;
        return this;
    }

    internal JsonObject Body => _body;

    private DevicePatch Set(string field, string? value)
    {
        _body[field] = value;
        return this;
    }
}
