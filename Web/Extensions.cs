using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using Microsoft.FluentUI.AspNetCore.Components;
using Pushboard.ServiceDefaults.ApiKeys;
using Pushboard.Web.Services;

namespace Microsoft.Extensions.Hosting;

public static class ApplicationServicesExtensions
{
    public const string DeviceApiAddress = "https+http://deviceapi";
    public const string NotificationApiAddress = "https+http://notificationapi";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AdminKeyOptions>().BindConfiguration("Parameters")
            .Validate(options => builder.Environment.IsDevelopment() || ApiKeyList.Problem(ApiKeyOptions.AdminParameter, options.AdminApiKey) is null,
                $"The Web console needs the admin key: set Parameters:admin-api-key (environment Parameters__admin-api-key) to one or more keys separated by commas, each at least {ApiKeyList.MinLength} characters.")
            .ValidateOnStart();
        services.AddSingleton<AdminKey>();
        services.AddSingleton<AdminSessionEvents>();

        services.AddHttpClient<IDeviceApiClient, DeviceApiClient>((services, http) => AdminKey.Configure(services, http, DeviceApiAddress));
        services.AddHttpClient<INotificationApiClient, NotificationApiClient>((services, http) => AdminKey.Configure(services, http, NotificationApiAddress));
        services.AddHttpClient(HttpClientNames.DeviceApiHealth, http => http.BaseAddress = new Uri(DeviceApiAddress));
        services.AddHttpClient(HttpClientNames.NotificationApiHealth, http => http.BaseAddress = new Uri(NotificationApiAddress));
        services.AddSingleton<HealthProbe>();
        services.AddOptions<OverviewOptions>().BindConfiguration(OverviewOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddTransient<OverviewLoader>();
        services.AddOptions<ComposeOptions>().BindConfiguration(ComposeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<HistoryOptions>().BindConfiguration(HistoryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddFluentUIComponents();

        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(cookie =>
            {
                cookie.LoginPath = "/login";
                cookie.Cookie.Name = "pushboard";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.SlidingExpiration = true;
                cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
                cookie.EventsType = typeof(AdminSessionEvents);
            });
        services.AddAuthorization();
        services.AddCascadingAuthenticationState();
    }

    public static void MapSignOut(this WebApplication app) =>
        app.MapPost("/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/login");
        });
}
