namespace OpenEnergy.Fapi.SampleProvider;

/// <summary>The sample provider's own settings, bound from the <c>Provider</c> section.</summary>
public sealed class ProviderOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Provider";

    /// <summary>Folder of the <c>{name}.csv</c> datasets; relative paths are under the application's folder.</summary>
    public string DataDirectory { get; set; } = "shared_data";

    /// <summary>Folder of public static files, served without a token (as nginx's <c>try_files</c> did).</summary>
    public string? PublicDirectory { get; set; } = "public";

    /// <summary>
    /// The scope every dataset request needs (space-separated for several, all required). Required: without it any
    /// active bound token of any client, including tokens meant for other APIs, would read every dataset. Dev
    /// mode uses <c>energy:read</c>.
    /// </summary>
    public string? RequiredScope { get; set; }

    /// <summary>Serve any active, bound token whatever its scopes, when <see cref="RequiredScope"/> is empty (as the original guide did). Off by default.</summary>
    public bool AllowAnyScope { get; set; }

    /// <summary>Log every served request at Information (off by default: it halves throughput).</summary>
    public bool AccessLog { get; set; }

    /// <summary>File mode (octal, e.g. <c>660</c>) set on a UNIX socket the app listens on, so nginx can connect.</summary>
    public string? UnixSocketMode { get; set; }

    /// <summary>Dev mode: the HTTPS port of the provider (0 picks a free one).</summary>
    public int DevPort { get; set; } = 5443;

    /// <summary>
    /// Per-dataset directory roles (IB1: a data source names the roles allowed to access it):
    /// <c>Provider:DatasetRoles:&lt;name&gt;:0</c>, <c>:1</c>, … with the dataset name as in the URL, matched ignoring
    /// case as configuration keys are. A certificate with any one of a dataset's roles may read it; datasets not
    /// listed fall back to <c>OpenEnergy:Fapi:AcceptedRoles</c>.
    /// </summary>
    public Dictionary<string, string[]> DatasetRoles { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// <see cref="DatasetRoles"/> as requirements, by dataset (ignoring case); a list that is not valid is left out
    /// and, when <paramref name="problems"/> is given, described there with its key.
    /// </summary>
    internal Dictionary<string, IReadOnlyList<Validation.FapiRoleRequirement>> DatasetRoleRequirements(List<string>? problems = null)
    {
        var requirements = new Dictionary<string, IReadOnlyList<Validation.FapiRoleRequirement>>(StringComparer.OrdinalIgnoreCase);
        foreach ((string dataset, string[] roles) in DatasetRoles)
        {
            try
            {
                requirements[dataset] = [new Validation.FapiRoleRequirement(roles)];
            }
            catch (ArgumentException ex)
            {
                problems?.Add($"{SectionName}:DatasetRoles:{dataset}: {ex.Message.Split(" (Parameter", 2)[0]}");
            }
        }

        return requirements;
    }

    /// <summary>Files up to this size are served from memory (refreshed when they change); larger ones stream.</summary>
    public int InMemoryLimitBytes { get; set; } = 256 * 1024;
}
