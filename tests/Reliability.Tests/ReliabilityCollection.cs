using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Pushboard.Tests;

// Each collection starts a whole AppHost; two starting at once on a 2-core machine can miss the start-up timeout.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Pushboard.Reliability.Tests;

[CollectionDefinition(Name)]
public sealed class ReliabilityCollection : ICollectionFixture<ReliabilityAppFixture>
{
    public const string Name = "reliability";
}

// The whole app in local mode, with every service exporting its traces and logs over OTLP to a capture the tests search.
public sealed class ReliabilityAppFixture : PushboardAppFixture
{
    public TelemetryCapture Telemetry { get; } = new();

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        foreach (var service in builder.Resources.OfType<ProjectResource>().ToList())
        {
            builder.CreateResourceBuilder(service)
                .WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", Telemetry.Endpoint)
                .WithEnvironment("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
                .WithEnvironment("OTEL_BSP_SCHEDULE_DELAY", "500")
                .WithEnvironment("OTEL_BLRP_SCHEDULE_DELAY", "500")
                .WithEnvironment("StreamConsumers__ForgetIdleAfter", "00:00:02")
                .WithEnvironment("StreamConsumers__CleanupInterval", "00:00:01");
        }

        // Lost work comes back within seconds (the sweeper looks every second, after 8 s without progress), and a delivery
        // lease lasts 6 s, so that a holder waiting out a long Retry-After lives on renewals (SendingOnceTests). A 2 s
        // lease was too short for this loaded 2-core machine: a renewal came late, a sweep took the page over, and a
        // token FCM had accepted but whose chunk was not yet recorded was sent again (FaultTests, one CI-like run).
        // Retention runs every 2 s and deletes 7 deliveries per statement (its 90 days are kept: BoundedStateTests
        // backdates what it wants deleted).
        // The consumer names of stopped readers are deleted after 2 s without a read, not 1 h (BoundedStateTests).
        // InfrastructureRestartTests registers devices from 8 writers as fast as it can, all from loopback.
        builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "deviceapi"))
            .WithEnvironment("RateLimiting__AppCreationsPerMinute", "1000000");
        builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "notificationapi"))
            .WithEnvironment("Sending__StalledAfter", "00:00:08")
            .WithEnvironment("Sending__SweepInterval", "00:00:01")
            .WithEnvironment("Sending__LeaseDuration", "00:00:06")
            .WithEnvironment("Retention__Interval", "00:00:02")
            .WithEnvironment("Retention__DeleteBatchSize", "7");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Telemetry.Dispose();
    }
}
