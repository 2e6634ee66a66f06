using System.Globalization;
using System.Security.Claims;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Intake;
using CommandCenter.Core.Features.Org;
using CommandCenter.Web.Features.Admin.Pages;
using CommandCenter.Web.Features.Identity;
using CommandCenter.Web.Resources;
using CommandCenter.Web.Tests.Features.Org;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace CommandCenter.Web.Tests.Features.Admin;

public sealed partial class AdminPageTests(LoadedCity city) : IClassFixture<LoadedCity>
{
    private const string Password = "correct-horse-battery";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private IServiceProvider Core => city.Services;
    private IdentityAdminService Admin => Core.GetRequiredService<IdentityAdminService>();

    [Theory]
    [InlineData(Cultures.Default, "区联络员", "部门", "启用", "角色")]
    [InlineData(Cultures.English, "District liaison", "Department staff", "Active", "Roles")]
    public async Task AdminPage_UsersGrid_ListsUsersWithLocalizedRoleChipsAndScopeNames(
        string culture, string liaison, string department, string active, string rolesHeader)
    {
        var dept = (await city.Services.GetRequiredService<OrgService>().ListDepartmentsAsync())[0];
        var user = await Admin.CreateUserAsync(Actor.System,
            new UserDraft(Unique("grid"), "东城区值班员", [Roles.Liaison, Roles.Department], DistrictAdcode: "110101", DepartmentCode: dept.Code), Password);
        await using var ui = AdminUi.Render(this, await NewAdminAsync(), culture);

        var row = ui.WaitForRow("#admin-users", user.UserName);

        var chips = row.QuerySelectorAll("[data-role]").Select(c => c.TextContent.Trim()).ToList();
        Assert.Equal([liaison, department], chips);
        var dongcheng = city.Districts.Single(d => d.Adcode == "110101");
        Assert.Contains(Cultures.Pick(dongcheng.NameZh, dongcheng.NameEn), row.TextContent);
        Assert.Contains(Cultures.Pick(dept.NameZh, dept.NameEn), row.TextContent);
        Assert.Equal(active, row.QuerySelector("[data-status]")!.TextContent.Trim());
        Assert.Contains(rolesHeader, ui.Page.FindAll("#admin-users thead th").Select(h => h.TextContent.Trim()));
    }

    [Fact]
    public async Task AdminPage_CreateStreetUserThroughDialog_AddsRowAndAuditsUserCreated()
    {
        await using var ui = AdminUi.Render(this, await NewAdminAsync());
        var userName = Unique("street");

        ui.Page.Find("#create-user").Click();
        ui.Dialogs.WaitForElement("#user-name", Wait).Change(userName);
        ui.Dialogs.Find("#display-name").Change("东华门街道值班员");
        ui.Choose("#user-roles", "街道乡镇");
        ui.Choose("#user-district", "东城区");
        ui.Choose("#user-street", "东华门街道");
        ui.Dialogs.Find("#password").Change(Password);
        ui.Dialogs.Find("#password-confirm").Change(Password);
        ui.Dialogs.Find("#dialog-save").Click();

        var row = ui.WaitForRow("#admin-users", userName);
        Assert.Equal(["街道乡镇"], row.QuerySelectorAll("[data-role]").Select(c => c.TextContent.Trim()));
        Assert.Contains("东华门街道", row.TextContent);
        ui.Dialogs.WaitForAssertion(() => Assert.Empty(ui.Dialogs.FindAll(".mud-dialog")), Wait);
        var created = (await Admin.ListUsersAsync()).Single(u => u.UserName == userName);
        Assert.Equal("110101001", created.StreetCode);
        var audit = (await Admin.ListAuditAsync(200, "user.created")).Single(e => e.Subject == userName);
        Assert.Equal(ui.AdminUser.UserName, audit.Actor);
    }

