using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;

namespace Pushboard.ServiceDefaults;

// The reverse proxies whose X-Forwarded-Proto and X-Forwarded-For every service believes (docs/deploy.md): the scheme
// decides whether the console's sign-in cookie is Secure, the address which rate-limit bucket a call of the APIs
// counts against. Loopback is always believed; nothing else unless listed here.
public sealed class ProxyOptions
{
    public const string Section = "ForwardedHeaders";

    // CIDR ranges, comma-separated, e.g. the Container Apps environment's infrastructure subnet "10.0.0.0/21".
    public string? KnownNetworks { get; set; }

    // Single addresses, comma-separated.
    public string? KnownProxies { get; set; }

    public void ApplyTo(ForwardedHeadersOptions forwarded)
    {
        forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        foreach (var network in Split(KnownNetworks))
        {
            forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }

        foreach (var proxy in Split(KnownProxies))
        {
            forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
        }
    }

    private static string[] Split(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
