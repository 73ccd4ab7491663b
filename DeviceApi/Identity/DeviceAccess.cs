using System.Security.Cryptography;
using Pushboard.Contracts;
using Pushboard.ServiceDefaults.ApiKeys;

namespace Pushboard.DeviceApi.Identity;

// What a call may do to a device's row, carried into the write itself so that checking the secret and writing are one
// statement (a rotation or a claim running at the same moment cannot slip between them):
// - the admin key: anything, and a device it creates gets no secret (NewHash null; an existing secret is kept);
// - the app key with X-Device-Secret: a device whose secret hash is PresentedHash, or an unclaimed one, which then
//   keeps the presented secret (the app chose it; the answer carries none);
// - the app key without it: only an unclaimed (or new) device, which gets IssuedSecret, returned in that answer only.
// PresentsMalformedSecret: the app sent a secret of another shape than API.md requires of one it chooses (a 400,
// unless the device's own secret refuses it first). The presented secret itself is not kept, only its hash.
public sealed record DeviceAccess(bool IsAdmin, bool PresentsMalformedSecret, byte[]? PresentedHash, string? IssuedSecret, byte[]? NewHash)
{
    public static readonly DeviceAccess ForAdmin = new(true, false, null, null, null);

    // Minimal API binds a handler parameter of this type from the request (after authentication).
    public static ValueTask<DeviceAccess?> BindAsync(HttpContext context) => ValueTask.FromResult<DeviceAccess?>(From(context));

    public static DeviceAccess From(HttpContext context)
    {
        if (context.User.IsInRole(ApiKeyRoles.Admin))
        {
            return ForAdmin;
        }

        if (context.Request.Headers.TryGetValue(ApiHeaders.DeviceSecret, out var header))
        {
            var presented = header.ToString();
            var hash = DeviceSecrets.Hash(presented);
            return new DeviceAccess(false, !DeviceSecrets.ChosenShape().IsMatch(presented), hash, null, hash);
        }

        var issued = DeviceSecrets.New();
        return new DeviceAccess(false, false, null, issued, DeviceSecrets.Hash(issued));
    }

    // The same rule the writes apply in SQL, for the answers of a refused request.
    public bool Allows(byte[]? storedHash) =>
        IsAdmin || storedHash is null || (PresentedHash is not null && CryptographicOperations.FixedTimeEquals(storedHash, PresentedHash));

    // Secrets and their hashes never reach a log, not even through a record's generated ToString.
    public override string ToString() => IsAdmin ? "admin key" : PresentedHash is null ? "app key" : "app key with a device secret";
}
