// A minimal provider built only from the packed OpenEnergy.Fapi packages, as a user would write it:
// AddOpenEnergyFapi + RequireFapi, against the fake authorization server from OpenEnergy.Fapi.Testing; and a
// consumer from the Client package fetching from it over mutual TLS with a token it gets itself.
using System.Net;
using System.Net.Http.Headers;
using OpenEnergy.Fapi.Client;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Testing;

await using FakeAuthorizationServer server = await FakeAuthorizationServer.StartAsync();
using TestCertificateAuthority directory = TestCertificateAuthority.Create("Consumer Test Directory");
var consumer = directory.IssueClientCertificate("consumer");
string directoryCa = Path.Combine(Path.GetTempPath(), $"consumer-test-ca-{Guid.NewGuid():N}.pem");
File.WriteAllText(directoryCa, directory.Certificate.ExportCertificatePem() + "\n");

var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddOpenEnergyFapi(options =>
{
    options.Issuer = server.BaseAddress.ToString();
    options.ClientId = "consumer-test-provider";
    options.ClientCertificate = directory.IssueClientCertificate("provider");
    options.AuthorizationServerCaCertificates.Add(server.Authority.Certificate);
    options.ClientCertificateHeader = "X-Client-Cert";
    options.TrustedClientCaPath = directoryCa;
});
if (builder.Configuration["OpenEnergy:Fapi:SharedCache:Redis"] is not null)
{
    // A fleet's shared cache, from the OpenEnergy.Fapi.Redis package (not started here: no Redis is configured).
    builder.Services.AddRedisSharedCache();
}

var serverCertificate = directory.IssueServerCertificate("localhost");
builder.WebHost.ConfigureKestrel(kestrel =>
{
    // Plain HTTP behind a (pretend) proxy that forwards the certificate, and Kestrel's own mutual TLS.
    kestrel.Listen(IPAddress.Loopback, 0);
    kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(https =>
    {
        https.ServerCertificate = serverCertificate;
        https.ConfigureFapiMutualTls(new FapiOptions { TrustedClientCaPath = directoryCa });
    }));
});
var app = builder.Build();
app.UseFapiHeaders();
app.MapGet("/data", () => "data").RequireFapi("energy:read");
await app.StartAsync();
string[] urls = [.. app.Urls];

using var client = new HttpClient { BaseAddress = new Uri(urls.First(u => u.StartsWith("http:", StringComparison.Ordinal))) };
client.DefaultRequestHeaders.Add("X-Client-Cert", Convert.ToBase64String(consumer.RawData));
using var withToken = new HttpRequestMessage(HttpMethod.Get, "/data");
withToken.Headers.Authorization = new AuthenticationHeaderValue("Bearer", server.IssueToken(consumer, "energy:read"));
using HttpResponseMessage ok = await client.SendAsync(withToken);
using HttpResponseMessage refused = await client.GetAsync("/data");

// The consumer side: the Client package, as its README shows it.
HostApplicationBuilder consumerBuilder = Host.CreateApplicationBuilder();
// As the README's "Consuming data" shows it: a typed client on the builder AddOpenEnergyFapiClient returns.
consumerBuilder.Services.AddOpenEnergyFapiClient("provider", options =>
{
    options.Issuer = server.BaseAddress.ToString();
    options.ClientId = "consumer";
    options.ClientCertificate = consumer;
    options.AuthorizationServerCaCertificates.Add(server.Authority.Certificate);
    options.ProviderCaCertificates.Add(directory.Certificate);
    options.Scopes.Add("energy:read");
}).AddTypedClient<EnergyData>();
using (IHost consumerApp = consumerBuilder.Build())
{
    await consumerApp.StartAsync();
    string https = urls.First(u => u.StartsWith("https:", StringComparison.Ordinal)).Replace("127.0.0.1", "localhost", StringComparison.Ordinal);
    string data = await consumerApp.Services.GetRequiredService<EnergyData>().ReadAsync(https + "/data");
    Console.WriteLine($"consumer client over mutual TLS: 200 {data}");
    await consumerApp.StopAsync();
}

await app.StopAsync();
File.Delete(directoryCa);

Console.WriteLine($"with token: {(int)ok.StatusCode}; without: {(int)refused.StatusCode} {refused.Headers.WwwAuthenticate}");
return ok.StatusCode == HttpStatusCode.OK && refused.StatusCode == HttpStatusCode.Unauthorized ? 0 : 1;

/// <summary>A typed client, as in the README.</summary>
public sealed class EnergyData(HttpClient client)
{
    public async Task<string> ReadAsync(string url)
    {
        using HttpResponseMessage response = await (await client.GetAsync(url)).EnsureFapiSuccessAsync();
        return await response.Content.ReadAsStringAsync();
    }
}
