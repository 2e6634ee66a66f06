using System.Text.RegularExpressions;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org.Geo;
using CommandCenter.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CommandCenter.E2E.Features.Situation;

/// <summary>The commander console in Chromium: from a number in the backlog matrix to the incidents behind it and one incident's history.</summary>
[Collection(E2ECollection.Name)]
public sealed class CommandPageTests(AppFixture app, BrowserFixture browser)
{
    private const string Huairou = "110116";
    private static readonly GeoPoint HuairouTown = new(116.6370, 40.3160);

    [Fact]
    public async Task Console_MatrixCellThenRow_ListsTheCellsIncidentsAndShowsTheTimeline()
    {
        await using (var core = CoreServices.Create(app.ConnectionString))
        {
            var incidents = core.GetRequiredService<IncidentService>();
            for (var i = 0; i < 3; i++)
                await incidents.ReportAsync(Actor.System,
                    new NewIncident(IncidentSource.Hotline, "streetlight-out", $"怀柔镇青春路路灯不亮（{i + 1}号杆）", HuairouTown));
        }

        await PageSession.RunAsync(browser, app, nameof(Console_MatrixCellThenRow_ListsTheCellsIncidentsAndShowsTheTimeline), async page =>
        {
            await PageSession.SignInAsync(page, "commander");
            await page.GotoAsync("/command");
            await Expect(page.Locator("#console")).ToHaveAttributeAsync("data-loaded", "true");
            var cell = page.Locator($"#backlog-matrix tr[data-district='{Huairou}'] td[data-department='city-management']");
            await Expect(cell).ToHaveAttributeAsync("data-open", new Regex(@"^([3-9]|\d{2,})$"));
            await Expect(page.Locator("#console-map")).ToHaveAttributeAsync("data-ready", "true");
            await Expect(page.Locator("#panel-matrix .wall-panel__updated")).ToContainTextAsync("更新于");
            // zh-CN by default in an English browser: none of the English texts.
            var text = await page.Locator("#console").InnerTextAsync();
            foreach (var english in new[] { "Open", "Updated", "Disputes", "Incidents", "Reported", "Overdue" })
                Assert.DoesNotContain(english, text);
            await Artifacts.ScreenshotAsync(page, "console-1920x1080.png");

            var expected = int.Parse((await cell.GetAttributeAsync("data-open"))!);
            await cell.ClickAsync();

            await Expect(page).ToHaveURLAsync(new Regex($@"/command\?cell=city-management(%2C|,){Huairou}$"));
            await Expect(page.Locator("#incident-list")).ToHaveAttributeAsync("data-total", expected.ToString());
            await Expect(page.Locator("#incident-total")).ToHaveTextAsync($"共 {expected} 件");
            var rows = page.Locator("#incident-grid tbody tr.cc-incident-row");
            await Expect(rows).ToHaveCountAsync(Math.Min(expected, 20));
            await Expect(page.Locator("#incident-grid tbody")).ToContainTextAsync("怀柔镇青春路路灯不亮");
            await Expect(page.Locator("#chip-cell")).ToContainTextAsync("怀柔区");

            var id = (await rows.First.Locator("td.incident-id").InnerTextAsync()).Trim();
            await rows.First.ClickAsync();

            await Expect(page).ToHaveURLAsync(new Regex($@"incident={id}$"));
            var detail = page.Locator("#incident-detail");
            await Expect(detail).ToHaveAttributeAsync("data-loaded", "true");
            await Expect(detail.Locator("#incident-timeline li[data-action='reported']")).ToHaveCountAsync(1);
            await Expect(detail.Locator("#incident-timeline li[data-action='assigned']")).ToContainTextAsync("城管委");
            await Expect(detail.Locator("#incident-assignments")).ToContainTextAsync("主办");
            await Expect(detail.Locator("#incident-description")).ToContainTextAsync("路灯不亮");
            await page.WaitForTimeoutAsync(500); // the drawer's slide-in
            await Artifacts.ScreenshotAsync(page, "console-detail-1920x1080.png");

            // Back closes the detail and keeps the list: the drill-down is in the URL.
            await page.GoBackAsync();
            await Expect(page.Locator("#incident-detail")).ToHaveCountAsync(0);
            await Expect(page.Locator("#incident-list")).ToHaveAttributeAsync("data-total", expected.ToString());
        }, width: 1920, height: 1080);
    }

    [Fact]
    public async Task Console_ClickASpotInTheOpenDistrict_ShowsWhatIsUnfinishedThereAsPlainText()
    {
        const string Miyun = "110118";
        var spot = new GeoPoint(116.8430, 40.3770);
        const string Words = "<img src=x onerror=\"window.__xss=1\">水库路路面塌陷";
        await using (var core = CoreServices.Create(app.ConnectionString))
            await core.GetRequiredService<IncidentService>().ReportAsync(Actor.System, new NewIncident(IncidentSource.Hotline, "road-damage", Words, spot));

        await PageSession.RunAsync(browser, app, nameof(Console_ClickASpotInTheOpenDistrict_ShowsWhatIsUnfinishedThereAsPlainText), async page =>
        {
            await PageSession.SignInAsync(page, "commander");
            await page.GotoAsync($"/command?district={Miyun}");
            var map = page.Locator("#console-map");
            await Expect(map).ToHaveAttributeAsync("data-ready", "true");
            await Expect(map).ToHaveAttributeAsync("data-heat-drawn", new Regex(@"^\d+$"));
            var point = await map.EvaluateAsync<double[]>("(el, p) => { const c = el.ccMap.latLngToContainerPoint([p[1], p[0]]); return [c.x, c.y]; }",
                new[] { spot.Lon, spot.Lat });
            await map.ClickAsync(new() { Position = new() { X = (float)point[0], Y = (float)point[1] } });
            var popup = page.Locator(".leaflet-popup .cc-map-popup");
            await Expect(popup).ToContainTextAsync(new Regex(@"此处未办结诉求 1 件（周边 \d+ 米）"));
            await Expect(popup).ToContainTextAsync(Words); // the words as text, the tag not parsed
            await Expect(popup.Locator("img")).ToHaveCountAsync(0);
            Assert.Null(await page.EvaluateAsync<int?>("() => window.__xss ?? null"));
            await Artifacts.ScreenshotAsync(page, "console-map-popup-1920x1080.png");

            await popup.Locator("a").ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex(@"[?&]ids=\d+"));
            await Expect(page.Locator("#incident-grid tbody")).ToContainTextAsync("水库路路面塌陷");
        }, width: 1920, height: 1080);
    }

    [Fact]
    public async Task Console_Liaison_IsRefused()
    {
        await PageSession.RunAsync(browser, app, nameof(Console_Liaison_IsRefused), async page =>
        {
            await PageSession.SignInAsync(page, "liaison-110101");
            await page.GotoAsync("/command");
            await Expect(page).ToHaveURLAsync(new Regex("/access-denied"));
            await Expect(page.Locator("#nav-command")).ToHaveCountAsync(0);
        });
    }
}
