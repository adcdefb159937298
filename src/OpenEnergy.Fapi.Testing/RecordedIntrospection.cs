using OpenEnergy.Fapi.Certificates;

namespace OpenEnergy.Fapi.Testing;

/// <summary>One introspection request as the <see cref="FakeAuthorizationServer"/> received it.</summary>
/// <param name="Path">The request path (the plain endpoint or its mTLS alias).</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="ContentType">The request content type.</param>
/// <param name="Accept">The <c>Accept</c> header.</param>
/// <param name="Form">The form fields (the token included: this is a test double).</param>
/// <param name="ClientCertificate">The thumbprint of the TLS client certificate the caller presented.</param>
public sealed record RecordedIntrospection(string Path, string Method, string? ContentType, string? Accept, IReadOnlyDictionary<string, string> Form, CertificateThumbprint? ClientCertificate);
