using System.Net;
using System.Net.Http.Headers;

namespace Pushboard.NotificationApi.Fcm;

// The body of one send, made after its send entered FcmClient's gate of header writers. The handler asks for the body
// once the request's headers are written: the send leaves the gate then, or when the content is disposed with its
// request if the handler never asked (a refused connection, a timeout, a cancel). It leaves once, also when a retry on
// another connection asks for the body again.
public sealed class FcmRequestContent : HttpContent
{
    private readonly byte[] _body;
    private SemaphoreSlim? _headerWriters;

    public FcmRequestContent(byte[] body, SemaphoreSlim headerWriters)
    {
        _body = body;
        _headerWriters = headerWriters;
        Headers.ContentType = new MediaTypeHeaderValue("application/json", "utf-8");
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        LeaveGate();
        return stream.WriteAsync(_body, cancellationToken).AsTask();
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _body.Length;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            LeaveGate();
        }

        base.Dispose(disposing);
    }

    private void LeaveGate() => Interlocked.Exchange(ref _headerWriters, null)?.Release();
}
