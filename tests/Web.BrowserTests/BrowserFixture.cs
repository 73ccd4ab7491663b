using Microsoft.Playwright;
using Pushboard.Tests;

namespace Pushboard.Web.BrowserTests;

// The real app through the AppHost, and Debian's Chromium driven by Playwright (its own browser download does not work offline).
public sealed class BrowserFixture : PushboardAppFixture
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public string ScreenshotDirectory { get; } =
        Environment.GetEnvironmentVariable("PUSHBOARD_SCREENSHOTS") ?? Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task StartBrowserAsync()
    {
        if (_playwright is not null)
        {
            return;
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        Directory.CreateDirectory(ScreenshotDirectory);
    }

    public override async Task DisposeAsync()
    {
        if (_playwright is not null)
        {
            await Browser.DisposeAsync();
            _playwright.Dispose();
        }

        await base.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
