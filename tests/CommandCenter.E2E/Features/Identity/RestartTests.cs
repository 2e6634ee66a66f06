using System.Net;
using CommandCenter.Core.Features.Identity;
using Dapper;
using Npgsql;

namespace CommandCenter.E2E.Features.Identity;

/// <summary>
/// A new app process on the same database honours the old one's cookies and forms: the key ring lives in PostgreSQL.
/// The other tests of the collection run against whichever process is current.
/// </summary>
[Collection(DemoAppCollection.Name)]
public sealed class RestartTests(DemoAppFixture app)
{
    [Fact]
    public async Task Restart_SameDatabase_OldCookiesAndFormsStillValid()
    {
        // Its own device: the demo one may already be revoked by WallDeviceTests.
        var device = await app.Admin.CreateDeviceAsync(Actor.System, "重启测试 Restart wall", null);
        using var wall = new HttpBrowser(app);
        using (var signIn = await wall.GetAsync($"/device/signin?token={Uri.EscapeDataString(device.Secret)}"))
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        using var commander = new HttpBrowser(app);
        await commander.SignInAsync("commander");
        using var visitor = new HttpBrowser(app);
        var form = await visitor.GetLoginFormAsync("/city/district/110101");
        var oldAddress = app.BaseUri;

        await app.RestartAsync();

        Assert.NotEqual(oldAddress, app.BaseUri);
        await using (var conn = new NpgsqlConnection(app.ConnectionString))
            Assert.True(await conn.ExecuteScalarAsync<long>("select count(*) from data_protection_key") >= 1);
        using (var wallHome = await wall.GetAsync("/"))
            Assert.Equal(HttpStatusCode.OK, wallHome.StatusCode);
        using (var commanderHome = await commander.GetAsync("/"))
            Assert.Equal(HttpStatusCode.OK, commanderHome.StatusCode);
        using var login = await visitor.PostLoginAsync(form, "supervisor");
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal(visitor.Url("/city/district/110101"), visitor.RedirectTarget(login));
    }

    [Fact]
    public async Task Restart_ForgedCookie_IsNotAccepted()
    {
        // The control for the test above: a cookie the key ring did not protect is worthless.
        using var browser = new HttpBrowser(app);
        browser.Cookies.Add(app.BaseUri, new Cookie("cc.auth", "CfDJ8-not-a-real-ticket"));

        using var response = await browser.GetAsync("/");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", browser.RedirectTarget(response)?.AbsolutePath);
    }
}
