using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Pushboard.Contracts;
using Pushboard.DeviceApi.Identity;
using Pushboard.DeviceApi.Infrastructure;
using Pushboard.DeviceApi.Model;
using Pushboard.ServiceDefaults;
using Pushboard.ServiceDefaults.ApiKeys;

namespace Pushboard.DeviceApi.Apis;

public static class DevicesApi
{
    public static IEndpointRouteBuilder MapDeviceApi(this IEndpointRouteBuilder app)
    {
        var devices = app.MapGroup("/api/devices").WithTags("Devices").ChecksContentTypeAfterAuthorization();

        devices.MapPut("/{deviceId}", RegisterDevice)
            .RequireAuthorization(ApiKeyPolicies.DeviceWriter)
            .ReadsJson()
            .WithSummary("Register a device or replace every field of an existing one");
        devices.MapPatch("/{deviceId}/token", RefreshToken)
            .RequireAuthorization(ApiKeyPolicies.DeviceWriter)
            .ReadsJson()
            .WithSummary("Refresh the FCM token of a reconnecting app");
        devices.MapPatch("/{deviceId}", PatchDevice)
            .RequireAuthorization(ApiKeyPolicies.DeviceWriter)
            .Accepts<JsonElement>("application/merge-patch+json", "application/json")
            .ReadsJson("application/merge-patch+json")
            .WithSummary("Change some of a device's attributes: a JSON merge patch (RFC 7396) of userId, appVersion, locale, timeZone and tags");
        devices.MapDelete("/{deviceId}", DeleteDevice)
            .RequireAuthorization(ApiKeyPolicies.DeviceWriter)
            .ReadsNoBody()
            .WithSummary("Delete a device (204 also when already gone)");
        devices.MapGet("/{deviceId}", GetDevice)
            .RequireAuthorization(ApiKeyPolicies.Admin)
            .WithSummary("Get a device");
        devices.MapGet("/", ListDevices)
            .RequireAuthorization(ApiKeyPolicies.Admin)
            .WithSummary("List devices in deviceId order, keyset-paged");
        devices.MapPost("/query", QueryDevices)
            .RequireAuthorization(ApiKeyPolicies.Admin)
            .ReadsJson()
            .WithSummary("Internal: the devices (any status) among up to 1000 ids, or a page of the active devices a segment matches");
        devices.MapPost("/count", CountDevices)
            .RequireAuthorization(ApiKeyPolicies.Admin)
            .ReadsJson()
            .WithSummary("Count the active devices a segment matches now");
        devices.MapPost("/{deviceId}/secret", IssueSecret)
            .RequireAuthorization(ApiKeyPolicies.Admin)
            .ReadsNoBody()
            .WithSummary("Issue a new device secret; the old one stops working");

        return app;
    }

    public static async Task<Results<Created<DeviceResponse>, Ok<DeviceResponse>, ProblemHttpResult, ValidationProblem, TooManyRequestsHttpResult>> RegisterDevice(
        string deviceId, RegisterDeviceRequest request, DeviceAccess access, DeviceIdentity identity, DeviceCreationLimit creations,
        DeviceWriter writer, HttpContext httpContext, CancellationToken cancellationToken)
    {
        var errors = DeviceValidation.ValidateRegistration(deviceId, request, access);
        if (await identity.RefusalAsync(deviceId, access, request.UserId, request.UserIdHash, errors.Count > 0, cancellationToken) is { } refused)
        {
            return refused;
        }

        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        if (await creations.RefusalAsync(deviceId, access, httpContext, cancellationToken) is { } tooMany)
        {
            return tooMany;
        }

        var tags = request.Tags?.ToDictionary(tag => tag.Key, tag => tag.Value!, StringComparer.Ordinal) ?? [];
        var registration = new DeviceRegistration(
            request.FcmToken!, request.Platform!, request.UserId, request.AppVersion, request.Locale, request.TimeZone, tags);
        var (device, created) = await writer.RegisterAsync(deviceId, registration, access, cancellationToken);
        if (device is null)
        {
            return DeviceIdentity.SecretRefused(deviceId);
        }

        var response = DeviceResponse.From(device, access.IsAdmin, access.IssuedSecret);
        return created ? TypedResults.Created($"/api/devices/{deviceId}", response) : TypedResults.Ok(response);
    }

    public static async Task<Results<Ok<DeviceResponse>, ProblemHttpResult, ValidationProblem, ServiceUnavailableHttpResult>> RefreshToken(
        string deviceId, RefreshTokenRequest request, DeviceAccess access, DeviceIdentity identity, TokenRefreshBatcher batcher,
        IOptions<TokenRefreshBatchOptions> options, CancellationToken cancellationToken)
    {
        var errors = DeviceValidation.ValidateRefresh(deviceId, request, access);
        if (await identity.RefusalAsync(deviceId, access, userId: null, userIdHash: null, errors.Count > 0, cancellationToken) is { } refused)
        {
            return refused;
        }

        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        if (!batcher.TryRefresh(new TokenRefresh(deviceId, request.FcmToken!, access), cancellationToken, out var refreshed))
        {
            var retryAfter = options.Value.RetryAfter;
            return ServiceUnavailable.Problem(
                $"Too many token refreshes are waiting to be written; nothing was changed. Retry after {ServiceUnavailable.RetryAfterSeconds(retryAfter)} s.",
                retryAfter);
        }

        var device = await refreshed;
        if (device is null)
        {
            return await identity.RefusedWriteAsync(deviceId, access, cancellationToken) ?? DeviceNotFound(deviceId);
        }

        return TypedResults.Ok(DeviceResponse.From(device, access.IsAdmin, access.IssuedSecret));
    }

