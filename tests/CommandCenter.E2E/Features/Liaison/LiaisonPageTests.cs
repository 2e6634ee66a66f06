using System.Buffers.Binary;
using CommandCenter.Core.Features.Dispatch;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Org;
using CommandCenter.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CommandCenter.E2E.Features.Liaison;

/// <summary>A district liaison works the static inbox in Chromium; orders are issued through Core on the app's database.</summary>
[Collection(E2ECollection.Name)]
public sealed class LiaisonPageTests(AppFixture app, BrowserFixture browser)
{
    private const string Chaoyang = "110105";
    private const string Haidian = "110108";
    private const string Dongcheng = "110101";
    private static readonly AccessScope Commander = AccessScope.For(Roles.Commander);

    [Fact]
    public async Task Inbox_OrderIssuedWhileOpen_ArrivesLiveIsAcknowledgedAndReportedOnce()
    {
        await using var core = CoreServices.Create(app.ConnectionString);
        var dispatch = core.GetRequiredService<DispatchService>();
        var streets = (await core.GetRequiredService<OrgService>().ListStreetUnitsAsync(Chaoyang)).Take(2).Select(s => s.Code).ToList();
        var run = Guid.NewGuid().ToString("N")[..6];
        // Markup in the instruction must show as text.
        var waiting = await IssueAsync(dispatch, Chaoyang, OrderPriority.ExtraUrgent, $"请立即核查朝阳路沿线井盖缺失情况<b>（{run}）</b>", streets);
        var elsewhere = await IssueAsync(dispatch, Haidian, OrderPriority.Urgent, $"请处置中关村大街占道经营（{run}）", []);

        await PageSession.RunAsync(browser, app, nameof(Inbox_OrderIssuedWhileOpen_ArrivesLiveIsAcknowledgedAndReportedOnce), async page =>
        {
            var scriptErrors = new List<string>();
            page.PageError += (_, error) => scriptErrors.Add(error);
            await PageSession.SignInAsync(page, $"liaison-{Chaoyang}");
            await page.Locator("#nav-liaison").ClickAsync();
            await Expect(page).ToHaveURLAsync(app.App.BaseUrl + "/liaison");
            await Expect(page.Locator("h1")).ToHaveTextAsync("朝阳区指令收件箱");

            var first = Card(page, waiting);
            await Expect(page.Locator("#liaison-pending").Locator($"[data-order-number='{waiting.Number}']")).ToHaveCountAsync(1);
            await Expect(first.Locator(".cc-card__instruction")).ToHaveTextAsync(waiting.Instruction);
            await Expect(first.Locator(".cc-card__instruction b")).ToHaveCountAsync(0);
            await Expect(first.Locator("[data-priority]")).ToHaveTextAsync("特急");
            await Expect(first.Locator(".cc-card__lead")).ToHaveTextAsync("北京市城市管理委员会");
            await Expect(first.Locator(".cc-card__support")).ToHaveTextAsync("交通委、电力公司");
            await Expect(first.Locator(".cc-card__ack-countdown")).ToContainTextAsync("剩余");
            await Expect(Card(page, elsewhere)).ToHaveCountAsync(0);
            await Expect(page.Locator("#liaison")).Not.ToContainTextAsync(elsewhere.Instruction);
            await Expect(page.Locator("#liaison-live")).ToHaveAttributeAsync("data-state", "live");

            await page.Locator("#liaison-sound").ClickAsync();
            await Expect(page.Locator("#liaison-sound")).ToHaveTextAsync("提示音已开启");

            // Issued while the page is open: it arrives through the hub, with no reload of the page, highlighted.
            await page.EvaluateAsync("() => window.liaisonNotReloaded = true");
            var live = await IssueAsync(dispatch, Chaoyang, OrderPriority.Urgent, $"请牵头会同相关部门处置朝阳北路路灯不亮、垃圾堆放问题（{run}）", streets);
            var arrived = Card(page, live);
            await Expect(arrived).ToHaveCountAsync(1, new() { Timeout = 15_000 });
            await Expect(arrived).ToHaveAttributeAsync("data-new", "");
            await Expect(arrived.Locator(".cc-card__new")).ToBeVisibleAsync();
            Assert.True(await page.EvaluateAsync<bool>("() => window.liaisonNotReloaded === true"));
            var targetId = live.Targets.Single().Id;
            await WaitForStateAsync(dispatch, live.Id, TargetState.Delivered); // the browser confirmed receipt (Received)

            await ScreenshotAsync(page, "liaison-arrival-1920x1080.png", 1920, 1080);

            await arrived.Locator($"#ack-comment-{targetId}").FillAsync("已安排城管、交通人员赶赴现场");
            await arrived.Locator(".cc-form__ack").ClickAsync();

            var working = page.Locator("#liaison-working").Locator($"[data-order-number='{live.Number}']");
            await Expect(working.Locator(".cc-card__state")).ToHaveTextAsync("已签收");
            await Expect(working.Locator(".cc-card__done")).ToHaveTextAsync("已签收。");
            await Expect(working.Locator(".cc-card__ack")).ToContainTextAsync("朝阳区联络员 于");
            await Expect(working.Locator(".cc-card__ack-comment")).ToContainTextAsync("已安排城管、交通人员赶赴现场");
            var acknowledged = await WaitForStateAsync(dispatch, live.Id, TargetState.Acknowledged);
            Assert.Equal(($"liaison-{Chaoyang}", "已安排城管、交通人员赶赴现场"), (acknowledged.AcknowledgedBy, acknowledged.AckComment));

            // The same progress form sent twice (a resend after a dropped connection) is recorded once.
            var report = $"已清运垃圾 3 车，路灯抢修中（{run}）";
            await working.Locator(".cc-form__text").FillAsync(report);
            var posted = await page.EvaluateAsync<string[][]>(
                "id => [...new FormData(document.querySelector(`form[data-target-form='${id}']`)).entries()]", targetId.ToString());
            await working.Locator(".cc-form__progress").ClickAsync();
            await Expect(working.Locator(".cc-card__done")).ToHaveTextAsync("进展已报送。");
            await Expect(working.Locator(".cc-report__text", new() { HasTextString = report })).ToHaveCountAsync(1);

            var form = page.Context.APIRequest.CreateFormData();
            foreach (var field in posted) form.Set(field[0], field[1]);
            form.Set("Input.Action", "progress"); // the pressed button's value
            var resend = await page.Context.APIRequest.PostAsync("/liaison", new() { Form = form });
            Assert.True(resend.Ok, $"The resend answered {resend.Status}.");

            await page.ReloadAsync();
            await Expect(page.Locator($"[data-order-number='{live.Number}'] .cc-report__text", new() { HasTextString = report })).ToHaveCountAsync(1);
            await Expect(page.Locator($"[data-order-number='{live.Number}'] .cc-card__state")).ToHaveTextAsync("办理中");
            Assert.Single(await dispatch.ProgressAsync(Commander, live.Id), p => p.Text == report);

            // A report being typed when the list refreshes (live) or the page reloads is still there.
            var draft = $"现场已设置围挡，等待供电公司抢修（{run}）";
            await page.EvaluateAsync("() => window.liaisonNotReloaded = true");
            await working.Locator(".cc-form__text").FillAsync(draft);

            // Six minutes on, the extra-urgent order is past its 5-minute acknowledgment SLA: escalated, and re-delivered live.
            await using (var later = CoreServices.Create(app.ConnectionString, configure: s => s.AddSingleton<TimeProvider>(new ShiftedTime(TimeSpan.FromMinutes(6)))))
                Assert.True(await later.GetRequiredService<DispatchService>().EscalateDueAsync() >= 1);
            await Expect(first.Locator(".cc-card__escalated")).ToHaveTextAsync("超时未签收，已升级督办（1 次）", new() { Timeout = 15_000 });
            await Expect(first).ToHaveAttributeAsync("data-new", "");
            await Expect(working.Locator(".cc-form__text")).ToHaveValueAsync(draft);
            Assert.True(await page.EvaluateAsync<bool>("() => window.liaisonNotReloaded === true"));
            await ScreenshotAsync(page, "liaison-1920x1080.png", 1920, 1080);
            await page.ReloadAsync();
            await Expect(working.Locator(".cc-form__text")).ToHaveValueAsync(draft);

            await Artifacts.ResizeAsync(page, 390, 844);
            await page.EvaluateAsync("() => window.scrollTo(0, 0)");
            await ScreenshotAsync(page, "liaison-390x844.png", 390, 844);
            await page.Locator($"[data-order-number='{live.Number}']").ScrollIntoViewIfNeededAsync();
            await ScreenshotAsync(page, "liaison-working-390x844.png", 390, 844);

            // The restored draft goes in as the completion report: the order moves to the history.
            await working.Locator(".cc-form__complete").ClickAsync();
            var completed = page.Locator("#liaison-history").Locator($"[data-order-number='{live.Number}']");
            await Expect(completed.Locator(".cc-card__state")).ToHaveTextAsync("已办结");
            await Expect(completed.Locator(".cc-card__done")).ToHaveTextAsync("已办结上报。");
            Assert.Equal(draft, (await WaitForStateAsync(dispatch, live.Id, TargetState.Completed)).Report);
            Assert.Empty(scriptErrors);
        }, width: 1920, height: 1080);
    }

