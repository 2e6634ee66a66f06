using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommandCenter.Core.Features.Identity;

namespace CommandCenter.E2E.Features.Identity;

/// <summary>API clients against the real app: keys issued and revoked by an administrator (Core on the same database).</summary>
[Collection(DemoAppCollection.Name)]
public sealed class ApiKeyTests(DemoAppFixture app) : IDisposable
{
    private const string Districts = "/api/v1/org/districts";

    private readonly HttpClient http = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });

    private Task<IssuedSecret<ApiClient>> NewClientAsync(int ratePerMinute = 600) =>
        app.Admin.CreateApiClientAsync(Actor.System, $"district-system-{Guid.NewGuid():N}", null, ratePerMinute, null);

    private Task<HttpResponseMessage> GetAsync(string path, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(app.BaseUri, path.TrimStart('/')));
        if (key is not null) request.Headers.Add("X-Api-Key", key);
        return http.SendAsync(request);
    }

    [Fact]
    public async Task Districts_ValidKeyHeader_Returns16Districts()
    {
        var client = await NewClientAsync();

        using var response = await GetAsync(Districts, client.Secret);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var districts = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(16, districts.GetArrayLength());
        Assert.Contains(districts.EnumerateArray(), d => d.GetProperty("adcode").GetString() == "110101");
        Assert.NotNull((await app.Admin.ListApiClientsAsync()).Single(c => c.Id == client.Item.Id).LastUsedAt);
    }

    [Fact]
    public async Task Districts_ValidKeyInQuery_Returns200()
    {
        var client = await NewClientAsync();

        using var response = await GetAsync($"{Districts}?api_key={Uri.EscapeDataString(client.Secret)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Districts_NoKey_Is401()
    {
        using var response = await GetAsync(Districts);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Theory]
    [InlineData("cck_bogus")]
    [InlineData("not-even-a-key")]
    public async Task Districts_UnknownKey_Is403(string key)
    {
        using var response = await GetAsync(Districts, key);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("adcode", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Districts_RevokedKey_Is403AtOnce()
    {
        var client = await NewClientAsync();
        using (var before = await GetAsync(Districts, client.Secret))
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        await app.Admin.RevokeApiClientAsync(Actor.System, client.Item.Id);

        // API keys are looked up on every request: no revalidation window.
        using var response = await GetAsync(Districts, client.Secret);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Districts_OverTheClientsRateLimit_Is429WithRetryAfterForThatClientOnly()
    {
        var limited = await NewClientAsync(ratePerMinute: 3);
        var other = await NewClientAsync(ratePerMinute: 3);
        for (var i = 0; i < 3; i++)
        {
            using var ok = await GetAsync(Districts, limited.Secret);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var response = await GetAsync(Districts, limited.Secret);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        using var otherResponse = await GetAsync(Districts, other.Secret);
        Assert.Equal(HttpStatusCode.OK, otherResponse.StatusCode);
    }

    public void Dispose() => http.Dispose();
}
