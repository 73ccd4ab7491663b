using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
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

    // Two clicks handed to the button's OnClick while the first one's call is in flight, as a double-click whose second
    // click reaches the server before the render that disables the button: a click on the element goes through Fluent's
    // button, which drops it once rendered disabled, and bUnit has no handler for the element from before that render.
    // The handlers' tasks are left running: their calls wait for the answer the test holds.
    protected static async Task ClickTwiceAsync<TPage>(IRenderedComponent<TPage> page, IRenderedComponent<FluentButton> button)
        where TPage : IComponent
    {
        await page.InvokeAsync(() => { _ = button.Instance.OnClick.InvokeAsync(new MouseEventArgs()); });
        await page.InvokeAsync(() => { _ = button.Instance.OnClick.InvokeAsync(new MouseEventArgs()); });
    }
}
