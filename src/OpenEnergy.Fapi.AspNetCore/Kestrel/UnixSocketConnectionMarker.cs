using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace OpenEnergy.Fapi.AspNetCore.Kestrel;

/// <summary>
/// Marks connections that arrived on a UNIX domain socket, from the connection's local endpoint type. The
/// request's features do not carry that endpoint, and a missing remote address proves nothing (a test host
/// has none either), so Kestrel's connection middleware records it where requests can see it.
/// </summary>
internal sealed class UnixSocketConnectionMarker : IConfigureOptions<KestrelServerOptions>
{
    private static readonly object Key = new();

    public void Configure(KestrelServerOptions options)
        => options.ConfigureEndpointDefaults(listen => listen.Use(next => connection =>
        {
            if (connection.LocalEndPoint is UnixDomainSocketEndPoint)
            {
                connection.Items[Key] = Key;
            }

            return next(connection);
        }));

    /// <summary>Whether the request's connection was marked as a UNIX-socket connection.</summary>
    public static bool IsUnixSocket(HttpContext context)
        => Http.FeatureLookup.Find<IConnectionItemsFeature>(context.Features)?.Items.ContainsKey(Key) == true;
}
