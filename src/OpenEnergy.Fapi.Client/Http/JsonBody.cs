using System.Text.Json;

namespace OpenEnergy.Fapi.Client.Http;

/// <summary>Reads a server's JSON object answer (a token response, an error body) within a size bound; never throws for bad JSON.</summary>
internal static class JsonBody
{
    /// <summary>The body as a JSON object, or <see langword="null"/> when it is larger than <paramref name="maxBytes"/> or not a JSON object.</summary>
    public static async Task<JsonDocument?> ReadObjectAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        try
        {
            // Buffered up to the limit and no further, whatever the length (or its absence) says.
            await content.LoadIntoBufferAsync(maxBytes, cancellationToken).ConfigureAwait(false);
            JsonDocument document = JsonDocument.Parse(await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false), new JsonDocumentOptions { MaxDepth = 16 });
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }

            document.Dispose();
            return null;
        }
        catch (Exception ex) when (ex is JsonException or HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>A string member, or <see langword="null"/> when it is absent or not a string.</summary>
    public static string? Text(JsonElement element, string name)
        => element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A string member of a document that may be missing.</summary>
    public static string? Text(JsonDocument? document, string name) => document is null ? null : Text(document.RootElement, name);
}
