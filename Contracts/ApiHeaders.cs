namespace Pushboard.Contracts;

// The request headers of API.md that more than one project reads or sends.
public static class ApiHeaders
{
    public const string ApiKey = "X-Api-Key";
    public const string IdempotencyKey = "Idempotency-Key";
    public const string DeviceSecret = "X-Device-Secret";
}
