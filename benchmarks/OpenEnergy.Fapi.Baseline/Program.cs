// The baseline of the load and start-up figures: a bare Kestrel app serving the same 2 KB from memory at /small,
// and 401 everywhere else (the start-up figure times process start to the first 401, as for the provider).
// Usage: OpenEnergy.Fapi.Baseline <file served at /small> --urls http://127.0.0.1:PORT
byte[] small = File.ReadAllBytes(args[0]);
WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(args[1..]);
builder.Logging.ClearProviders();
WebApplication app = builder.Build();
app.MapGet("/small", () => Results.Bytes(small, "text/csv; charset=utf-8"));
app.MapFallback(() => Results.Unauthorized());
app.Run();
