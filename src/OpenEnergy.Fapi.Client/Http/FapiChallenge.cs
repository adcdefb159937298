using System.Net.Http.Headers;
using System.Text;

namespace OpenEnergy.Fapi.Client.Http;

/// <summary>The <c>error</c> and <c>error_description</c> of a Bearer challenge (RFC 6750 §3), read leniently.</summary>
internal readonly record struct FapiChallenge(string? Error, string? ErrorDescription)
{
    public static FapiChallenge Read(HttpResponseMessage response)
    {
        foreach (AuthenticationHeaderValue challenge in response.Headers.WwwAuthenticate)
        {
            if (challenge.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) && challenge.Parameter is { } parameters)
            {
                Dictionary<string, string> values = Parse(parameters);
                return new FapiChallenge(values.GetValueOrDefault("error"), values.GetValueOrDefault("error_description"));
            }
        }

        return default;
    }

    // auth-param = token "=" ( token / quoted-string ), separated by commas (RFC 9110 §11.2).
    private static Dictionary<string, string> Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        int i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ',' || char.IsWhiteSpace(text[i])))
            {
                i++;
            }

            int nameStart = i;
            while (i < text.Length && text[i] != '=' && text[i] != ',')
            {
                i++;
            }

            string name = text[nameStart..i].Trim();
            if (i >= text.Length || text[i] != '=')
            {
                continue;
            }

            i++;
            var value = new StringBuilder();
            if (i < text.Length && text[i] == '"')
            {
                for (i++; i < text.Length && text[i] != '"'; i++)
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                    }

                    value.Append(text[i]);
                }

                i++;
            }
            else
            {
                while (i < text.Length && text[i] != ',')
                {
                    value.Append(text[i++]);
                }
            }

            values.TryAdd(name, value.ToString().Trim());
        }

        return values;
    }
}
