using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Tether.Server;

// TLS on a listener (MQTT over TLS, or WSS on a WebSocket listener), configured like Mosquitto: certfile and keyfile
// (PEM) make the listener serve TLS; require_certificate asks clients for a certificate that chains to cafile or
// capath and is not revoked by crlfile; ciphers and ciphers_tls1.3 restrict the suites. SIGHUP reloads the files.
public sealed partial class TetherServer
{
    private readonly List<ListenerTls> _tlsListeners = [];

    /// <summary>
    /// Loads every TLS listener's certificate, key, CA and CRL files again (what SIGHUP does): new handshakes use the
    /// new files, established connections are untouched. A listener whose files fail to load keeps its previous ones,
    /// and the reason is logged.
    /// </summary>
    /// <returns>Whether every TLS listener loaded its files.</returns>
    public bool ReloadCertificates()
    {
        var all = true;
        foreach (var tls in _tlsListeners)
        {
            all &= tls.Reload();
        }

        return all;
    }

    private static void UseTls(ListenOptions listenOptions, ListenerTls tls)
    {
        // Only HTTP/1.1 is ever spoken over a WebSocket listener; an MQTT listener never reaches HTTP.
        listenOptions.Protocols = HttpProtocols.Http1;
        listenOptions.UseHttps(tls.HandshakeOptions);
    }
}
