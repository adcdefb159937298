using System.Buffers;
using System.Text.Json;

namespace OpenEnergy.Fapi.Introspection;

/// <summary>
/// Writes an active <see cref="IntrospectionResult"/> back as an RFC 7662 response body. The shared cache stores
/// this form and reads it with <see cref="IntrospectionResponseParser"/>, so an answer from the shared cache goes
/// through the same type checks as one from the authorization server and yields the same result.
/// </summary>
internal static class IntrospectionResultWriter
{
    public static void Write(IBufferWriter<byte> destination, IntrospectionResult result)
    {
        using var json = new Utf8JsonWriter(destination);
        json.WriteStartObject();
        json.WriteBoolean("active", result.Active);
        WriteString(json, "scope", result.Scope);
        WriteString(json, "client_id", result.ClientId);
        WriteString(json, "sub", result.Subject);
        WriteString(json, "username", result.Username);
        WriteString(json, "iss", result.Issuer);
        WriteString(json, "token_type", result.TokenType);
        WriteString(json, "jti", result.JwtId);
        WriteArray(json, "aud", result.Audiences);
        WriteNumericDate(json, "exp", result.ExpiresAt);
        WriteNumericDate(json, "iat", result.IssuedAt);
        WriteNumericDate(json, "nbf", result.NotBefore);
        if (result.BoundCertificateThumbprint is { } thumbprint)
        {
            json.WriteStartObject("cnf");
            json.WriteString("x5t#S256", thumbprint.ToString());
            json.WriteEndObject();
        }

        WriteString(json, "organisation_id", result.OrganisationId);
        WriteString(json, "organisation_name", result.OrganisationName);
        WriteArray(json, "software_roles", result.SoftwareRoles);
        WriteObject(json, "additional_software_metadata", result.AdditionalSoftwareMetadata);
        WriteObject(json, "additional_client_metadata", result.AdditionalClientMetadata);
        foreach ((string name, JsonElement value) in result.AdditionalMembers)
        {
            json.WritePropertyName(name);
            value.WriteTo(json);
        }

        json.WriteEndObject();
    }

    private static void WriteString(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    private static void WriteArray(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        json.WriteStartArray(name);
        foreach (string value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }

    private static void WriteNumericDate(Utf8JsonWriter json, string name, DateTimeOffset? value)
    {
        if (value is { } date)
        {
            json.WriteNumber(name, date.ToUnixTimeSeconds());
        }
    }

    private static void WriteObject(Utf8JsonWriter json, string name, JsonElement? value)
    {
        if (value is { } element)
        {
            json.WritePropertyName(name);
            element.WriteTo(json);
        }
    }
}
