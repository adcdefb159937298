namespace OpenEnergy.Fapi.Certificates;

/// <summary>How a TLS-terminating proxy encodes the client certificate in a request header.</summary>
public enum ForwardedCertificateFormat
{
    /// <summary>Detect the format from the value (the default).</summary>
    Auto = 0,

    /// <summary>PEM text, including nginx's folded <c>$ssl_client_cert</c> (TAB-continued lines, or lines unfolded to spaces).</summary>
    Pem,

    /// <summary>Percent-encoded PEM: nginx <c>$ssl_client_escaped_cert</c>, AWS ALB <c>X-Amzn-Mtls-Clientcert(-Leaf)</c>.</summary>
    PercentEncodedPem,

    /// <summary>Base64 DER, one line: Azure <c>X-ARR-ClientCert</c>, ASP.NET Core <c>X-Client-Cert</c>, Traefik (comma-joined chain, optionally percent-encoded).</summary>
    Base64Der,

    /// <summary>Envoy's <c>x-forwarded-client-cert</c> (XFCC); exactly one element is accepted.</summary>
    EnvoyXfcc,
}
