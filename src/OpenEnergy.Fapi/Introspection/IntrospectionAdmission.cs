using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Certificates;
using OpenEnergy.Fapi.Configuration;

namespace OpenEnergy.Fapi.Introspection;

/// <summary>
/// Decides whether a cache miss may become a call to the authorization server, before the global concurrency
/// limiter sees it: each client (by the thumbprint of the certificate it presented) may have at most
/// <see cref="FapiSettings.MaxConcurrentIntrospectionsPerClient"/> calls under way or queued, so one caller
/// flooding new tokens cannot take every slot. Only calls count: cache hits and joins of a call already under
/// way never reach this. The one admission step, where later rules (such as shedding a queue that is too long)
/// belong too.
/// </summary>
internal sealed class IntrospectionAdmission
{
    private readonly Dictionary<CertificateThumbprint, int> _callsByClient = [];
    private readonly int _perClient;

    public IntrospectionAdmission(IOptions<FapiOptions> options) => _perClient = options.Value.MaxConcurrentIntrospectionsPerClient;

    /// <summary>The per-client limit.</summary>
    public int PerClientLimit => _perClient;

    /// <summary>The number of clients with a call under way (for tests: it returns to zero on every path).</summary>
    public int ClientsWithCalls
    {
        get
        {
            lock (_callsByClient)
            {
                return _callsByClient.Count;
            }
        }
    }

    /// <summary>Takes one of the client's slots, or returns <see langword="false"/> when it has none left.</summary>
    public bool TryAdmit(CertificateThumbprint client, out Admission admission)
    {
        lock (_callsByClient)
        {
            _callsByClient.TryGetValue(client, out int calls);
            if (calls >= _perClient)
            {
                admission = default;
                return false;
            }

            _callsByClient[client] = calls + 1;
        }

        admission = new Admission(this, client);
        return true;
    }

    private void Release(CertificateThumbprint client)
    {
        lock (_callsByClient)
        {
            if (_callsByClient.TryGetValue(client, out int calls))
            {
                if (calls <= 1)
                {
                    _callsByClient.Remove(client);
                }
                else
                {
                    _callsByClient[client] = calls - 1;
                }
            }
        }
    }

    /// <summary>One admitted call: dispose it when the call is over.</summary>
    internal readonly struct Admission : IDisposable
    {
        private readonly IntrospectionAdmission? _owner;
        private readonly CertificateThumbprint _client;

        public Admission(IntrospectionAdmission owner, CertificateThumbprint client)
        {
            _owner = owner;
            _client = client;
        }

        public void Dispose() => _owner?.Release(_client);
    }
}
