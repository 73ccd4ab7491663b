using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
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

    // A Retry-After of 60 days (a proxy's, or a date far ahead) is waited out for Sending:RetryAfterMax. Before, the
    // wait threw (timers refuse more than about 49 days), and so did every send of the process after it, held by the pause.
    [Fact]
    public async Task A_retry_after_of_months_pauses_the_sends_for_at_most_RetryAfterMax()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var client = await TestFcmClients.CreateAsync(fixture, TimeSpan.FromSeconds(30), new QuotaExceededOnce(TimeSpan.FromDays(60)));
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await fixture.ConnectionStringOf("cache"));
        await using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new SendingMetrics(meters.GetRequiredService<IMeterFactory>(), new WorkQueue(redis, TimeProvider.System));
        var throttle = new FcmThrottle(time);
        var options = new SendingOptions();
        var sender = new DeliverySender(client, throttle, time, metrics, Options.Create(options));
        var notCanceled = new CancelWatch(_ => Task.FromResult(false), NullLogger<CancelWatch>.Instance, CancellationToken.None);

        var sending = sender.SendAsync(new FcmMessage("""{"data":{"n":"1"}}"""), new PendingDelivery(1, "device", null, "token", null), notCanceled, CancellationToken.None);
        var waited = TimeSpan.Zero;
        for (var deadline = DateTime.UtcNow.AddSeconds(20); !sending.IsCompleted && DateTime.UtcNow < deadline; waited += TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50);
            time.Advance(TimeSpan.FromSeconds(30));
        }

        var (outcome, attempts) = await sending.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal((FcmOutcomeKind.Sent, 2), (outcome.Kind, attempts));
        Assert.InRange(waited, options.RetryAfterMax, options.RetryAfterMax + TimeSpan.FromMinutes(1));
        Assert.False(await throttle.WaitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
    }

    // An FCM that answers the first send 429 QUOTA_EXCEEDED with a Retry-After, and takes every send after it.
    private sealed class QuotaExceededOnce(TimeSpan retryAfter) : HttpMessageHandler
    {
        private int _calls;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _calls) > 1)
            {
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
                {
                    Content = new StringContent("""{"name":"projects/p/messages/1"}""", System.Text.Encoding.UTF8, "application/json"),
                });
            }

            var answer = new HttpResponseMessage(HttpStatusCode.TooManyRequests)
            {
                Content = new StringContent(
                    """{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","details":[{"errorCode":"QUOTA_EXCEEDED"}]}}""",
                    System.Text.Encoding.UTF8, "application/json"),
            };
            answer.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(retryAfter);
            return Task.FromResult(answer);
        }
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
