// A tiny data provider on System.Net.HttpListener, behind a TLS-terminating proxy that forwards the client
// certificate and its own verdict (HttpListener has no TLS on Linux). Configure it like any .NET app, for example:
//   OpenEnergy__Fapi__Issuer=https://matls-auth.directory.example/ OpenEnergy__Fapi__ClientId=... \
//   OpenEnergy__Fapi__CertificatePath=/etc/provider/a.pem OpenEnergy__Fapi__PrivateKeyPath=/etc/provider/a.key \
//   OpenEnergy__Fapi__ClientCertificateHeader=X-OE-CLIENT-CERT OpenEnergy__Fapi__ClientCertificateVerifyHeader=X-OE-CLIENT-VERIFY \
//   dotnet run --project samples/OpenEnergy.Fapi.HttpListenerSample
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.HttpListenerSample;

HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Services.AddOpenEnergyFapi(builder.Configuration.GetSection(FapiOptions.SectionName));
builder.Services.AddOpenEnergyFapiHttpListener();
builder.Services.AddSingleton<DataServer>();
using IHost host = builder.Build();
await host.StartAsync();

string prefix = builder.Configuration["Urls"] ?? "http://127.0.0.1:8080/";
using var listener = new System.Net.HttpListener();
listener.Prefixes.Add(prefix);
listener.Start();
Console.WriteLine($"Listening on {prefix}; GET /data needs a bound token with scope 'energy:read'.");

IHostApplicationLifetime lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
await host.Services.GetRequiredService<DataServer>().ServeAsync(listener, lifetime.ApplicationStopping);
await host.StopAsync();
