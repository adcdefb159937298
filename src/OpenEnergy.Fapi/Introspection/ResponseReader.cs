using System.Buffers;
using System.Net.Http.Headers;

namespace OpenEnergy.Fapi.Introspection;

/// <summary>Reads an authorization-server response body as JSON, within <see cref="IntrospectionLimits.MaxResponseBytes"/>.</summary>
internal static class ResponseReader
{
    public static bool IsJson(MediaTypeHeaderValue? contentType)
    {
        string? mediaType = contentType?.MediaType;
        return mediaType is not null
            && (mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                || (mediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>Reads the body into a pooled buffer; throws <see cref="AuthorizationServerUnavailableException"/> when it is too large.</summary>
    public static async Task<(byte[] Buffer, int Length)> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > IntrospectionLimits.MaxResponseBytes)
        {
            throw new AuthorizationServerUnavailableException($"the response is larger than {IntrospectionLimits.MaxResponseBytes} bytes");
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(4096);
        int length = 0;
        try
        {
            await using Stream stream = await content.ReadAsStreamAsync(cancellationToken);
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length > IntrospectionLimits.MaxResponseBytes)
                    {
                        throw new AuthorizationServerUnavailableException($"the response is larger than {IntrospectionLimits.MaxResponseBytes} bytes");
                    }

                    byte[] larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                int read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > IntrospectionLimits.MaxResponseBytes)
                {
                    throw new AuthorizationServerUnavailableException($"the response is larger than {IntrospectionLimits.MaxResponseBytes} bytes");
                }
            }

            return (buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}
