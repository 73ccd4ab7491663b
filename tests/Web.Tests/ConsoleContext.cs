using Microsoft.Extensions.DependencyInjection;
using Microsoft.FluentUI.AspNetCore.Components;

namespace Pushboard.Web.Tests;

// A bUnit context with Fluent UI's services and the system clock (a test that needs a fake one registers it after);
// its components' script calls are answered with defaults. Subclasses add their services first, then set the renderer
// (which starts the service provider).
public abstract class ConsoleContext : BunitContext
{
    // bUnit waits 1 s by default; on CI's two shared cores a render posted to the renderer's dispatcher has waited
    // longer than that for a thread-pool thread. A passing wait still returns as soon as its assertion holds.
    static ConsoleContext() => DefaultWaitTimeout = TimeSpan.FromSeconds(10);

    protected ConsoleContext()
    {
        Services.AddFluentUIComponents();
        Services.AddSingleton(TimeProvider.System);
        JSInterop.Mode = JSRuntimeMode.Loose;
    }
}
