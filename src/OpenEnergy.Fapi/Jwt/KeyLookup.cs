using Microsoft.IdentityModel.Tokens;

namespace OpenEnergy.Fapi.Jwt;

/// <summary>What looking up a <c>kid</c> found.</summary>
internal readonly record struct KeyLookup(KeyLookupKind Kind, JsonWebKey[]? Keys)
{
    public static KeyLookup Unavailable => new(KeyLookupKind.Unavailable, null);

    public static KeyLookup Unknown => new(KeyLookupKind.Unknown, null);

    public static KeyLookup Found(JsonWebKey[] keys) => new(KeyLookupKind.Found, keys);
}

/// <summary>The kinds of <see cref="KeyLookup"/>.</summary>
internal enum KeyLookupKind
{
    /// <summary>The set has keys under that <c>kid</c>.</summary>
    Found,

    /// <summary>A set fetched successfully has no key under that <c>kid</c>.</summary>
    Unknown,

    /// <summary>No set could be fetched (or refreshed when the <c>kid</c> was unknown): an outage, 503.</summary>
    Unavailable,
}
