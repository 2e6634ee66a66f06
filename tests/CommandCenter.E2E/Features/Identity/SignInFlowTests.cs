using System.Net;
using System.Text.RegularExpressions;
using CommandCenter.Core.Features.Identity;

namespace CommandCenter.E2E.Features.Identity;

/// <summary>The sign-in form and sign-out, over HTTP against the real app.</summary>
[Collection(DemoAppCollection.Name)]
public sealed partial class SignInFlowTests(DemoAppFixture app)
{
    [Fact]
    public async Task Login_CorrectPassword_RedirectsToLocalReturnUrlSignedIn()
    {
        using var browser = new HttpBrowser(app);
        var form = await browser.GetLoginFormAsync("/city/district/110105?tab=streets");

        using var response = await browser.PostLoginAsync(form, "commander");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(browser.Url("/city/district/110105?tab=streets"), browser.RedirectTarget(response));
        var cookie = browser.Cookie("cc.auth");
        Assert.NotNull(cookie);
        Assert.True(cookie.HttpOnly);
        using var page = await browser.GetAsync("/city/district/110105");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("javascript:alert(1)")]
    public async Task Login_ExternalReturnUrl_RedirectsHome(string returnUrl)
    {
        using var browser = new HttpBrowser(app);
        var form = await browser.GetLoginFormAsync(returnUrl);

        using var response = await browser.PostLoginAsync(form, "supervisor");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(browser.Url("/"), browser.RedirectTarget(response));
        Assert.NotNull(browser.Cookie("cc.auth"));
    }

    [Fact]
    public async Task Login_UnknownUserOrWrongPassword_SameGenericErrorAndNoSession()
    {
        using var browser = new HttpBrowser(app);

        var unknown = await FailedLoginErrorAsync(browser, "no-such-user", DemoAccounts.Password);
        var wrong = await FailedLoginErrorAsync(browser, "liaison-110108", "not-the-password");

        Assert.Equal(unknown, wrong);
        Assert.NotEmpty(unknown);
        Assert.DoesNotContain("liaison-110108", wrong);
        Assert.Null(browser.Cookie("cc.auth"));
    }

    [Fact]
    public async Task Logout_WithoutAntiforgeryToken_Is400AndStaysSignedIn()
    {
        using var browser = new HttpBrowser(app);
        await browser.SignInAsync("liaison-110106");

        using var response = await browser.PostAsync("/logout", new Dictionary<string, string>());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var home = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
    }

    [Fact]
    public async Task Logout_WithToken_SignsOut()
    {
        using var browser = new HttpBrowser(app);
        await browser.SignInAsync("liaison-110107");
        using var home = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        var token = HttpBrowser.RequestToken(await home.Content.ReadAsStringAsync());

        using var response = await browser.PostAsync("/logout", new Dictionary<string, string> { ["__RequestVerificationToken"] = token });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(browser.Url("/login"), browser.RedirectTarget(response));
        Assert.Null(browser.Cookie("cc.auth"));
        using var after = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/login", browser.RedirectTarget(after)?.AbsolutePath);
    }

    /// <summary>Posts a failing sign-in and returns the error alert's text; the form must come back (200) with it.</summary>
    private static async Task<string> FailedLoginErrorAsync(HttpBrowser browser, string userName, string password)
    {
        using var response = await browser.PostLoginAsync(await browser.GetLoginFormAsync("/"), userName, password);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var error = LoginError().Match(html);
        Assert.True(error.Success, $"no #login-error in the answer to {userName}");
        return Tags().Replace(error.Groups[1].Value, "").Trim();
    }

    [GeneratedRegex("""id="login-error"[^>]*>([\s\S]*?)</div>\s*</div>\s*</div>""")]
    private static partial Regex LoginError();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();
}
