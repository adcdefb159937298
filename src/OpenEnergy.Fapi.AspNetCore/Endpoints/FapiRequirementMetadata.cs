namespace OpenEnergy.Fapi.AspNetCore.Endpoints;

/// <summary>Endpoint metadata: the endpoint is FAPI-protected and needs these scopes (all of them).</summary>
public sealed class FapiRequirementMetadata
{
    /// <summary>Creates the metadata.</summary>
    /// <param name="scopes">The scopes needed; none for "any valid token".</param>
    public FapiRequirementMetadata(IReadOnlyList<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        foreach (string scope in scopes)
        {
            if (string.IsNullOrEmpty(scope) || scope.Any(c => c is <= ' ' or > '~' or '"' or '\\'))
            {
                throw new ArgumentException($"'{scope}' is not a valid scope token (RFC 6749 §3.3).", nameof(scopes));
            }
        }

        Scopes = scopes.Count == 0 ? null : scopes;
    }

    /// <summary>The scopes needed, or <see langword="null"/> for none.</summary>
    public IReadOnlyList<string>? Scopes { get; }

    /// <summary>The application's pipeline, set when the endpoint is built.</summary>
    internal Http.FapiHttpPipeline? Pipeline { get; set; }
}
