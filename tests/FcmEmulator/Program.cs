var builder = WebApplication.CreateBuilder(args);

var app = builder.Build();

app.MapGet("/health", () => Results.Ok(new { status = "Healthy" }));
app.MapGet("/alive", () => Results.Ok(new { status = "Healthy" }));

app.Run();
