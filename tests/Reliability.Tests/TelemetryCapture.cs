using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Pushboard.Tests;

namespace Pushboard.Reliability.Tests;

// An OTLP/HTTP receiver on loopback that keeps every export (traces, logs, metrics) the services send, so that tests
// can search it. Protobuf keeps strings as UTF-8 bytes, so a secret in any span or log record shows up in the text.
public sealed class TelemetryCapture : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(string Signal, byte[] Body)> _exports = new();
    private readonly Task _receiving;

    public TelemetryCapture()
    {
        Endpoint = $"http://127.0.0.1:{FreePort.Next()}";
        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Start();
        _receiving = ReceiveAsync();
    }

    public string Endpoint { get; }

    public string Text(string signal) =>
        string.Join("\n", _exports.Where(e => e.Signal == signal).Select(e => Encoding.UTF8.GetString(e.Body)));

    private async Task ReceiveAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            _exports.Enqueue((context.Request.Url!.AbsolutePath.TrimStart('/'), body.ToArray()));
            context.Response.StatusCode = (int)HttpStatusCode.OK;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Close();
        _receiving.Wait(TimeSpan.FromSeconds(5));
    }
}
