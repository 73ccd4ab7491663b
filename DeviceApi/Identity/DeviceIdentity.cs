using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Pushboard.Contracts;
using Pushboard.DeviceApi.Infrastructure;

namespace Pushboard.DeviceApi.Identity;

// The app-key checks of API.md "Device identity", in its order: the device secret (403), then the userIdHash (403),
// then the body (400, the caller's own validation). A request that passes the local checks reads nothing here: its
// write checks the secret in the same statement (DeviceAccess), and only a write that matched nothing asks
// RefusedWriteAsync why. Only a request refused anyway reads the device, so that the secret's 403 comes first.
public sealed class DeviceIdentity(DeviceStore store, IOptions<IdentityOptions> options)
{
    // Null when the request may go on to its write; otherwise the 403 to answer. `requestInvalid`: the caller found
    // a 400 (the body, or DeviceAccess.PresentsMalformedSecret), which it answers when this returns null.
    public async Task<ProblemHttpResult?> RefusalAsync(
        string deviceId, DeviceAccess access, string? userId, string? userIdHash, bool requestInvalid, CancellationToken cancellationToken)
    {
        if (access.IsAdmin)
        {
            return null;
        }

        var userVerified = VerifiesUser(userId, userIdHash);
        if (userVerified && !requestInvalid)
        {
            return null;
        }

        if (await RefusesSecretAsync(deviceId, access, cancellationToken))
        {
            return SecretRefused(deviceId);
        }

        return userVerified ? null : UserIdHashRefused();
    }

    // After a write whose statement matched no row: a 403 when the device exists and the caller does not hold its
    // secret, null when the device does not exist (a 404, or a 204 for a DELETE).
    public async Task<ProblemHttpResult?> RefusedWriteAsync(string deviceId, DeviceAccess access, CancellationToken cancellationToken) =>
        await RefusesSecretAsync(deviceId, access, cancellationToken) ? SecretRefused(deviceId) : null;

    // A non-null userId from the app key needs the userIdHash its back end computed; clearing the userId (null) needs none.
    private bool VerifiesUser(string? userId, string? userIdHash) =>
        userId is null
        || options.Value.IdentitySecret is not { Length: > 0 } secret
        || UserIdHash.Matches(userId, userIdHash, secret);

    private async Task<bool> RefusesSecretAsync(string deviceId, DeviceAccess access, CancellationToken cancellationToken) =>
        !access.IsAdmin
        && ApiPatterns.DeviceId().IsMatch(deviceId)
        && await store.FindAsync(deviceId, cancellationToken) is { } device
        && !access.Allows(device.SecretHash);

    public static ProblemHttpResult SecretRefused(string deviceId) =>
        TypedResults.Problem(
            detail: $"Device '{deviceId}' has a secret: an app-key call must send it in {ApiHeaders.DeviceSecret}. The one sent is missing or wrong; nothing was changed.",
            statusCode: StatusCodes.Status403Forbidden,
            title: "Device secret required");

    private static ProblemHttpResult UserIdHashRefused() =>
        TypedResults.Problem(
            detail: "userIdHash is missing or wrong: an app-key request that sets userId must carry userIdHash, the lowercase hex "
                + "HMAC-SHA256 of the userId keyed with the identity secret, computed by the app's back end. Nothing was changed.",
            statusCode: StatusCodes.Status403Forbidden,
            title: "userId not verified");
}
