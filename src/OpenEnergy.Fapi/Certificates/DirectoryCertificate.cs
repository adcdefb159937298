using System.Formats.Asn1;

namespace OpenEnergy.Fapi.Certificates;

/// <summary>
/// What a directory-issued client certificate says about its holder, read from its DER once: the IB1 Trust
/// Framework extensions (roles, application, member) and the URI subject alternative names. An extension that is
/// missing, repeated or does not parse counts as absent: never an exception. The validator reads these once per
/// certificate (memoized with its thumbprint); the command-line tool shows the same facts.
/// </summary>
public sealed class DirectoryCertificate
{
    /// <summary>The roles extension (<c>ib1Roles</c>): a SEQUENCE OF UTF8String.</summary>
    public const string RolesOid = "1.3.6.1.4.1.62329.1.1";

    /// <summary>The application extension (<c>ib1Application</c>): a UTF8String.</summary>
    public const string ApplicationOid = "1.3.6.1.4.1.62329.1.2";

    /// <summary>The member extension (<c>ib1Member</c>): a UTF8String.</summary>
    public const string MemberOid = "1.3.6.1.4.1.62329.1.3";

    private const string SubjectAlternativeNameOid = "2.5.29.17";
    private static readonly Asn1Tag UriName = new(TagClass.ContextSpecific, 6);
    private static readonly Asn1Tag Extensions = new(TagClass.ContextSpecific, 3, isConstructed: true);
    private static readonly Asn1Tag Version = new(TagClass.ContextSpecific, 0, isConstructed: true);

    private DirectoryCertificate(CertificateThumbprint thumbprint)
    {
        Thumbprint = thumbprint;
    }

    /// <summary>The certificate's SHA-256 thumbprint (RFC 8705 <c>x5t#S256</c>).</summary>
    public CertificateThumbprint Thumbprint { get; }

    /// <summary>The directory roles the holder has (empty when the extension is absent or does not parse).</summary>
    public IReadOnlyList<string> Roles { get; private init; } = [];

    /// <summary>The application the certificate was issued to, when the extension is present.</summary>
    public string? Application { get; private init; }

    /// <summary>The member (organisation) the certificate was issued to, when the extension is present.</summary>
    public string? Member { get; private init; }

    /// <summary>The URI subject alternative names (IB1: the application's URL, which a token's <c>client_id</c> must equal).</summary>
    public IReadOnlyList<string> UriSubjectAlternativeNames { get; private init; } = [];

    /// <summary>
    /// Reads the facts from a certificate's DER. A DER that is not a certificate gives no facts (its thumbprint is
    /// still the hash of the bytes given).
    /// </summary>
    /// <param name="der">The certificate, DER-encoded.</param>
    public static DirectoryCertificate Parse(ReadOnlySpan<byte> der) => Parse(der, CertificateThumbprint.FromDer(der));

    /// <summary>A certificate known only by its thumbprint (a proxy that forwards the hash alone): no facts.</summary>
    internal static DirectoryCertificate FromThumbprint(CertificateThumbprint thumbprint) => new(thumbprint);

    /// <summary>Reads the facts of a certificate whose thumbprint is already known.</summary>
    internal static DirectoryCertificate Parse(ReadOnlySpan<byte> der, CertificateThumbprint thumbprint)
    {
        Dictionary<string, ReadOnlyMemory<byte>?> values = ReadExtensions(der);
        return new DirectoryCertificate(thumbprint)
        {
            Roles = ReadOne(values, RolesOid, ReadRoles) ?? [],
            Application = ReadOne(values, ApplicationOid, ReadUtf8String),
            Member = ReadOne(values, MemberOid, ReadUtf8String),
            UriSubjectAlternativeNames = ReadOne(values, SubjectAlternativeNameOid, ReadUriNames) ?? [],
        };
    }

