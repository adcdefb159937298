global using NUnit.Framework;
global using OpenEnergy.Fapi.Tests.Shared;
