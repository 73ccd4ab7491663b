using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Google.Apis.Auth.OAuth2.Responses;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Pushboard.NotificationApi.Fcm;
using Pushboard.Tests;

namespace Pushboard.NotificationApi.Tests;

// FcmClient's own sending, outside a notification: the real OAuth2 path against the emulator's token endpoint, to an
// FCM whose connections fail or never open, or whose answers cannot all be read. FcmClient lets 32 sends at a time wait for a connection and write headers.
[Collection(NotificationApiCollection.Name)]
public sealed class FcmClientTests(PushboardAppFixture fixture)
{
    private static readonly FcmMessage Message = new("""{"notification":{"title":"t"}}""");

    [Fact]
    public async Task Sends_whose_connection_is_refused_each_end_retryable_however_many_there_are()
    {
        var fcm = await ClientAsync(TimeSpan.FromSeconds(30), Connecting((_, _) => ValueTask.FromException<Stream>(new SocketException((int)SocketError.ConnectionRefused))));

        // A send that never reached a connection must give its place back, or the 33rd would wait forever.
        for (var i = 0; i < 100; i++)
        {
            var outcome = await fcm.SendAsync(Message, $"token-{i}", null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal((FcmOutcomeKind.Retryable, "UNAVAILABLE"), (outcome.Kind, outcome.ErrorCode));
        }
    }

    [Fact]
    public async Task When_connections_never_open_every_send_ends_retryable_within_its_own_timeout_not_after_the_sends_before_it()
    {
        var timeout = TimeSpan.FromSeconds(2);
        var fcm = await ClientAsync(timeout, Connecting(async (_, cancellationToken) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            throw new UnreachableException();
        }));

        // 128 sends are four turns of 32: had each waited for a place before its timeout started, the last would end
        // after four timeouts.
        var started = Stopwatch.StartNew();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 128).Select(i => fcm.SendAsync(Message, $"token-{i}", null, CancellationToken.None)));

        Assert.All(outcomes, outcome => Assert.Equal((FcmOutcomeKind.Retryable, "UNAVAILABLE"), (outcome.Kind, outcome.ErrorCode)));
        Assert.InRange(started.Elapsed, TimeSpan.Zero, timeout * 3);
    }

    // FCM took the message once it answers 2xx: an answer that cannot be read does not make it a send to try again, nor
    // one whose name cannot be read as a string (an unpaired surrogate) or recorded (U+0000).
    [Theory]
    [InlineData("{\"name\":\"projects/p/messages/1\"}", "projects/p/messages/1")]
    [InlineData("{\"name\":", null)]
    [InlineData("{}", null)]
    [InlineData("<html>OK</html>", null)]
    [InlineData("{\"name\":\"projects/p/messages/\\u0000x\"}", "projects/p/messages/x")]
    [InlineData("{\"name\":\"projects/p/messages/\\ud800x\"}", "projects/p/messages/\\ud800x")]
    public async Task A_2xx_answer_is_a_send_whether_or_not_its_body_can_be_read(string body, string? messageId)
    {
        var fcm = await ClientAsync(TimeSpan.FromSeconds(30), new Answering(HttpStatusCode.OK, body));

        var outcome = await fcm.SendAsync(Message, "token", null, CancellationToken.None);

        Assert.Equal((FcmOutcomeKind.Sent, messageId), (outcome.Kind, outcome.MessageId));
    }

    // What FCM says decides, then its status code; a code is cut to the length the delivery records (never inside a
    // surrogate pair), and keeps only what the database can record.
    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "[]", FcmOutcomeKind.Failed, "400")]
    [InlineData(HttpStatusCode.BadGateway, "<html>Bad gateway</html>", FcmOutcomeKind.Retryable, "502")]
    [InlineData(HttpStatusCode.BadRequest, "{\"error\":{\"status\":\"INVALID_ARGUMENT\",\"details\":[{\"errorCode\":\"AN_ERROR_CODE_FAR_LONGER_THAN_ANY_THAT_FIREBASE_DOCUMENTS_TODAY_OR_WILL\"}]}}",
        FcmOutcomeKind.Failed, "AN_ERROR_CODE_FAR_LONGER_THAN_ANY_THAT_FIREBASE_DOCUMENTS_TODAY_")]
    [InlineData(HttpStatusCode.BadRequest, "{\"error\":{\"status\":\"INVALID_ARGUMENT\",\"details\":[{\"errorCode\":\"NUL\\u0000IN_IT\"}]}}",
        FcmOutcomeKind.Failed, "NULIN_IT")]
    [InlineData(HttpStatusCode.BadRequest, "{\"error\":{\"status\":\"INVALID_ARGUMENT\",\"details\":[{\"errorCode\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\uD83D\uDE00\"}]}}",
        FcmOutcomeKind.Failed, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task An_error_answer_is_classified_by_what_can_be_read_of_it(HttpStatusCode status, string body, FcmOutcomeKind kind, string errorCode)
    {
        var fcm = await ClientAsync(TimeSpan.FromSeconds(30), new Answering(status, body));

        var outcome = await fcm.SendAsync(Message, "token", null, CancellationToken.None);

        Assert.Equal((kind, errorCode), (outcome.Kind, outcome.ErrorCode));
    }

    // As Google answers for a deleted key: nothing is handed to FCM, and the send is retried until the account is accepted.
    [Fact]
    public async Task A_service_account_the_token_endpoint_refuses_makes_the_send_retryable()
    {
        var fcm = await ClientAsync(TimeSpan.FromSeconds(30), new Answering(HttpStatusCode.OK, "{\"name\":\"projects/p/messages/1\"}"));
        using var pushboard = new PushboardClient(fixture);
        var emulator = pushboard.Emulator;
        (await emulator.PutAsJsonAsync("/emulator/faults", new { refuseServiceAccount = true })).EnsureSuccessStatusCode();
        try
        {
            var outcome = await fcm.SendAsync(Message, "token", null, CancellationToken.None);

            Assert.Equal((FcmOutcomeKind.Retryable, "UNAUTHENTICATED"), (outcome.Kind, outcome.ErrorCode));
        }
        finally
        {
            await emulator.DeleteAsync("/emulator/faults");
        }
    }

    // A token FCM refuses before it expires: the sends refused with it share one request for a new one.
    [Fact]
    public async Task Sends_refused_with_the_same_token_share_one_request_for_a_new_one()
    {
        var fcm = new RefusingFirstToken();
        var client = await ClientAsync(TimeSpan.FromSeconds(30), fcm);
        Assert.Equal(FcmOutcomeKind.Sent, (await client.SendAsync(Message, "warm", null, CancellationToken.None)).Kind);
        using var pushboard = new PushboardClient(fixture);
        var issuedBefore = await IssuedAsync(pushboard);

        fcm.RefuseTokenSeen();
        var refused = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => client.SendAsync(Message, $"token-{i}", null, CancellationToken.None)));
        var again = await client.SendAsync(Message, "again", null, CancellationToken.None);

        // A send that asked for its token after the new one came is taken (a CI run saw 67 of the 100).
        Assert.All(refused, outcome => Assert.True(outcome is { Kind: FcmOutcomeKind.Retryable, ErrorCode: "UNAUTHENTICATED" } or { Kind: FcmOutcomeKind.Sent }, outcome.ToString()));
        Assert.True(refused.Count(outcome => outcome.ErrorCode == "UNAUTHENTICATED") >= 2, "fewer than two sends refused: nothing to share");
        Assert.Equal(FcmOutcomeKind.Sent, again.Kind);
        // The emulator counts every client's tokens: one more may be the app's own, never one per send.
        Assert.InRange(await IssuedAsync(pushboard) - issuedBefore, 1, 2);
    }

    // The token endpoint refuses the service account while FCM refuses its token: the refused token is dropped, so the
    // next send asks the token endpoint instead of handing FCM a token it refuses (and /health, which asks the same, is
    // degraded). Before, Google.Apis.Auth handed out the refused token until it expired, up to an hour. The refusal is
    // one error in the log, however many sends meet it.
    [Fact]
    public async Task A_refused_token_that_cannot_be_replaced_is_not_handed_to_fcm_again()
    {
        var fcm = new RefusingFirstToken();
        var log = new FakeLogger<FcmCredential>();
        var client = await ClientAsync(TimeSpan.FromSeconds(30), fcm, log);
        Assert.Equal(FcmOutcomeKind.Sent, (await client.SendAsync(Message, "warm", null, CancellationToken.None)).Kind);
        using var pushboard = new PushboardClient(fixture);
        (await pushboard.Emulator.PutAsJsonAsync("/emulator/faults", new { refuseServiceAccount = true })).EnsureSuccessStatusCode();
        try
        {
            fcm.RefuseTokenSeen();
            var refused = await client.SendAsync(Message, "refused", null, CancellationToken.None);
            var next = await client.SendAsync(Message, "next", null, CancellationToken.None);

            Assert.Equal((FcmOutcomeKind.Retryable, "UNAUTHENTICATED"), (refused.Kind, refused.ErrorCode));
            Assert.Equal((FcmOutcomeKind.Retryable, "UNAUTHENTICATED"), (next.Kind, next.ErrorCode));
            Assert.Equal(1, fcm.Requests);
            Assert.Single(log.Collector.GetSnapshot(), record => record.Level == LogLevel.Error);
        }
        finally
        {
            await pushboard.Emulator.DeleteAsync("/emulator/faults");
        }

        Assert.Equal(FcmOutcomeKind.Sent, (await client.SendAsync(Message, "accepted again", null, CancellationToken.None)).Kind);
    }

    // Sends refused with a token whose renewal failed (they had it before it was marked unusable) start no renewal of
    // their own: one warning, one request. Before, each started one.
    [Fact]
    public async Task A_token_whose_renewal_failed_is_not_renewed_again_for_each_send_still_refused_with_it()
    {
        var log = new FakeLogger<FcmCredential>();
        var credential = await TestFcmClients.CredentialAsync(fixture, log);
        var token = await credential.GetAccessTokenAsync(CancellationToken.None);
        using var pushboard = new PushboardClient(fixture);
        (await pushboard.Emulator.PutAsJsonAsync("/emulator/faults", new { refuseServiceAccount = true })).EnsureSuccessStatusCode();
        try
        {
            await credential.RenewAsync(token);
            await credential.RenewAsync(token);

            Assert.Single(log.Collector.GetSnapshot(), record => record.Message.StartsWith("FCM refused the access token", StringComparison.Ordinal));
            await Assert.ThrowsAsync<TokenResponseException>(() => credential.GetAccessTokenAsync(CancellationToken.None));
        }
        finally
        {
            await pushboard.Emulator.DeleteAsync("/emulator/faults");
        }

        Assert.NotEqual(token, await credential.GetAccessTokenAsync(CancellationToken.None));
        Assert.Single(log.Collector.GetSnapshot(), record => record.Level == LogLevel.Error);
        Assert.Single(log.Collector.GetSnapshot(), record => record.Message == "An FCM access token was obtained again");
    }

    // A token endpoint that does not answer: /health says FCM is degraded once Fcm:HealthCheckTimeout is up, rather than
    // when the console gave up on NotificationApi; a send ends retryable once its own Fcm:Timeout is; and the silence
    // is one warning, however many sends wait for it (before, nothing was logged), and none for the health check's
    // shorter wait. A health check its caller stops is stopped, not reported as FCM degraded.
    [Fact]
    public async Task A_token_endpoint_that_does_not_answer_costs_health_and_sends_their_own_deadlines_and_sends_one_warning()
    {
        var healthLog = new FakeLogger<FcmCredential>();
        var health = new FcmHealthCheck(await TestFcmClients.CredentialAsync(fixture, healthLog),
            Options.Create(new FcmOptions { HealthCheckTimeout = TimeSpan.FromSeconds(1) }), TimeProvider.System);
        var sendLog = new FakeLogger<FcmCredential>();
        var fcm = await ClientAsync(TimeSpan.FromSeconds(2), new Answering(HttpStatusCode.OK, "{\"name\":\"projects/p/messages/1\"}"), sendLog);
        using var pushboard = new PushboardClient(fixture);
        (await pushboard.Emulator.PutAsJsonAsync("/emulator/faults", new { tokenLatencyMs = 8_000 })).EnsureSuccessStatusCode();
        try
        {
            var started = Stopwatch.StartNew();
            HealthCheckResult[] checks = [await CheckAsync(health), await CheckAsync(health)];
            var checking = started.Elapsed;
            using var stopping = new CancellationTokenSource();
            var stoppedCheck = CheckAsync(health, stopping.Token);
            await stopping.CancelAsync();
            var stopped = await Record.ExceptionAsync(() => stoppedCheck);
            started.Restart();
            var outcomes = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => fcm.SendAsync(Message, $"token-{i}", null, CancellationToken.None)));
            var sending = started.Elapsed;

            Assert.All(checks, check => Assert.Equal((HealthStatus.Degraded, "No FCM access token: the token endpoint did not answer within 1 s."), (check.Status, check.Description)));
            Assert.InRange(checking, TimeSpan.Zero, TimeSpan.FromSeconds(5));
            Assert.IsAssignableFrom<OperationCanceledException>(stopped);
            Assert.All(outcomes, outcome => Assert.Equal((FcmOutcomeKind.Retryable, "UNAVAILABLE"), (outcome.Kind, outcome.ErrorCode)));
            Assert.InRange(sending, TimeSpan.Zero, TimeSpan.FromSeconds(6));
            Assert.DoesNotContain(healthLog.Collector.GetSnapshot(), record => record.Level == LogLevel.Warning);
            Assert.Single(sendLog.Collector.GetSnapshot(), record => record.Level == LogLevel.Warning);
        }
        finally
        {
            await pushboard.Emulator.DeleteAsync("/emulator/faults");
        }

        static Task<HealthCheckResult> CheckAsync(FcmHealthCheck health, CancellationToken cancellationToken = default) => health.CheckHealthAsync(
            new HealthCheckContext { Registration = new HealthCheckRegistration("fcm", health, HealthStatus.Degraded, null) }, cancellationToken);
    }

    private static async Task<long> IssuedAsync(PushboardClient pushboard) =>
        (long)(await pushboard.Emulator.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/emulator/tokens"))!["issued"]!;

    private static SocketsHttpHandler Connecting(Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> connect) =>
        new() { ConnectCallback = connect, EnableMultipleHttp2Connections = true };

    private Task<FcmClient> ClientAsync(TimeSpan timeout, HttpMessageHandler handler, ILogger<FcmCredential>? log = null) =>
        TestFcmClients.CreateAsync(fixture, timeout, handler, log);

    // An FCM that, once told, refuses the last access token it saw (401 UNAUTHENTICATED) and takes any other.
    private sealed class RefusingFirstToken : HttpMessageHandler
    {
        private string? _seen;
        private string? _refused;
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        public void RefuseTokenSeen()
        {
            (_refused, _requests) = (_seen, 0);
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            var token = request.Headers.Authorization?.Parameter;
            _seen = token;
            return Task.FromResult(token == _refused
                ? new HttpResponseMessage(HttpStatusCode.Unauthorized)
                {
                    Content = new StringContent("""{"error":{"code":401,"status":"UNAUTHENTICATED"}}""", System.Text.Encoding.UTF8, "application/json"),
                }
                : new HttpResponseMessage(HttpStatusCode.OK)
                {
                    Content = new StringContent("""{"name":"projects/p/messages/1"}""", System.Text.Encoding.UTF8, "application/json"),
                });
        }
    }

    // An FCM that answers every send the same.
    private sealed class Answering(HttpStatusCode status, string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") });
    }
}