    [Fact]
    public async Task Inbox_HubUnreachableAndOrderRecalled_SaysOfflineAndExplainsTheRefusedAcknowledgment()
    {
        await using var core = CoreServices.Create(app.ConnectionString);
        var dispatch = core.GetRequiredService<DispatchService>();
        var order = await IssueAsync(dispatch, Dongcheng, OrderPriority.Urgent, $"请核查东直门内大街噪音扰民（{Guid.NewGuid():N}）", []);

        await PageSession.RunAsync(browser, app, nameof(Inbox_HubUnreachableAndOrderRecalled_SaysOfflineAndExplainsTheRefusedAcknowledgment), async page =>
        {
            // A weak link: the hub cannot be reached, so nothing refreshes the page behind the liaison's back.
            await page.RouteAsync("**/hubs/dispatch/**", route => route.AbortAsync());
            await PageSession.SignInAsync(page, $"liaison-{Dongcheng}");
            await page.GotoAsync("/liaison");
            await Expect(page.Locator("#liaison-live")).ToHaveAttributeAsync("data-state", "offline");
            await Expect(page.Locator("#liaison-live")).ToContainTextAsync("离线");

            await dispatch.RecallAsync(Commander, new Actor("commander"), order.Id);
            var card = Card(page, order);
            await card.Locator(".cc-form__comment").FillAsync("收到");
            await card.Locator(".cc-form__ack").ClickAsync();

            var recalled = page.Locator("#liaison-history").Locator($"[data-order-number='{order.Number}']");
            await Expect(recalled.Locator(".cc-form__error")).ToHaveTextAsync("该指令已撤回，无需继续办理。");
            await Expect(recalled.Locator(".cc-card__state")).ToHaveTextAsync("已撤回");
        });
    }

