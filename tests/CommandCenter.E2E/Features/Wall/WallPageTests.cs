using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org.Geo;
using CommandCenter.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CommandCenter.E2E.Features.Wall;

/// <summary>The unattended wall in Chromium, signed in as the demo wall device; incidents are reported through Core on the app's database.</summary>
[Collection(E2ECollection.Name)]
public sealed class WallPageTests(AppFixture app, BrowserFixture browser)
{
    private static readonly GeoPoint Chaoyang = new(116.4430, 39.9215);

    [Fact]
    public async Task Wall_IncidentReported_OpenKpiRisesWithoutReload()
    {
        await PageSession.RunAsync(browser, app, nameof(Wall_IncidentReported_OpenKpiRisesWithoutReload), async page =>
        {
            await PageSession.DeviceSignInAsync(page);
            await page.GotoAsync("/wall?kiosk=1");
            var open = page.Locator("[data-kpi=open]");
            await Expect(open).ToHaveAttributeAsync("data-value", new System.Text.RegularExpressions.Regex(@"^\d+$"));
            await Expect(page.Locator("#wall")).ToHaveAttributeAsync("data-loaded", "true");
            var before = int.Parse((await open.GetAttributeAsync("data-value"))!);
            // A reload would drop this marker: the number must change in the page that is already open.
            await page.EvaluateAsync("() => window.wallTestMarker = 'still here'");

            await using (var core = CoreServices.Create(app.ConnectionString))
            {
                await core.GetRequiredService<IncidentService>().ReportAsync(Actor.System,
                    new NewIncident(IncidentSource.Hotline, "street-vending", $"建国门外大街占道经营（{Guid.NewGuid().ToString("N")[..6]}）", Chaoyang));
            }

            await page.WaitForFunctionAsync("before => +document.querySelector('[data-kpi=open]').dataset.value > before", before);
            Assert.Equal("still here", await page.EvaluateAsync<string>("() => window.wallTestMarker"));
            await Expect(page.Locator("[data-kpi=reported-today]")).Not.ToHaveAttributeAsync("data-value", "0");
            await Expect(page.Locator("#wall")).ToHaveAttributeAsync("data-connection", "live");
            await Expect(page.Locator("#wall")).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("wall--stale"));
            await Expect(page.Locator("#panel-matrix .wall-panel__updated")).ToContainTextAsync("更新于");
            await Expect(page.Locator("#wall-map")).ToHaveAttributeAsync("data-ready", "true");
            // zh-CN by default in an English browser: none of the English texts.
            var text = await page.Locator("#wall").InnerTextAsync();
            Assert.Contains("未办结", text);
            foreach (var english in new[] { "Open", "Updated", "Live", "Disputes", "Reported today" })
                Assert.DoesNotContain(english, text);
            // Kiosk: no controls at all.
            await Expect(page.Locator("#wall .cc-culture")).ToHaveCountAsync(0);

            await Artifacts.WallScreenshotsAsync(page, "wall");
        }, width: 1920, height: 1080);
    }

    [Fact]
    public async Task Wall_English_ShowsEnglishAndCultureSwitchOutsideKiosk()
    {
        await PageSession.RunAsync(browser, app, nameof(Wall_English_ShowsEnglishAndCultureSwitchOutsideKiosk), async page =>
        {
            await PageSession.DeviceSignInAsync(page);
            await page.GotoAsync("/culture/en?redirect=%2Fwall");
            await Expect(page.Locator("#wall")).ToHaveAttributeAsync("data-loaded", "true");
            await Expect(page.Locator("[data-kpi=open]")).ToContainTextAsync("Open");
            await Expect(page.Locator("#wall .cc-culture")).ToHaveCountAsync(1);
            await Expect(page.Locator("#wall-map")).ToHaveAttributeAsync("data-ready", "true");
            await page.WaitForTimeoutAsync(1500); // the map and charts fit the ultra-wide viewport
            await Artifacts.CheckedScreenshotAsync(page, "wall-en-5760x1080.png", 5760, 1080);
        }, width: 5760, height: 1080);
    }
}
