using Pushboard.FcmEmulator.Apis;

var builder = WebApplication.CreateBuilder(args);

builder.AddFcmEmulator();

var app = builder.Build();

app.UseStatusCodePages();
app.MapTokenApi();
app.MapMessagesApi();
app.MapEmulatorControlApi();
app.MapGet("/health", () => Results.Ok(new { status = "Healthy" }));
app.MapGet("/alive", () => Results.Ok(new { status = "Healthy" }));

app.Run();
