using System.Net.Security;
using System.Security.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Client;
using OpenEnergy.Fapi.Client.Configuration;
using OpenEnergy.Fapi.Client.Http;
using OpenEnergy.Fapi.Client.Tokens;
using Polly;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers consumer clients: <see cref="HttpClient"/>s that speak Open Energy FAPI to providers.</summary>
public static class FapiClientServiceCollectionExtensions
{
    private const int MaxAuthorizationServerResponseBytes = 64 * 1024;

    /// <summary>
    /// Registers the named client <paramref name="name"/>, its settings bound from <paramref name="configuration"/>
    /// (e.g. <c>configuration.GetSection("OpenEnergy:FapiClient")</c>) and validated at start-up.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The client's name (for <see cref="IHttpClientFactory.CreateClient(string)"/>).</param>
    /// <param name="configuration">The client's configuration section.</param>
    /// <returns>The client's builder: add a typed client, handlers or defaults such as a base address.</returns>
    public static IHttpClientBuilder AddOpenEnergyFapiClient(this IServiceCollection services, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string section = configuration is IConfigurationSection named ? named.Path : FapiClientOptions.SectionName;
        // Bound through the settings type, by generated code: certificate objects come from code only.
        services.AddOptions<FapiClientOptions>(name).Configure(options =>
        {
            FapiClientSettings settings = options;
            configuration.Bind(settings);
        });
        return AddCore(services, name, section);
    }

    /// <summary>Registers the named client <paramref name="name"/> with settings given in code, validated at start-up.</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The client's name.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The client's builder.</returns>
    public static IHttpClientBuilder AddOpenEnergyFapiClient(this IServiceCollection services, string name, Action<FapiClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<FapiClientOptions>(name).Configure(configure);
        return AddCore(services, name, FapiClientOptions.SectionName);
    }

    private static IHttpClientBuilder AddCore(IServiceCollection services, string name, string section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (services.Any(d => d.ServiceType == typeof(FapiClientRegistration) && d.ImplementationInstance is FapiClientRegistration r && r.Name == name))
        {
            throw new InvalidOperationException($"An OpenEnergy.Fapi client named '{name}' is already registered.");
        }

        services.AddSingleton(new FapiClientRegistration(name, section));
        services.AddOptions<FapiClientOptions>(name).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FapiClientOptions>>(new FapiClientOptionsValidator(name, section));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<FapiClientRegistry>();

        services.AddHttpClient(AccessTokenSource.AuthorizationServerClientName(name))
            .ConfigurePrimaryHttpMessageHandler(sp => MutualTls(sp.GetRequiredService<FapiClientRegistry>()[name], toProviders: false))
            .ConfigureHttpClient(client =>
            {
                client.MaxResponseContentBufferSize = MaxAuthorizationServerResponseBytes;
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddResilienceHandler("fapi-token", (pipeline, context) => Transient(pipeline, context, name, retryUnsafeMethods: true));

        IHttpClientBuilder client = services.AddHttpClient(name)
            .ConfigurePrimaryHttpMessageHandler(sp => MutualTls(sp.GetRequiredService<FapiClientRegistry>()[name], toProviders: true))
            // A backstop for reading a body after the handlers are done; the handler's own bound answers first.
            .ConfigureHttpClient((sp, client) => client.Timeout = sp.GetRequiredService<FapiClientRegistry>()[name].Options.Timeout + TimeSpan.FromSeconds(5))
            .AddHttpMessageHandler(sp =>
            {
                FapiClientContext context = sp.GetRequiredService<FapiClientRegistry>()[name];
                return new FapiClientHandler(context.Tokens, context.Options.Timeout, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("OpenEnergy.Fapi.Client"));
            });
        client.AddResilienceHandler("fapi", (pipeline, context) => Transient(pipeline, context, name, retryUnsafeMethods: false));
        return client;
    }

    // Bounded in time, retrying only what may pass on a second try: connection errors, timeouts, 5xx, 408 and 429
    // (after a short Retry-After; a longer one goes back to the caller). Never a refusal (400, 401, 403), never a TLS
    // failure (an untrusted certificate stays untrusted), and towards providers never a POST, PUT, PATCH or DELETE
    // (they change data); a token request is always safe to repeat.
    private static void Transient(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, ResilienceHandlerContext context, string name, bool retryUnsafeMethods)
    {
        FapiClientOptions options = context.ServiceProvider.GetRequiredService<IOptionsMonitor<FapiClientOptions>>().Get(name);
        pipeline.AddTimeout(options.Timeout);
        if (options.RetryCount == 0)
        {
            return;
        }

        TimeSpan longestWait = options.Timeout / 4;
        var retry = new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = options.RetryCount,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(200),
            ShouldRetryAfterHeader = true,
            ShouldHandle = args => ValueTask.FromResult(
                !IsTlsFailure(args.Outcome.Exception)
                && !(args.Outcome.Result?.Headers.RetryAfter?.Delta > longestWait)
                && HttpClientResiliencePredicates.IsTransient(args.Outcome)),
        };
        if (!retryUnsafeMethods)
        {
            retry.DisableForUnsafeHttpMethods();
        }

        pipeline.AddRetry(retry);
    }

    private static bool IsTlsFailure(Exception? exception)
        => exception is HttpRequestException { InnerException: AuthenticationException } or HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError };

    private static SocketsHttpHandler MutualTls(FapiClientContext context, bool toProviders) => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        // A redirect would carry the request elsewhere; the bearer token goes only where it was sent.
        AllowAutoRedirect = false,
        UseCookies = false,
        SslOptions = new SslClientAuthenticationOptions
        {
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ClientCertificates = [context.Credentials.Certificate],
            LocalCertificateSelectionCallback = (_, _, _, _, _) => context.Credentials.Certificate,
            RemoteCertificateValidationCallback = toProviders ? context.Credentials.ProviderTrust.Validate : context.Credentials.AuthorizationServerTrust.Validate,
        },
    };
}
