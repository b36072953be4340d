// The baseline of the cold-start benchmark: a minimal ASP.NET Core app with the route the bench polls.
var app = WebApplication.CreateBuilder(args).Build();
app.MapGet("/api/health", () => Results.Ok(new { status = "ok" }));
app.Run();
