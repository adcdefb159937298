using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Validation;
using OpenEnergy.Fapi.SampleProvider.Datasets;
using OpenEnergy.Fapi.SampleProvider.Health;
#if DEV_MODE
using OpenEnergy.Fapi.SampleProvider.DevMode;
#endif

namespace OpenEnergy.Fapi.SampleProvider;

/// <summary>
/// The reference data provider: the Python guide's CSV provider, protected by OpenEnergy.Fapi. Built here so
/// that tests can start the very app that operators run.
/// </summary>
public sealed class SampleProviderApplication : IAsyncDisposable
{
    /// <summary>The command-line switch that starts dev mode (the embedded default).</summary>
    public const string DevSwitch = "--dev";

    /// <summary>The scope dev mode requires and mints its token with.</summary>
    public const string DevScope = "energy:read";

    /// <summary>The switch that sets <c>OpenEnergy:Fapi:Profile</c> (<c>--profile ib1</c>).</summary>
    public const string ProfileSwitchName = "--profile";

#if DEV_MODE
    private SampleProviderApplication(WebApplication app, DevEnvironment? dev)
    {
        App = app;
        Dev = dev;
    }

    /// <summary>The embedded default, when the app runs in dev mode.</summary>
    public DevEnvironment? Dev { get; }
#else
    private SampleProviderApplication(WebApplication app) => App = app;
#endif

    /// <summary>The web application.</summary>
    public WebApplication App { get; }

    /// <summary>Builds the app from command-line arguments and configuration.</summary>
    /// <param name="args">
    /// Command-line arguments. <c>--dev</c> starts dev mode when no issuer is configured; nothing else does (not
    /// the environment name). A published build has no dev mode.
    /// </param>
    /// <param name="configure">Adjusts the builder (tests add configuration here).</param>
    public static async Task<SampleProviderApplication> CreateAsync(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        string? profile = ProfileSwitch(ref args);
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args.Where(a => a != DevSwitch).ToArray(),
            // Relative data folders and appsettings.json are found beside the app, whatever the working directory.
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (profile is not null)
        {
            builder.Configuration["OpenEnergy:Fapi:Profile"] = profile;
        }

        configure?.Invoke(builder);
        builder.Host.UseSystemd();

        IConfigurationSection fapiSection = builder.Configuration.GetSection(FapiOptions.SectionName);
        IConfigurationSection providerSection = builder.Configuration.GetSection(ProviderOptions.SectionName);
        ProviderOptions provider = providerSection.Get<ProviderOptions>() ?? new ProviderOptions();

        bool devRequested = args.Contains(DevSwitch);
#if DEV_MODE
        DevEnvironment? dev = null;
        if (string.IsNullOrWhiteSpace(fapiSection["Issuer"]) && devRequested)
        {
            if (string.IsNullOrWhiteSpace(provider.RequiredScope) && !provider.AllowAnyScope)
            {
                provider.RequiredScope = DevScope;
                builder.Configuration["Provider:RequiredScope"] = DevScope;
            }

            bool ib1 = Enum.TryParse(fapiSection["Profile"], ignoreCase: true, out FapiProfile chosen) && chosen == FapiProfile.Ib1;
            if (ib1 && fapiSection.GetSection("AcceptedRoles").GetChildren().All(c => string.IsNullOrEmpty(c.Value)))
            {
                // The dev consumer's certificate carries this role; every dataset accepts it unless told otherwise.
                builder.Configuration["OpenEnergy:Fapi:AcceptedRoles:0"] = DevEnvironment.DevRole;
            }

            dev = await DevEnvironment.StartAsync(provider.RequiredScope, ib1, provider.DevAuthorizationServerPort);
            ConfigureDevMode(builder, dev, provider.DevPort, ib1 ? FapiProfile.Ib1 : FapiProfile.OpenEnergy);
        }

        builder.Services.AddOpenEnergyFapi(fapiSection, o =>
        {
            if (dev is not null)
            {
                o.ClientCertificate = dev.ProviderCertificate;
                o.AuthorizationServerCaCertificates.Add(dev.AuthorizationServer.Authority.Certificate);
            }
        });
        bool directTls = dev is null && !string.IsNullOrWhiteSpace(fapiSection["TrustedClientCaPath"]);
#else
        if (devRequested)
        {
            throw new InvalidOperationException("This build of the provider has no dev mode (it was published): configure OpenEnergy:Fapi:* instead of passing --dev.");
        }

        await Task.CompletedTask;
        builder.Services.AddOpenEnergyFapi(fapiSection);
        bool directTls = !string.IsNullOrWhiteSpace(fapiSection["TrustedClientCaPath"]);
#endif
        if (!string.IsNullOrWhiteSpace(fapiSection["SharedCache:Redis"]))
        {
            // A fleet: instances share validated answers through Redis (OpenEnergy:Fapi:SharedCache:*).
            builder.Services.AddRedisSharedCache();
        }

        var problems = new List<string>();
        List<IPEndPoint> healthListeners = provider.HealthEndpoints(problems);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", problems));
        }

#if DEV_MODE
        HealthEndpoints.AddListeners(builder, healthListeners, listensInCode: dev is not null);
#else
        HealthEndpoints.AddListeners(builder, healthListeners, listensInCode: false);
#endif
        builder.Services.AddHealthChecks().AddOpenEnergyFapi();
        Telemetry.AddIfConfigured(builder);
        builder.Services.AddHostedService<ReadinessSignal>();
        builder.Services.AddOpenEnergyFapiHttp(o => o.AccessLog = provider.AccessLog);
        builder.Services.AddOptions<ProviderOptions>().Bind(providerSection).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ProviderOptions>, ProviderOptionsValidator>();
        builder.Services.AddSingleton<CsvDatasetStore>();
        if (directTls)
        {
            // Kestrel terminates mutual TLS itself (HTTPS endpoints from Kestrel:Endpoints or --urls).
            builder.WebHost.UseOpenEnergyFapiMutualTls();
        }

