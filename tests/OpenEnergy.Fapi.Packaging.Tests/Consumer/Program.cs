// A minimal provider built only from the packed OpenEnergy.Fapi packages, as a user would write it:
// AddOpenEnergyFapi + RequireFapi, against the fake authorization server from OpenEnergy.Fapi.Testing.
using System.Net;
using System.Net.Http.Headers;
using OpenEnergy.Fapi.Testing;

await using FakeAuthorizationServer server = await FakeAuthorizationServer.StartAsync();
using TestCertificateAuthority directory = TestCertificateAuthority.Create("Consumer Test Directory");
var consumer = directory.IssueClientCertificate("consumer");

var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddOpenEnergyFapi(options =>
{
    options.Issuer = server.BaseAddress.ToString();
    options.ClientId = "consumer-test-provider";
    options.ClientCertificate = directory.IssueClientCertificate("provider");
    options.AuthorizationServerCaCertificates.Add(server.Authority.Certificate);
    options.ClientCertificateHeader = "X-Client-Cert";
});
if (builder.Configuration["OpenEnergy:Fapi:SharedCache:Redis"] is not null)
{
    // A fleet's shared cache, from the OpenEnergy.Fapi.Redis package (not started here: no Redis is configured).
    builder.Services.AddRedisSharedCache();
}

builder.WebHost.UseUrls("http://127.0.0.1:0");
var app = builder.Build();
app.UseFapiHeaders();
app.MapGet("/data", () => "data").RequireFapi("energy:read");
await app.StartAsync();

using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
client.DefaultRequestHeaders.Add("X-Client-Cert", Convert.ToBase64String(consumer.RawData));
using var withToken = new HttpRequestMessage(HttpMethod.Get, "/data");
withToken.Headers.Authorization = new AuthenticationHeaderValue("Bearer", server.IssueToken(consumer, "energy:read"));
using HttpResponseMessage ok = await client.SendAsync(withToken);
using HttpResponseMessage refused = await client.GetAsync("/data");
await app.StopAsync();

Console.WriteLine($"with token: {(int)ok.StatusCode}; without: {(int)refused.StatusCode} {refused.Headers.WwwAuthenticate}");
return ok.StatusCode == HttpStatusCode.OK && refused.StatusCode == HttpStatusCode.Unauthorized ? 0 : 1;
