namespace OpenEnergy.Fapi.Client.Tokens;

/// <summary>A token from the token endpoint and when to replace it.</summary>
internal sealed record AccessToken(string Value, DateTimeOffset RefreshAt);