        // Listens on systemd's socket when started by socket activation (a no-op otherwise).
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.UseSystemd());

        WebApplication app = builder.Build();
        MapProvider(app, provider, healthListeners);
#if DEV_MODE
        return new SampleProviderApplication(app, dev);
#else
        return new SampleProviderApplication(app);
#endif
    }

    /// <summary>The addresses the app listens on, once started.</summary>
    public IReadOnlyCollection<string> Addresses
        => App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? [];

    /// <summary>Starts the app, and opens its UNIX socket to the configured file mode.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await App.StartAsync(cancellationToken);
        ProviderOptions provider = App.Services.GetRequiredService<IOptions<ProviderOptions>>().Value;
        if (!string.IsNullOrWhiteSpace(provider.UnixSocketMode) && !OperatingSystem.IsWindows())
        {
            var mode = (UnixFileMode)Convert.ToInt32(provider.UnixSocketMode, 8);
            foreach (string address in Addresses.Where(a => a.StartsWith("http://unix:", StringComparison.Ordinal)))
            {
                File.SetUnixFileMode(address["http://unix:".Length..], mode);
            }
        }

        if (App.Logger.IsEnabled(LogLevel.Information))
        {
            App.Logger.LogInformation("Provider ready: datasets from {DataDirectory} on {Addresses}", provider.DataDirectory, string.Join(", ", Addresses));
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
#if DEV_MODE
        if (Dev is not null)
        {
            await Dev.DisposeAsync();
        }
#endif
    }

#if DEV_MODE
    private static void ConfigureDevMode(WebApplicationBuilder builder, DevEnvironment dev, int port, FapiProfile profile)
    {
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OpenEnergy:Fapi:Issuer"] = dev.AuthorizationServer.BaseAddress.ToString(),
            ["OpenEnergy:Fapi:ClientId"] = "dev-provider",
            ["OpenEnergy:Fapi:TrustedClientCaPath"] = dev.CaPath,
        });
        if (string.IsNullOrWhiteSpace(builder.Configuration["OpenEnergy:Fapi:Audience"]))
        {
            // The IB1 profile validates the dev server's JWTs locally, which needs their audience.
            builder.Configuration["OpenEnergy:Fapi:Audience"] = DevEnvironment.Audience;
        }
        var tls = new FapiOptions { TrustedClientCaPath = dev.CaPath, Profile = profile };
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            void Https(Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions listen) => listen.UseHttps(https =>
            {
                https.ServerCertificate = dev.ServerCertificate;
                https.ConfigureFapiMutualTls(tls);
            });

            if (port == 0)
            {
                kestrel.Listen(IPAddress.Loopback, 0, Https);
            }
            else
            {
                kestrel.ListenLocalhost(port, Https);
            }
        });
    }

#endif

    // --profile ib1 (or --profile=ib1) is OpenEnergy:Fapi:Profile; taken out of the arguments the host reads.
    private static string? ProfileSwitch(ref string[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == ProfileSwitchName && i + 1 < args.Length)
            {
                string value = args[i + 1];
                args = [.. args[..i], .. args[(i + 2)..]];
                return value;
            }

            if (args[i].StartsWith(ProfileSwitchName + "=", StringComparison.Ordinal))
            {
                string value = args[i][(ProfileSwitchName.Length + 1)..];
                args = [.. args[..i], .. args[(i + 1)..]];
                return value;
            }
        }

        return null;
    }

    private static void MapProvider(WebApplication app, ProviderOptions provider, IReadOnlyList<IPEndPoint> healthListeners)
    {
        // Every response, public files and health included, carries Date and x-fapi-interaction-id.
        app.UseFapiHeaders();
        HealthEndpoints.Use(app, healthListeners);

        if (!string.IsNullOrWhiteSpace(provider.PublicDirectory))
        {
            string publicRoot = Path.GetFullPath(Path.Combine(app.Environment.ContentRootPath, provider.PublicDirectory));
            if (Directory.Exists(publicRoot))
            {
                app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(publicRoot), ServeUnknownFileTypes = false });
            }
        }

        string[] scopes = string.IsNullOrWhiteSpace(provider.RequiredScope) ? [] : provider.RequiredScope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // An invalid list is left out here and stops start-up through ProviderOptionsValidator, naming its key.
        Dictionary<string, IReadOnlyList<FapiRoleRequirement>> datasetRoles = provider.DatasetRoleRequirements();

        // Routing after static files: a public file is not mistaken for a dataset name. Validation after routing
        // and before any endpoint runs: a request that matches no dataset is still refused first (an unknown
        // name tells an unauthenticated caller nothing), and a dataset's roles are those of the very name the
        // route matched (however the path was spelled), replacing OpenEnergy:Fapi:AcceptedRoles; the others fall
        // back to it.
        app.UseRouting();
        app.UseOpenEnergyFapi(scopes, context => context.GetRouteValue("name") is string dataset && datasetRoles.TryGetValue(dataset, out var roles) ? roles : null);

        app.MapGet("/{name}", (string name, CsvDatasetStore store) => store.Find(name) switch
        {
            null => Results.NotFound(),
            { Content: { } bytes } => Results.Bytes(bytes, "text/csv; charset=utf-8"),
            { } large => Results.File(large.Path, "text/csv; charset=utf-8"),
        });
    }
}
