using System.Net;

namespace OpenEnergy.Fapi.Configuration;

/// <summary>
/// The peers whose forwarded client-certificate headers are believed. Empty configuration means the default:
/// loopback (127.0.0.0/8, ::1, IPv4-mapped loopback) and connections that arrived on a UNIX domain socket.
/// </summary>
public sealed class TrustedProxyList
{
    private readonly IPNetwork[] _networks;
    private readonly bool _defaults;

    private TrustedProxyList(IPNetwork[] networks, bool defaults)
    {
        _networks = networks;
        _defaults = defaults;
    }

    /// <summary>Builds the list from configuration entries (addresses or CIDR ranges).</summary>
    /// <param name="entries">The configured entries; empty for the default.</param>
    /// <exception cref="FormatException">An entry is neither an address nor a CIDR range.</exception>
    public static TrustedProxyList Create(IEnumerable<string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var networks = new List<IPNetwork>();
        foreach (string entry in entries)
        {
            if (!TryParseEntry(entry, out IPNetwork network))
            {
                throw new FormatException($"'{entry}' is neither an IP address nor a CIDR range.");
            }

            networks.Add(network);
        }

        return new TrustedProxyList([.. networks], networks.Count == 0);
    }

    /// <summary>Whether the list is the built-in default (loopback and UNIX sockets).</summary>
    public bool IsDefault => _defaults;

    /// <summary>Whether a connection's peer may vouch for a client certificate.</summary>
    /// <param name="remoteAddress">The peer's address, or <see langword="null"/> when the host gives none.</param>
    /// <param name="isUnixSocket">Whether the connection arrived on a UNIX domain socket (from the endpoint type, never inferred from a missing address).</param>
    public bool IsTrusted(IPAddress? remoteAddress, bool isUnixSocket)
    {
        if (_defaults)
        {
            return isUnixSocket || (remoteAddress is not null && IPAddress.IsLoopback(Normalize(remoteAddress)));
        }

        if (remoteAddress is null)
        {
            return false;
        }

        IPAddress address = Normalize(remoteAddress);
        foreach (IPNetwork network in _networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    internal static bool TryParseEntry(string? entry, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(entry))
        {
            return false;
        }

        string trimmed = entry.Trim();
        if (IPAddress.TryParse(trimmed, out IPAddress? single) && !trimmed.Contains('/', StringComparison.Ordinal))
        {
            single = Normalize(single);
            network = new IPNetwork(single, single.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        if (IPNetwork.TryParse(trimmed, out network))
        {
            if (network.BaseAddress.IsIPv4MappedToIPv6)
            {
                network = new IPNetwork(network.BaseAddress.MapToIPv4(), Math.Max(0, network.PrefixLength - 96));
            }

            return true;
        }

        return false;
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
