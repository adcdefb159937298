using Microsoft.Extensions.Logging;
using OpenEnergy.Fapi.Configuration;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.Diagnostics;

/// <summary>
/// Every message the core writes. Tokens appear only as a short hash prefix and certificates only as their
/// thumbprint: never a token, a key or a PEM block.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "FAPI request accepted (interaction {InteractionId}): client {ClientId}, organisation {OrganisationId}, certificate {Thumbprint}, token #{TokenHash}")]
    public static partial void RequestAccepted(this ILogger logger, string? interactionId, string? clientId, string? organisationId, string thumbprint, string tokenHash);

    [LoggerMessage(2, LogLevel.Information, "FAPI request rejected (interaction {InteractionId}) with {StatusCode} {Error}: {Reason}; client {ClientId}, presented certificate {PresentedThumbprint}, bound certificate {BoundThumbprint}, token #{TokenHash}")]
    public static partial void RequestRejected(this ILogger logger, string? interactionId, int statusCode, string? error, FapiFailureReason reason, string? clientId, string? presentedThumbprint, string? boundThumbprint, string? tokenHash);

    [LoggerMessage(3, LogLevel.Warning, "The authorization server gave no verdict on token #{TokenHash}: {Reason}")]
    public static partial void IntrospectionUnavailable(this ILogger logger, string tokenHash, string reason);

    [LoggerMessage(4, LogLevel.Critical, "The authorization server refused the provider's own credentials (HTTP {StatusCode}) at {Endpoint}: check OpenEnergy:Fapi:ClientId, the transport certificate and its registration at the directory")]
    public static partial void CredentialsRefused(this ILogger logger, int statusCode, Uri endpoint);

    [LoggerMessage(5, LogLevel.Warning, "Discovery at {Url} failed: {Reason}")]
    public static partial void DiscoveryFailed(this ILogger logger, Uri url, string reason);

    [LoggerMessage(6, LogLevel.Warning, "Discovery failed; still using the document fetched at {FetchedAt}")]
    public static partial void DiscoveryStale(this ILogger logger, DateTimeOffset fetchedAt);

    [LoggerMessage(7, LogLevel.Warning, "The authorization server sent a non-canonical cnf.x5t#S256 for token #{TokenHash}; treated as a binding mismatch")]
    public static partial void NonCanonicalBinding(this ILogger logger, string tokenHash);

    [LoggerMessage(8, LogLevel.Debug, "Introspected token #{TokenHash} in {ElapsedMilliseconds} ms: {Outcome}")]
    public static partial void Introspected(this ILogger logger, string tokenHash, double elapsedMilliseconds, string outcome);

    [LoggerMessage(9, LogLevel.Debug, "Discovered introspection endpoint {Endpoint} (issuer {Issuer}, key set {JwksUri})")]
    public static partial void Discovered(this ILogger logger, Uri? endpoint, string? issuer, Uri? jwksUri);

    [LoggerMessage(10, LogLevel.Warning, "A client-certificate header arrived from {RemoteAddress}, which is not a trusted proxy; it was ignored")]
    public static partial void UntrustedForwardedCertificate(this ILogger logger, string? remoteAddress);

    [LoggerMessage(11, LogLevel.Warning, "The TLS client certificate {Thumbprint} does not chain to OpenEnergy:Fapi:TrustedClientCaPath; the connection's requests count as having no certificate (check the host's TLS settings)")]
    public static partial void UntrustedConnectionCertificate(this ILogger logger, string thumbprint);

    [LoggerMessage(12, LogLevel.Information, "x-fapi-interaction-id '{Sent}' ({Length} characters, {Count} values) is not a UUID; answered with {Replacement}")]
    public static partial void InteractionIdReplaced(this ILogger logger, string sent, int length, int count, string replacement);

    [LoggerMessage(13, LogLevel.Information, "FAPI request refused by provider policy: {Description}")]
    public static partial void PolicyRejected(this ILogger logger, string? description);

    [LoggerMessage(14, LogLevel.Information, "FAPI request served: {Method} {Path} for client {ClientId}, organisation {OrganisationId}")]
    public static partial void AccessGranted(this ILogger logger, string method, string? path, string? clientId, string? organisationId);

    [LoggerMessage(15, LogLevel.Debug, "Client {Thumbprint} is over its share of authorization-server calls ({Limit} at once); answered 429")]
    public static partial void ClientOverIntrospectionShare(this ILogger logger, string thumbprint, int limit);

    [LoggerMessage(16, LogLevel.Debug, "The client went away before its {StatusCode} refusal was written")]
    public static partial void ClientGone(this ILogger logger, int statusCode);

    [LoggerMessage(17, LogLevel.Warning, "The shared cache failed to {Operation} an entry ({Problem}); {HeldBack} more such faults since the last report. Requests are answered from this process's cache and the authorization server meanwhile")]
    public static partial void SharedCacheFault(this ILogger logger, string operation, string problem, int heldBack);

    [LoggerMessage(18, LogLevel.Warning, "A shared-cache entry for token #{TokenHash} failed its integrity check ({Problem}) and was ignored; {HeldBack} more since the last report. Check that every instance has the same OpenEnergy:Fapi:SharedCache:IntegrityKey, and who can write to the store")]
    public static partial void SharedCacheEntryRejected(this ILogger logger, string tokenHash, string problem, int heldBack);

    [LoggerMessage(19, LogLevel.Error, "The IB1 profile requires a role requirement on every protected resource, and {Resource} has none (neither its own nor OpenEnergy:Fapi:AcceptedRoles): refused with 403 access_denied. Give it RequireFapiRole(...) or set AcceptedRoles")]
    public static partial void NoRoleRequirement(this ILogger logger, string resource);

    [LoggerMessage(20, LogLevel.Warning, "OpenEnergy:Fapi:Profile is Ib1 and OpenEnergy:Fapi:AcceptedRoles is empty: every protected endpoint without a role requirement of its own will refuse every request (403 access_denied)")]
    public static partial void Ib1WithoutAcceptedRoles(this ILogger logger);

    [LoggerMessage(21, LogLevel.Information, "Fetched the issuer's key set from {JwksUri}: {Count} signing keys ({KeyIds}), {Skipped} left out (no kid, not for signatures, private, weak or of an unusable type)")]
    public static partial void KeySetFetched(this ILogger logger, Uri jwksUri, int count, string keyIds, int skipped);

    [LoggerMessage(22, LogLevel.Warning, "Fetching the issuer's key set failed: {Reason}. {Consequence}")]
    public static partial void KeySetFetchFailed(this ILogger logger, string reason, string consequence);

    [LoggerMessage(23, LogLevel.Warning, "Validating a JWT access token failed unexpectedly ({ExceptionType}); the token was refused as invalid. {HeldBack} more since the last report")]
    public static partial void JwtValidationFault(this ILogger logger, string exceptionType, int heldBack);

    [LoggerMessage(24, LogLevel.Warning, "The configuration key {Key} is not read by any option and is ignored{Suggestion}")]
    public static partial void UnknownConfigurationKey(this ILogger logger, string key, string suggestion);

    [LoggerMessage(25, LogLevel.Information, "A client certificate was refused in the TLS handshake ({Problem}): subject {Subject}, thumbprint {Thumbprint}, valid {NotBefore:u} to {NotAfter:u}. Trusted CAs are those of OpenEnergy:Fapi:TrustedClientCaPath. {HeldBack} more refusals since the last report")]
    public static partial void HandshakeCertificateRefused(this ILogger logger, string problem, string subject, string thumbprint, DateTime notBefore, DateTime notAfter, int heldBack);

    [LoggerMessage(26, LogLevel.Information, "Reloaded the transport certificate: subject {Subject}, thumbprint {Thumbprint}, expires {NotAfter:u}; new connections to the authorization server present it")]
    public static partial void TransportCertificateReloaded(this ILogger logger, string subject, string thumbprint, DateTime notAfter);

    [LoggerMessage(27, LogLevel.Information, "Reloaded OpenEnergy:Fapi:{Setting} from {Path}: {Count} CA certificates; remembered chain verdicts are dropped")]
    public static partial void CaBundleReloaded(this ILogger logger, string setting, string path, int count);

    [LoggerMessage(28, LogLevel.Error, "{Setting} changed but cannot be loaded, so the material loaded before stays in use: {Problem}")]
    public static partial void CredentialReloadFailed(this ILogger logger, string setting, string problem);

    [LoggerMessage(30, LogLevel.Information, "OpenEnergy FAPI validator: issuer {Issuer}, client id {ClientId}, profile {Profile}, {TokenFormat} access tokens; transport certificate {Subject} (thumbprint {Thumbprint}, expires {NotAfter:u}); client certificates from {ClientCertificateSource}; cache {CacheDuration} (inactive {InactiveCacheDuration}), up to {CacheSizeLimit} entries, {SharedCache}")]
    public static partial void StartupSummary(this ILogger logger, string? issuer, string? clientId, FapiProfile profile, AccessTokenFormat tokenFormat, string subject, string thumbprint, DateTime notAfter, string clientCertificateSource, TimeSpan cacheDuration, TimeSpan inactiveCacheDuration, int cacheSizeLimit, string sharedCache);

    [LoggerMessage(31, LogLevel.Warning, "No client-certificate source is configured: neither OpenEnergy:Fapi:ClientCertificateHeader (behind a TLS-terminating proxy) nor OpenEnergy:Fapi:TrustedClientCaPath (mutual TLS on this host, with UseOpenEnergyFapiMutualTls). Unless the host asks for client certificates in its own way, every protected request is refused with 401 'a client certificate is required'")]
    public static partial void NoClientCertificateSource(this ILogger logger);

    [LoggerMessage(32, LogLevel.Warning, "Certificate check: {What}, {Subject}, {Problem}")]
    public static partial void CertificateExpiring(this ILogger logger, string what, string subject, string problem);

    [LoggerMessage(33, LogLevel.Error, "Checking the certificate files for changes failed ({ExceptionType}: {Problem}); the material in use stays, and the check runs again")]
    public static partial void CertificateCheckFailed(this ILogger logger, string exceptionType, string problem);

    [LoggerMessage(34, LogLevel.Debug, "No introspection for token #{TokenHash}: {Reason}; answered 503")]
    public static partial void IntrospectionShed(this ILogger logger, string tokenHash, string reason);

    [LoggerMessage(29, LogLevel.Warning, "Cannot watch {Folder} for certificate changes ({Problem}); its files are checked every {Interval} instead")]
    public static partial void CertificateWatchUnavailable(this ILogger logger, string folder, string problem, TimeSpan interval);
}
