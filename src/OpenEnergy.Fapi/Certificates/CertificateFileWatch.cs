using Microsoft.Extensions.Logging;
using OpenEnergy.Fapi.Diagnostics;

namespace OpenEnergy.Fapi.Certificates;

/// <summary>
/// Calls back when certificate files may have changed: on a file-system notification in any of their folders
/// (after a short pause, so that a certificate and its key written one after the other are read together), and
/// every <c>interval</c> in any case, because notifications miss some replacements (a symbolic link swapped by
/// certbot or a Kubernetes secret, a network file system). The callback decides whether anything really changed.
/// </summary>
internal sealed class CertificateFileWatch : IDisposable
{
    /// <summary>The pause after a notification before the files are read.</summary>
    internal static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(500);

    private readonly Action _check;
    private readonly ITimer _periodic;
    private readonly ITimer _settle;
    private readonly List<FileSystemWatcher> _watchers = [];

    public CertificateFileWatch(IEnumerable<string> paths, TimeSpan interval, Action check, TimeProvider time, ILogger logger)
    {
        // Timer and watcher callbacks run on the thread pool: an escaping exception would end the process.
        _check = () =>
        {
            try
            {
                check();
            }
#pragma warning disable CA1031 // A failed check keeps the material in use and is tried again; it must never crash the host.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                logger.CertificateCheckFailed(ex.GetType().Name, ex.Message);
            }
        };
        _settle = time.CreateTimer(_ => _check(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _periodic = time.CreateTimer(_ => _check(), null, interval, interval);
        foreach (string folder in paths.Select(p => Path.GetDirectoryName(Path.GetFullPath(p))!).Distinct(StringComparer.Ordinal))
        {
            try
            {
                var watcher = new FileSystemWatcher(folder)
                {
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                    IncludeSubdirectories = false,
                };
                watcher.Changed += OnChange;
                watcher.Created += OnChange;
                watcher.Deleted += OnChange;
                watcher.Renamed += OnChange;
                watcher.EnableRaisingEvents = true;
                _watchers.Add(watcher);
            }
            catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
            {
                // Out of inotify instances, an unreadable folder: the periodic check still finds every change.
                logger.CertificateWatchUnavailable(folder, ex.Message, interval);
            }
        }
    }

    public void Dispose()
    {
        _periodic.Dispose();
        _settle.Dispose();
        foreach (FileSystemWatcher watcher in _watchers)
        {
            watcher.Dispose();
        }
    }

    // Any change in the folder counts: certbot and Kubernetes replace a symbolic link or a folder, not the file.
    private void OnChange(object sender, FileSystemEventArgs e) => _settle.Change(Settle, Timeout.InfiniteTimeSpan);
}
