using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OpenEnergy.Fapi.Certificates;

/// <summary>
/// Chain building against a fixed set of CA certificates only (never the machine's store), for one purpose
/// (an extended key usage). The one place the library judges a certificate chain: client certificates against
/// the directory's CAs, the authorization server's certificate against a configured bundle.
/// </summary>
public sealed class CustomRootTrust
{
    /// <summary>The TLS client authentication purpose (1.3.6.1.5.5.7.3.2).</summary>
    public const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    /// <summary>The TLS server authentication purpose (1.3.6.1.5.5.7.3.1).</summary>
    public const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    private readonly X509Certificate2Collection _authorities;
    private readonly string _purpose;
    private readonly X509RevocationMode _revocation;

    /// <summary>Creates the trust.</summary>
    /// <param name="authorities">The CA certificates: roots are trust anchors, intermediates help build the chain.</param>
    /// <param name="purpose">The extended key usage OID the leaf must allow (<see cref="ClientAuthentication"/> or <see cref="ServerAuthentication"/>).</param>
    /// <param name="revocation">Revocation checking (below the root).</param>
    public CustomRootTrust(X509Certificate2Collection authorities, string purpose, X509RevocationMode revocation = X509RevocationMode.NoCheck)
    {
        ArgumentNullException.ThrowIfNull(authorities);
        ArgumentException.ThrowIfNullOrWhiteSpace(purpose);
        _authorities = [.. authorities];
        _purpose = purpose;
        _revocation = revocation;
    }

    /// <summary>Whether any authority is configured (an empty trust trusts nothing).</summary>
    public bool IsEmpty => _authorities.Count == 0;

    /// <summary>Whether <paramref name="leaf"/> chains to one of the authorities and allows the purpose.</summary>
    /// <param name="leaf">The certificate to judge.</param>
    /// <param name="presented">Certificates the peer sent with it (intermediates), if any.</param>
    public bool IsTrusted(X509Certificate2 leaf, IEnumerable<X509Certificate2>? presented = null) => IsTrusted(leaf, presented, out _);

    /// <summary>As <see cref="IsTrusted(X509Certificate2, IEnumerable{X509Certificate2}?)"/>, saying why not.</summary>
    /// <param name="leaf">The certificate to judge.</param>
    /// <param name="presented">Certificates the peer sent with it (intermediates), if any.</param>
    /// <param name="problem">When not trusted: the chain's faults, e.g. <c>UntrustedRoot, NotTimeValid</c>.</param>
    internal bool IsTrusted(X509Certificate2 leaf, IEnumerable<X509Certificate2>? presented, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        problem = null;
        if (_authorities.Count == 0)
        {
            problem = "no trusted CA is configured";
            return false;
        }

        using var chain = new X509Chain();
        X509ChainPolicy policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(_authorities);
        // Intermediates of the bundle are not anchors unless self-signed; offering them here lets a chain
        // through an issuing CA be built when the peer sent only its leaf.
        policy.ExtraStore.AddRange(_authorities);
        // Every issuer comes from the bundle or the peer: the chain builder never fetches a URL a certificate
        // names (an attacker-chosen request from the handshake), and revocation lists are fetched briefly.
        policy.DisableCertificateDownloads = true;
        policy.UrlRetrievalTimeout = TimeSpan.FromSeconds(5);
        policy.RevocationMode = _revocation;
        policy.RevocationFlag = X509RevocationFlag.ExcludeRoot;
        policy.ApplicationPolicy.Add(new Oid(_purpose));
        if (presented is not null)
        {
            foreach (X509Certificate2 certificate in presented)
            {
                policy.ExtraStore.Add(certificate);
            }
        }

        try
        {
            if (chain.Build(leaf))
            {
                return true;
            }

            problem = Describe(chain);
            return false;
        }
        catch (CryptographicException ex)
        {
            problem = "the chain could not be built: " + ex.Message;
            return false;
        }
    }

    // The distinct faults of every chain element, named as the platform names them (NotTimeValid is an expiry,
    // NotValidForUsage a missing client- or server-authentication EKU, UntrustedRoot or PartialChain another CA).
    private static string Describe(X509Chain chain)
    {
        X509ChainStatusFlags flags = X509ChainStatusFlags.NoError;
        foreach (X509ChainStatus status in chain.ChainStatus)
        {
            flags |= status.Status;
        }

        foreach (X509ChainElement element in chain.ChainElements)
        {
            foreach (X509ChainStatus status in element.ChainElementStatus)
            {
                flags |= status.Status;
            }
        }

        return flags == X509ChainStatusFlags.NoError ? "the chain was refused" : flags.ToString();
    }
}
