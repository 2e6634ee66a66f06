using CommandCenter.Core.Features.Dispatch;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Org;
using CommandCenter.Web.Features.Dispatch;
using CommandCenter.Web.Features.Dispatch.Components;
using CommandCenter.Web.Tests.Features.Org;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CommandCenter.Web.Tests.Features.Dispatch;

/// <summary>"Edit and dispatch" against the real Core and database: prefilled, refused in the user's language with nothing lost, then issued.</summary>
public sealed class OrderDialogTests(LoadedCity city) : IClassFixture<LoadedCity>
{
    [Fact]
    public async Task OrderDialog_InvalidThenFixed_ShowsErrorsKeepsInputThenIssues()
    {
        await using var ctx = WebTestContext.Create();
        ctx.Services.AddSingleton(city.Services.GetRequiredService<DispatchService>());
        ctx.Services.AddSingleton(city.Services.GetRequiredService<OrgService>());
        ctx.Services.AddSingleton(city.Services.GetRequiredService<CityClock>());
        var provider = ctx.Render<MudDialogProvider>();
        ctx.Render<MudPopoverProvider>();
        var clock = city.Services.GetRequiredService<CityClock>();
        var draft = new NewOrder(OrderPriority.Urgent, clock.UtcNow.AddDays(2),
            [new NewTarget("110105", "city-management", ["city-enforcement"], [])], OrderSource.None, "");
        var commander = new Commander(AccessScope.For(Roles.Commander), new Actor("commander", "10.0.0.5"));

        var dialog = await provider.InvokeAsync(() => ctx.Services.GetRequiredService<IDialogService>()
            .ShowAsync<OrderDialog>("编辑指令", new DialogParameters<OrderDialog> { { d => d.Draft, draft }, { d => d.Commander, commander } }));
        provider.WaitForElement("#order-dialog", TimeSpan.FromSeconds(15)); // it reads departments and districts first
        Assert.Single(provider.FindAll(".cc-order-form__target"));
        Assert.Equal("110105", provider.Find(".cc-order-form__target").GetAttribute("data-district"));

        // An empty instruction: refused here, in Chinese, and the dialog stays open with the rest as it was.
        provider.Find("#order-submit").Click();
        provider.WaitForAssertion(() => Assert.Contains("请填写指令内容", provider.Find("#order-errors").TextContent), TimeSpan.FromSeconds(15));
        Assert.Single(provider.FindAll(".cc-order-form__target"));
        Assert.False(dialog.Result.IsCompleted);

        provider.Find("#order-instruction").Change("请朝阳区牵头处置建外街道占道经营，城管执法局协办。");
        provider.Find("#order-submit").Click();

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(30));
        var issued = Assert.IsType<IssueResult>(result!.Data);
        Assert.True(issued.Created);
        Assert.Equal(OrderPriority.Urgent, issued.Order.Priority);
        Assert.Equal(["city-enforcement"], issued.Order.Targets.Single().SupportDepartments);
        Assert.Matches(@"^京指〔\d{4}〕\d{4}号$", issued.Order.Number);
    }
}
