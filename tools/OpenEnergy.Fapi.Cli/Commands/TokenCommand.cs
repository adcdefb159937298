using System.CommandLine;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpenEnergy.Fapi.Client;
using OpenEnergy.Fapi.Client.Tokens;

namespace OpenEnergy.Fapi.Cli.Commands;

/// <summary><c>oe-fapi token</c>: a token from the authorization server, through the client library.</summary>
internal static class TokenCommand
{
    public static Command Create(CliConsole console)
    {
        var server = new ServerOptions();
        var showToken = new Option<bool>("--show-token") { Description = "Print the access token itself (it is a secret: mind your terminal's history and logs)." };
        var command = new Command("token", "Get an access token (client_credentials over mutual TLS) and print the token response.") { showToken };
        server.AddTo(command);
        command.SetAction(async (parsed, cancellationToken) =>
        {
            using ServiceProvider services = server.BuildClient(parsed, console);
            AccessTokenSource tokens = services.GetRequiredService<FapiClientRegistry>()[ServerOptions.ClientName].Tokens;
            string value;
            try
            {
                value = await tokens.GetAsync(rejected: null, cancellationToken);
            }
            catch (FapiTokenRequestException ex)
            {
                throw CliException.Failed(ex.Message, ex);
            }

            AccessToken token = tokens.Current!;
            var response = new JsonObject
            {
                ["token_type"] = "Bearer",
                ["expires_in"] = (long)token.Lifetime.TotalSeconds,
                ["scope"] = token.Scope,
            };
            if (parsed.GetValue(showToken))
            {
                response["access_token"] = value;
            }
            else
            {
                console.Note("The token itself is left out: --show-token prints it.");
            }

            console.OutText.WriteLine(response.ToJsonString());
            return CliExitCode.Ok;
        });
        return command;
    }
}
