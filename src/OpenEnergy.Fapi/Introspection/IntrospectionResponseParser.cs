using System.Collections.ObjectModel;
using System.Text.Json;
using OpenEnergy.Fapi.Certificates;

namespace OpenEnergy.Fapi.Introspection;

/// <summary>Turns an introspection response body into an <see cref="IntrospectionOutcome"/>; never throws.</summary>
internal static class IntrospectionResponseParser
{
    private static readonly char[] Space = [' '];

    // Members that repeat across a consumer's tokens are kept once (see IntrospectionValuePool); the sizes bound
    // how many consumers' values are shared at once, not correctness.
    // A number's raw text never starts with a quote and a string's always does, so the two never share a value.
    private static readonly IntrospectionValuePool<string> Strings = new(1024, static e => e.ValueKind == JsonValueKind.Number ? e.GetRawText() : e.GetString()!);
    private static readonly IntrospectionValuePool<IReadOnlyList<string>> SpaceSeparatedLists = new(256, ToSpaceSeparatedList);
    private static readonly IntrospectionValuePool<IReadOnlyList<string>> AudienceLists = new(64, ToAudienceList);

    // Clone: a copy that outlives the document it came from, whoever disposes that.
    private static readonly IntrospectionValuePool<JsonElement> Objects = new(256, static e => e.Clone());

    public static IntrospectionOutcome Parse(ReadOnlySpan<byte> utf8Json)
    {
        IntrospectionResponseDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(utf8Json, FapiJsonContext.Default.IntrospectionResponseDocument);
        }
        catch (JsonException)
        {
            return IntrospectionOutcome.Unavailable("the introspection response is not a JSON object (or breaks the depth or duplicate-member rules)");
        }

        if (document is null)
        {
            return IntrospectionOutcome.Unavailable("the introspection response is JSON null");
        }

