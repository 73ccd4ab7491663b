using System.Net;
using System.Net.Sockets;

namespace Pushboard.Tests;

public static class FreePort
{
    private static readonly HashSet<int> HandedOut = [];

    // A port that is free now and was not handed out before in this process: the kernel may offer a port that was
    // just released again, and two servers of one app (postgres and redis) once got the same one.
    public static int Next()
    {
        lock (HandedOut)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
