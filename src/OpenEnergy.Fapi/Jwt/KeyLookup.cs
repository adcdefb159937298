namespace OpenEnergy.Fapi.Jwt;

/// <summary>What looking up a <c>kid</c> found.</summary>
internal readonly record struct KeyLookup(KeyLookupKind Kind, IssuerKey[]? Keys)
{
    public static KeyLookup Unavailable => new(KeyLookupKind.Unavailable, null);

    public static KeyLookup Unknown => new(KeyLookupKind.Unknown, null);

    public static KeyLookup Stale => new(KeyLookupKind.UnknownWhileStale, null);

    public static KeyLookup Found(IssuerKey[] keys) => new(KeyLookupKind.Found, keys);
}

/// <summary>The kinds of <see cref="KeyLookup"/>.</summary>
internal enum KeyLookupKind
{
    /// <summary>The set has keys under that <c>kid</c>.</summary>
    Found,

    /// <summary>A set fetched successfully has no key under that <c>kid</c>.</summary>
    Unknown,

    /// <summary>The held set has no key under that <c>kid</c>, and the last fetch, which would have brought it, failed.</summary>
    UnknownWhileStale,

    /// <summary>No set could be fetched and none is held: an outage, 503.</summary>
    Unavailable,
}
