using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using OpenEnergy.Fapi.AspNetCore.Features;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.AspNetCore.Authorization;

/// <summary>
/// The one way the FAPI authorization handlers find who they judge: the consumer FAPI validation accepted for this
/// very request, and only when the user's identity is the FAPI scheme's. A principal of another scheme (a JWT
/// bearer's <c>scope</c> claims, a cookie) never meets a FAPI requirement.
/// </summary>
internal static class FapiPolicyCaller
{
    public static bool TryGet(AuthorizationHandlerContext context, [NotNullWhen(true)] out FapiFeature? feature, [NotNullWhen(true)] out FapiConsumer? consumer)
    {
        HttpContext? http = context.Resource as HttpContext ?? (context.Resource as Microsoft.AspNetCore.Mvc.Filters.AuthorizationFilterContext)?.HttpContext;
        if (http?.Features.Get<IFapiFeature>() is FapiFeature { Consumer: { } accepted } found
            && context.User.Identities.Any(i => i.IsAuthenticated && i.AuthenticationType == FapiAuthenticationDefaults.AuthenticationScheme))
        {
            feature = found;
            consumer = accepted;
            return true;
        }

        feature = null;
        consumer = null;
        return false;
    }
}
