namespace Pushboard.Contracts;

// The request headers of API.md that more than one project reads or sends.
public static class ApiHeaders
{
    public const string ApiKey = "X-Api-Key";
    public const string IdempotencyKey = "Idempotency-Key";
    public const string DeviceSecret = "X-Device-Secret";

    public const int MaxIdempotencyKeyLength = 128;

    public static readonly string IdempotencyKeyShape = $"Idempotency-Key must be 1–{MaxIdempotencyKeyLength} printable ASCII characters.";

    public static bool IsIdempotencyKey(string key) =>
        key.Length is > 0 and <= MaxIdempotencyKeyLength && key.All(c => c is >= '!' and <= '~' or ' ');
}
