using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenEnergy.Fapi.Configuration;

namespace OpenEnergy.Fapi.Jwt;

/// <summary>
/// Verifies a compact JWS signed by the issuer: the header's <c>kid</c> picks keys from the issuer's key set, the
/// header's <c>alg</c> must be allowed and fit the key's own type, and the signature is checked by
/// <see cref="JsonWebTokenHandler"/> with that one key and that one algorithm. Claims are not judged here.
/// </summary>
internal sealed class JwsVerifier
{
    private readonly IssuerSigningKeys _keys;
    private readonly HashSet<string> _allowed;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public JwsVerifier(IssuerSigningKeys keys, IOptions<FapiOptions> options)
    {
        _keys = keys;
        _allowed = new HashSet<string>(options.Value.EffectiveSigningAlgorithms, StringComparer.Ordinal);
    }

    /// <summary>Whether <paramref name="token"/> has the shape of a compact JWS (three segments), before any decoding.</summary>
    public static bool LooksLikeJws(ReadOnlySpan<char> token) => token.Count('.') == 2;

    public async ValueTask<JwsCheck> VerifyAsync(string compact, CancellationToken cancellationToken)
    {
        if (!LooksLikeJws(compact))
        {
            return new(JwsCheckKind.NotJws);
        }

        JsonWebToken token;
        try
        {
            token = new JsonWebToken(compact);
        }
        catch (ArgumentException)
        {
            // SecurityTokenMalformedException derives from ArgumentException: a header or payload that is not base64url JSON.
            return new(JwsCheckKind.NotJws);
        }

        if (string.IsNullOrEmpty(token.Kid))
        {
            return new(JwsCheckKind.NoKeyId);
        }

        KeyLookup lookup = await _keys.FindAsync(token.Kid, cancellationToken).ConfigureAwait(false);
        switch (lookup.Kind)
        {
            case KeyLookupKind.Unknown:
                return new(JwsCheckKind.UnknownKey);
            case KeyLookupKind.UnknownWhileStale:
                return new(JwsCheckKind.UnknownKeyWhileStale);
            case KeyLookupKind.Unavailable:
                return new(JwsCheckKind.KeySetUnavailable);
        }

        string algorithm = token.Alg;
        if (!_allowed.Contains(algorithm))
        {
            return new(JwsCheckKind.AlgorithmNotAllowed);
        }

        // RFC 7515 §4.1.11: a header naming extensions the recipient must understand; this library implements none.
        if (token.TryGetHeaderValue("crit", out object _))
        {
            return new(JwsCheckKind.BadSignature);
        }

        bool fitting = false;
        foreach (IssuerKey key in lookup.Keys!)
        {
            if (!JwsAlgorithms.Fits(algorithm, key))
            {
                continue;
            }

            // Several keys may share a kid (an overlap in rotation): any one that fits and verifies will do.
            fitting = true;
            TokenValidationResult result = await _handler.ValidateTokenAsync(token, SignatureOnly(key.Key, algorithm)).ConfigureAwait(false);
            if (result.IsValid)
            {
                return JwsCheck.Verified(token);
            }
        }

        return new(fitting ? JwsCheckKind.BadSignature : JwsCheckKind.AlgorithmNotAllowed);
    }

    // Claims are judged by the callers, from their own strict parse of the same payload bytes; here only the
    // signature counts, with one key and one algorithm, so nothing in the token chooses either.
    private static TokenValidationParameters SignatureOnly(SecurityKey key, string algorithm) => new()
    {
        IssuerSigningKey = key,
        TryAllIssuerSigningKeys = false,
        ValidAlgorithms = [algorithm],
        RequireSignedTokens = true,
        ValidateIssuerSigningKey = false,
        ValidateIssuer = false,
        ValidateAudience = false,
        ValidateLifetime = false,
        RequireExpirationTime = false,
        ValidateTokenReplay = false,
        SaveSigninToken = false,
    };
}
