using System.Security.Cryptography;
using System.Text;
using Pushboard.Client;
using Pushboard.Contracts;

// A shop's back end that tells a user their order has shipped, through Pushboard (samples/OrderNotifier/README.md).
var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
// Finds deviceapi and notificationapi through service discovery; the admin key comes from Aspire:Pushboard:Client:ApiKey.
builder.AddPushboardClient();

var app = builder.Build();

app.MapDefaultEndpoints();

// The shop calls this when the parcel leaves the warehouse: one push to every device of the order's user.
app.MapPost("/orders/{orderId}/shipped", async (string orderId, OrderShipped shipped, PushboardClient pushboard, CancellationToken cancellationToken) =>
{
    var notification = await pushboard.Notifications.SendAsync(
        new NotificationRequest(NotificationTarget.ToUser(shipped.UserId))
        {
            Notification = new NotificationContent("Your order has shipped", $"Order {orderId} is on its way."),
            Data = new Dictionary<string, string> { ["orderId"] = orderId },
            CollapseKey = "orders",
        },
        // The shop's own retries of this call (e.g. from its message queue) send the push once. The order id is hashed:
        // a key is 1–128 printable ASCII characters, an order id may be longer or hold other characters.
        idempotencyKey: "order-shipped-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(orderId))),
        cancellationToken);
    return TypedResults.Ok(new ShippedNotice(notification.Id));
});

// The app asks its back end for this before it registers its device with a userId (API.md "Device identity").
app.MapGet("/users/{userId}/user-id-hash", (string userId, IConfiguration configuration) =>
    TypedResults.Ok(new UserIdHashAnswer(UserIdHash.Compute(userId, configuration["Pushboard:IdentitySecret"]!))));

app.Run();

internal sealed record OrderShipped(string UserId);

internal sealed record ShippedNotice(Guid NotificationId);

internal sealed record UserIdHashAnswer(string UserIdHash);
