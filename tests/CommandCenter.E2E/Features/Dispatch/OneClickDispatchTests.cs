using System.Text.RegularExpressions;
using CommandCenter.Core.Features.Dispatch;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org.Geo;
using CommandCenter.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Npgsql;
using static Microsoft.Playwright.Assertions;

namespace CommandCenter.E2E.Features.Dispatch;

/// <summary>
/// One-click dispatch in Chromium: the commander clicks Dispatch on a compound problem (the founding road story: street
/// lights, vending and a broken road at one place), undoes it, dispatches again, and a third click shows the open order
/// instead of a second one; then the orders page and the wall show the orders. Orders are checked in the database.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class OneClickDispatchTests(AppFixture app, BrowserFixture browser)
{
    private const string Yanqing = "110119";
    private static readonly GeoPoint YanqingRoad = new(115.9750, 40.4560);

    [Fact]
    public async Task Console_DispatchUndoDispatchAgain_OneOpenOrderPerSource()
    {
        IReadOnlyList<long> ids;
        await using (var core = CoreServices.Create(app.ConnectionString))
        {
            var incidents = core.GetRequiredService<IncidentService>();
            var reported = new List<long>();
            // One place, three owners: within a few metres of each other, so one compound problem.
            foreach (var (code, words, dx) in new[] { ("streetlight-out", "妫水北街新修路段路灯一直不亮", 0.0), ("street-vending", "妫水北街路口占道摆摊", 0.0002), ("road-damage", "妫水北街路面未完工，坑洼", 0.0004) })
                reported.Add((await incidents.ReportAsync(Actor.System, new NewIncident(IncidentSource.Hotline, code, words, new GeoPoint(YanqingRoad.Lon + dx, YanqingRoad.Lat)))).Id);
            ids = reported;
        }
        var key = $"compound:{ids.Min()}";

        await PageSession.RunAsync(browser, app, nameof(Console_DispatchUndoDispatchAgain_OneOpenOrderPerSource), async page =>
        {
            await PageSession.SignInAsync(page, "commander");
            await page.GotoAsync("/command");
            await Expect(page.Locator("#console")).ToHaveAttributeAsync("data-loaded", "true");
            // Compound problems are recomputed every few seconds; ours appears with its Dispatch button.
            var buttons = page.Locator($"#panel-compounds .cc-dispatch[data-source='{key}']");
            await Expect(buttons).ToHaveCountAsync(1);
            await Expect(page.Locator("#console .wall-kpi[data-kpi='orders']")).ToHaveAttributeAsync("data-value", new Regex(@"^\d+$"));

            // One click: an order at once, its number in the snackbar, Undo offered.
            await buttons.Locator(".cc-dispatch__one").ClickAsync();
            var first = await IssuedAsync(page, created: true);
            Assert.Equal("active", await StatusAsync(first.Id));
            Assert.Equal(ids.Order().ToList(), await IncidentsOfAsync(first.Id));
            await Expect(page.Locator("#console .wall-kpi[data-kpi='orders']")).Not.ToHaveAttributeAsync("data-value", "0");
            await Artifacts.ScreenshotAsync(page, "dispatch-snackbar-1920x1080.png");
            // zh-CN by default in an English browser.
            var snack = await Snackbar(page, first.Id).InnerTextAsync();
            Assert.DoesNotContain("Undo", snack);
            Assert.DoesNotContain("issued", snack, StringComparison.OrdinalIgnoreCase);

            await Snackbar(page, first.Id).GetByRole(AriaRole.Button, new() { Name = "撤销" }).ClickAsync();
            await Expect(page.Locator(".mud-snackbar").Filter(new() { HasText = $"已撤回指令 {first.Number}" })).ToHaveCountAsync(1);
            await WaitForAsync(async () => await StatusAsync(first.Id) == "recalled");

            // Recalled, the source is free again: the next click is a new order.
            await buttons.Locator(".cc-dispatch__one").ClickAsync();
            var second = await IssuedAsync(page, created: true, not: first.Id);
            Assert.NotEqual(first.Id, second.Id);
            Assert.Equal("active", await StatusAsync(second.Id));

            // Again: the open order is shown, with a link, and nothing new is created.
            await buttons.Locator(".cc-dispatch__one").ClickAsync();
            var existing = await IssuedAsync(page, created: false);
            Assert.Equal(second.Id, existing.Id);
            await Expect(Snackbar(page, second.Id).Locator("a.cc-dispatch-notice__number")).ToHaveTextAsync(second.Number);
            Assert.Equal(2, await OrdersCoveringAsync(ids));
            Assert.Equal(1, await OrdersCoveringAsync(ids, activeOnly: true));
            await Artifacts.ScreenshotAsync(page, "dispatch-existing-1920x1080.png");

            // "Edit and dispatch": the same order, prefilled (the Yanqing district, the instruction naming the place).
            await buttons.Locator(".cc-dispatch__edit").ClickAsync();
            await Expect(page.Locator("#order-dialog .cc-order-form__target[data-district='110119']")).ToHaveCountAsync(1);
            await Expect(page.Locator("#order-instruction")).ToHaveValueAsync(new Regex("妫水北街"));
            // Departments and streets by name, not by code.
            var shown = string.Join(" ", await page.Locator("#order-dialog input").EvaluateAllAsync<string[]>("els => els.map(e => e.value)"));
            Assert.Contains("城管执法局", shown);
            Assert.DoesNotContain("city-enforcement", shown);
            await page.WaitForTimeoutAsync(300); // the dialog's fade-in
            await Artifacts.ScreenshotAsync(page, "dispatch-edit-1920x1080.png");
            await page.Locator("#order-cancel").ClickAsync();
            await Expect(page.Locator("#order-dialog")).ToHaveCountAsync(0);

            // The orders page: the order with each district's state, then its timeline.
            await page.GotoAsync("/command/orders");
            await Expect(page.Locator("#orders")).ToHaveAttributeAsync("data-loaded", "true");
            var row = page.Locator($"#orders-table tr[data-order='{second.Id}']");
            await Expect(row).ToContainTextAsync(second.Number);
            await Expect(row.Locator($"li[data-state='sent'], li[data-state='delivered']")).ToHaveCountAsync(1);
            await Expect(row.Locator(".cc-ack")).ToHaveAttributeAsync("data-ack", "running");
            await Expect(page.Locator($"#orders-table tr[data-order='{first.Id}']")).ToHaveCountAsync(0); // recalled: not active
            await row.ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex($@"order={second.Id}"));
            await Expect(page.Locator("#order-timeline li[data-action='issued']")).ToContainTextAsync("commander");
            await Expect(page.Locator("#order-targets")).ToContainTextAsync("延庆区");
            var text = await page.Locator("#orders").InnerTextAsync();
            foreach (var english in new[] { "Issued", "Sent", "Active", "Orders", "Deadline" })
                Assert.DoesNotContain(english, text);
            await Artifacts.ScreenshotAsync(page, "orders-1920x1080.png");

            await page.GotoAsync("/command/orders?filter=all");
            await Expect(page.Locator($"#orders-table tr[data-order='{first.Id}'] li[data-state='recalled']")).ToContainTextAsync("已撤回");
        }, width: 1920, height: 1080);
    }

    [Fact]
    public async Task Wall_OrdersWaiting_TileAndTickerShowThemOverdueFlagged()
    {
        long overdueId;
        await using (var core = CoreServices.Create(app.ConnectionString, configure: s => s.AddSingleton<TimeProvider>(new ShiftedTime(TimeSpan.FromMinutes(-20)))))
        {
            // Issued "20 minutes ago" with a 5-minute SLA: past it, on the wall as overdue.
            var dispatch = core.GetRequiredService<DispatchService>();
            var commander = AccessScope.For(Roles.Commander);
            var now = DateTimeOffset.UtcNow.AddMinutes(-20);
            var order = new NewOrder(OrderPriority.ExtraUrgent, now.AddHours(6),
                [new NewTarget("110105", "city-management", ["city-enforcement"], []), new NewTarget("110108", "transport", [], [])],
                OrderSource.None, "请朝阳区、海淀区立即排查辖区内主干道积水点并安排抽排。");
            overdueId = (await dispatch.IssueAsync(commander, new Actor("commander"), order)).Order.Id;
            await dispatch.IssueAsync(commander, new Actor("commander"), order with
            {
                Priority = OrderPriority.Normal, Targets = [new NewTarget("110102", "city-enforcement", [], [])], Instruction = "请西城区核查占道经营投诉。",
            });
        }

        await PageSession.RunAsync(browser, app, nameof(Wall_OrdersWaiting_TileAndTickerShowThemOverdueFlagged), async page =>
        {
            await PageSession.DeviceSignInAsync(page);
            await page.GotoAsync("/wall?kiosk=1");
            await Expect(page.Locator("#wall")).ToHaveAttributeAsync("data-loaded", "true");
            var tile = page.Locator("[data-kpi=orders]");
            await Expect(tile).ToHaveAttributeAsync("data-value", new Regex(@"^[1-9]\d*$"));
            await Expect(tile).ToHaveAttributeAsync("data-overdue", new Regex(@"^[1-9]\d*$"));
            await Expect(tile.Locator("[data-sub=overdue]")).ToContainTextAsync("超时未签收");
            await Expect(page.Locator("#panel-orders .wall-panel__updated")).ToContainTextAsync("更新于");
            var overdue = page.Locator($"#order-ticker li[data-order='{overdueId}'][data-overdue='true']");
            await Expect(overdue).ToHaveCountAsync(2);
            await Expect(overdue.First).ToHaveClassAsync(new Regex(@"\border-tick--overdue\b"));
            await Expect(overdue.First.Locator(".order-tick__state")).ToHaveTextAsync(new Regex("超时未签收|已升级 未签收"));
            // The flash is an overlay's opacity (the compositor's alone), not the item's background repainted every frame.
            var flash = await overdue.First.EvaluateAsync<string[]>(
                "e => [getComputedStyle(e).animationName, getComputedStyle(e, '::before').animationName, getComputedStyle(e, '::before').content]");
            Assert.Equal(["none", "order-flash", "\"\""], flash);
            // The clock counts up from the issue, by itself.
            var clock = overdue.First.Locator(".order-tick__clock");
            var before = await clock.InnerTextAsync();
            await Expect(clock).Not.ToHaveTextAsync(before);
            var text = await page.Locator("#wall").InnerTextAsync();
            foreach (var english in new[] { "Overdue", "Orders", "Awaiting", "Updated", "Urgent" })
                Assert.DoesNotContain(english, text);
            await Expect(page.Locator("#wall-map")).ToHaveAttributeAsync("data-ready", "true");
            await Artifacts.WallScreenshotsAsync(page, "wall-orders");
            // A spliced ultra-wide wall shows twice as many in one row (wall.css).
            await Artifacts.ResizeAsync(page, 5760, 1080);
            await Expect(page.Locator("#order-ticker li:visible")).Not.ToHaveCountAsync(0);
            await Artifacts.CheckedScreenshotAsync(page, "wall-orders-5760x1080.png", 5760, 1080);
        }, width: 1920, height: 1080);
    }

    /// <summary>The snackbar's notice after a Dispatch click (the newest, or the newest other than <paramref name="not"/>).</summary>
    private static async Task<(long Id, string Number)> IssuedAsync(IPage page, bool created, long? not = null)
    {
        var other = not is { } skip ? $":not([data-order='{skip}'])" : "";
        var notice = page.Locator($".mud-snackbar .cc-dispatch-notice[data-created='{(created ? "true" : "false")}']{other}").Last;
        await Expect(notice).ToBeVisibleAsync();
        await Expect(notice.Locator(".cc-dispatch-notice__number")).ToHaveTextAsync(new Regex(@"^京指〔\d{4}〕\d{4}号$"));
        return (long.Parse((await notice.GetAttributeAsync("data-order"))!), (await notice.Locator(".cc-dispatch-notice__number").InnerTextAsync()).Trim());
    }

    private static ILocator Snackbar(IPage page, long orderId) =>
        page.Locator(".mud-snackbar").Filter(new() { Has = page.Locator($".cc-dispatch-notice[data-order='{orderId}']") }).Last;

    private async Task<string> StatusAsync(long orderId)
    {
        await using var db = NpgsqlDataSource.Create(app.ConnectionString);
        await using var conn = await db.OpenConnectionAsync();
        return await conn.QuerySingleAsync<string>("select status from dispatch_order where id = @orderId", new { orderId });
    }

    private async Task<List<long>> IncidentsOfAsync(long orderId)
    {
        await using var db = NpgsqlDataSource.Create(app.ConnectionString);
        await using var conn = await db.OpenConnectionAsync();
        return (await conn.QueryAsync<long>("select incident_id from order_incident where order_id = @orderId order by incident_id", new { orderId })).ToList();
    }

    private async Task<int> OrdersCoveringAsync(IReadOnlyList<long> incidentIds, bool activeOnly = false)
    {
        await using var db = NpgsqlDataSource.Create(app.ConnectionString);
        await using var conn = await db.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<int>("""
            select count(distinct o.id)::int from dispatch_order o join order_incident oi on oi.order_id = o.id
            where oi.incident_id = any(@ids) and (not @activeOnly or o.status = 'active')
            """, new { ids = incidentIds.ToArray(), activeOnly });
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, "The condition did not hold within 10 s.");
            await Task.Delay(100);
        }
    }

    /// <summary>The real clock moved by a fixed amount: orders issued "in the past" through Core.</summary>
    private sealed class ShiftedTime(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
    }
}