    /// <summary>Whether the holder has at least one of <paramref name="anyOf"/> (exact, ordinal).</summary>
    /// <param name="anyOf">The roles accepted.</param>
    public bool HasAnyRole(IReadOnlyList<string> anyOf)
    {
        ArgumentNullException.ThrowIfNull(anyOf);
        // Indexed loops: an interface's enumerator would be one allocation per request on the hot path.
        for (int i = 0; i < anyOf.Count; i++)
        {
            if (HasRole(anyOf[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="uri"/> is one of the certificate's URI subject alternative names (exact, ordinal).</summary>
    /// <param name="uri">The URI, such as a token's <c>client_id</c>.</param>
    public bool HasUriSubjectAlternativeName(string? uri) => Contains(UriSubjectAlternativeNames, uri);

    private bool HasRole(string role) => Contains(Roles, role);

    private static bool Contains(IReadOnlyList<string> values, string? value)
    {
        for (int i = 0; i < values.Count; i++)
        {
            if (string.Equals(values[i], value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    // The extensions this class reads, by OID: the value, or null when the OID occurs more than once (RFC 5280
    // forbids it, and which one to believe would be a guess).
    private static Dictionary<string, ReadOnlyMemory<byte>?> ReadExtensions(ReadOnlySpan<byte> der)
    {
        var found = new Dictionary<string, ReadOnlyMemory<byte>?>(StringComparer.Ordinal);
        try
        {
            var certificate = new AsnReader(der.ToArray(), AsnEncodingRules.DER).ReadSequence();
            AsnReader tbs = certificate.ReadSequence();
            if (tbs.PeekTag().HasSameClassAndValue(Version))
            {
                tbs.ReadEncodedValue();
            }

            // serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo.
            for (int i = 0; i < 6; i++)
            {
                tbs.ReadEncodedValue();
            }

            while (tbs.HasData)
            {
                if (!tbs.PeekTag().HasSameClassAndValue(Extensions))
                {
                    tbs.ReadEncodedValue();
                    continue;
                }

                AsnReader extensions = tbs.ReadSequence(Extensions).ReadSequence();
                while (extensions.HasData)
                {
                    AsnReader extension = extensions.ReadSequence();
                    string oid = extension.ReadObjectIdentifier();
                    if (extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean))
                    {
                        extension.ReadBoolean();
                    }

                    ReadOnlyMemory<byte> value = extension.ReadOctetString();
                    if (oid is RolesOid or ApplicationOid or MemberOid or SubjectAlternativeNameOid)
                    {
                        found[oid] = found.ContainsKey(oid) ? null : value;
                    }
                }
            }
        }
        catch (AsnContentException)
        {
            // Not a certificate (or not DER): no facts.
            found.Clear();
        }

        return found;
    }

    private static T? ReadOne<T>(Dictionary<string, ReadOnlyMemory<byte>?> values, string oid, Func<ReadOnlyMemory<byte>, T> read)
        where T : class
    {
        if (!values.TryGetValue(oid, out ReadOnlyMemory<byte>? value) || value is not { } bytes)
        {
            return null;
        }

        try
        {
            return read(bytes);
        }
        catch (Exception ex) when (ex is AsnContentException or ArgumentException)
        {
            return null;
        }
    }

    private static IReadOnlyList<string> ReadRoles(ReadOnlyMemory<byte> value)
    {
        var outer = new AsnReader(value, AsnEncodingRules.DER);
        AsnReader sequence = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        var roles = new List<string>();
        while (sequence.HasData)
        {
            roles.Add(sequence.ReadCharacterString(UniversalTagNumber.UTF8String));
        }

        return roles;
    }

    private static string ReadUtf8String(ReadOnlyMemory<byte> value)
    {
        var reader = new AsnReader(value, AsnEncodingRules.DER);
        string text = reader.ReadCharacterString(UniversalTagNumber.UTF8String);
        reader.ThrowIfNotEmpty();
        return text;
    }

    private static IReadOnlyList<string> ReadUriNames(ReadOnlyMemory<byte> value)
    {
        var outer = new AsnReader(value, AsnEncodingRules.DER);
        AsnReader names = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        var uris = new List<string>();
        while (names.HasData)
        {
            if (names.PeekTag().HasSameClassAndValue(UriName))
            {
                uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, UriName));
            }
            else
            {
                names.ReadEncodedValue();
            }
        }

        return uris;
    }
}
