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
    /// <exception cref="FormatException">An entry is neither an address nor a CIDR range, covers every address, or has host bits set.</exception>
    public static TrustedProxyList Create(IEnumerable<string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var networks = new List<IPNetwork>();
        foreach (string entry in entries)
        {
            if (!TryParseEntry(entry, out IPNetwork network))
            {
                throw new FormatException(CheckEntry(entry));
            }

            networks.Add(network);
        }

        return new TrustedProxyList([.. networks], networks.Count == 0);
    }

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

    /// <summary>
    /// What is wrong with one entry, or <see langword="null"/> when it is a usable address or range. A range that
    /// covers every IPv4 or IPv6 address (<c>0.0.0.0/0</c>, <c>::/0</c>, <c>::ffff:0.0.0.0/96</c>) would believe
    /// forged certificates from anyone; one with host bits set (<c>10.0.0.1/8</c>) is probably not what was meant.
    /// </summary>
    internal static string? CheckEntry(string? entry)
    {
        if (string.IsNullOrWhiteSpace(entry))
        {
            return "an entry is empty.";
        }

        string trimmed = entry.Trim();
        if (IPAddress.TryParse(trimmed, out _) && !trimmed.Contains('/', StringComparison.Ordinal))
        {
            return null;
        }

        // The parts are parsed apart to tell the operator which mistake it is.
        int slash = trimmed.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IPAddress.TryParse(trimmed.AsSpan(0, slash), out IPAddress? address)
            || !int.TryParse(trimmed.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int prefix)
            || prefix > (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128))
        {
            return $"'{entry}' is neither an IP address nor a CIDR range (e.g. 10.0.0.0/8).";
        }

        // IPNetwork clears host bits silently: compare its base address with the one written.
        if (!IPNetwork.TryParse(trimmed, out IPNetwork network) || !network.BaseAddress.Equals(address))
        {
            return $"'{entry}' has host bits set after the /{prefix} prefix; write the range's first address (e.g. 10.0.0.0/8), or the single address without a prefix.";
        }

        IPNetwork normalized = NormalizeNetwork(network);
        if (normalized.PrefixLength == 0)
        {
            return $"'{entry}' covers every {(normalized.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? "IPv4" : "IPv6")} address: anyone could forge a client certificate. List the proxies' own addresses or ranges.";
        }

        return null;
    }

    internal static bool TryParseEntry(string? entry, out IPNetwork network)
    {
        network = default;
        if (CheckEntry(entry) is not null)
        {
            return false;
        }

        string trimmed = entry!.Trim();
        if (IPAddress.TryParse(trimmed, out IPAddress? single) && !trimmed.Contains('/', StringComparison.Ordinal))
        {
            single = Normalize(single);
            network = new IPNetwork(single, single.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        network = NormalizeNetwork(IPNetwork.Parse(trimmed));
        return true;
    }

    // An IPv4-mapped range (::ffff:10.0.0.0/104) is the IPv4 range it maps (10.0.0.0/8).
    private static IPNetwork NormalizeNetwork(IPNetwork network)
        => network.BaseAddress.IsIPv4MappedToIPv6 && network.PrefixLength >= 96
            ? new IPNetwork(network.BaseAddress.MapToIPv4(), network.PrefixLength - 96)
            : network;

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
