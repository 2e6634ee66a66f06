using System.Buffers.Binary;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CommandCenter.E2E.Features.Org;

[Collection(E2ECollection.Name)]
public sealed class CityPageTests(AppFixture app, BrowserFixture browser)
{
    private const int Districts = 16;

    [Fact]
    public Task CityPage_Loads_Draws16DistrictPolygons() =>
        PageSession.RunAsync(browser, app, nameof(CityPage_Loads_Draws16DistrictPolygons), async page =>
        {
            await OpenCityAsync(page);

            await Expect(page.Locator("#city-map path.leaflet-interactive")).ToHaveCountAsync(Districts);
            await Expect(Labels(page)).ToHaveCountAsync(Districts);
            await Expect(Label(page, "东城区")).ToHaveCountAsync(1);
            await Expect(page.Locator("#district-grid tbody tr")).ToHaveCountAsync(Districts);
            await Expect(page.Locator("#units-chart svg").First).ToBeVisibleAsync();
        });

    [Fact]
    public Task CultureSwitch_ToEnglish_ChangesLabels() =>
        PageSession.RunAsync(browser, app, nameof(CultureSwitch_ToEnglish_ChangesLabels), async page =>
        {
            await OpenCityAsync(page);
            await Expect(Label(page, "东城区")).ToHaveCountAsync(1);

            await page.Locator("[data-culture=\"en\"]").ClickAsync();

            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
            await Expect(page.Locator("#city-map")).ToHaveAttributeAsync("data-ready", "true");
            await Expect(Label(page, "Dongcheng")).ToHaveCountAsync(1);
            await Expect(Label(page, "东城区")).ToHaveCountAsync(0);
            await Expect(Labels(page)).ToHaveCountAsync(Districts);

            await page.Locator("[data-culture=\"zh-CN\"]").ClickAsync();

            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
            await Expect(page.Locator("#city-map")).ToHaveAttributeAsync("data-ready", "true");
            await Expect(Label(page, "东城区")).ToHaveCountAsync(1);
            await Expect(Label(page, "Dongcheng")).ToHaveCountAsync(0);
        });

    [Fact]
    public Task CityPage_Screenshot_1920x1080() =>
        PageSession.RunAsync(browser, app, nameof(CityPage_Screenshot_1920x1080), async page =>
        {
            await OpenCityAsync(page);
            await Expect(Labels(page)).ToHaveCountAsync(Districts);
            await Expect(page.Locator("#district-grid tbody tr")).ToHaveCountAsync(Districts);
            await Expect(page.Locator("#units-chart svg").First).ToBeVisibleAsync();

            var path = await Artifacts.ScreenshotAsync(page, "city-1920x1080.png");

            var png = await File.ReadAllBytesAsync(path);
            Assert.True(png.Length > 20 * 1024, $"{path} is only {png.Length} bytes: is the page blank?");
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], png[..8]);
            Assert.Equal(1920, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
            Assert.Equal(1080, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
        }, width: 1920, height: 1080);

    [Fact]
    public Task Clock_BrowserInNewYork_ShowsBeijingTime() =>
        PageSession.RunAsync(browser, app, nameof(Clock_BrowserInNewYork_ShowsBeijingTime), async page =>
        {
            await OpenCityAsync(page);

            var shown = DateTime.ParseExact((await page.Locator("#city-clock").InnerTextAsync()).Trim(), "yyyy-MM-dd HH:mm", null);

            var beijing = DateTime.UtcNow.AddHours(8);
            Assert.InRange(shown, beijing.AddMinutes(-2), beijing.AddMinutes(2));
        });

    /// <summary>Signs in as the duty commander (the city page needs an account) and waits for the map.</summary>
    private static async Task OpenCityAsync(IPage page)
    {
        await PageSession.SignInAsync(page, "commander");
        await page.GotoAsync("/");
        await Expect(page.Locator("#city-map")).ToHaveAttributeAsync("data-ready", "true");
    }

    private static ILocator Labels(IPage page) => page.Locator("#city-map .district-label");

    // The name starts the label's text (a label may add a figure after it). Playwright runs the pattern as a
    // JavaScript regex, whose \b is ASCII-only, hence the explicit end.
    private static ILocator Label(IPage page, string name) =>
        Labels(page).Filter(new() { HasTextRegex = new Regex($@"^\s*{Regex.Escape(name)}(?:\s|$)") });
}
