using Microsoft.Extensions.Configuration;

namespace OpenEnergy.Fapi.Configuration;

/// <summary>The configuration section <c>AddOpenEnergyFapi</c> bound, for the start-up check of unknown keys.</summary>
internal sealed record FapiConfigurationSection(IConfiguration Section);
