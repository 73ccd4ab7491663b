using System.Diagnostics.Metrics;

namespace Pushboard.DeviceApi.Services;

// The registry's instruments (meter Pushboard.DeviceApi, exported by ServiceDefaults with every "Pushboard.*" meter).
public sealed class DeviceMetrics
{
    public const string Name = "Pushboard.DeviceApi";

    private readonly Counter<long> _registrations;
    private readonly Counter<long> _tokenRefreshes;
    private readonly Counter<long> _takeovers;
    private readonly Counter<long> _invalidations;
    private readonly Histogram<int> _refreshBatchSize;

    public DeviceMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Name);
        _registrations = meter.CreateCounter<long>("pushboard.devices.registrations", "{device}", "Devices created by a registration (PUT).");
        _tokenRefreshes = meter.CreateCounter<long>("pushboard.devices.token_refreshes", "{device}",
            "Devices whose stored token changed on a PUT or a token PATCH.");
        _takeovers = meter.CreateCounter<long>("pushboard.devices.takeovers", "{device}",
            "Devices whose token another device took (they end invalid, token_reassigned).");
        _invalidations = meter.CreateCounter<long>("pushboard.devices.invalidations", "{device}", "Devices made invalid, by reason.");
        _refreshBatchSize = meter.CreateHistogram<int>("pushboard.devices.refresh_batch.size", "{refresh}",
            "Token refreshes written together in one batch statement.");
    }

    // What one device write did: created the device, changed its token, took the token from `takenFrom` devices.
    public void Written(bool created, bool tokenChanged, long takenFrom)
    {
        if (created)
        {
            _registrations.Add(1);
        }
        else if (tokenChanged)
        {
            _tokenRefreshes.Add(1);
        }

        if (takenFrom > 0)
        {
            _takeovers.Add(takenFrom);
            Invalidated(Model.InvalidReasons.TokenReassigned, takenFrom);
        }
    }

    public void TokensRefreshed(int count) => _tokenRefreshes.Add(count);

    public void Invalidated(string reason, long count) => _invalidations.Add(count, new KeyValuePair<string, object?>("reason", reason));

    public void RefreshBatch(int size) => _refreshBatchSize.Record(size);
}
