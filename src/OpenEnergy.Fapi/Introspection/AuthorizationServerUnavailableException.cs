namespace OpenEnergy.Fapi.Introspection;

/// <summary>Raised inside the introspection path when the authorization server gives no usable answer; always caught there.</summary>
internal sealed class AuthorizationServerUnavailableException : Exception
{
    public AuthorizationServerUnavailableException(string message)
        : base(message)
    {
    }

    public AuthorizationServerUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public AuthorizationServerUnavailableException()
    {
    }
}
