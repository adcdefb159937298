using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using OpenEnergy.Fapi.Configuration;

namespace OpenEnergy.Fapi.Introspection;

/// <summary>
/// The primary handler towards the authorization server: TLS 1.2+, the given transport certificate presented
/// as client certificate (<c>tls_client_auth</c>), the server's certificate judged by
/// <see cref="AuthorizationServerCertificateValidator"/>.
/// </summary>
internal static class AuthorizationServerHandlerFactory
{
    public static SocketsHttpHandler Create(X509Certificate2 clientCertificate, AuthorizationServerCertificateValidator serverTrust) => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        SslOptions = new SslClientAuthenticationOptions
        {
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ClientCertificates = [clientCertificate],
            // Present our certificate whatever CA list the server advertises.
            LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate,
            RemoteCertificateValidationCallback = serverTrust.Validate,
        },
    };

    /// <summary>A handler that follows <paramref name="credentials"/> as they are reloaded.</summary>
    public static HttpMessageHandler Create(ProviderCredentials credentials) => new RotatingHandler(credentials);

    /// <summary>
    /// Sends each request through a connection pool made for the current credentials. When they change (a new
    /// transport certificate, a new CA bundle), the next request gets a new pool, so new connections present the
    /// new certificate; the old pool is disposed once the requests it carries have finished, so nothing in flight
    /// is dropped.
    /// </summary>
    private sealed class RotatingHandler : HttpMessageHandler
    {
        private readonly ProviderCredentials _credentials;
        private readonly Lock _gate = new();
        private Pool _pool;

        public RotatingHandler(ProviderCredentials credentials)
        {
            _credentials = credentials;
            _pool = new Pool(credentials);
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Pool pool = Acquire();
            try
            {
                return await pool.Invoker.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                pool.Release();
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                lock (_gate)
                {
                    _pool.Retire();
                }
            }

            base.Dispose(disposing);
        }

        private Pool Acquire()
        {
            lock (_gate)
            {
                if (_pool.Generation != _credentials.Generation)
                {
                    _pool.Retire();
                    _pool = new Pool(_credentials);
                }

                _pool.Enter();
                return _pool;
            }
        }

        private sealed class Pool
        {
            private int _inFlight;
            private int _retired;
            private int _disposed;

            public Pool(ProviderCredentials credentials)
            {
                Generation = credentials.Generation;
                Invoker = new HttpMessageInvoker(Create(credentials.ClientCertificate, credentials.AuthorizationServerTrust));
            }

            public long Generation { get; }

            public HttpMessageInvoker Invoker { get; }

            /// <summary>Counts a request in; called under the handler's lock, so never after <see cref="Retire"/>.</summary>
            public void Enter() => Interlocked.Increment(ref _inFlight);

            public void Release()
            {
                if (Interlocked.Decrement(ref _inFlight) == 0 && Volatile.Read(ref _retired) == 1)
                {
                    DisposeOnce();
                }
            }

            public void Retire()
            {
                Volatile.Write(ref _retired, 1);
                if (Volatile.Read(ref _inFlight) == 0)
                {
                    DisposeOnce();
                }
            }

            private void DisposeOnce()
            {
                if (Interlocked.Exchange(ref _disposed, 1) == 0)
                {
                    Invoker.Dispose();
                }
            }
        }
    }
}