        return document.Active.ValueKind switch
        {
            JsonValueKind.Undefined => IntrospectionOutcome.MissingActive(),
            JsonValueKind.True => IntrospectionOutcome.From(ToActiveResult(document)),
            // false, or anything that is not the literal true ("true", 1, null): inactive, members ignored (V-11).
            _ => IntrospectionOutcome.From(IntrospectionResult.Inactive),
        };
    }

    /// <summary>
    /// Reads the claims of a verified JWT (an access token, whose validity is its signature) with the same member
    /// rules as an introspection answer; an <c>active</c> claim means nothing there and is ignored. Returns
    /// <see langword="null"/> when the payload is not a JSON object.
    /// </summary>
    public static IntrospectionResult? ParseClaims(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            return JsonSerializer.Deserialize(utf8Json, FapiJsonContext.Default.IntrospectionResponseDocument) is { } document
                ? ToActiveResult(document)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IntrospectionResult ToActiveResult(IntrospectionResponseDocument d)
    {
        var reader = new MemberReader();
        string? scope = reader.String(d.Scope, "scope", shared: true);
        (CertificateBinding binding, CertificateThumbprint? thumbprint) = reader.Binding(d.Confirmation);
        var result = new IntrospectionResult
        {
            Active = true,
            Scope = scope,
            Scopes = scope is null ? [] : SpaceSeparatedLists.GetOrAdd(d.Scope),
            ClientId = reader.String(d.ClientId, "client_id", shared: true),
            Subject = reader.String(d.Subject, "sub"),
            Username = reader.String(d.Username, "username"),
            Issuer = reader.String(d.Issuer, "iss", shared: true),
            TokenType = reader.String(d.TokenType, "token_type", shared: true),
            JwtId = reader.String(d.JwtId, "jti"),
            // A string aud is one audience (RFC 7519 §4.1.3), never split on spaces.
            Audiences = reader.StringOrArray(d.Audience, "aud", AudienceLists),
            ExpiresAt = reader.NumericDate(d.ExpiresAt, "exp"),
            IssuedAt = reader.NumericDate(d.IssuedAt, "iat"),
            NotBefore = reader.NumericDate(d.NotBefore, "nbf"),
            Binding = binding,
            BoundCertificateThumbprint = thumbprint,
            OrganisationId = reader.StringOrNumber(d.OrganisationId, "organisation_id"),
            OrganisationName = reader.String(d.OrganisationName, "organisation_name", shared: true),
            SoftwareRoles = reader.StringOrArray(d.SoftwareRoles, "software_roles", SpaceSeparatedLists),
            AdditionalSoftwareMetadata = reader.Object(d.AdditionalSoftwareMetadata, "additional_software_metadata"),
            AdditionalClientMetadata = reader.Object(d.AdditionalClientMetadata, "additional_client_metadata"),
            AdditionalMembers = d.Others is { Count: > 0 } others ? others.AsReadOnly() : IntrospectionResult.NoAdditionalMembers,
        };

        return reader.Malformed is null ? result : new IntrospectionResult { Active = true, MalformedMember = reader.Malformed };
    }

    /// <summary>A string member split on spaces (<c>scope</c>, <c>software_roles</c>), or an array of strings as it is.</summary>
    private static ReadOnlyCollection<string> ToSpaceSeparatedList(JsonElement e)
        => e.ValueKind == JsonValueKind.String ? Array.AsReadOnly(e.GetString()!.Split(Space, StringSplitOptions.RemoveEmptyEntries)) : ToList(e);

    /// <summary>A string member as one item (<c>aud</c>), or an array of strings as it is.</summary>
    private static ReadOnlyCollection<string> ToAudienceList(JsonElement e)
        => e.ValueKind == JsonValueKind.String ? Array.AsReadOnly([e.GetString()!]) : ToList(e);

    private static ReadOnlyCollection<string> ToList(JsonElement array)
    {
        var items = new string[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            items[i++] = item.GetString()!;
        }

        return Array.AsReadOnly(items);
    }

    /// <summary>Reads members by their expected type and remembers the first one that has another.</summary>
    private sealed class MemberReader
    {
        public string? Malformed { get; private set; }

        /// <summary>A string member; <paramref name="shared"/> for members that repeat across a consumer's tokens (never <c>sub</c> or <c>jti</c>).</summary>
        public string? String(JsonElement e, string name, bool shared = false) => e.ValueKind switch
        {
            JsonValueKind.Undefined or JsonValueKind.Null => null,
            JsonValueKind.String => shared ? Strings.GetOrAdd(e) : e.GetString(),
            _ => Fail<string>(name),
        };

        public string? StringOrNumber(JsonElement e, string name)
            => e.ValueKind == JsonValueKind.Number ? Strings.GetOrAdd(e) : String(e, name, shared: true);

        /// <summary>A string or an array of strings, checked here and made (or shared) by <paramref name="pool"/>.</summary>
        public IReadOnlyList<string> StringOrArray(JsonElement e, string name, IntrospectionValuePool<IReadOnlyList<string>> pool)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Undefined or JsonValueKind.Null:
                    return [];
                case JsonValueKind.String:
                    return pool.GetOrAdd(e);
                case JsonValueKind.Array:
                    foreach (JsonElement item in e.EnumerateArray())
                    {
                        if (item.ValueKind != JsonValueKind.String)
                        {
                            Fail<string>(name);
                            return [];
                        }
                    }

                    return pool.GetOrAdd(e);
                default:
                    Fail<string>(name);
                    return [];
            }
        }

        public DateTimeOffset? NumericDate(JsonElement e, string name)
        {
            if (e.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            {
                return null;
            }

            // RFC 7519 NumericDate may carry a fraction; the validator works in whole seconds.
            if (e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out double seconds) && double.IsFinite(seconds)
                && seconds >= 0 && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            {
                return DateTimeOffset.FromUnixTimeSeconds((long)Math.Floor(seconds));
            }

            Fail<string>(name);
            return null;
        }

        public JsonElement? Object(JsonElement e, string name) => e.ValueKind switch
        {
            JsonValueKind.Undefined or JsonValueKind.Null => null,
            JsonValueKind.Object => Objects.GetOrAdd(e),
            _ => Fail<JsonElement?>(name),
        };

        public (CertificateBinding, CertificateThumbprint?) Binding(JsonElement cnf)
        {
            if (cnf.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            {
                return (CertificateBinding.None, null);
            }

            if (cnf.ValueKind != JsonValueKind.Object)
            {
                Fail<string>("cnf");
                return (CertificateBinding.None, null);
            }

            // A DPoP-bound token proves possession of a key, not of the certificate: whatever else cnf says,
            // it is not a bearer token for this request (D-10).
            if (cnf.TryGetProperty("jkt", out _))
            {
                return (CertificateBinding.DpopBound, null);
            }

            if (!cnf.TryGetProperty("x5t#S256", out JsonElement x5t))
            {
                return (CertificateBinding.None, null);
            }

            if (x5t.ValueKind != JsonValueKind.String)
            {
                Fail<string>("cnf.x5t#S256");
                return (CertificateBinding.None, null);
            }

            return CertificateThumbprint.TryParse(x5t.GetString(), out CertificateThumbprint thumbprint)
                ? (CertificateBinding.Bound, thumbprint)
                : (CertificateBinding.NonCanonical, null);
        }

        private T? Fail<T>(string name)
        {
            Malformed ??= name;
            return default;
        }
    }
}
