using System.Globalization;
using System.Security.Claims;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using CommandCenter.Core.Data.Bus;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org;
using CommandCenter.Core.Features.Org.Geo;
using CommandCenter.Web.Features.Departments.Pages;
using CommandCenter.Web.Features.Identity;
using CommandCenter.Web.Resources;
using CommandCenter.Web.Tests.Features.Org;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

// "Departments", like the page's namespace: a namespace "Department" would hide Core's Department record.
namespace CommandCenter.Web.Tests.Features.Departments;

public sealed partial class DepartmentPageTests(LoadedCity city) : IClassFixture<LoadedCity>
{
    private const string CityManagement = "city-management";
    private const string CityEnforcement = "city-enforcement";
    private static readonly GeoPoint Dongcheng = new(116.4075, 39.9040);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private static readonly AccessScope Commander = AccessScope.For(Roles.Commander);

    private IncidentService Incidents => city.Services.GetRequiredService<IncidentService>();

    [Fact]
    public async Task DepartmentPage_TwoDepartmentsWithIncidents_ListsOnlyTheSignedInDepartmentsAssignment()
    {
        // Its own database: the grid must hold exactly one row, whatever the other tests reported.
        var own = new LoadedCity();
        await own.InitializeAsync();
        try
        {
            var service = own.Services.GetRequiredService<IncidentService>();
            var mine = await service.ReportAsync(Actor.System, new NewIncident(IncidentSource.Hotline, "streetlight-out", "东华门大街路灯不亮", Dongcheng));
            var theirs = await service.ReportAsync(Actor.System, new NewIncident(IncidentSource.Hotline, "private-parking-lock", "小区门口私装地锁", Dongcheng));
            await using var ui = DepartmentUi.Render(own.Services, CityManagement);

            ui.Page.WaitForAssertion(() => Assert.Single(ui.Page.FindAll("#inbox-grid tbody tr.inbox-row")), Wait);

            var row = ui.Page.Find("#inbox-grid tbody tr.inbox-row");
            Assert.Equal(mine.Description, row.QuerySelector(".inbox-description")!.TextContent.Trim());
            Assert.DoesNotContain(theirs.Description, ui.Page.Markup);
            Assert.Equal(mine.Id.ToString(CultureInfo.InvariantCulture), row.QuerySelector(".inbox-incident")!.TextContent.Trim());
            Assert.Contains("路灯不亮", row.TextContent);
            Assert.Equal("东城区", row.QuerySelector(".inbox-district")!.TextContent.Trim());
            var street = (await own.Services.GetRequiredService<OrgService>().ListStreetUnitsAsync("110101")).Single(s => s.Code == mine.StreetCode);
            Assert.Equal(street.NameZh, row.QuerySelector(".inbox-street")!.TextContent.Trim());
            Assert.Equal("主办", row.QuerySelector("[data-role]")!.TextContent.Trim());
            Assert.Equal("待签收", row.QuerySelector("[data-status=pending]")!.TextContent.Trim());
            Assert.Contains(BeijingTime(mine.ReportedAt), row.TextContent);
            Assert.Contains(BeijingTime(mine.DueAt), row.TextContent);
            Assert.Null(row.QuerySelector("[data-overdue]"));
            Assert.Contains("北京市城市管理委员会", ui.Page.Find("h1").TextContent);
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    [Fact]
    public async Task DepartmentPage_IncidentReportedWhileOpen_AppearsLiveAndTheOpenDialogKeepsItsText()
    {
        var own = new LoadedCity();
        await own.InitializeAsync();
        var bus = own.Services.GetRequiredService<EventBus>();
        await bus.StartAsync(CancellationToken.None);
        try
        {
            var service = own.Services.GetRequiredService<IncidentService>();
            var first = await service.ReportAsync(Actor.System, new NewIncident(IncidentSource.Hotline, "streetlight-out", "东华门大街路灯不亮", Dongcheng));
            await using var ui = DepartmentUi.Render(own.Services, CityManagement);
            await ui.ClickAsync(first.Description, ".inbox-return");
            ui.Dialogs.WaitForElement("#return-reason", Wait).Change("正在核实是否属于本部门");
            var updated = ui.Page.Find("#inbox-updated").GetAttribute("data-updated");

            var second = await service.ReportAsync(Actor.System, new NewIncident(IncidentSource.Hotline, "garbage", "王府井小区门口垃圾堆放", Dongcheng));

            ui.WaitForRow(second.Description);
            Assert.NotEqual(updated, ui.Page.Find("#inbox-updated").GetAttribute("data-updated"));
            ui.Page.WaitForAssertion(() => Assert.StartsWith("办理中 2 件", ui.Page.Find("#inbox-summary").TextContent.Trim()), Wait);
            var reason = ui.Dialogs.Find("#return-reason");
            Assert.Equal("正在核实是否属于本部门", reason.GetAttribute("value") ?? reason.TextContent);
            Assert.Equal(first.Description, ui.Dialogs.Find("#dialog-description").TextContent.Trim());
        }
        finally
        {
            await bus.StopAsync(CancellationToken.None);
            await own.DisposeAsync();
        }
    }

    [Fact]
    public async Task DepartmentPage_MoreThanAPage_ShowsOnePageFromTheServerAndTheTotal()
    {
        var own = new LoadedCity();
        await own.InitializeAsync();
        try
        {
            var service = own.Services.GetRequiredService<IncidentService>();
            for (var i = 0; i < 55; i++)
                await service.ReportAsync(Actor.System, new NewIncident(IncidentSource.Hotline, "streetlight-out", $"东华门大街路灯不亮 {i:00}", Dongcheng));
            await using var ui = DepartmentUi.Render(own.Services, CityManagement);

            ui.Page.WaitForAssertion(() => Assert.Equal(50, ui.Page.FindAll("#inbox-grid tbody tr.inbox-row").Count), Wait);
            Assert.Contains(ui.Page.FindAll(".mud-table-pagination-caption"), c => c.TextContent.Contains("55"));
            Assert.StartsWith("办理中 55 件 · 待签收 55 件", ui.Page.Find("#inbox-summary").TextContent.Trim());

            await ui.Page.InvokeAsync(() => ui.Page.FindAll(".mud-table-pagination-actions button")[2].Click());

            ui.Page.WaitForAssertion(() => Assert.Equal(5, ui.Page.FindAll("#inbox-grid tbody tr.inbox-row").Count), Wait);
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    [Fact]
    public async Task DepartmentPage_Accept_MarksTheAssignmentAccepted()
    {
        var incident = await ReportAsync("streetlight-out", "路灯待签收");
        await using var ui = DepartmentUi.Render(city.Services, CityManagement);

        await ui.ClickAsync(incident.Description, ".inbox-accept");

        ui.Page.WaitForAssertion(() => Assert.Equal("已签收", ui.Row(incident.Description).QuerySelector("[data-status=accepted]")?.TextContent.Trim()), Wait);
        var row = ui.Row(incident.Description);
        Assert.Null(row.QuerySelector(".inbox-accept"));
        Assert.NotNull(row.QuerySelector(".inbox-resolve"));
        Assert.NotNull(row.QuerySelector(".inbox-return"));
        Assert.Equal(AssignmentStatus.Accepted, (await AssignmentAsync(incident)).Status);
        var accepted = (await Incidents.GetTimelineAsync(Commander, incident.Id)).Single(e => e.Action == "accepted");
        Assert.Equal((ui.UserName, CityManagement), (accepted.Actor, accepted.DepartmentCode));
    }

    [Fact]
    public async Task DepartmentPage_ReturnWithCommonReason_LeavesTheActiveListAndTimelineHasTheReason()
    {
        var incident = await ReportAsync("streetlight-out", "路灯待退回");
        await using var ui = DepartmentUi.Render(city.Services, CityManagement);

        await ui.ClickAsync(incident.Description, ".inbox-return");
        ui.Dialogs.WaitForElement("#return-reason", Wait);
        Assert.Equal(incident.Description, ui.Dialogs.Find("#dialog-description").TextContent.Trim());
        ui.Dialogs.Find("[data-reason='Reason.NeedsStreet']").Click();
        ui.Dialogs.Find("#dialog-submit").Click();

        ui.Page.WaitForAssertion(() => Assert.Null(ui.FindRow(incident.Description)), Wait);
        ui.Dialogs.WaitForAssertion(() => Assert.Empty(ui.Dialogs.FindAll(".mud-dialog")), Wait);
        var returned = (await Incidents.GetTimelineAsync(Commander, incident.Id)).Single(e => e.Action == "returned");
        Assert.Contains("需属地街道处理", returned.Detail);
        Assert.Equal(ui.UserName, returned.Actor);
        Assert.Equal(AssignmentStatus.Returned, (await AssignmentAsync(incident)).Status);
        ui.Snackbars.WaitForAssertion(() => Assert.Contains($"已退回 #{incident.Id}", ui.Snackbars.Markup), Wait);

        // Still there among the finished ones, marked returned and with its bounce counted.
        ui.Page.Find("input#inbox-include-finished").Change(true);
        ui.Page.WaitForAssertion(() => Assert.NotNull(ui.FindRow(incident.Description)?.QuerySelector("[data-status=returned]")), Wait);
        Assert.Equal("1", ui.Row(incident.Description).QuerySelector(".inbox-bounces")!.TextContent.Trim());
        Assert.Null(ui.Row(incident.Description).QuerySelector(".inbox-return"));
    }

    [Fact]
    public async Task DepartmentPage_ResolveAfterAccept_LeavesTheActiveListAsResolved()
    {
        var incident = await ReportAsync("streetlight-out", "路灯待办结");
        await using var ui = DepartmentUi.Render(city.Services, CityManagement);
        Assert.Null(ui.WaitForRow(incident.Description).QuerySelector(".inbox-resolve"));

        await ui.ClickAsync(incident.Description, ".inbox-accept");
        ui.Page.WaitForAssertion(() => Assert.NotNull(ui.Row(incident.Description).QuerySelector(".inbox-resolve")), Wait);
        await ui.ClickAsync(incident.Description, ".inbox-resolve");
        ui.Dialogs.WaitForElement("#resolve-note", Wait).Change("已更换灯泡，恢复照明");
        ui.Dialogs.Find("#dialog-submit").Click();

        ui.Page.WaitForAssertion(() => Assert.Null(ui.FindRow(incident.Description)), Wait);
        Assert.Equal(AssignmentStatus.Resolved, (await AssignmentAsync(incident)).Status);
        var resolved = (await Incidents.GetTimelineAsync(Commander, incident.Id)).Single(e => e.Action == "resolved");
        Assert.Contains("已更换灯泡，恢复照明", resolved.Detail);
    }

    [Fact]
    public async Task DepartmentPage_ReturnWithTooShortReason_ShowsValidationTextAndChangesNothing()
    {
        var incident = await ReportAsync("streetlight-out", "路灯原因太短");
        await using var ui = DepartmentUi.Render(city.Services, CityManagement);

        await ui.ClickAsync(incident.Description, ".inbox-return");
        ui.Dialogs.WaitForElement("#return-reason", Wait).Change(" 否 ");
        ui.Dialogs.Find("#dialog-submit").Click();

        ui.Dialogs.WaitForAssertion(() => Assert.Contains("退回原因至少需要 2 个字。", ui.Dialogs.Find(".mud-input-error").TextContent), Wait);
        Assert.Equal(" 否 ", ui.Dialogs.Find("#return-reason").GetAttribute("value") ?? ui.Dialogs.Find("#return-reason").TextContent);
        Assert.Equal(AssignmentStatus.Pending, (await AssignmentAsync(incident)).Status);
        Assert.DoesNotContain(await Incidents.GetTimelineAsync(Commander, incident.Id), e => e.Action == "returned");
        Assert.NotNull(ui.Row(incident.Description).QuerySelector("[data-status=pending]"));
    }

    [Fact]
    public async Task DepartmentPage_AcceptAfterSomeoneElseReturnedIt_ShowsTheRefusalAndReloads()
    {
        var incident = await ReportAsync("streetlight-out", "路灯已被他人退回");
        await using var ui = DepartmentUi.Render(city.Services, CityManagement);
        ui.WaitForRow(incident.Description);
        var scope = new AccessScope(new HashSet<string> { Roles.Department }, DepartmentCode: CityManagement);
        await Incidents.ReturnAsync(scope, new Actor("colleague"), (await AssignmentAsync(incident)).AssignmentId, "非本部门职责");

        await ui.ClickAsync(incident.Description, ".inbox-accept");

        ui.Snackbars.WaitForAssertion(() => Assert.Contains("操作未执行：该派单已签收或已退回", ui.Snackbars.Find(".mud-snackbar").TextContent), Wait);
        Assert.DoesNotContain("pending", ui.Snackbars.Find(".mud-snackbar").TextContent);
        ui.Page.WaitForAssertion(() => Assert.Null(ui.FindRow(incident.Description)), Wait);
        Assert.Equal(AssignmentStatus.Returned, (await AssignmentAsync(incident)).Status);
    }

    [Fact]
    public async Task DepartmentPage_OverdueAssignment_SaysOverdueInText()
    {
        var incident = await ReportAsync("streetlight-out", "路灯超期未办", reportedAt: DateTimeOffset.UtcNow.AddDays(-20));
        await using var ui = DepartmentUi.Render(city.Services, CityManagement);

        var row = ui.WaitForRow(incident.Description);

        Assert.True(incident.DueAt < DateTimeOffset.UtcNow);
        Assert.Equal("已超期", row.QuerySelector("[data-overdue]")!.TextContent.Trim());
        Assert.Contains("inbox-overdue", row.ClassList);
    }

    [Fact]
    public async Task DepartmentPage_DescriptionWithMarkup_IsShownAsText()
    {
        var incident = await ReportAsync("streetlight-out", "<img src=x onerror=alert(1)><b>路灯</b>");
        await using var ui = DepartmentUi.Render(city.Services, CityManagement);

        var row = ui.WaitForRow(incident.Description);

        Assert.Empty(row.QuerySelectorAll(".inbox-description img, .inbox-description b"));
        Assert.Equal(incident.Description, row.QuerySelector(".inbox-description")!.TextContent.Trim());
    }

    [Theory]
    [InlineData(Cultures.Default, "北京市城市管理委员会", new[] { "编号", "类别", "诉求内容", "位置", "上报时间", "办理时限", "承办角色", "状态", "退回次数", "操作" }, "签收", "主办")]
    [InlineData(Cultures.English, "Beijing Municipal Commission of City Management",
        new[] { "No.", "Category", "Description", "Location", "Reported", "Due", "Role", "Status", "Bounces", "Actions" }, "Accept", "Lead")]
    public async Task DepartmentPage_Culture_LocalizesTitleHeadersAndActions(string culture, string title, string[] headers, string accept, string lead)
    {
        var incident = await ReportAsync("streetlight-out", "路灯表头");
        await using var ui = DepartmentUi.Render(city.Services, CityManagement, culture);

        var row = ui.WaitForRow(incident.Description);

        Assert.Contains(title, ui.Page.Find("h1").TextContent);
        Assert.Equal(headers, ui.Page.FindAll("#inbox-grid thead th").Select(h => h.TextContent.Trim()).ToArray());
        Assert.Equal(accept, row.QuerySelector(".inbox-accept")!.TextContent.Trim());
        Assert.Equal(lead, row.QuerySelector("[data-role]")!.TextContent.Trim());
        Assert.Contains(culture == Cultures.Default ? "路灯不亮" : "Street light out", row.TextContent);
    }

    [Fact]
    public async Task DepartmentPage_ZhCulture_ShowsNoEnglishInItsOwnTexts()
    {
        var incident = await ReportAsync("streetlight-out", "路灯中文界面");
        await using var ui = DepartmentUi.Render(city.Services, CityManagement);
        await ui.ClickAsync(incident.Description, ".inbox-return");
        ui.Dialogs.WaitForElement("#return-reason", Wait);

        // The page's and the dialog's own texts; data (descriptions, codes) is not checked.
        var texts = ui.Page.FindAll("h1, th, button, label, .mud-chip, #inbox-summary, .mud-table-pagination-caption")
            .Concat(ui.Dialogs.FindAll(".mud-dialog-title, button, label, .mud-chip, .mud-input-helper-text, .mud-typography-caption"))
            .SelectMany(e => new[] { e.TextContent, e.GetAttribute("aria-label"), e.GetAttribute("title") })
            .OfType<string>()
            .Select(t => t.Trim())
            .Where(t => t.Length > 0)
            .ToHashSet();

        Assert.Superset(new HashSet<string> { "签收", "退回", "非本部门职责", "不属于本部门管辖范围", "需属地街道处理", "退回原因" }, texts);
        Assert.DoesNotContain(texts, t => Latin().IsMatch(t));
    }

    private Task<Incident> ReportAsync(string serviceCode, string description, DateTimeOffset? reportedAt = null) =>
        Incidents.ReportAsync(Actor.System, new NewIncident(IncidentSource.Hotline, serviceCode, $"{description} {Guid.NewGuid():N}"[..(description.Length + 9)],
            Dongcheng, ReportedAt: reportedAt));

    /// <summary>The incident's one assignment, as Core has it now (finished ones included).</summary>
    private async Task<InboxItem> AssignmentAsync(Incident incident) =>
        (await Incidents.ListInboxAsync(Commander, CityManagement, new InboxQuery(IncludeFinished: true, Limit: 500, Sort: nameof(InboxItem.IncidentId), Descending: true)))
            .Items.Single(i => i.IncidentId == incident.Id);

    private static string BeijingTime(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    [GeneratedRegex("[A-Za-z]{2,}")]
    private static partial Regex Latin();

    /// <summary>The page with its popover, dialog and snackbar hosts, rendered for a signed-in department account.</summary>
    private sealed class DepartmentUi : IAsyncDisposable
    {
        private readonly BunitContext ctx;

        private DepartmentUi(BunitContext ctx, string userName)
        {
            this.ctx = ctx;
            UserName = userName;
            ctx.Render<MudPopoverProvider>();
            Dialogs = ctx.Render<MudDialogProvider>();
            Snackbars = ctx.Render<MudSnackbarProvider>();
            Page = ctx.Render<DepartmentPage>();
            Page.WaitForElement("#inbox-grid", Wait);
        }

        public string UserName { get; }
        public IRenderedComponent<MudDialogProvider> Dialogs { get; }
        public IRenderedComponent<MudSnackbarProvider> Snackbars { get; }
        public IRenderedComponent<DepartmentPage> Page { get; }

        /// <summary>Synchronous on purpose: the UI culture it sets must stay set in the calling test.</summary>
        public static DepartmentUi Render(IServiceProvider core, string departmentCode, string culture = Cultures.Default)
        {
            var ctx = WebTestContext.Create(culture);
            ctx.Services.AddSingleton(core.GetRequiredService<IncidentService>());
            ctx.Services.AddSingleton(core.GetRequiredService<OrgService>());
            ctx.Services.AddSingleton(core.GetRequiredService<CityClock>());
            ctx.Services.AddSingleton(core.GetRequiredService<EventBus>());
            ctx.Services.AddSingleton(core.GetRequiredService<TimeProvider>());
            // The claims a real cookie sign-in of a department account carries (CommandCenterClaims.ForUser).
            var userName = $"dept-{departmentCode}";
            ctx.AddAuthorization().SetAuthorized(userName).SetRoles(Roles.Department).SetClaims(
                new Claim(CommandCenterClaims.Kind, CommandCenterClaims.UserKind), new Claim(CommandCenterClaims.Department, departmentCode));
            return new DepartmentUi(ctx, userName);
        }

        public IElement? FindRow(string description) =>
            Page.FindAll("#inbox-grid tbody tr.inbox-row").SingleOrDefault(r => r.QuerySelector(".inbox-description")?.TextContent.Trim() == description);

        public IElement Row(string description) => FindRow(description) ?? throw new InvalidOperationException($"No row for '{description}'.");

        public IElement WaitForRow(string description)
        {
            Page.WaitForAssertion(() => Assert.NotNull(FindRow(description)), Wait);
            return Row(description);
        }

        /// <summary>
        /// Finds and clicks in one turn of the renderer: the grid renders more than once after it loads a page, and each
        /// render gives its buttons new handler ids.
        /// </summary>
        public async Task ClickAsync(string description, string selector)
        {
            WaitForRow(description);
            await Page.InvokeAsync(() => Row(description).QuerySelector(selector)!.Click());
        }

        public ValueTask DisposeAsync() => ctx.DisposeAsync();
    }
}
