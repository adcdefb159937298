using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Introspection;

namespace OpenEnergy.Fapi.Jwt;

/// <summary>
/// Opens a signed introspection response (RFC 9701): a JWS by the issuer's key under an allowed algorithm, header
/// <c>typ</c> <c>token-introspection+jwt</c>, <c>iss</c> the issuer, <c>aud</c> naming our client id, <c>iat</c> recent;
/// only then is its <c>token_introspection</c> object read, exactly like a plain JSON answer. Every envelope fault
/// is an authorization-server fault (<see cref="IntrospectionOutcomeKind.Unavailable"/>, never cached).
/// </summary>
internal sealed class SignedIntrospectionReader
{
    /// <summary>The media type of a signed introspection response.</summary>
    public const string MediaType = "application/token-introspection+jwt";

    private static readonly JsonDocumentOptions Strict = new() { MaxDepth = IntrospectionLimits.MaxJsonDepth, AllowDuplicateProperties = false };

    private readonly JwsVerifier _verifier;
    private readonly TimeProvider _time;
    private readonly string _clientId;
    private readonly TimeSpan _maxAge;
    private readonly TimeSpan _clockSkew;

    public SignedIntrospectionReader(JwsVerifier verifier, IOptions<FapiOptions> options, TimeProvider time)
    {
        FapiOptions o = options.Value;
        _verifier = verifier;
        _time = time;
        _clientId = o.ClientId!;
        _maxAge = o.IntrospectionResponseMaxAge;
        _clockSkew = o.ClockSkew;
    }

    /// <summary>The introspection outcome the envelope carries, or why the envelope is refused.</summary>
    /// <param name="body">The response body (ASCII).</param>
    /// <param name="expectedIssuer">The issuer the metadata names.</param>
    /// <param name="cancellationToken">The call's own time limit.</param>
    public async ValueTask<IntrospectionOutcome> ReadAsync(ReadOnlyMemory<byte> body, string? expectedIssuer, CancellationToken cancellationToken)
    {
        if (expectedIssuer is null)
        {
            return Refused("the issuer is unknown, so the response's iss cannot be checked");
        }

        string compact = Encoding.ASCII.GetString(body.Span).Trim();
        JwsCheck check = await _verifier.VerifyAsync(compact, cancellationToken).ConfigureAwait(false);
        if (check.Kind != JwsCheckKind.Verified)
        {
            return Refused(check.Kind switch
            {
                JwsCheckKind.NotJws => "it is not a compact JWS",
                JwsCheckKind.NoKeyId => "its header names no kid",
                JwsCheckKind.UnknownKey => "it is signed with a key the issuer does not publish",
                JwsCheckKind.UnknownKeyWhileStale => "it names a key the held key set lacks, and the key set could not be refreshed",
                JwsCheckKind.KeySetUnavailable => "the issuer's key set could not be fetched",
                JwsCheckKind.AlgorithmNotAllowed => "its algorithm is not allowed or does not fit the key",
                _ => "its signature is invalid",
            });
        }

        string? typ = check.Token!.Typ;
        if (typ is null || !(typ.Equals("token-introspection+jwt", StringComparison.OrdinalIgnoreCase) || typ.Equals(MediaType, StringComparison.OrdinalIgnoreCase)))
        {
            return Refused("its typ is not token-introspection+jwt");
        }

        if (Base64UrlBytes.Decode(check.Token.EncodedPayload) is not { } payload)
        {
            return Refused("its payload is not base64url");
        }

        try
        {
            using JsonDocument claims = JsonDocument.Parse(payload, Strict);
            return Judge(claims.RootElement, expectedIssuer);
        }
        catch (JsonException)
        {
            return Refused("its payload is not a JSON object (or breaks the depth or duplicate-member rules)");
        }
    }

    private IntrospectionOutcome Judge(JsonElement claims, string expectedIssuer)
    {
        if (claims.ValueKind != JsonValueKind.Object)
        {
            return Refused("its payload is not a JSON object");
        }

        if (!claims.TryGetProperty("iss", out JsonElement iss) || iss.ValueKind != JsonValueKind.String || iss.GetString() != expectedIssuer)
        {
            return Refused("its iss is not the issuer");
        }

        if (!claims.TryGetProperty("aud", out JsonElement aud) || !Names(aud, _clientId))
        {
            return Refused("its aud does not name this provider's client id");
        }

        if (!claims.TryGetProperty("iat", out JsonElement iat) || iat.ValueKind != JsonValueKind.Number || !iat.TryGetDouble(out double issued) || !double.IsFinite(issued))
        {
            return Refused("it has no numeric iat");
        }

        double now = _time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
        if (issued < now - _maxAge.TotalSeconds || issued > now + _clockSkew.TotalSeconds)
        {
            return Refused($"its iat is not within {_maxAge.TotalSeconds:0} s of now");
        }

        if (!claims.TryGetProperty("token_introspection", out JsonElement answer) || answer.ValueKind != JsonValueKind.Object)
        {
            return Refused("it has no token_introspection object");
        }

        // Only the token_introspection object speaks about the token; top-level claims never do (RFC 9701 §5).
        return IntrospectionResponseParser.Parse(JsonMarshal.GetRawUtf8Value(answer));
    }

    private static bool Names(JsonElement audience, string clientId)
    {
        switch (audience.ValueKind)
        {
            case JsonValueKind.String:
                return audience.GetString() == clientId;
            case JsonValueKind.Array:
                foreach (JsonElement item in audience.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String && item.GetString() == clientId)
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    private static IntrospectionOutcome Refused(string reason) => IntrospectionOutcome.Unavailable("the signed introspection response was refused: " + reason);
}
