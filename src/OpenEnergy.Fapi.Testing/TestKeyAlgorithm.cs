namespace OpenEnergy.Fapi.Testing;

/// <summary>The key type of certificates made by <see cref="TestCertificateAuthority"/>.</summary>
public enum TestKeyAlgorithm
{
    /// <summary>ECDSA P-256: fast to generate, the default.</summary>
    EcdsaP256 = 0,

    /// <summary>RSA 2048, as the Open Energy directory issues.</summary>
    Rsa2048,
}
