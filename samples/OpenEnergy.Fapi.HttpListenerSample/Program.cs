// A tiny data provider on System.Net.HttpListener, behind a TLS-terminating proxy that forwards the client
// certificate (HttpListener has no TLS on Linux). Configure it like any .NET app, for example:
//   OpenEnergy__Fapi__Issuer=https://matls-auth.directory.example/ OpenEnergy__Fapi__ClientId=... \
//   OpenEnergy__Fapi__CertificatePath=/etc/provider/a.pem OpenEnergy__Fapi__PrivateKeyPath=/etc/provider/a.key \
//   OpenEnergy__Fapi__ClientCertificateHeader=X-OE-CLIENT-CERT dotnet run --project samples/OpenEnergy.Fapi.HttpListenerSample
using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.HttpListener;
using OpenEnergy.Fapi.Validation;

HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Services.AddOpenEnergyFapi(builder.Configuration.GetSection(FapiOptions.SectionName));
builder.Services.AddOpenEnergyFapiHttpListener();
using IHost host = builder.Build();
await host.StartAsync();

FapiHttpListenerGuard guard = host.Services.GetRequiredService<FapiHttpListenerGuard>();
string prefix = builder.Configuration["Urls"] ?? "http://127.0.0.1:8080/";
using var listener = new HttpListener();
listener.Prefixes.Add(prefix);
listener.Start();
Console.WriteLine($"Listening on {prefix}; GET /data needs a bound token with scope 'energy:read'.");

string[] scopes = ["energy:read"];
while (listener.IsListening)
{
    HttpListenerContext context = await listener.GetContextAsync();
    FapiVerdict verdict = await guard.ValidateAsync(context, scopes);
    if (!verdict.Succeeded)
    {
        continue;
    }

    byte[] body = Encoding.UTF8.GetBytes($"hello, {verdict.Consumer.OrganisationName ?? verdict.Consumer.ClientId}\n");
    context.Response.ContentType = "text/plain; charset=utf-8";
    context.Response.ContentLength64 = body.Length;
    await context.Response.OutputStream.WriteAsync(body);
    context.Response.Close();
}