    [Fact]
    public async Task Inbox_English_ShowsTheSameOrderInEnglish()
    {
        await using var core = CoreServices.Create(app.ConnectionString);
        var dispatch = core.GetRequiredService<DispatchService>();
        var order = await IssueAsync(dispatch, Haidian, OrderPriority.Normal, $"请核查海淀区供暖投诉（{Guid.NewGuid():N}）", []);

        await PageSession.RunAsync(browser, app, nameof(Inbox_English_ShowsTheSameOrderInEnglish), async page =>
        {
            await PageSession.SignInAsync(page, $"liaison-{Haidian}");
            await page.GotoAsync("/liaison");
            await page.Locator("[data-culture=en]").ClickAsync();
            await Expect(page.Locator("h1")).ToHaveTextAsync("Haidian · order inbox");
            await Expect(Card(page, order).Locator("[data-priority]")).ToHaveTextAsync("Normal");
            await Expect(Card(page, order).Locator(".cc-form__ack")).ToHaveTextAsync("Acknowledge");
            await ScreenshotAsync(page, "liaison-en-390x844.png", 390, 844);
        }, width: 390, height: 844);
    }

    private static ILocator Card(IPage page, Order order) => page.Locator($"article[data-order-number='{order.Number}']");

    private static async Task<Order> IssueAsync(DispatchService dispatch, string district, OrderPriority priority, string instruction, IReadOnlyList<string> streets)
    {
        var target = new NewTarget(district, "city-management", ["transport", "state-grid"], streets);
        var result = await dispatch.IssueAsync(Commander, new Actor("commander"),
            new NewOrder(priority, DateTimeOffset.UtcNow.AddDays(2), [target], OrderSource.None, instruction));
        return result.Order;
    }

    /// <summary>Waits (up to 10 s) for the order's one target to reach <paramref name="state"/>.</summary>
    private static async Task<OrderTarget> WaitForStateAsync(DispatchService dispatch, long orderId, TargetState state)
    {
        var target = (await dispatch.GetAsync(Commander, orderId))!.Targets.Single();
        for (var i = 0; i < 100 && target.State != state; i++)
        {
            await Task.Delay(100);
            target = (await dispatch.GetAsync(Commander, orderId))!.Targets.Single();
        }
        Assert.Equal(state, target.State);
        return target;
    }

    private static async Task ScreenshotAsync(IPage page, string fileName, int width, int height)
    {
        var path = await Artifacts.ScreenshotAsync(page, fileName);
        var png = await File.ReadAllBytesAsync(path);
        Assert.True(png.Length > 15 * 1024, $"{path} is only {png.Length} bytes: is the page blank?");
        Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
        Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
    }

    /// <summary>The real clock moved on: what the escalation job sees some minutes from now.</summary>
    private sealed class ShiftedTime(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
    }
}
