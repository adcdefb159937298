using Microsoft.AspNetCore.Authentication;

namespace OpenEnergy.Fapi.AspNetCore.Authentication;

/// <summary>
/// Options of the <see cref="FapiAuthenticationDefaults.AuthenticationScheme"/> scheme. The validation itself is
/// set with <c>FapiOptions</c> and the policy hooks with <see cref="FapiHttpOptions"/>.
/// </summary>
public sealed class FapiAuthenticationOptions : AuthenticationSchemeOptions;
