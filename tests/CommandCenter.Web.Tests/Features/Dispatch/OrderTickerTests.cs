using CommandCenter.Core.Features.Dispatch;
using CommandCenter.Web.Features.Dispatch;
using CommandCenter.Web.Features.Dispatch.Components;
using CommandCenter.Web.Resources;
using CommandCenter.Web.Tests.Features.Wall;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CommandCenter.Web.Tests.Features.Dispatch;

public sealed class OrderTickerTests
{
    private static readonly DateTimeOffset Now = WallFixtures.Now;

    [Fact]
    public async Task OrderTicker_Waiting_CountsUpSinceIssueFromServerTime()
    {
        await using var ctx = WallFixtures.Context();
        var waiting = Pending(1, "京指〔2026〕0001号", "110105", issuedAgo: TimeSpan.FromSeconds(185), ackIn: TimeSpan.FromMinutes(10));

        var ticker = ctx.Render<OrderTicker>(p => p.Add(t => t.Items, [waiting]).Add(t => t.Names, WallFixtures.Names));

        var item = ticker.Find("li.order-tick");
        Assert.Equal("false", item.GetAttribute("data-overdue"));
        Assert.DoesNotContain("order-tick--overdue", item.ClassName);
        Assert.Equal("京指〔2026〕0001号", item.QuerySelector(".order-tick__number")!.TextContent);
        Assert.Equal("朝阳区", item.QuerySelector(".order-tick__district")!.TextContent);
        Assert.Equal("紧急", item.QuerySelector(".order-tick__priority")!.TextContent);
        Assert.Equal("待签收", item.QuerySelector(".order-tick__state")!.TextContent);
        Assert.Equal("03:05", item.QuerySelector(".order-tick__clock")!.TextContent);

        // The clock ticks by itself, from the server's time.
        ((FakeTimeProvider)ctx.Services.GetRequiredService<TimeProvider>()).Advance(TimeSpan.FromSeconds(2));
        ticker.WaitForAssertion(() => Assert.Equal("03:07", ticker.Find(".order-tick__clock").TextContent), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task OrderTicker_OverdueAndEscalated_FlashWithIconAndWords()
    {
        await using var ctx = WallFixtures.Context();
        var overdue = Pending(1, "京指〔2026〕0001号", "110101", issuedAgo: TimeSpan.FromMinutes(20), ackIn: TimeSpan.FromMinutes(-5));
        var escalated = Pending(2, "京指〔2026〕0002号", "110102", issuedAgo: TimeSpan.FromHours(1.5), ackIn: TimeSpan.FromMinutes(-30), escalated: true);

        var ticker = ctx.Render<OrderTicker>(p => p.Add(t => t.Items, [overdue, escalated]).Add(t => t.Names, WallFixtures.Names));

        var items = ticker.FindAll("li.order-tick");
        Assert.All(items, i => Assert.Contains("order-tick--overdue", i.ClassName));
        Assert.All(items, i => Assert.NotNull(i.QuerySelector("svg.order-tick__icon")));
        Assert.Equal("超时未签收", items[0].QuerySelector(".order-tick__state")!.TextContent);
        Assert.Equal("已升级 未签收", items[1].QuerySelector(".order-tick__state")!.TextContent);
        Assert.Equal(("true", "true"), (items[1].GetAttribute("data-overdue"), items[1].GetAttribute("data-escalated")));
        Assert.Equal("1:30:00", items[1].QuerySelector(".order-tick__clock")!.TextContent);
    }

    [Fact]
    public async Task OrderTicker_MoreThanFits_CountsWhatEachLayoutHides()
    {
        await using var ctx = WallFixtures.Context();
        var items = Enumerable.Range(1, 10).Select(i => Pending(i, $"京指〔2026〕{i:D4}号", "110101", TimeSpan.FromMinutes(i), TimeSpan.FromMinutes(5))).ToList();

        var ticker = ctx.Render<OrderTicker>(p => p.Add(t => t.Items, items).Add(t => t.Names, WallFixtures.Names));

        Assert.Equal(8, ticker.FindAll("li.order-tick").Count);
        Assert.Equal("10", ticker.Find("#order-ticker").GetAttribute("data-count"));
        Assert.Equal("另有 6 条", ticker.Find(".order-ticker__more[data-fit='4']").TextContent);
        Assert.Equal("另有 2 条", ticker.Find(".order-ticker__more[data-fit='8']").TextContent);
    }

    [Fact]
    public async Task OrderTicker_None_SaysAllAcknowledged()
    {
        await using var ctx = WallFixtures.Context();

        var ticker = ctx.Render<OrderTicker>(p => p.Add(t => t.Items, []).Add(t => t.Names, WallFixtures.Names));

        Assert.Equal("所有指令均已签收", ticker.Find("#order-ticker-empty").TextContent.Trim());
    }

    [Fact]
    public async Task OrderTicker_English_NoChinese()
    {
        await using var ctx = WallFixtures.Context(Cultures.English);
        var overdue = Pending(1, "BJ-0001", "110105", TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(-5));

        var ticker = ctx.Render<OrderTicker>(p => p.Add(t => t.Items, [overdue]).Add(t => t.Names, WallFixtures.Names));

        Assert.Equal("Chaoyang", ticker.Find(".order-tick__district").TextContent);
        Assert.Equal("Overdue", ticker.Find(".order-tick__state").TextContent);
        Assert.DoesNotMatch(@"\p{IsCJKUnifiedIdeographs}", ticker.Markup);
    }

    [Fact]
    public void Pending_ActiveOrders_UnacknowledgedTargetsOverdueFirst()
    {
        var late = Order(1, Now.AddMinutes(-30), Now.AddMinutes(-15), Target(11, 1, "110101", TargetState.Delivered), Target(12, 1, "110102", TargetState.Acknowledged));
        var fresh = Order(2, Now.AddMinutes(-1), Now.AddMinutes(14), Target(21, 2, "110105", TargetState.Sent));
        var recalled = Order(3, Now.AddMinutes(-40), Now.AddMinutes(-25), Target(31, 3, "110105", TargetState.Recalled)) with { Status = OrderStatus.Recalled };

        var pending = OrderBoard.Pending([fresh, late, recalled]);

        Assert.Equal([11L, 21L], pending.Select(p => p.TargetId).ToList());
        Assert.True(pending[0].IsOverdue(Now));
        Assert.False(pending[1].IsOverdue(Now));
    }

    private static PendingTarget Pending(long id, string number, string district, TimeSpan issuedAgo, TimeSpan ackIn, bool escalated = false) =>
        new(id, id * 10, number, OrderPriority.Urgent, district, Now - issuedAgo, Now + ackIn, escalated);

    internal static Order Order(long id, DateTimeOffset issued, DateTimeOffset ackDue, params OrderTarget[] targets) =>
        new(id, $"京指〔2026〕{id:D4}号", OrderPriority.Urgent, OrderStatus.Active, OrderSourceKind.Compound, "7", "请牵头处置", "commander",
            issued, ackDue, issued.AddDays(1), null, targets, [7, 8, 9]);

    internal static OrderTarget Target(long id, long orderId, string district, TargetState state, DateTimeOffset? escalatedAt = null) =>
        new(id, orderId, district, "city-management", ["city-enforcement"], [], state, null,
            state is TargetState.Acknowledged ? Now.AddMinutes(-2) : null, state is TargetState.Acknowledged ? "liaison-" + district : null, null,
            null, null, escalatedAt, escalatedAt is null ? 0 : 1, Now);
}
