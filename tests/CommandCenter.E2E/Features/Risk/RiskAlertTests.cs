using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Npgsql;
using static Microsoft.Playwright.Assertions;

namespace CommandCenter.E2E.Features.Risk;

/// <summary>
/// A sensor platform posts a waterlogging depth past red in Chaoyang: the open wall turns the safety domain red (colour,
/// icon and words) and pins the alert on the map without a reload; the commander's risk page lists it, one click
/// dispatches an order to Chaoyang led by the drainage group, and the alert is acknowledged. Checked in the database.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class RiskAlertTests(AppFixture app, BrowserFixture browser)
{
    private const string Chaoyang = "110105";
    private const string Dongcheng = "110101";
    private const string Xicheng = "110102";
    private static readonly PageWaitForFunctionOptions Soon = new() { Timeout = 20_000 };

    [Fact]
    public async Task RedReading_ShowsOnTheWallAndDispatchesInOneClick()
    {
        string key;
        await using (var core = CoreServices.Create(app.ConnectionString))
            key = (await core.GetRequiredService<IdentityAdminService>()
                .CreateApiClientAsync(Actor.System, $"drainage-gauges-{Guid.NewGuid():N}"[..28], "beijing-drainage", 600, null, TimeSpan.FromMinutes(1))).Secret;

        await PageSession.RunAsync(browser, app, nameof(RedReading_ShowsOnTheWallAndDispatchesInOneClick) + "-wall", async page =>
        {
            await PageSession.DeviceSignInAsync(page);
            await page.GotoAsync("/wall?kiosk=1");
            await Expect(page.Locator("#wall")).ToHaveAttributeAsync("data-loaded", "true");
            var safety = page.Locator("#risk-domains [data-domain='safety']");
            await Expect(safety).ToHaveCountAsync(1);

            var posted = Stopwatch.StartNew();
            await PostReadingAsync(key, 62.5);
            await page.WaitForFunctionAsync("() => document.querySelector(\"#risk-domains [data-domain='safety']\")?.dataset.level === 'red'", null, Soon);
            Console.WriteLine($"risk: red reading posted → safety domain red on the open wall in {posted.ElapsedMilliseconds} ms");

            await Expect(safety.Locator(".cc-level")).ToContainTextAsync("红色 I级");
            await Expect(safety.Locator(".risk-domain__worst")).ToContainTextAsync("道路积水深度 朝阳区");
            await Expect(safety.Locator("[data-count-level='red']")).Not.ToHaveTextAsync(new Regex(@"\s0$"));
            await Expect(page.Locator("#wall-map")).ToHaveAttributeAsync("data-markers", new Regex("^[1-9]"));
            await Expect(page.Locator("#wall-map .cc-marker--red")).ToContainTextAsync(["红色 I级 道路积水深度"]);
            var text = await page.Locator("#panel-risk").InnerTextAsync();
            foreach (var english in new[] { "Safety", "Red", "Operation", "Updated" })
                Assert.DoesNotContain(english, text);

            // Alerts in the neighbouring central districts: every alert's words stay readable, none covers another's.
            await PostReadingAsync(key, 62.5, Dongcheng);
            await PostReadingAsync(key, 62.5, Xicheng);
            await Expect(page.Locator("#wall-map .cc-marker--red")).ToHaveCountAsync(3);
            foreach (var district in new[] { "朝阳区", "东城区", "西城区" })
                await Expect(page.Locator("#wall-map .cc-marker--red", new() { HasText = $"红色 I级 道路积水深度 {district}" })).ToHaveCountAsync(1);
            var overlaps = await page.EvaluateAsync<int>("""
                () => {
                    const boxes = [...document.querySelectorAll('#wall-map .cc-marker__text')].map(t => t.getBoundingClientRect());
                    return boxes.flatMap((a, i) => boxes.slice(i + 1).filter(b => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)).length;
                }
                """);
            Assert.Equal(0, overlaps);
            await Artifacts.WallScreenshotsAsync(page, "wall-risk");
        }, width: 1920, height: 1080);

        var alertId = await OpenAlertAsync();
        await PageSession.RunAsync(browser, app, nameof(RedReading_ShowsOnTheWallAndDispatchesInOneClick) + "-console", async page =>
        {
            await PageSession.SignInAsync(page, "commander");
            await page.GotoAsync("/command/risk");
            await Expect(page.Locator("#risk")).ToHaveAttributeAsync("data-loaded", "true");
            var row = page.Locator($"#risk-alerts tr[data-alert='{alertId}']");
            await Expect(row).ToHaveAttributeAsync("data-level", "red");
            await Expect(row).ToContainTextAsync("朝阳区");
            await Expect(page.Locator("#risk-chart")).ToHaveCountAsync(1);

            await row.Locator(".cc-dispatch__one").ClickAsync();
            await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync(new Regex(@"京指〔\d{4}〕\d{4}号"));
            var order = await OrderFromAlertAsync(alertId);
            Assert.Equal(("extra-urgent", Chaoyang, "beijing-drainage"), order);
            await Expect(row.Locator("a[data-order]")).ToHaveCountAsync(1);

            // A second click shows the open order instead of a second one.
            await row.Locator(".cc-dispatch__one").ClickAsync();
            await Expect(page.Locator(".mud-snackbar a.cc-dispatch-notice__number")).ToHaveCountAsync(1);
            Assert.Equal(1, await OrdersFromAlertAsync(alertId));

            await row.Locator("[data-action='ack']").ClickAsync();
            await Expect(row.Locator("td[data-ack='true']")).ToContainTextAsync("commander");
            await row.Locator(".cc-risk__alert-link").ClickAsync();
            await Expect(page.Locator("#risk-history tr[data-event='raised']")).ToHaveCountAsync(1);
            await Expect(page.Locator("#risk-history tr[data-event='acknowledged']")).ToHaveCountAsync(1);
            var text = await page.Locator("#risk").InnerTextAsync();
            foreach (var english in new[] { "Acknowledge", "Open alerts", "Thresholds", "Safety" })
                Assert.DoesNotContain(english, text);
            await Artifacts.ScreenshotAsync(page, "risk-1920x1080.png");
        }, width: 1920, height: 1080);
    }

    private async Task PostReadingAsync(string apiKey, double centimetres, string district = Chaoyang)
    {
        using var http = app.CreateClient();
        var at = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-ddTHH:mm:sszzz");
        var body = JsonSerializer.Serialize(new { readings = new[] { new { indicator = "waterlogging-depth", district, at, value = centimetres } } });
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/readings") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Api-Key", apiKey);
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<long> OpenAlertAsync()
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        return await conn.ExecuteScalarAsync<long>(
            "select id from alert where indicator_code = 'waterlogging-depth' and district_adcode = @Chaoyang and cleared_at is null", new { Chaoyang });
    }

    private async Task<(string Priority, string District, string Lead)> OrderFromAlertAsync(long alertId)
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        return await conn.QuerySingleAsync<(string, string, string)>("""
            select o.priority, t.district_adcode, t.lead_department
            from dispatch_order o join order_target t on t.order_id = o.id
            where o.source_kind = 'alert' and o.source_ref = @alert and o.status = 'active'
            """, new { alert = alertId.ToString() });
    }

    private async Task<long> OrdersFromAlertAsync(long alertId)
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        return await conn.ExecuteScalarAsync<long>("select count(*) from dispatch_order where source_kind = 'alert' and source_ref = @alert", new { alert = alertId.ToString() });
    }
}
