using System.Net;
using System.Text;

namespace Pushboard.Web.Tests;

// An API that answers every request with one JSON body, and keeps the requests the console's clients made: for the
// clients' own rules (which call, which header), not for what the services answer.
public sealed class AnsweringHandler(HttpStatusCode status, string json) : HttpMessageHandler
{
    public List<(HttpRequestMessage Request, string? Body)> Requests { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Add((request, request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken)));
        return new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
    }

    public HttpClient Client(string baseAddress) => new(this) { BaseAddress = new Uri(baseAddress) };
}
