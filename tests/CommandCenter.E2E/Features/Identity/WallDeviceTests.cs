using System.Diagnostics;
using System.Net;
using CommandCenter.Core.Features.Identity;

namespace CommandCenter.E2E.Features.Identity;

/// <summary>Wall displays sign in with a kiosk link and are signed out soon after an administrator revokes them.</summary>
[Collection(DemoAppCollection.Name)]
public sealed class WallDeviceTests(DemoAppFixture app)
{
    private static readonly TimeSpan RevocationDeadline = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task DeviceSignIn_DemoTokenThenRevoked_SignedOutWithin5Seconds()
    {
        using var wall = new HttpBrowser(app);

        using (var signIn = await wall.GetAsync($"/device/signin?token={Uri.EscapeDataString(DemoAccounts.WallToken)}"))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
            Assert.Equal(wall.Url("/wall?kiosk=1"), wall.RedirectTarget(signIn));
        }
        var cookie = wall.Cookie("cc.auth");
        Assert.NotNull(cookie);
        Assert.True(cookie.Expires > DateTime.Now.AddDays(30), $"a wall's session should last months, not until {cookie.Expires:u}");
        using (var home = await wall.GetAsync("/"))
            Assert.Equal(HttpStatusCode.OK, home.StatusCode);

        // The demo device is the first one, created at start-up.
        var device = (await app.Admin.ListDevicesAsync()).MinBy(d => d.Id)!;
        await app.Admin.RevokeDeviceAsync(Actor.System, device.Id);

        var waited = Stopwatch.StartNew();
        HttpStatusCode status;
        Uri? target;
        do
        {
            using var response = await wall.GetAsync("/");
            (status, target) = (response.StatusCode, wall.RedirectTarget(response));
            if (status == HttpStatusCode.Redirect) break;
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        } while (waited.Elapsed < RevocationDeadline);
        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.Equal("/login", target?.AbsolutePath);

        using var other = new HttpBrowser(app);
        using var again = await other.GetAsync($"/device/signin?token={Uri.EscapeDataString(DemoAccounts.WallToken)}");
        Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);
    }

    [Theory]
    [InlineData("ccw_bogus")]
    [InlineData("cck_not-a-device-token")]
    [InlineData("")]
    public async Task DeviceSignIn_BogusToken_Is403WithoutSession(string token)
    {
        using var browser = new HttpBrowser(app);

        using var response = await browser.GetAsync($"/device/signin?token={Uri.EscapeDataString(token)}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(browser.Cookie("cc.auth"));
    }
}
