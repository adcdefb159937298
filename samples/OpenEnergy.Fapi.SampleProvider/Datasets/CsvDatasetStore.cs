using System.Text.RegularExpressions;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace OpenEnergy.Fapi.SampleProvider.Datasets;

/// <summary>
/// The datasets: <c>{name}</c> maps to <c>{DataDirectory}/{name}.csv</c> and to nothing else. Small files are
/// kept in memory and dropped when the file changes; large ones are streamed from disk.
/// </summary>
public sealed partial class CsvDatasetStore : IDisposable
{
    private readonly string _root;
    private readonly PhysicalFileProvider _files;
    private readonly MemoryCache _memory = new(new MemoryCacheOptions());
    private readonly int _inMemoryLimit;

    /// <summary>Creates the store.</summary>
    /// <param name="options">The provider settings.</param>
    /// <param name="environment">For resolving a relative data directory.</param>
    public CsvDatasetStore(IOptions<ProviderOptions> options, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        _root = Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.Value.DataDirectory));
        if (!Directory.Exists(_root))
        {
            throw new InvalidOperationException($"Provider:DataDirectory: the folder '{_root}' does not exist.");
        }

        _files = new PhysicalFileProvider(_root);
        _inMemoryLimit = options.Value.InMemoryLimitBytes;
    }

    // A dataset name is one path segment of plain characters: nothing that could climb or hide a separator.
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex SafeName();

    /// <summary>Finds a dataset; <see langword="null"/> when the name maps to no file inside the data folder.</summary>
    /// <param name="name">The route value.</param>
    public Dataset? Find(string? name)
    {
        if (name is null || !SafeName().IsMatch(name) || name.Contains("..", StringComparison.Ordinal))
        {
            return null;
        }

        if (_memory.TryGetValue(name, out Dataset? cached) && cached is not null)
        {
            return cached;
        }

        string relative = name + ".csv";
        string full = Path.GetFullPath(Path.Combine(_root, relative));
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(full))
        {
            return null;
        }

        var info = new FileInfo(full);
        if (info.LinkTarget is not null && !Path.GetFullPath(info.ResolveLinkTarget(true)!.FullName).StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            // A symbolic link that leads out of the data folder is not a dataset.
            return null;
        }

        if (info.Length > _inMemoryLimit)
        {
            return new Dataset(full, null);
        }

        IChangeToken changed = _files.Watch(relative);
        var dataset = new Dataset(full, File.ReadAllBytes(full));
        using ICacheEntry entry = _memory.CreateEntry(name);
        entry.Value = dataset;
        entry.AddExpirationToken(changed);
        return dataset;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _memory.Dispose();
        _files.Dispose();
    }
}

/// <summary>A dataset: its file, and its bytes when it is small enough to keep in memory.</summary>
/// <param name="Path">The full path of the file.</param>
/// <param name="Content">The bytes, or <see langword="null"/> for a file that is streamed.</param>
public sealed record Dataset(string Path, byte[]? Content);
