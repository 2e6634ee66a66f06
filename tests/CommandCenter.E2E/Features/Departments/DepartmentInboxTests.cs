using System.Buffers.Binary;
using System.Globalization;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org.Geo;
using CommandCenter.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

// "Departments", like the page's namespace: a namespace "Department" would hide Core's Department record.
namespace CommandCenter.E2E.Features.Departments;

/// <summary>Department staff work their inbox in Chromium; incidents are reported through Core on the app's database.</summary>
[Collection(E2ECollection.Name)]
public sealed class DepartmentInboxTests(AppFixture app, BrowserFixture browser)
{
    private static readonly GeoPoint Dongcheng = new(116.4075, 39.9040);
    private static readonly AccessScope Commander = AccessScope.For(Roles.Commander);

    [Fact]
    public async Task Inbox_CityManagement_AcceptsOneReturnsAnotherAndSeesNoOtherDepartment()
    {
        await using var core = CoreServices.Create(app.ConnectionString);
        var incidents = core.GetRequiredService<IncidentService>();
        var run = Guid.NewGuid().ToString("N")[..4];
        var toAccept = await ReportAsync(incidents, "streetlight-out", $"东华门大街路灯不亮（{run}）");
        var toReturn = await ReportAsync(incidents, "garbage", $"王府井小区门口垃圾堆放（{run}）");
        var overdue = await ReportAsync(incidents, "manhole-cover", $"东单北大街井盖缺失（{run}）", DateTimeOffset.UtcNow.AddHours(-5));
        var otherDepartment = await ReportAsync(incidents, "private-parking-lock", $"胡同内私装地锁（{run}）");

        await PageSession.RunAsync(browser, app, nameof(Inbox_CityManagement_AcceptsOneReturnsAnotherAndSeesNoOtherDepartment), async page =>
        {
            await OpenInboxAsync(page, "dept-city-management");
            await Expect(page.Locator("h1")).ToContainTextAsync("北京市城市管理委员会");
            await Expect(Row(page, toAccept)).ToHaveCountAsync(1);
            await Expect(Row(page, toReturn)).ToHaveCountAsync(1);
            await Expect(Row(page, otherDepartment)).ToHaveCountAsync(0);
            // The browser is in New York; the grid shows city time.
            await Expect(Row(page, toAccept)).ToContainTextAsync(BeijingTime(toAccept.ReportedAt));
            await Expect(Row(page, overdue).Locator("[data-overdue]")).ToHaveTextAsync("已超期");

            // Reported elsewhere while the page is open: it arrives through the event bus, with no reload of the page.
            await page.EvaluateAsync("() => window.inboxNotReloaded = true");
            var updated = await page.Locator("#inbox-updated").GetAttributeAsync("data-updated");
            var live = await ReportAsync(incidents, "streetlight-out", $"南河沿大街路灯闪烁（{run}）");
            await Expect(Row(page, live)).ToHaveCountAsync(1, new() { Timeout = 15_000 });
            Assert.True(await page.EvaluateAsync<bool>("() => window.inboxNotReloaded === true"));
            await Expect(page.Locator("#inbox-updated")).Not.ToHaveAttributeAsync("data-updated", updated!);

            await Row(page, toAccept).Locator(".inbox-accept").ClickAsync();

            await Expect(Row(page, toAccept).Locator("[data-status=accepted]")).ToHaveTextAsync("已签收");
            await Expect(Row(page, toAccept).Locator(".inbox-resolve")).ToBeVisibleAsync();
            await Expect(Row(page, toAccept).Locator(".inbox-accept")).ToHaveCountAsync(0);

            await Row(page, toReturn).Locator(".inbox-return").ClickAsync();
            await Expect(page.Locator("#dialog-description")).ToHaveTextAsync(toReturn.Description);
            await page.Locator("[data-reason='Reason.NotOurDuty']").ClickAsync();
            await Expect(page.Locator("#return-reason")).ToHaveValueAsync("非本部门职责");
            await page.Locator("#dialog-submit").ClickAsync();

            await Expect(Row(page, toReturn)).ToHaveCountAsync(0);
            await Expect(page.Locator(".mud-dialog")).ToHaveCountAsync(0);
            await Expect(Row(page, toAccept)).ToHaveCountAsync(1);
            await Expect(page.Locator(".mud-snackbar", new() { HasTextString = $"已退回 #{toReturn.Id}" })).ToBeVisibleAsync();

            // The confirmations sit over the toolbar; once they have gone, the screenshot shows the whole page.
            await Expect(page.Locator(".mud-snackbar")).ToHaveCountAsync(0);
            await Expect(page.Locator("#inbox-include-finished")).ToBeVisibleAsync();
            await ScreenshotAsync(page, "department-1920x1080.png");
        }, width: 1920, height: 1080);

        var accepted = (await incidents.ListInboxAsync(Commander, "city-management", new InboxQuery(Limit: 500, Sort: nameof(InboxItem.IncidentId), Descending: true)))
            .Items.Single(i => i.IncidentId == toAccept.Id);
        Assert.Equal(AssignmentStatus.Accepted, accepted.Status);
        var returned = (await incidents.GetTimelineAsync(Commander, toReturn.Id)).Single(e => e.Action == "returned");
        Assert.Equal(("dept-city-management", "city-management"), (returned.Actor, returned.DepartmentCode));
        Assert.Contains("非本部门职责", returned.Detail);
    }

