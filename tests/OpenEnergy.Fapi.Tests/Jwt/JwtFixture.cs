using Microsoft.Extensions.DependencyInjection;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Jwt;
using OpenEnergy.Fapi.Testing;
using OpenEnergy.Fapi.Tests.Support;

namespace OpenEnergy.Fapi.Tests.Jwt;

/// <summary>A shared fake server issuing JWTs; each test gets its own validator, so its own key cache and clock.</summary>
internal abstract class JwtFixture : AuthorizationServerFixture
{
    [SetUp]
    public void ResetKeySet() => Server.JwksResponse = null;

    protected ValidatorHarness NewJwtValidator(AccessTokenFormat format = AccessTokenFormat.Jwt, Action<FapiOptions>? configure = null)
        => NewValidator(o =>
        {
            o.AccessTokenFormat = format;
            o.Audience = FakeAuthorizationServer.DefaultJwtAudience;
            configure?.Invoke(o);
        });

    protected static IssuerSigningKeys KeysOf(ValidatorHarness rs) => rs.Services.GetRequiredService<IssuerSigningKeys>();
}
