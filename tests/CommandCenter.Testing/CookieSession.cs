using System.Net;
using System.Text.RegularExpressions;
using CommandCenter.Core.Features.Identity;

namespace CommandCenter.Testing;

/// <summary>
/// The cookies of one browser-less session, kept by hand: requests carry them, responses never change them
/// (so one sign-in serves many requests, including ones that would sign out or switch identity).
/// Use an <see cref="HttpClient"/> that neither follows redirects nor keeps cookies itself.
/// </summary>
public sealed partial class CookieSession
{
    private readonly Dictionary<string, string> cookies;

    private CookieSession(Dictionary<string, string> cookies) => this.cookies = cookies;

    public static CookieSession Anonymous => new([]);

    public IReadOnlyDictionary<string, string> Cookies => cookies;

    /// <summary>Signs in through the real /login form (antiforgery token and all), as a browser does.</summary>
    public static async Task<CookieSession> SignInAsync(HttpClient http, string userName, string password = DemoAccounts.Password)
    {
        var session = new CookieSession([]);
        var token = await session.GetFormTokenAsync(http);
        using var post = session.Request(HttpMethod.Post, "/login");
        post.Content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.UserName"] = userName,
            ["Input.Password"] = password,
        });
        using var response = await http.SendAsync(post);
        session.Keep(response);
        if (response.StatusCode != HttpStatusCode.Redirect || !session.cookies.ContainsKey("cc.auth"))
        {
            throw new InvalidOperationException(
                $"Signing in as {userName} answered {(int)response.StatusCode} {response.Headers.Location} without a session cookie.");
        }
        return session;
    }

    /// <summary>Exchanges a wall device's kiosk token for its session cookie.</summary>
    public static async Task<CookieSession> DeviceSignInAsync(HttpClient http, string token = DemoAccounts.WallToken)
    {
        var session = new CookieSession([]);
        using var response = await http.SendAsync(session.Request(HttpMethod.Get, $"/device/signin?token={Uri.EscapeDataString(token)}"));
        session.Keep(response);
        if (!session.cookies.ContainsKey("cc.auth"))
            throw new InvalidOperationException($"The kiosk link answered {(int)response.StatusCode} without a session cookie.");
        return session;
    }

    /// <summary>
    /// An antiforgery request token for this session's identity (read from the sign-in page's form), with its cookie
    /// added to the session.
    /// </summary>
    public async Task<string> GetFormTokenAsync(HttpClient http)
    {
        using var response = await http.SendAsync(Request(HttpMethod.Get, "/login"));
        Keep(response);
        var html = await response.Content.ReadAsStringAsync();
        var value = TokenInput().Match(html) is { Success: true } input ? ValueAttribute().Match(input.Value) : null;
        return value is { Success: true }
            ? WebUtility.HtmlDecode(value.Groups[1].Value)
            : throw new InvalidOperationException($"GET /login ({(int)response.StatusCode}) has no __RequestVerificationToken field.");
    }

    /// <summary>A request carrying this session's cookies.</summary>
    public HttpRequestMessage Request(HttpMethod method, string url)
    {
        var request = new HttpRequestMessage(method, url);
        if (cookies.Count > 0)
            request.Headers.Add("Cookie", string.Join("; ", cookies.Select(c => $"{c.Key}={c.Value}")));
        return request;
    }

    private void Keep(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Set-Cookie", out var setCookies)) return;
        foreach (var header in setCookies)
        {
            var pair = header.Split(';', 2)[0];
            var eq = pair.IndexOf('=');
            if (eq <= 0) continue;
            var (name, value) = (pair[..eq].Trim(), pair[(eq + 1)..].Trim());
            if (value.Length == 0) cookies.Remove(name);
            else cookies[name] = value;
        }
    }

    [GeneratedRegex("""<input[^>]*name="__RequestVerificationToken"[^>]*>""")]
    private static partial Regex TokenInput();

    [GeneratedRegex("\\svalue=\"([^\"]*)\"")]
    private static partial Regex ValueAttribute();
}
