using System.Buffers.Binary;
using System.Text.RegularExpressions;
using CommandCenter.Core.Features.Dispatch;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org.Geo;
using CommandCenter.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CommandCenter.E2E.Features.Dispatch;

/// <summary>
/// The closed loop in Chromium with two browser contexts, a commander and the district's liaison, side by side: the
/// commander clicks Dispatch on the console, the liaison's open inbox receives the order live and acknowledges it, and
/// the commander's order view turns to 已签收 without a reload. Then the founding road story: a finished road nobody can
/// use (not handed over, dark street lights, street vending) becomes one joint order to the district with the three
/// owning departments, acknowledged, reported and completed by the liaison, which resolves every incident behind it.
/// Data is seeded through Core on the app's database; each test has its own district so neither sees the other's orders.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class CommanderLiaisonLoopTests(AppFixture app, BrowserFixture browser)
{
    private const string Pinggu = "110117";
    private const string Fangshan = "110111";
    private static readonly AccessScope Commander = AccessScope.For(Roles.Commander);

    /// <summary>The live steps cross a bus, a SignalR hub and a Blazor circuit on a busy 2-core machine.</summary>
    private static readonly LocatorAssertionsToHaveCountOptions LiveCount = new() { Timeout = 45_000 };
    private static readonly LocatorAssertionsToHaveAttributeOptions LiveAttribute = new() { Timeout = 45_000 };
    private static readonly LocatorAssertionsToHaveTextOptions LiveText = new() { Timeout = 45_000 };
    private static readonly LocatorAssertionsToContainTextOptions LiveContains = new() { Timeout = 45_000 };

    [Fact]
    public async Task Loop_CommanderDispatches_LiaisonSeesItLiveAndAcknowledges_CommanderSeesAcknowledgedLive()
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        // A compound problem in Pinggu: two owners at one spot of 府前街.
        var spot = new GeoPoint(117.1210, 40.1406);
        var ids = await ReportAsync(Pinggu,
            ("street-vending", $"府前街路口早晚摊贩占道经营（{run}）", spot),
            ("garbage", $"府前街路边垃圾堆放多日无人清运（{run}）", new GeoPoint(spot.Lon + 0.0002, spot.Lat)));
        var key = $"compound:{ids.Min()}";

        await PageSession.RunAsync(browser, app, nameof(Loop_CommanderDispatches_LiaisonSeesItLiveAndAcknowledges_CommanderSeesAcknowledgedLive) + "-commander", async commander =>
        {
            await PageSession.SignInAsync(commander, "commander");

            await PageSession.RunAsync(browser, app, nameof(Loop_CommanderDispatches_LiaisonSeesItLiveAndAcknowledges_CommanderSeesAcknowledgedLive) + "-liaison", async liaison =>
            {
                var liaisonErrors = new List<string>();
                liaison.PageError += (_, error) => liaisonErrors.Add(error);

                // The liaison's inbox is open and connected before anything is dispatched.
                await OpenInboxAsync(liaison, Pinggu, "平谷区指令收件箱");
                await liaison.EvaluateAsync("() => window.liaisonNotReloaded = true");

                // The commander: one click on the compound problem's Dispatch button.
                var (orderId, number) = await DispatchFromConsoleAsync(commander, key);
                var order = (await GetOrderAsync(orderId))!;
                var target = Assert.Single(order.Targets);
                Assert.Equal(Pinggu, target.DistrictAdcode);

                // The commander opens the order's detail on the orders page and keeps it open.
                await commander.GotoAsync("/command/orders");
                await Expect(commander.Locator("#orders")).ToHaveAttributeAsync("data-loaded", "true");
                var row = commander.Locator($"#orders-table tr[data-order='{orderId}']");
                await Expect(row).ToContainTextAsync(number);
                await row.ClickAsync();
                await Expect(commander).ToHaveURLAsync(new Regex($@"order={orderId}"));
                var detailTarget = commander.Locator($"#order-targets tr[data-target='{target.Id}']");
                await Expect(detailTarget).ToHaveAttributeAsync("data-state", new Regex("^(sent|delivered)$"));
                await commander.EvaluateAsync("() => window.commanderNotReloaded = true");

                // The liaison: it arrives through the hub, highlighted, with no reload of the page.
                var card = liaison.Locator($"#liaison-pending article[data-order-number='{number}']");
                await Expect(card).ToHaveCountAsync(1, LiveCount);
                await Expect(card).ToHaveAttributeAsync("data-new", "", LiveAttribute);
                await Expect(card.Locator(".cc-card__new")).ToBeVisibleAsync();
                await Expect(card.Locator(".cc-card__instruction")).ToContainTextAsync("府前街");
                Assert.True(await liaison.EvaluateAsync<bool>("() => window.liaisonNotReloaded === true"), "The liaison's page was reloaded.");
                // The browser confirmed receipt: the commander sees 已送达 live.
                await Expect(detailTarget).ToHaveAttributeAsync("data-state", "delivered", LiveAttribute);
                await Screenshot(liaison, "loop-liaison-arrival-1920x1080.png", 1920, 1080);

                // The liaison acknowledges through the form.
                await card.Locator($"#ack-comment-{target.Id}").FillAsync($"收到，已通知城管执法队和环卫所赶赴府前街（{run}）");
                await card.Locator(".cc-form__ack").ClickAsync();
                var working = liaison.Locator($"#liaison-working article[data-order-number='{number}']");
                await Expect(working.Locator(".cc-card__state")).ToHaveTextAsync("已签收", LiveText);
                await Expect(working.Locator(".cc-card__done")).ToHaveTextAsync("已签收。");
                await Expect(working.Locator(".cc-card__ack")).ToContainTextAsync("平谷区联络员 于");

                // The commander sees 已签收 on the open order, live: the list row, the detail and the timeline.
                await Expect(detailTarget).ToHaveAttributeAsync("data-state", "acknowledged", LiveAttribute);
                await Expect(detailTarget.Locator(".cc-order-state__text")).ToHaveTextAsync("已签收");
                await Expect(detailTarget).ToContainTextAsync($"liaison-{Pinggu}");
                await Expect(detailTarget).ToContainTextAsync($"收到，已通知城管执法队和环卫所赶赴府前街（{run}）");
                await Expect(row.Locator($"li[data-target='{target.Id}']")).ToHaveAttributeAsync("data-state", "acknowledged", LiveAttribute);
                await Expect(row.Locator($"li[data-target='{target.Id}'] .cc-order-state__text")).ToHaveTextAsync("已签收");
                await Expect(row.Locator(".cc-ack")).ToHaveAttributeAsync("data-ack", "done", LiveAttribute);
                await Expect(commander.Locator("#order-timeline li[data-action='acknowledged']")).ToContainTextAsync($"liaison-{Pinggu}", LiveContains);
                Assert.True(await commander.EvaluateAsync<bool>("() => window.commanderNotReloaded === true"), "The commander's page was reloaded.");
                Assert.Equal(TargetState.Acknowledged, (await GetOrderAsync(orderId))!.Targets.Single().State);
                await AssertChineseAsync(commander.Locator("#orders"), "Acknowledged", "Delivered", "Issued", "Orders");
                await AssertChineseAsync(liaison.Locator("#liaison"), "Acknowledge", "Acknowledged", "Inbox");

                await commander.EvaluateAsync("() => window.scrollTo(0, 0)");
                await Screenshot(commander, "loop-commander-1920x1080.png", 1920, 1080);
                await working.ScrollIntoViewIfNeededAsync();
                await Screenshot(liaison, "loop-liaison-1920x1080.png", 1920, 1080);
                await Artifacts.ResizeAsync(liaison, 390, 844);
                await working.ScrollIntoViewIfNeededAsync();
                await Screenshot(liaison, "loop-liaison-390x844.png", 390, 844);
                Assert.Empty(liaisonErrors);
            }, width: 1920, height: 1080);
        }, width: 1920, height: 1080);
    }

    [Fact]
    public async Task RoadStory_CompoundOfThreeDepartments_OneJointOrder_AcknowledgedReportedCompleted_IncidentsResolved()
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        // The founding example: a finished road in Fangshan that nobody can use. Not handed over (housing-construction,
        // reported first, so it leads), its street lights dark (city-management), vendors on it (city-enforcement).
        var road = new GeoPoint(116.1390, 39.7360);
        var ids = await ReportAsync(Fangshan,
            ("road-not-handed-over", $"拱辰大街南延新修道路建成后未移交，无人管理养护（{run}）", road),
            ("streetlight-out", $"拱辰大街南延新路路灯全部不亮，夜间漆黑（{run}）", new GeoPoint(road.Lon + 0.0002, road.Lat)),
            ("street-vending", $"拱辰大街南延新路两侧摊贩占道经营（{run}）", new GeoPoint(road.Lon + 0.0004, road.Lat)));
        var key = $"compound:{ids.Min()}";
        var owners = new[] { "housing-construction", "city-management", "city-enforcement" };

        await PageSession.RunAsync(browser, app, nameof(RoadStory_CompoundOfThreeDepartments_OneJointOrder_AcknowledgedReportedCompleted_IncidentsResolved) + "-commander", async commander =>
        {
            await PageSession.SignInAsync(commander, "commander");

            await PageSession.RunAsync(browser, app, nameof(RoadStory_CompoundOfThreeDepartments_OneJointOrder_AcknowledgedReportedCompleted_IncidentsResolved) + "-liaison", async liaison =>
            {
                var liaisonErrors = new List<string>();
                liaison.PageError += (_, error) => liaisonErrors.Add(error);
                await OpenInboxAsync(liaison, Fangshan, "房山区指令收件箱");

                // The console shows one compound problem there, with the three owning departments.
                await commander.GotoAsync("/command");
                await Expect(commander.Locator("#console")).ToHaveAttributeAsync("data-loaded", "true");
                var compound = commander.Locator("#panel-compounds li.wall-compound")
                    .Filter(new() { Has = commander.Locator($".cc-dispatch[data-source='{key}']") });
                await Expect(compound).ToHaveCountAsync(1, LiveCount);
                await Expect(compound).ToHaveAttributeAsync("data-incidents", "3");
                await Expect(compound).ToHaveAttributeAsync("data-departments", "3");
                foreach (var owner in owners)
                    await Expect(compound.Locator($".wall-tag[data-department='{owner}']")).ToHaveCountAsync(1);
                await Expect(compound.Locator(".wall-item__place")).ToHaveTextAsync("房山区");
                await compound.ScrollIntoViewIfNeededAsync();
                await Screenshot(commander, "road-console-1920x1080.png", 1920, 1080);

                // ONE click: one joint order.
                var (orderId, number) = await DispatchFromConsoleAsync(commander, key);
                var order = (await GetOrderAsync(orderId))!;
                Assert.Equal(OrderSourceKind.Compound, order.SourceKind);
                Assert.Equal(ids.Order().ToList(), order.IncidentIds.Order().ToList());
                var target = Assert.Single(order.Targets);
                Assert.Equal(Fangshan, target.DistrictAdcode);
                Assert.Equal("housing-construction", target.LeadDepartment);
                Assert.Contains("city-management", target.SupportDepartments);
                Assert.Contains("city-enforcement", target.SupportDepartments);
                Assert.Empty(owners.Except(target.SupportDepartments.Prepend(target.LeadDepartment)));
                Assert.DoesNotContain(target.LeadDepartment, target.SupportDepartments);

                // The commander follows it on the orders page: the district with the lead and supporting departments by (short) name.
                await commander.GotoAsync($"/command/orders?order={orderId}");
                await Expect(commander.Locator("#orders")).ToHaveAttributeAsync("data-loaded", "true");
                var detailTarget = commander.Locator($"#order-targets tr[data-target='{target.Id}']");
                await Expect(detailTarget).ToContainTextAsync("房山区");
                await Expect(detailTarget.Locator("td").Nth(1)).ToHaveTextAsync("住建委");
                await Expect(detailTarget.Locator("td").Nth(2)).ToContainTextAsync("城管委");
                await Expect(detailTarget.Locator("td").Nth(2)).ToContainTextAsync("城管执法局");
                await commander.EvaluateAsync("() => window.commanderNotReloaded = true");

                // The liaison: the joint order arrives live, naming the lead and the supporting departments.
                var card = liaison.Locator($"article[data-order-number='{number}']");
                await Expect(liaison.Locator($"#liaison-pending article[data-order-number='{number}']")).ToHaveCountAsync(1, LiveCount);
                await Expect(card.Locator(".cc-card__lead")).ToHaveTextAsync("北京市住房和城乡建设委员会");
                await Expect(card.Locator(".cc-card__support")).ToContainTextAsync("城管委");
                await Expect(card.Locator(".cc-card__support")).ToContainTextAsync("城管执法局");
                await Expect(card.Locator(".cc-card__instruction")).ToContainTextAsync("拱辰大街南延");

                // Acknowledge, report progress, complete: each through the inbox's forms.
                await card.Locator($"#ack-comment-{target.Id}").FillAsync("收到，区住建委牵头，城管委、城管执法局配合，今日到场");
                await card.Locator(".cc-form__ack").ClickAsync();
                await Expect(card.Locator(".cc-card__state")).ToHaveTextAsync("已签收", LiveText);
                await Expect(detailTarget).ToHaveAttributeAsync("data-state", "acknowledged", LiveAttribute);

                var progress = $"已明确移交主体，路灯已接电抢修，摊贩已劝离（{run}）";
                await card.Locator(".cc-form__text").FillAsync(progress);
                await card.Locator(".cc-form__progress").ClickAsync();
                await Expect(card.Locator(".cc-card__done")).ToHaveTextAsync("进展已报送。", LiveText);
                await Expect(card.Locator(".cc-card__state")).ToHaveTextAsync("办理中");
                await Expect(detailTarget).ToHaveAttributeAsync("data-state", "in-progress", LiveAttribute);
                await Expect(commander.Locator("#order-timeline")).ToContainTextAsync(progress, LiveContains);

                var report = $"道路已移交区城管委养护，路灯全部恢复照明，占道经营已清理并纳入日常巡查（{run}）";
                await card.Locator(".cc-form__text").FillAsync(report);
                await card.Locator(".cc-form__complete").ClickAsync();
                var done = liaison.Locator($"#liaison-history article[data-order-number='{number}']");
                await Expect(done.Locator(".cc-card__state")).ToHaveTextAsync("已办结", LiveText);
                await Expect(done.Locator(".cc-card__done")).ToHaveTextAsync("已办结上报。");
                await Expect(done.Locator(".cc-report__text", new() { HasTextString = report })).ToHaveCountAsync(1);

                // The database: the order is completed and every incident of the compound in the district is resolved.
                var completed = (await GetOrderAsync(orderId))!;
                Assert.Equal(OrderStatus.Completed, completed.Status);
                Assert.NotNull(completed.ClosedAt);
                var finished = Assert.Single(completed.Targets);
                Assert.Equal(TargetState.Completed, finished.State);
                Assert.Equal(report, finished.Report);
                Assert.Equal($"liaison-{Fangshan}", finished.AcknowledgedBy);
                await using (var core = CoreServices.Create(app.ConnectionString))
                {
                    var incidents = core.GetRequiredService<IncidentService>();
                    foreach (var id in ids)
                    {
                        var incident = await incidents.GetAsync(Commander, id) ?? throw new InvalidOperationException($"No incident {id}.");
                        Assert.Equal(Fangshan, incident.DistrictAdcode);
                        Assert.Equal(IncidentStatus.Resolved, incident.Status);
                        Assert.NotNull(incident.ResolvedAt);
                    }
                }

                // The commander's open order turns to 已办结, live.
                await Expect(detailTarget).ToHaveAttributeAsync("data-state", "completed", LiveAttribute);
                await Expect(detailTarget.Locator(".cc-order-state__text")).ToHaveTextAsync("已办结");
                await Expect(commander.Locator("#order-timeline li[data-action='completed']")).ToContainTextAsync(report, LiveContains);
                Assert.True(await commander.EvaluateAsync<bool>("() => window.commanderNotReloaded === true"), "The commander's page was reloaded.");
                await AssertChineseAsync(commander.Locator("#orders"), "Completed", "In progress", "Acknowledged", "Orders");
                await AssertChineseAsync(liaison.Locator("#liaison"), "Completed", "Progress", "Acknowledged");

                await commander.EvaluateAsync("() => window.scrollTo(0, 0)");
                await Screenshot(commander, "road-commander-1920x1080.png", 1920, 1080);
                await done.ScrollIntoViewIfNeededAsync();
                await Screenshot(liaison, "road-liaison-1920x1080.png", 1920, 1080);
                await Artifacts.ResizeAsync(liaison, 390, 844);
                await done.ScrollIntoViewIfNeededAsync();
                await Screenshot(liaison, "road-liaison-390x844.png", 390, 844);
                Assert.Empty(liaisonErrors);
            }, width: 1920, height: 1080);
        }, width: 1920, height: 1080);
    }

    /// <summary>Reports the incidents (as the hotline would) and checks each landed in <paramref name="district"/>.</summary>
    private async Task<IReadOnlyList<long>> ReportAsync(string district, params (string Code, string Words, GeoPoint Point)[] reports)
    {
        await using var core = CoreServices.Create(app.ConnectionString);
        var incidents = core.GetRequiredService<IncidentService>();
        var ids = new List<long>();
        foreach (var (code, words, point) in reports)
        {
            var incident = await incidents.ReportAsync(Actor.System, new NewIncident(IncidentSource.Hotline, code, words, point));
            Assert.Equal(district, incident.DistrictAdcode);
            ids.Add(incident.Id);
        }
        return ids;
    }

    /// <summary>Signs the district's liaison in and opens the inbox, connected to the hub.</summary>
    private static async Task OpenInboxAsync(IPage page, string district, string heading)
    {
        await PageSession.SignInAsync(page, $"liaison-{district}");
        await page.GotoAsync("/liaison");
        await Expect(page.Locator("h1")).ToHaveTextAsync(heading);
        await Expect(page.Locator("#liaison-live")).ToHaveAttributeAsync("data-state", "live", LiveAttribute);
    }

    /// <summary>Opens the console, waits for the source's Dispatch button and clicks it once: the new order's id and number.</summary>
    private static async Task<(long Id, string Number)> DispatchFromConsoleAsync(IPage page, string sourceKey)
    {
        if (!page.Url.EndsWith("/command", StringComparison.Ordinal))
        {
            await page.GotoAsync("/command");
        }
        await Expect(page.Locator("#console")).ToHaveAttributeAsync("data-loaded", "true");
        // Compound problems are recomputed every few seconds; ours appears with its Dispatch button.
        var button = page.Locator($"#panel-compounds .cc-dispatch[data-source='{sourceKey}'] .cc-dispatch__one");
        await Expect(button).ToHaveCountAsync(1, LiveCount);
        await Expect(button).ToBeEnabledAsync();
        await button.ClickAsync();
        var notice = page.Locator(".mud-snackbar .cc-dispatch-notice[data-created='true']").Last;
        await Expect(notice).ToBeVisibleAsync();
        await Expect(notice.Locator(".cc-dispatch-notice__number")).ToHaveTextAsync(new Regex(@"^京指〔\d{4}〕\d{4}号$"));
        return (long.Parse((await notice.GetAttributeAsync("data-order"))!), (await notice.Locator(".cc-dispatch-notice__number").InnerTextAsync()).Trim());
    }

    private async Task<Order?> GetOrderAsync(long orderId)
    {
        await using var core = CoreServices.Create(app.ConnectionString);
        return await core.GetRequiredService<DispatchService>().GetAsync(Commander, orderId);
    }

    /// <summary>The page speaks Chinese: none of these English words shows (the browser asks for en-US).</summary>
    private static async Task AssertChineseAsync(ILocator root, params string[] english)
    {
        var text = await root.InnerTextAsync();
        foreach (var word in english)
            Assert.DoesNotContain(word, text);
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", text);
    }

    /// <summary>A screenshot of this size with enough detail not to be blank.</summary>
    private static async Task Screenshot(IPage page, string fileName, int width, int height)
    {
        var path = await Artifacts.ScreenshotAsync(page, fileName);
        var png = await File.ReadAllBytesAsync(path);
        Assert.True(png.Length > 15 * 1024, $"{path} is only {png.Length} bytes: is the page blank?");
        Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
        Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
    }
}
