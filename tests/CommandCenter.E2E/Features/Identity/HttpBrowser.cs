using System.Net;
using System.Text.RegularExpressions;
using CommandCenter.Core.Features.Identity;

namespace CommandCenter.E2E.Features.Identity;

/// <summary>A sign-in page as fetched: the form's antiforgery token (its cookie is in the browser's jar).</summary>
public sealed record LoginForm(string Token, string? ReturnUrl);

/// <summary>
/// A browser reduced to HTTP: one cookie jar, no automatic redirects, requests aimed at whatever address the
/// fixture's app has now (cookies do not depend on the port, so they survive a restart on a new one).
/// </summary>
public sealed partial class HttpBrowser(DemoAppFixture fixture) : IDisposable
{
    public CookieContainer Cookies { get; } = new();

    private HttpClient? http;

    private HttpClient Http => http ??= new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = Cookies });

    public Uri Url(string path) => new(fixture.BaseUri, path.TrimStart('/'));

    public Cookie? Cookie(string name) => Cookies.GetCookies(fixture.BaseUri).FirstOrDefault(c => c.Name == name);

    public Task<HttpResponseMessage> GetAsync(string path) => Http.GetAsync(Url(path));

    public Task<HttpResponseMessage> PostAsync(string path, IReadOnlyDictionary<string, string> form) =>
        Http.PostAsync(Url(path), new FormUrlEncodedContent(form));

    public async Task<LoginForm> GetLoginFormAsync(string? returnUrl = null)
    {
        using var response = await GetAsync(returnUrl is null ? "/login" : $"/login?returnUrl={Uri.EscapeDataString(returnUrl)}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new LoginForm(RequestToken(await response.Content.ReadAsStringAsync()), returnUrl);
    }

    public Task<HttpResponseMessage> PostLoginAsync(LoginForm form, string userName, string password = DemoAccounts.Password) =>
        PostAsync(form.ReturnUrl is null ? "/login" : $"/login?returnUrl={Uri.EscapeDataString(form.ReturnUrl)}", new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = form.Token,
            ["Input.UserName"] = userName,
            ["Input.Password"] = password,
        });

    /// <summary>Signs in through the real form and checks it worked.</summary>
    public async Task SignInAsync(string userName, string password = DemoAccounts.Password)
    {
        using var response = await PostLoginAsync(await GetLoginFormAsync(), userName, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.NotNull(Cookie("cc.auth"));
    }

    /// <summary>Where a redirect goes, resolved against the app (so an absolute Location to elsewhere stays visible).</summary>
    public Uri? RedirectTarget(HttpResponseMessage response) =>
        response.Headers.Location is { } location ? new Uri(fixture.BaseUri, location) : null;

    /// <summary>The value of the first <c>__RequestVerificationToken</c> field of a page.</summary>
    public static string RequestToken(string html) =>
        TokenInput().Match(html) is { Success: true } input && ValueAttribute().Match(input.Value) is { Success: true } value
            ? WebUtility.HtmlDecode(value.Groups[1].Value)
            : throw new InvalidOperationException("The page has no __RequestVerificationToken field.");

    public void Dispose() => http?.Dispose();

    [GeneratedRegex("""<input[^>]*name="__RequestVerificationToken"[^>]*>""")]
    private static partial Regex TokenInput();

    [GeneratedRegex("\\svalue=\"([^\"]*)\"")]
    private static partial Regex ValueAttribute();
}
