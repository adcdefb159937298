using System.Text.Json;

namespace OpenEnergy.Fapi.Tests.Support;

/// <summary>The RFC 8705 Appendix A certificate and every forwarded encoding of it (<c>Vectors/</c>).</summary>
internal static class AppendixA
{
    private static readonly JsonElement Root = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", "rfc8705-appendix-a.json"))).RootElement;

    public static string Thumbprint => Root.GetProperty("x5t#S256").GetString()!;

    public static string Sha256Hex => Root.GetProperty("sha256_hex").GetString()!;

    public static byte[] Der => Convert.FromBase64String(Root.GetProperty("der_base64").GetString()!);

    public static string Pem => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", "rfc8705-appendix-a.pem"));

    public static string Header(string name) => Root.GetProperty("headers").GetProperty(name).GetString()!;

    public static IEnumerable<TestCaseData> Headers()
    {
        foreach (JsonProperty header in Root.GetProperty("headers").EnumerateObject())
        {
            yield return new TestCaseData(header.Value.GetString()).SetArgDisplayNames(header.Name);
        }
    }
}
