using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pushboard.NotificationApi.Fcm;
using Pushboard.NotificationApi.Infrastructure;
using Pushboard.NotificationApi.Sending;
using Pushboard.Tests;
using StackExchange.Redis;

namespace Pushboard.NotificationApi.Tests;

// One delivery's sending with its retries, against an FCM the test controls.
[Collection(NotificationApiCollection.Name)]
public sealed class DeliverySenderTests(PushboardAppFixture fixture)
{
    // Before, a send stopped while it waited for its retry (the service stopping, its page's lease lost) was recorded as
    // never tried: no error, no attempts.
    [Fact]
    public async Task A_send_stopped_while_it_waits_to_retry_keeps_what_its_tries_said()
    {
        var fcm = new Unavailable();
        var client = await TestFcmClients.CreateAsync(fixture, TimeSpan.FromSeconds(30), fcm);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await fixture.ConnectionStringOf("cache"));
        await using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new SendingMetrics(meters.GetRequiredService<IMeterFactory>(), new WorkQueue(redis, TimeProvider.System));
        var retryLater = Options.Create(new SendingOptions { RetryBaseDelay = TimeSpan.FromMinutes(1), RetryMaxDelay = TimeSpan.FromMinutes(1) });
        var sender = new DeliverySender(client, new FcmThrottle(TimeProvider.System), TimeProvider.System, metrics, retryLater);
        var notCanceled = new CancelWatch(_ => Task.FromResult(false), NullLogger<CancelWatch>.Instance, CancellationToken.None);
        using var stopping = new CancellationTokenSource();

        var sending = sender.SendAsync(new FcmMessage("""{"data":{"n":"1"}}"""), new PendingDelivery(1, "device", null, "token", null), notCanceled, stopping.Token);
        await fcm.Asked.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await stopping.CancelAsync();
        var (outcome, attempts) = await sending.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal((FcmOutcomeKind.Retryable, "UNAVAILABLE", 1), (outcome.Kind, outcome.ErrorCode, attempts));
    }

    // An FCM that answers every send 503 UNAVAILABLE, and says when it was first asked.
    private sealed class Unavailable : HttpMessageHandler
    {
        public TaskCompletionSource Asked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Asked.TrySetResult();
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
            {
                Content = new StringContent("""{"error":{"code":503,"status":"UNAVAILABLE"}}""", System.Text.Encoding.UTF8, "application/json"),
            });
        }
    }
}
