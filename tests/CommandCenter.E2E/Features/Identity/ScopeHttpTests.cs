using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CommandCenter.E2E.Features.Identity;

/// <summary>A district liaison, signed in for real, reaches its own district and nothing else.</summary>
[Collection(DemoAppCollection.Name)]
public sealed class ScopeHttpTests(DemoAppFixture app)
{
    [Theory]
    [InlineData("/city/district/110101", HttpStatusCode.OK)]
    [InlineData("/city/district/110102", HttpStatusCode.Forbidden)]
    [InlineData("/api/v1/org/districts/110101/streets", HttpStatusCode.OK)]
    [InlineData("/api/v1/org/districts/110102/streets", HttpStatusCode.Forbidden)]
    public async Task Liaison110101_Path_Status(string path, HttpStatusCode expected)
    {
        using var liaison = new HttpBrowser(app);
        await liaison.SignInAsync("liaison-110101");

        using var response = await liaison.GetAsync(path);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Forbidden)
            Assert.DoesNotContain("110102001", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Liaison110101_OwnStreets_OnlyDongchengUnits()
    {
        using var liaison = new HttpBrowser(app);
        await liaison.SignInAsync("liaison-110101");

        using var response = await liaison.GetAsync("/api/v1/org/districts/110101/streets");

        var units = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(units.GetArrayLength() > 0);
        Assert.All(units.EnumerateArray(), u => Assert.Equal("110101", u.GetProperty("districtAdcode").GetString()));
    }

    [Theory]
    [InlineData("/city/district/110102")]
    [InlineData("/api/v1/org/districts/110102/streets")]
    public async Task Commander_OtherDistrict_Is200(string path)
    {
        using var commander = new HttpBrowser(app);
        await commander.SignInAsync("commander");

        using var response = await commander.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
