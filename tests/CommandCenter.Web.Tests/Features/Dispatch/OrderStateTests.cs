using CommandCenter.Core.Features.Dispatch;
using CommandCenter.Web.Features.Dispatch;
using CommandCenter.Web.Features.Dispatch.Components;
using CommandCenter.Web.Resources;
using CommandCenter.Web.Tests.Features.Wall;
using static CommandCenter.Web.Tests.Features.Dispatch.OrderTickerTests;

namespace CommandCenter.Web.Tests.Features.Dispatch;

public sealed class OrderStateTests
{
    private static readonly DateTimeOffset Now = WallFixtures.Now;

    [Theory]
    [InlineData(TargetState.Sent, "sent", "已发送", "Sent")]
    [InlineData(TargetState.Delivered, "delivered", "已送达", "Delivered")]
    [InlineData(TargetState.Acknowledged, "acknowledged", "已签收", "Acknowledged")]
    [InlineData(TargetState.InProgress, "in-progress", "办理中", "In progress")]
    [InlineData(TargetState.Completed, "completed", "已办结", "Completed")]
    [InlineData(TargetState.Recalled, "recalled", "已撤回", "Recalled")]
    public async Task OrderStateChip_EachState_IconAndWordsNotColourAlone(TargetState state, string code, string zh, string en)
    {
        foreach (var (culture, text) in new[] { (Cultures.Default, zh), (Cultures.English, en) })
        {
            await using var ctx = WallFixtures.Context(culture);

            var chip = ctx.Render<OrderStateChip>(p => p.Add(c => c.State, state)).Find(".cc-order-state");

            Assert.Equal(code, chip.GetAttribute("data-state"));
            Assert.Equal(text, chip.QuerySelector(".cc-order-state__text")!.TextContent);
            Assert.NotNull(chip.QuerySelector("svg"));
        }
    }

    [Fact]
    public void StateIcon_EveryState_Distinct() =>
        Assert.Equal(Enum.GetValues<TargetState>().Length, Enum.GetValues<TargetState>().Select(DispatchFormat.StateIcon).Distinct().Count());

    [Fact]
    public async Task OrderTargets_Order_EachDistrictsStateAcknowledgerAndEscalation()
    {
        await using var ctx = WallFixtures.Context();
        var order = Order(1, Now.AddMinutes(-20), Now.AddMinutes(-5),
            Target(11, 1, "110101", TargetState.Acknowledged), Target(12, 1, "110105", TargetState.Delivered, escalatedAt: Now.AddMinutes(-4)));

        var table = ctx.Render<OrderTargets>(p => p.Add(t => t.Order, order).Add(t => t.Names, WallFixtures.Names));

        var first = table.Find("tr[data-target='11']");
        Assert.Contains("东城区", first.TextContent);
        Assert.Contains("已签收", first.TextContent);
        Assert.Contains("14:28:00 · liaison-110101", first.TextContent); // city time
        Assert.Contains("城管执法局", first.TextContent); // the supporting department
        var second = table.Find("tr[data-target='12']");
        Assert.Equal("delivered", second.GetAttribute("data-state"));
        Assert.Contains("已送达", second.TextContent);
        Assert.Contains("已升级（1 次）", second.QuerySelector("[data-escalated='true']")!.TextContent);
    }

    [Theory]
    [InlineData(5 * 60 + 7, "running", "签收剩余 05:07")]
    [InlineData(-70, "overdue", "签收超时 01:10")]
    public async Task AckCountdown_FromServerTime(int secondsLeft, string kind, string text)
    {
        await using var ctx = WallFixtures.Context();
        var order = Order(1, Now.AddMinutes(-1), Now.AddSeconds(secondsLeft), Target(11, 1, "110101", TargetState.Sent));

        var ack = ctx.Render<AckCountdown>(p => p.Add(a => a.Order, order).Add(a => a.Now, Now)).Find(".cc-ack");

        Assert.Equal(kind, ack.GetAttribute("data-ack"));
        Assert.Equal(text, ack.TextContent.Trim());
        Assert.NotNull(ack.QuerySelector("svg"));
    }

    [Fact]
    public async Task AckCountdown_AllAcknowledged_NoClock()
    {
        await using var ctx = WallFixtures.Context();
        var order = Order(1, Now.AddMinutes(-30), Now.AddMinutes(-15), Target(11, 1, "110101", TargetState.Acknowledged));

        var ack = ctx.Render<AckCountdown>(p => p.Add(a => a.Order, order).Add(a => a.Now, Now)).Find(".cc-ack");

        Assert.Equal("done", ack.GetAttribute("data-ack"));
        Assert.Equal("已全部签收", ack.TextContent.Trim());
    }

    [Fact]
    public void Merge_AuditAndReports_OneLinePerStepInTimeOrder()
    {
        var history = new List<OrderHistoryEntry>
        {
            new(1, null, Now.AddMinutes(-10), "commander", "10.0.0.5", "issued", """{"number":"京指〔2026〕0001号"}"""),
            new(2, 11, Now.AddMinutes(-8), "liaison-110101", "10.0.0.9", "acknowledged", """{"comment":"收到，马上处理"}"""),
            new(3, 11, Now.AddMinutes(-2), "liaison-110101", "10.0.0.9", "progress", """{"text":"已到现场"}"""),
        };
        var progress = new List<OrderProgress>
        {
            new(1, 11, Now.AddMinutes(-2), "liaison-110101", "progress", "已到现场"),
            new(2, 11, Now.AddMinutes(-5), "liaison-110101", "progress", "先行清理"), // its audit row is not in this read
        };

        var lines = OrderTimeline.Merge(history, progress);

        Assert.Equal(["issued", "acknowledged", "progress", "progress"], lines.Select(l => l.Action).ToList());
        Assert.Equal([null, "收到，马上处理", "先行清理", "已到现场"], lines.Select(l => l.Text).ToList());
        Assert.Equal("10.0.0.9", lines[1].Ip);
        Assert.Equal(11, lines[3].TargetId);
    }
}