    [Fact]
    public async Task AdminPage_LiaisonWithoutDistrict_ShowsValidationMessageAndCreatesNothing()
    {
        await using var ui = AdminUi.Render(this, await NewAdminAsync());
        var userName = Unique("nodistrict");

        ui.Page.Find("#create-user").Click();
        ui.Dialogs.WaitForElement("#user-name", Wait).Change(userName);
        ui.Dialogs.Find("#display-name").Change("无区联络员");
        ui.Choose("#user-roles", "区联络员");
        ui.Dialogs.Find("#password").Change(Password);
        ui.Dialogs.Find("#password-confirm").Change(Password);
        ui.Dialogs.Find("#dialog-save").Click();

        ui.Dialogs.WaitForAssertion(() =>
            Assert.Equal("无法保存：A liaison needs a valid district.", ui.Dialogs.Find("#dialog-error").TextContent.Trim()), Wait);
        Assert.NotNull(ui.Dialogs.Find("#user-name"));
        Assert.DoesNotContain(await Admin.ListUsersAsync(), u => u.UserName == userName);
        Assert.DoesNotContain(await Admin.ListAuditAsync(200, "user.created"), e => e.Subject == userName);
        Assert.DoesNotContain(userName, ui.Page.Find("#admin-users").TextContent);
    }

    [Fact]
    public async Task AdminPage_CreateDevice_ShowsKioskLinkOnceAndListsTheDevice()
    {
        await using var ui = AdminUi.Render(this, await NewAdminAsync());
        var name = Unique("大屏");

        ui.Page.Find("#create-device").Click();
        ui.Dialogs.WaitForElement("#device-name", Wait).Change(name);
        ui.Dialogs.Find("#dialog-save").Click();

        var link = ui.Dialogs.WaitForElement("#issued-secret", Wait).TextContent.Trim();
        Assert.StartsWith("http://localhost/device/signin?token=", link);
        var token = Uri.UnescapeDataString(link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..]);
        var device = await city.Services.GetRequiredService<SignInService>().DeviceSignInAsync(token, Actor.System);
        Assert.Equal(name, device?.Name);
        ui.WaitForRow("#admin-devices", name);

        ui.Dialogs.Find("#secret-done").Click();

