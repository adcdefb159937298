using System.Globalization;

namespace OpenEnergy.Fapi.Headers;

/// <summary>The <c>Date</c> header in IMF-fixdate form (<c>Sat, 28 Nov 2026 03:01:33 GMT</c>), for hosts that do not send one.</summary>
public static class HttpDate
{
    /// <summary>Formats an instant as IMF-fixdate.</summary>
    /// <param name="instant">The instant.</param>
    public static string Format(DateTimeOffset instant) => instant.UtcDateTime.ToString("r", CultureInfo.InvariantCulture);
}
