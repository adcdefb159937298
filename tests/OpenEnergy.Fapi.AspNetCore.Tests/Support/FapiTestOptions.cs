using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Testing;

namespace OpenEnergy.Fapi.AspNetCore.Tests.Support;

/// <summary>The validator settings every test provider shares: the fake authorization server and the provider's own certificate.</summary>
internal static class FapiTestOptions
{
    public static FapiOptions UseAuthorizationServer(this FapiOptions options, FakeAuthorizationServer server)
    {
        options.Issuer = server.BaseAddress.ToString();
        options.ClientId = "provider-client";
        options.ClientCertificate = TestDirectory.Provider;
        options.AuthorizationServerCaCertificates.Add(server.Authority.Certificate);
        return options;
    }
}
