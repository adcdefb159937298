namespace OpenEnergy.Fapi.Client.Tokens;

/// <summary>A token from the token endpoint, what the endpoint said about it, and when to replace it.</summary>
internal sealed record AccessToken(string Value, DateTimeOffset RefreshAt, TimeSpan Lifetime = default, string? Scope = null);
