using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Client.Configuration;
using OpenEnergy.Fapi.Client.Tokens;

namespace OpenEnergy.Fapi.Client;

/// <summary>What one named client holds for its lifetime: its validated options, key material and token cache.</summary>
internal sealed class FapiClientContext
{
    public FapiClientContext(string name, string section, FapiClientOptions options, IHttpClientFactory httpClientFactory, TimeProvider time, ILogger logger)
    {
        Options = options;
        Credentials = FapiClientCredentials.Load(options, section);
        Tokens = new AccessTokenSource(name, options, httpClientFactory, time, logger);
    }

    public FapiClientOptions Options { get; }

    public FapiClientCredentials Credentials { get; }

    public AccessTokenSource Tokens { get; }
}

/// <summary>The contexts of every named client, built once each on first use (after start-up validation).</summary>
internal sealed class FapiClientRegistry
{
    private readonly Dictionary<string, Lazy<FapiClientContext>> _contexts = new(StringComparer.Ordinal);

    public FapiClientRegistry(IEnumerable<FapiClientRegistration> registrations, IOptionsMonitor<FapiClientOptions> options, IHttpClientFactory httpClientFactory, TimeProvider time, ILoggerFactory loggers)
    {
        ILogger logger = loggers.CreateLogger("OpenEnergy.Fapi.Client");
        foreach (FapiClientRegistration registration in registrations)
        {
            _contexts[registration.Name] = new Lazy<FapiClientContext>(
                () => new FapiClientContext(registration.Name, registration.Section, options.Get(registration.Name), httpClientFactory, time, logger),
                LazyThreadSafetyMode.ExecutionAndPublication);
        }
    }

    public FapiClientContext this[string name] => _contexts[name].Value;
}

/// <summary>One <c>AddOpenEnergyFapiClient</c> call: the client's name and the configuration section it binds from.</summary>
internal sealed record FapiClientRegistration(string Name, string Section);
