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
    public bool IsTrusted(X509Certificate2 leaf, IEnumerable<X509Certificate2>? presented = null)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        if (_authorities.Count == 0)
        {
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
            return chain.Build(leaf);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
