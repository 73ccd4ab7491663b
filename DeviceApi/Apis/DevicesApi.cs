using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Pushboard.Contracts;
using Pushboard.DeviceApi.Infrastructure;
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
            .WithSummary("Register a device or replace every field of an existing one");
        devices.MapPatch("/{deviceId}/token", RefreshToken)
            .RequireAuthorization(ApiKeyPolicies.DeviceWriter)
            .WithSummary("Refresh the FCM token of a reconnecting app");
        devices.MapPatch("/{deviceId}", PatchDevice)
            .RequireAuthorization(ApiKeyPolicies.DeviceWriter)
            .Accepts<JsonElement>("application/merge-patch+json", "application/json")
            .WithSummary("Change some of a device's attributes: a JSON merge patch (RFC 7396) of userId, appVersion, locale, timeZone and tags");
        devices.MapDelete("/{deviceId}", DeleteDevice)
            .RequireAuthorization(ApiKeyPolicies.DeviceWriter)
            .WithSummary("Delete a device (204 also when already gone)");
        devices.MapGet("/{deviceId}", GetDevice)
            .RequireAuthorization(ApiKeyPolicies.Admin)
            .WithSummary("Get a device");
        devices.MapGet("/", ListDevices)
            .RequireAuthorization(ApiKeyPolicies.Admin)
            .WithSummary("List devices in deviceId order, keyset-paged");
        devices.MapPost("/query", QueryDevices)
            .RequireAuthorization(ApiKeyPolicies.Admin)
            .WithSummary("Internal: the devices (any status) among up to 1000 ids");

        return app;
    }

    public static async Task<Results<Created<DeviceResponse>, Ok<DeviceResponse>, ValidationProblem>> RegisterDevice(
        string deviceId, RegisterDeviceRequest request, DeviceWriter writer, CancellationToken cancellationToken)
    {
        var errors = DeviceValidation.ValidateRegistration(deviceId, request);
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        var tags = request.Tags?.ToDictionary(tag => tag.Key, tag => tag.Value!, StringComparer.Ordinal) ?? [];
        var registration = new DeviceRegistration(
            request.FcmToken!, request.Platform!, request.UserId, request.AppVersion, request.Locale, request.TimeZone, tags);
        var (device, created) = await writer.RegisterAsync(deviceId, registration, cancellationToken);
        var response = DeviceResponse.From(device);
        return created ? TypedResults.Created($"/api/devices/{deviceId}", response) : TypedResults.Ok(response);
    }

    public static async Task<Results<Ok<DeviceResponse>, ProblemHttpResult, ValidationProblem, ServiceUnavailableHttpResult>> RefreshToken(
        string deviceId, RefreshTokenRequest request, TokenRefreshBatcher batcher, IOptions<TokenRefreshBatchOptions> options,
        CancellationToken cancellationToken)
    {
        var errors = DeviceValidation.ValidateRefresh(deviceId, request);
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        if (!batcher.TryRefresh(deviceId, request.FcmToken!, cancellationToken, out var refreshed))
        {
            var retryAfter = options.Value.RetryAfter;
            return ServiceUnavailable.Problem(
                $"Too many token refreshes are waiting to be written; nothing was changed. Retry after {ServiceUnavailable.RetryAfterSeconds(retryAfter)} s.",
                retryAfter);
        }

        var device = await refreshed;
        return device is null ? DeviceNotFound(deviceId) : TypedResults.Ok(DeviceResponse.From(device));
    }

    public static async Task<Results<Ok<DeviceResponse>, ProblemHttpResult, ValidationProblem>> PatchDevice(
        string deviceId, JsonElement body, DeviceWriter writer, CancellationToken cancellationToken)
    {
        var errors = DeviceValidation.ValidatePatch(deviceId, body, out var patch);
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        var result = await writer.PatchAsync(deviceId, patch, cancellationToken);
        if (result.TooManyTags)
        {
            return Invalid(new() { ["tags"] = [$"A device holds at most {ApiPatterns.MaxTags} tags; this patch would leave more."] });
        }

        return result.Device is null ? DeviceNotFound(deviceId) : TypedResults.Ok(DeviceResponse.From(result.Device));
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
        return device is null ? DeviceNotFound(deviceId) : TypedResults.Ok(DeviceResponse.From(device));
    }

    public static async Task<Results<Ok<DevicePage>, ValidationProblem>> ListDevices(
        [AsParameters] ListDevicesQuery query, DeviceStore store, CancellationToken cancellationToken)
    {
        var errors = DeviceValidation.ValidateList(query, out var filter, out var after, out var limit);
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        var devices = await store.ListAsync(filter, after, limit + 1, cancellationToken);
        var hasMore = devices.Count > limit;
        var items = devices.Take(limit).Select(DeviceResponse.From).ToList();
        return TypedResults.Ok(new DevicePage(items, hasMore ? PageCursor.Encode(PageCursor.Devices, items[^1].DeviceId) : null));
    }

    public static async Task<Results<Ok<DeviceItems>, ValidationProblem>> QueryDevices(
        QueryDevicesRequest request, DeviceStore store, CancellationToken cancellationToken)
    {
        var errors = DeviceValidation.ValidateQuery(request);
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        // An id that breaks the deviceId rules cannot exist; it is simply not found.
        var deviceIds = request.DeviceIds!.Select(id => id!).Where(id => ApiPatterns.DeviceId().IsMatch(id)).Distinct(StringComparer.Ordinal).ToList();
        var devices = deviceIds.Count == 0 ? [] : await store.FindManyAsync(deviceIds, cancellationToken);
        return TypedResults.Ok(new DeviceItems(devices.Select(DeviceResponse.From).ToList()));
    }

    public static async Task<Results<NoContent, ValidationProblem>> DeleteDevice(
        string deviceId, DeviceWriter writer, CancellationToken cancellationToken)
    {
        var errors = DeviceValidation.ValidateDeviceId(deviceId);
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        await writer.DeleteAsync(deviceId, cancellationToken);
        return TypedResults.NoContent();
    }

    private static ValidationProblem Invalid(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, detail: "The request has invalid fields; see errors.");

    private static ProblemHttpResult DeviceNotFound(string deviceId) =>
        TypedResults.Problem(
            detail: $"No device with id '{deviceId}' is registered.",
            statusCode: StatusCodes.Status404NotFound,
            title: "Device not found");
}