        ui.Dialogs.WaitForAssertion(() => Assert.Empty(ui.Dialogs.FindAll("#issued-secret")), Wait);
        Assert.DoesNotContain(token, ui.Dialogs.Markup);
        Assert.DoesNotContain(token, ui.Page.Markup);
    }

    [Fact]
    public async Task AdminPage_RevokeApiClient_MarksItRevoked()
    {
        var issued = await Admin.CreateApiClientAsync(Actor.System, Unique("intake"), null, 120, null);
        await using var ui = AdminUi.Render(this, await NewAdminAsync());
        var row = ui.WaitForRow("#admin-apiclients", issued.Item.Name);
        Assert.Equal("有效", row.QuerySelector("[data-status]")!.TextContent.Trim());
        Assert.Contains(issued.Item.KeyPrefix, row.TextContent);
        Assert.DoesNotContain(issued.Secret, ui.Page.Markup);

        ui.Row("#admin-apiclients", issued.Item.Name).QuerySelector("[data-action=revoke]")!.Click();
        ui.Dialogs.WaitForElement(".mud-message-box", Wait);
        ui.Dialogs.FindAll(".mud-dialog-actions button").Single(b => b.TextContent.Trim() == "吊销").Click();

        ui.Page.WaitForAssertion(() =>
            Assert.StartsWith("已吊销", ui.Row("#admin-apiclients", issued.Item.Name).QuerySelector("[data-status]")!.TextContent.Trim()), Wait);
        Assert.Null(ui.Row("#admin-apiclients", issued.Item.Name).QuerySelector("[data-action=revoke]"));
        Assert.NotNull((await Admin.ListApiClientsAsync()).Single(c => c.Id == issued.Item.Id).RevokedAt);
        Assert.Contains(await Admin.ListAuditAsync(200, "apikey.revoked"), e => e.Subject == issued.Item.Id.ToString());
    }

    [Fact]
    public async Task AdminPage_EditFeed_SetsCadenceAndShowsFreshnessInWords()
    {
        var feeds = Core.GetRequiredService<FeedStore>();
        var issued = await Admin.CreateApiClientAsync(Actor.System, Unique("gauges"), null, 120, null);
        await feeds.TouchAsync(issued.Item.Id, DateTimeOffset.UtcNow.AddMinutes(-20), default);
        await using var ui = AdminUi.Render(this, await NewAdminAsync());
        var row = ui.WaitForRow("#admin-apiclients", issued.Item.Name);
        Assert.Equal("按需", row.QuerySelector("[data-freshness]")!.TextContent.Trim());

        row.QuerySelector("[data-action=edit-feed]")!.Click();
        ui.Dialogs.WaitForElement("#apiclient-cadence", Wait);
        ui.Choose("#apiclient-department", "北京城市排水集团");
        ui.Choose("#apiclient-cadence", "每 5 分钟");
        ui.Dialogs.Find("#dialog-save").Click();

        // 20 minutes without a delivery from a 5-minute feed: more than two intervals, fewer than six.
        ui.Page.WaitForAssertion(() =>
        {
            var edited = ui.Row("#admin-apiclients", issued.Item.Name);
            Assert.Equal("延迟", edited.QuerySelector("[data-freshness]")!.TextContent.Trim());
            Assert.Contains("每 5 分钟", edited.TextContent);
        }, Wait);
        var saved = (await Admin.ListApiClientsAsync()).Single(c => c.Id == issued.Item.Id);
        Assert.Equal(("beijing-drainage", TimeSpan.FromMinutes(5)), (saved.DepartmentCode, saved.ExpectedCadence));
        Assert.Contains(await Admin.ListAuditAsync(200, "apikey.feed-changed"), e => e.Subject == issued.Item.Id.ToString());
    }

    [Fact]
    public async Task AdminPage_UserWhoSignedIn_ShowsLastLoginInBeijingTime()
    {
        var user = await Admin.CreateUserAsync(Actor.System, new UserDraft(Unique("login"), "督办员", [Roles.Supervisor]), Password);
        await Core.GetRequiredService<SignInService>().PasswordSignInAsync(user.UserName, Password, Actor.System);
        var lastLogin = (await Admin.ListUsersAsync()).Single(u => u.Id == user.Id).LastLoginAt!.Value;
        await using var ui = AdminUi.Render(this, await NewAdminAsync());

        var row = ui.WaitForRow("#admin-users", user.UserName);

        var beijing = TimeZoneInfo.ConvertTime(lastLogin, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"));
        Assert.Contains(beijing.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), row.TextContent);
    }

    [Fact]
    public async Task AdminPage_DisableUser_AfterConfirmationShowsDisabledAndAudits()
    {
        var user = await Admin.CreateUserAsync(Actor.System, new UserDraft(Unique("leaver"), "离职人员", [Roles.Commander]), Password);
        await using var ui = AdminUi.Render(this, await NewAdminAsync());

        ui.WaitForRow("#admin-users", user.UserName).QuerySelector("[data-action=disable]")!.Click();
        ui.Dialogs.WaitForElement(".mud-message-box", Wait);
        ui.Dialogs.FindAll(".mud-dialog-actions button").Single(b => b.TextContent.Trim() == "停用").Click();

        ui.Page.WaitForAssertion(() =>
            Assert.Equal("停用", ui.Row("#admin-users", user.UserName).QuerySelector("[data-status]")!.TextContent.Trim()), Wait);
        Assert.NotNull(ui.Row("#admin-users", user.UserName).QuerySelector("[data-action=enable]"));
        Assert.True((await Admin.ListUsersAsync()).Single(u => u.Id == user.Id).Disabled);
        Assert.Contains(await Admin.ListAuditAsync(200, "user.disabled"), e => e.Subject == user.UserName && e.Actor == ui.AdminUser.UserName);
    }

    [Fact]
    public async Task AdminPage_CreateApiClient_ShowsAWorkingKeyOnceAndListsItsPrefix()
    {
        var dept = (await Core.GetRequiredService<OrgService>().ListDepartmentsAsync())[0];
        await using var ui = AdminUi.Render(this, await NewAdminAsync());
        var name = Unique("feed");

        ui.Page.Find("#create-apiclient").Click();
        ui.Dialogs.WaitForElement("#apiclient-name", Wait).Change(name);
        ui.Choose("#apiclient-department", dept.NameZh);
        ui.Dialogs.Find("#dialog-save").Click();

        var key = ui.Dialogs.WaitForElement("#issued-secret", Wait).TextContent.Trim();
        var (status, client) = await Core.GetRequiredService<SignInService>().AuthenticateApiKeyAsync(key);
        Assert.Equal(ApiKeyStatus.Valid, status);
        Assert.Equal((name, dept.Code, 60), (client!.Name, client.DepartmentCode, client.RateLimitPerMinute));
        var row = ui.WaitForRow("#admin-apiclients", name);
        Assert.Contains(key[..10], row.TextContent);
        Assert.Contains(dept.NameZh, row.TextContent);
        ui.Dialogs.Find("#secret-done").Click();
        ui.Dialogs.WaitForAssertion(() => Assert.Empty(ui.Dialogs.FindAll("#issued-secret")), Wait);
        Assert.DoesNotContain(key, ui.Page.Markup + ui.Dialogs.Markup);
    }

    [Fact]
    public async Task AdminPage_ZhCulture_ShowsNoEnglishInItsOwnTexts()
    {
        await using var ui = AdminUi.Render(this, await NewAdminAsync());
        ui.WaitForRow("#admin-users", ui.AdminUser.UserName);

        // The page's own texts: tabs, headers, buttons, labels, tooltips. Data (names, codes, JSON) is not checked.
        var texts = ui.Page.FindAll(".mud-tab, th, button, label, .mud-input-helper-text, h1, .mud-table-pagination-caption, .mud-typography-caption")
            .SelectMany(e => new[] { e.TextContent, e.GetAttribute("aria-label"), e.GetAttribute("title"), e.GetAttribute("placeholder") })
            .OfType<string>()
            .Select(t => t.Trim())
            .Where(t => t.Length > 0)
            .ToHashSet();

        Assert.Superset(new HashSet<string> { "用户", "审计日志", "新建用户", "角色", "最近登录", "每页行数：" }, texts);
        // Acronyms are the same in both languages; everything else must be Chinese.
        Assert.DoesNotContain(texts, t => Latin().IsMatch(t.Replace("API", "").Replace("IP", "")));
    }

    private Task<AppUser> NewAdminAsync() =>
        Admin.CreateUserAsync(Actor.System, new UserDraft(Unique("admin"), "测试管理员", [Roles.Admin]), Password);

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    [GeneratedRegex("[A-Za-z]{2,}")]
    private static partial Regex Latin();

    /// <summary>The page with its popover and dialog hosts, rendered for a signed-in administrator.</summary>
    private sealed class AdminUi : IAsyncDisposable
    {
        private readonly BunitContext ctx;

        private AdminUi(BunitContext ctx, AppUser admin)
        {
            this.ctx = ctx;
            AdminUser = admin;
            Popovers = ctx.Render<MudPopoverProvider>();
            Dialogs = ctx.Render<MudDialogProvider>();
            Page = ctx.Render<AdminPage>();
            Page.WaitForElement("#admin-users", Wait);
        }

        public AppUser AdminUser { get; }
        public IRenderedComponent<MudPopoverProvider> Popovers { get; }
        public IRenderedComponent<MudDialogProvider> Dialogs { get; }
        public IRenderedComponent<AdminPage> Page { get; }

        /// <summary>Synchronous on purpose: the UI culture it sets must stay set in the calling test.</summary>
        public static AdminUi Render(AdminPageTests test, AppUser admin, string culture = Cultures.Default)
        {
            var services = test.Core;
            var ctx = WebTestContext.Create(culture);
            ctx.Services.AddSingleton(services.GetRequiredService<IdentityAdminService>());
            ctx.Services.AddSingleton(services.GetRequiredService<OrgService>());
            ctx.Services.AddSingleton(services.GetRequiredService<CityClock>());
            ctx.Services.AddSingleton(services.GetRequiredService<IOptions<AccountOptions>>());
            // The claims a real cookie sign-in carries (CommandCenterClaims.ForUser).
            ctx.AddAuthorization().SetAuthorized(admin.UserName).SetRoles(Roles.Admin).SetClaims(
                new Claim(CommandCenterClaims.Kind, CommandCenterClaims.UserKind), new Claim(CommandCenterClaims.Id, admin.Id.ToString()));
            return new AdminUi(ctx, admin);
        }

        public IElement Row(string grid, string text) =>
            Page.FindAll($"{grid} tbody tr").Single(r => r.QuerySelectorAll("td").Any(td => td.TextContent.Trim() == text));

        public IElement WaitForRow(string grid, string text)
        {
            Page.WaitForAssertion(() => Row(grid, text), Wait);
            return Row(grid, text);
        }

        /// <summary>Opens a MudSelect in the open dialog and clicks the option with this text, as a user would.</summary>
        public void Choose(string selectInput, string option)
        {
            Dialogs.Find(selectInput).Closest(".mud-input-control")!.MouseDown();
            Popovers.WaitForAssertion(() => Assert.Contains(Popovers.FindAll(".mud-list-item"), i => i.TextContent.Trim() == option), Wait);
            Popovers.FindAll(".mud-list-item").First(i => i.TextContent.Trim() == option).Click();
        }

        public ValueTask DisposeAsync() => ctx.DisposeAsync();
    }
}
