using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Pushboard.Web.Components.Shared;

namespace Pushboard.Web.Tests;

public sealed class RedirectToLoginTests : ConsoleContext
{
    // A circuit whose session ended sends the operator to sign in and back to the page it was on, not to the Overview.
    [Fact]
    public void A_page_the_session_no_longer_allows_sends_to_login_with_its_address()
    {
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("/devices/d-1?tab=deliveries");

        Render<RedirectToLogin>();

        Assert.Equal("http://localhost/login?ReturnUrl=%2Fdevices%2Fd-1%3Ftab%3Ddeliveries", navigation.Uri);
    }
}
