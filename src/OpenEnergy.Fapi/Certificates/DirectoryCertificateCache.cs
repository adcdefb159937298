using Microsoft.Extensions.Caching.Memory;

namespace OpenEnergy.Fapi.Certificates;

/// <summary>
/// The parsed facts of each certificate seen, by thumbprint: one <see cref="DirectoryCertificate"/> per
/// certificate for the whole process, however many connections or differently spelled forwarded headers bring
/// it. A thumbprint is the SHA-256 of the DER, so the facts under it never differ. Bounded in entries.
/// </summary>
internal static class DirectoryCertificateCache
{
    private static readonly MemoryCache Parsed = new(new MemoryCacheOptions { SizeLimit = 4096, CompactionPercentage = 0.2 });

    public static DirectoryCertificate GetOrParse(ReadOnlySpan<byte> der, CertificateThumbprint thumbprint)
    {
        if (Parsed.TryGetValue(thumbprint, out DirectoryCertificate? known) && known is not null)
        {
            return known;
        }

        DirectoryCertificate parsed = DirectoryCertificate.Parse(der, thumbprint);
        using ICacheEntry entry = Parsed.CreateEntry(thumbprint);
        entry.Value = parsed;
        entry.Size = 1;
        entry.SlidingExpiration = TimeSpan.FromHours(1);
        return parsed;
    }
}
