namespace OpenEnergy.Fapi.Tests.Shared;

/// <summary>Waits for a file (a UNIX socket a server creates when it listens) on the file system's own signal, not by polling.</summary>
internal static class FileSignal
{
    public static async Task WaitForAsync(string path, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var watcher = new FileSystemWatcher(Path.GetDirectoryName(path)!, Path.GetFileName(path));
        var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        watcher.Created += (_, _) => created.TrySetResult();
        watcher.EnableRaisingEvents = true;
        // Checked after the watcher starts, so a file created in between is seen one way or the other.
        if (File.Exists(path))
        {
            return;
        }

        await created.Task.WaitAsync(timeout, cancellationToken);
    }
}
