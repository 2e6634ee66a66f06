using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Testing;

namespace CommandCenter.E2E.Hosting;

/// <summary>The app's plain HTTP surface, against the real process.</summary>
[Collection(E2ECollection.Name)]
public sealed class EndpointTests(AppFixture app)
{
    private HttpClient Client() => app.CreateClient();

    [Fact]
    public async Task Healthz_DatabaseUp_IsHealthyWithPostgresAndRollupLag()
    {
        using var http = Client();

        using var response = await http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("postgresql").GetProperty("status").GetString());
        var rollups = body.GetProperty("checks").GetProperty("rollups");
        Assert.Equal("Healthy", rollups.GetProperty("status").GetString());
        Assert.True(rollups.GetProperty("data").GetProperty("lagSeconds").GetDouble() >= 0);
    }

    [Fact]
    public async Task Culture_Supported_SetsCookieAndRedirectsBack()
    {
        using var http = Client();

        using var response = await http.GetAsync("/culture/en?redirect=%2Fcity");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/city", response.Headers.Location?.OriginalString);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Culture=c%3Den%7Cuic%3Den", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("https://evil.example/")]
    public async Task Culture_ForeignRedirect_GoesHomeInstead(string redirect)
    {
        using var http = Client();

        using var response = await http.GetAsync($"/culture/en?redirect={Uri.EscapeDataString(redirect)}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Culture_Unsupported_IsProblem400()
    {
        using var http = Client();

        using var response = await http.GetAsync("/culture/xx-<script>");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task CityPack_IsServedAsGeoJsonWith16Districts()
    {
        using var http = Client();

        using var response = await http.GetAsync("/geo/beijing.districts.geojson");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        var geo = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(16, geo.GetProperty("features").GetArrayLength());
    }

    [Fact]
    public async Task CityPage_Anonymous_RedirectsToSignInWithReturnUrl()
    {
        using var http = Client();

        using var response = await http.GetAsync("/city");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?returnUrl=%2Fcity", response.Headers.Location?.PathAndQuery);
    }

    [Fact]
    public async Task CityPage_ServerRendered_IsChineseByDefaultForAnEnglishBrowser()
    {
        using var http = Client();
        var commander = await CookieSession.SignInAsync(http, "commander");
        using var request = commander.Request(HttpMethod.Get, "/");
        request.Headers.AcceptLanguage.ParseAdd("en-US,en;q=0.9");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"zh-CN\">", html);
        Assert.Contains("北京市城市运行指挥中心", html);
    }
}
