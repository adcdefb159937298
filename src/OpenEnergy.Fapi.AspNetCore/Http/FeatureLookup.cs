using Microsoft.AspNetCore.Http.Features;

namespace OpenEnergy.Fapi.AspNetCore.Http;

/// <summary>
/// Reads a request feature through the collection's non-generic indexer. <c>IFeatureCollection.Get&lt;T&gt;</c>
/// is a generic virtual call, measurably slower on every request, and <c>HttpContext</c>'s typed accessors
/// (<c>Connection.ClientCertificate</c>, <c>RequestAborted</c>) install an empty feature when the server has
/// none, which makes the context look up all its cached features again.
/// </summary>
internal static class FeatureLookup
{
    public static T? Find<T>(IFeatureCollection features)
        where T : class
        => features[typeof(T)] as T;
}
