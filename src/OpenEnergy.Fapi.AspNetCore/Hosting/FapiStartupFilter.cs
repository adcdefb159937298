using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.AspNetCore.Hosting;

/// <summary>
/// Builds the validator as the application starts rather than at its first request, whichever entry points the
/// app uses (the authentication scheme alone is otherwise built lazily): its start-up warnings, such as the IB1
/// profile with no <c>AcceptedRoles</c>, and its key material reach the log before any traffic; and the
/// authorization policies, so a policy with an invalid role or scope stops the start.
/// </summary>
internal sealed class FapiStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        _ = app.ApplicationServices.GetRequiredService<IFapiValidator>();
        // Policies (AddFapiScopePolicy, AddFapiRolePolicy) are built now too: an invalid role or scope stops the
        // start instead of failing every request that reaches the policy.
        _ = app.ApplicationServices.GetService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Authorization.AuthorizationOptions>>()?.Value;
        next(app);
    };
}
