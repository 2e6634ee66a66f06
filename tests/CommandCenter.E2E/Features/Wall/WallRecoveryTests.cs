using System.Text.RegularExpressions;
using CommandCenter.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CommandCenter.E2E.Features.Wall;

/// <summary>
/// The wall never shows stale data as live: its server dies, the wall greys out within 10 s; the server comes back on
/// the same address, the wall recovers with no click. Screenshots of the three states at 1920×1080 and 3840×2160.
/// Its own app process and database (the shared one must stay up).
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class WallRecoveryTests(BrowserFixture browser)
{
    private static readonly Regex Stale = new(@"\bwall--stale\b");

    [Fact]
    public async Task Wall_ServerKilledThenRestarted_TurnsStaleThenRecoversWithoutAClick()
    {
        var database = new TestDatabase();
        await database.InitializeAsync();
        var baseUrl = $"http://127.0.0.1:{AppProcess.FreePort()}";
        // A small live city, so the screenshots show a working wall: a day of history at first start, then live reports.
        var environment = new Dictionary<string, string>
        {
            ["CommandCenter__Demo"] = "true", ["Simulator__Enabled"] = "true", ["Simulator__IncidentsPerDay"] = "20000", ["Simulator__HistoryDays"] = "1",
        };
        var app = await AppProcess.StartAsync(database.ConnectionString, environment, baseUrl: baseUrl);
        try
        {
            await using var context = await browser.NewContextAsync(baseUrl, 1920, 1080);
            var page = await context.NewPageAsync();
            await PageSession.DeviceSignInAsync(page);
            await page.GotoAsync("/wall?kiosk=1");
            var wall = page.Locator("#wall");
            await Expect(wall).ToHaveAttributeAsync("data-loaded", "true");
            await Expect(wall).ToHaveAttributeAsync("data-connection", "live");
            await Expect(wall).Not.ToHaveClassAsync(Stale);
            await Expect(page.Locator("[data-kpi=open]")).Not.ToHaveAttributeAsync("data-value", "0");
            await Expect(page.Locator("#wall-map")).ToHaveAttributeAsync("data-ready", "true");
            await Artifacts.WallScreenshotsAsync(page, "wall-live");

            await app.DisposeAsync(); // killed, as a crash or a pulled cable would

            await Expect(wall).ToHaveClassAsync(Stale, new() { Timeout = 10_000 });
            await Expect(wall).ToHaveAttributeAsync("data-connection", "stale");
            await Expect(page.Locator(".wall-stale")).ToBeVisibleAsync();
            await Expect(page.Locator("#wall-stale-text")).ToContainTextAsync(new Regex(@"数据已停止更新 — 最后更新 \d\d:\d\d:\d\d"));
            await Expect(page.Locator(".wall-connection--stale")).ToBeVisibleAsync();
            await Artifacts.WallScreenshotsAsync(page, "wall-stale");

            app = await AppProcess.StartAsync(database.ConnectionString, environment, baseUrl: baseUrl);

            // The old circuit is gone with the old process: the wall reconnects, is refused, and reloads itself.
            await Expect(wall).Not.ToHaveClassAsync(Stale, new() { Timeout = 60_000 });
            await Expect(wall).ToHaveAttributeAsync("data-connection", "live");
            await Expect(wall).ToHaveAttributeAsync("data-loaded", "true");
            await Expect(page).ToHaveURLAsync(baseUrl + "/wall?kiosk=1");
            await Expect(page.Locator("#wall-map")).ToHaveAttributeAsync("data-ready", "true");
            await Artifacts.WallScreenshotsAsync(page, "wall-recovered");
        }
        finally
        {
            await app.DisposeAsync();
            await database.DisposeAsync();
        }
    }
}