    public static async Task<Results<Ok<DeviceResponse>, ProblemHttpResult, ValidationProblem>> PatchDevice(
        string deviceId, JsonElement body, DeviceAccess access, DeviceIdentity identity, DeviceWriter writer, CancellationToken cancellationToken)
    {
        var errors = DeviceValidation.ValidatePatch(deviceId, body, access, out var patch);
        var userId = patch.UserId.IsSet ? patch.UserId.Value : null;
        if (await identity.RefusalAsync(deviceId, access, userId, patch.UserIdHash, errors.Count > 0, cancellationToken) is { } refused)
        {
            return refused;
        }

        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        var result = await writer.PatchAsync(deviceId, patch, access, cancellationToken);
        if (result.Refused)
        {
            return DeviceIdentity.SecretRefused(deviceId);
        }

        if (result.TooManyTags)
        {
            return Invalid(new() { ["tags"] = [$"A device holds at most {ApiPatterns.MaxTags} tags; this patch would leave more."] });
        }

        return result.Device is null ? DeviceNotFound(deviceId) : TypedResults.Ok(DeviceResponse.From(result.Device, access.IsAdmin, access.IssuedSecret));
    }

    public static async Task<Results<Ok<DeviceResponse>, ProblemHttpResult, ValidationProblem>> GetDevice(
        string deviceId, DeviceStore store, CancellationToken cancellationToken)
    {
        var errors = DeviceValidation.ValidateDeviceId(deviceId);
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        var device = await store.FindAsync(deviceId, cancellationToken);
        return device is null ? DeviceNotFound(deviceId) : TypedResults.Ok(DeviceResponse.ForAdmin(device));
    }

    public static async Task<Results<Ok<DevicePage>, ValidationProblem>> ListDevices(
        [AsParameters] ListDevicesQuery query, DeviceStore store, CancellationToken cancellationToken)
    {
        var errors = DeviceValidation.ValidateList(query, out var filter, out var after, out var limit);
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        return TypedResults.Ok(await PageAsync(store, filter, after, limit, cancellationToken));
    }

    public static async Task<Results<Ok<DevicePage>, ValidationProblem>> QueryDevices(
        QueryDevicesRequest request, DeviceStore store, CancellationToken cancellationToken)
    {
        var errors = DeviceValidation.ValidateQuery(request, out var segment, out var after, out var limit);
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        if (segment is not null)
        {
            var filter = new DeviceFilter(UserId: null, Platform: null, DeviceStatuses.Active, Stale: null, segment);
            return TypedResults.Ok(await PageAsync(store, filter, after, limit, cancellationToken));
        }

        // An id that breaks the deviceId rules cannot exist; it is simply not found.
        var deviceIds = request.DeviceIds!.Select(id => id!).Where(id => ApiPatterns.DeviceId().IsMatch(id)).Distinct(StringComparer.Ordinal).ToList();
        var devices = deviceIds.Count == 0 ? [] : await store.FindManyAsync(deviceIds, cancellationToken);
        return TypedResults.Ok(new DevicePage(devices.Select(DeviceResponse.ForAdmin).ToList(), Next: null));
    }

    public static async Task<Results<Ok<DeviceCount>, ValidationProblem>> CountDevices(
        CountDevicesRequest request, DeviceStore store, CancellationToken cancellationToken)
    {
        var errors = DeviceValidation.ValidateCount(request, out var segment);
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        return TypedResults.Ok(new DeviceCount(await store.CountAsync(segment!, cancellationToken)));
    }

    public static async Task<Results<NoContent, ProblemHttpResult, ValidationProblem>> DeleteDevice(
        string deviceId, DeviceAccess access, DeviceIdentity identity, DeviceWriter writer, CancellationToken cancellationToken)
    {
        var errors = DeviceValidation.ValidateDeviceId(deviceId);
        if (await identity.RefusalAsync(deviceId, access, userId: null, userIdHash: null, errors.Count > 0, cancellationToken) is { } refused)
        {
            return refused;
        }

        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        if (!await writer.DeleteAsync(deviceId, access, cancellationToken)
            && await identity.RefusedWriteAsync(deviceId, access, cancellationToken) is { } refusedWrite)
        {
            return refusedWrite;
        }

        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<DeviceSecretResponse>, ProblemHttpResult, ValidationProblem>> IssueSecret(
        string deviceId, DeviceWriter writer, CancellationToken cancellationToken)
    {
        var errors = DeviceValidation.ValidateDeviceId(deviceId);
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        var secret = DeviceSecrets.New();
        return await writer.ReplaceSecretAsync(deviceId, DeviceSecrets.Hash(secret), cancellationToken)
            ? TypedResults.Ok(new DeviceSecretResponse(secret))
            : DeviceNotFound(deviceId);
    }

    private static async Task<DevicePage> PageAsync(DeviceStore store, DeviceFilter filter, string? after, int limit, CancellationToken cancellationToken)
    {
        var devices = await store.ListAsync(filter, after, limit + 1, cancellationToken);
        var hasMore = devices.Count > limit;
        var items = devices.Take(limit).Select(DeviceResponse.ForAdmin).ToList();
        return new DevicePage(items, hasMore ? PageCursor.Encode(PageCursor.Devices, items[^1].DeviceId) : null);
    }

    private static ValidationProblem Invalid(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, detail: "The request has invalid fields; see errors.");

    private static ProblemHttpResult DeviceNotFound(string deviceId) =>
        TypedResults.Problem(
            detail: $"No device with id '{deviceId}' is registered.",
            statusCode: StatusCodes.Status404NotFound,
            title: "Device not found");
}