    [Fact]
    public async Task Inbox_CityEnforcement_DoesNotSeeCityManagementsIncident()
    {
        await using var core = CoreServices.Create(app.ConnectionString);
        var incidents = core.GetRequiredService<IncidentService>();
        var run = Guid.NewGuid().ToString("N")[..4];
        var theirs = await ReportAsync(incidents, "streetlight-out", $"台基厂大街路灯不亮（{run}）");
        var mine = await ReportAsync(incidents, "private-parking-lock", $"东四胡同私装地锁（{run}）");

        await PageSession.RunAsync(browser, app, nameof(Inbox_CityEnforcement_DoesNotSeeCityManagementsIncident), async page =>
        {
            await OpenInboxAsync(page, "dept-city-enforcement");

            await Expect(page.Locator("h1")).ToContainTextAsync("北京市城市管理综合行政执法局");
            await Expect(Row(page, mine)).ToHaveCountAsync(1);
            await Expect(Row(page, mine).Locator("[data-status=pending]")).ToHaveTextAsync("待签收");
            await Expect(Row(page, theirs)).ToHaveCountAsync(0);
            await Expect(page.Locator("#inbox-grid")).Not.ToContainTextAsync(theirs.Description);
        });
    }

    /// <summary>Signs in, waits for the city page's circuit (its map is drawn by interop), then follows the nav link.</summary>
    private async Task OpenInboxAsync(IPage page, string userName)
    {
        await PageSession.SignInAsync(page, userName);
        await Expect(page.Locator("#city-map")).ToHaveAttributeAsync("data-ready", "true");
        await page.Locator("#nav-department").ClickAsync();
        await Expect(page).ToHaveURLAsync(app.App.BaseUrl + "/department");
        await Expect(page.Locator("#inbox-grid")).ToBeVisibleAsync();
    }

    private static ILocator Row(IPage page, Incident incident) =>
        page.Locator("#inbox-grid tbody tr.inbox-row").Filter(new() { Has = page.Locator(".inbox-description", new() { HasTextString = incident.Description }) });

    private static Task<Incident> ReportAsync(IncidentService incidents, string serviceCode, string description, DateTimeOffset? reportedAt = null) =>
        incidents.ReportAsync(Actor.System, new NewIncident(IncidentSource.Hotline, serviceCode, description, Dongcheng, ReportedAt: reportedAt));

    private static string BeijingTime(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static async Task ScreenshotAsync(IPage page, string fileName)
    {
        var path = await Artifacts.ScreenshotAsync(page, fileName);
        var png = await File.ReadAllBytesAsync(path);
        Assert.True(png.Length > 20 * 1024, $"{path} is only {png.Length} bytes: is the page blank?");
        Assert.Equal(1920, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
        Assert.Equal(1080, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
    }
}
