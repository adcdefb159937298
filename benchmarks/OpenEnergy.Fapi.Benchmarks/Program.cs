using BenchmarkDotNet.Running;
using OpenEnergy.Fapi.Benchmarks;

if (args is ["footprint"])
{
    CacheFootprint.Run();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
