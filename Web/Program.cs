using Pushboard.Web.Components;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.Services.AddRazorComponents().AddInteractiveServerComponents();

var app = builder.Build();

// First: the scheme and client address every later step sees are the ones a believed proxy forwarded.
app.UseForwardedHeaders();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error", createScopeForErrors: true);
}

app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.MapSignOut();
app.MapDefaultEndpoints();

app.Run();

// Visible to tests/Web.Tests, which host the console in process (WebApplicationFactory).
public partial class Program;
