using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Pushboard.Client.Tests;

// Inside the resilience handler: the first attempt reaches NotificationApi, which accepts the notification, but its
// answer is lost and replaced by a 503 with Retry-After, as a proxy or a broken connection would; later attempts pass.
internal sealed class LoseFirstAnswerHandler : DelegatingHandler
{
    public int Attempts { get; private set; }

    public Guid? LostNotificationId { get; private set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (++Attempts > 1)
        {
            return response;
        }

        using (response)
        {
            var accepted = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
            LostNotificationId = Guid.Parse((string)accepted!["id"]!);
        }

        var lost = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { RequestMessage = request };
        lost.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(1));
        return lost;
    }
}
