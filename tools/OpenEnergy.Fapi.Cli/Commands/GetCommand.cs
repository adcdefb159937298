using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using OpenEnergy.Fapi.Client;
using Spectre.Console;

namespace OpenEnergy.Fapi.Cli.Commands;

/// <summary><c>oe-fapi get URL [-o FILE]</c>: fetch a dataset as a consumer (token, mutual TLS, interaction id).</summary>
internal static class GetCommand
{
    public static Command Create(CliConsole console)
    {
        var server = new ServerOptions();
        var url = new Argument<string>("URL") { Description = "The dataset's https URL." };
        var output = new Option<string?>("--output", "-o") { Description = "Write the body to this new file (mode 0600, with a progress bar) instead of stdout." };
        var command = new Command("get", "Fetch a dataset from a provider as a consumer; on refusal print status, error, description and interaction id.") { url, output };
        server.AddTo(command);
        command.SetAction(async (parsed, cancellationToken) =>
        {
            string given = parsed.GetRequiredValue(url);
            if (!Uri.TryCreate(given, UriKind.Absolute, out Uri? target) || target.Scheme != Uri.UriSchemeHttps)
            {
                throw CliException.Usage($"'{given}' is not an absolute https URL");
            }

            using ServiceProvider services = server.BuildClient(parsed, console);
            HttpClient client = ServerOptions.Client(services);
            HttpResponseMessage response;
            try
            {
                response = await client.GetAsync(target, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
            catch (HttpRequestException ex)
            {
                throw CliException.Failed(ex.InnerException is { } inner ? $"{ex.Message} ({inner.Message})" : ex.Message, ex);
            }

            using (response)
            {
                try
                {
                    await response.EnsureFapiSuccessAsync(cancellationToken);
                }
                catch (FapiRefusalException refusal)
                {
                    console.Fail($"{(int)refusal.StatusCode!} {refusal.Error ?? refusal.StatusCode.ToString()}{(refusal.ErrorDescription is null ? "" : ": " + refusal.ErrorDescription)}");
                    console.Note($"x-fapi-interaction-id: {refusal.InteractionId}");
                    return CliExitCode.Failed;
                }

                console.Note($"{(int)response.StatusCode} {response.Content.Headers.ContentType} (x-fapi-interaction-id: {response.GetFapiInteractionId()})");
                await using Stream body = await response.Content.ReadAsStreamAsync(cancellationToken);
                if (parsed.GetValue(output) is not { } path)
                {
                    await body.CopyToAsync(console.OutputStream, cancellationToken);
                    await console.OutputStream.FlushAsync(cancellationToken);
                    return CliExitCode.Ok;
                }

                if (File.Exists(path) || Directory.Exists(path))
                {
                    throw CliException.Usage($"'{path}' already exists; remove it or choose another name");
                }

                // Written beside the target under a temporary name (owner-only: datasets may be personal data), and
                // renamed when complete, so a failed download never leaves a partial file under the real name.
                string partial = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.partial");
                var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                try
                {
                    await using (var file = new FileStream(partial, create))
                    {
                        long? length = response.Content.Headers.ContentLength;
                        await console.Error.Progress().AutoClear(true).StartAsync(async progress =>
                        {
                            ProgressTask task = progress.AddTask(Markup.Escape(Path.GetFileName(path)), maxValue: length ?? 1);
                            byte[] buffer = new byte[81920];
                            int read;
                            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
                            {
                                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                                if (length is not null)
                                {
                                    task.Increment(read);
                                }
                            }

                            task.Value = task.MaxValue;
                        });
                    }

                    File.Move(partial, path);
                }
                finally
                {
                    File.Delete(partial);
                }

                console.OutText.WriteLine(path);
                return CliExitCode.Ok;
            }
        });
        return command;
    }
}
