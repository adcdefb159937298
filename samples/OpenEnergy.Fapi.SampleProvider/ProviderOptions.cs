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
    /// Dev mode: the port of the fake authorization server, fixed so that the printed curl lines (which fetch a token
    /// from it) still work after a restart; 0 picks a free one. Default 5444.
    /// </summary>
    public int DevAuthorizationServerPort { get; set; } = 5444;

    /// <summary>
    /// Plain-HTTP loopback listeners that serve only <c>/health/live</c> and <c>/health/ready</c> (every other path
    /// is 404): <c>Provider:HealthUrls:0</c>, <c>:1</c>, … such as <c>http://127.0.0.1:8081</c>. For a load balancer
    /// or a watchdog on the same machine, since mutual TLS on Kestrel asks every connection for a client
    /// certificate. Anything but an <c>http://</c> URL on a loopback address is a start-up error.
    /// </summary>
    public IList<string> HealthUrls { get; } = [];

    /// <summary>
    /// Under systemd (<c>Type=notify</c>), readiness is signalled after the first run of the health checks, or after
    /// this long if they have not finished (logged either way). Default 30 s.
    /// </summary>
    public TimeSpan ReadinessTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// <see cref="HealthUrls"/> as loopback endpoints; a URL that is not <c>http://</c> on a loopback address is left
    /// out and, when <paramref name="problems"/> is given, described there with its key.
    /// </summary>
    internal List<System.Net.IPEndPoint> HealthEndpoints(List<string>? problems = null)
    {
        var endpoints = new List<System.Net.IPEndPoint>();
        for (int i = 0; i < HealthUrls.Count; i++)
        {
            string url = HealthUrls[i];
            if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || uri.Scheme != Uri.UriSchemeHttp
                || (uri.AbsolutePath != "/" && uri.AbsolutePath.Length > 0) || !string.IsNullOrEmpty(uri.Query))
            {
                problems?.Add($"{SectionName}:HealthUrls:{i} '{url}' is not a plain http:// URL with no path (e.g. http://127.0.0.1:8081).");
                continue;
            }

            System.Net.IPAddress? address = uri.IsLoopback && uri.HostNameType == UriHostNameType.Dns
                ? System.Net.IPAddress.Loopback
                : System.Net.IPAddress.TryParse(uri.Host.Trim('[', ']'), out System.Net.IPAddress? parsed) ? parsed : null;
            if (address is null || !System.Net.IPAddress.IsLoopback(address))
            {
                problems?.Add($"{SectionName}:HealthUrls:{i} '{url}' is not on a loopback address: health listeners are plain HTTP and must stay on this machine (use 127.0.0.1, [::1] or localhost).");
                continue;
            }

            if (uri.Port == 0)
            {
                problems?.Add($"{SectionName}:HealthUrls:{i} '{url}' needs a fixed port: a load balancer or a watchdog has to know where to ask.");
                continue;
            }

            endpoints.Add(new System.Net.IPEndPoint(address, uri.Port));
        }

        return endpoints;
    }

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
