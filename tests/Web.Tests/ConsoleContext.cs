using Microsoft.Extensions.DependencyInjection;
using Microsoft.FluentUI.AspNetCore.Components;

namespace Pushboard.Web.Tests;

// A bUnit context with Fluent UI's services; its components' script calls are answered with defaults. Subclasses add
// their services first, then set the renderer (which starts the service provider).
public abstract class ConsoleContext : BunitContext
{
    protected ConsoleContext()
    {
        Services.AddFluentUIComponents();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }
}
