using CommandCenter.Core.Features.Dispatch;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org.Geo;
using CommandCenter.Testing;
using Dapper;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace CommandCenter.IntegrationTests.Features.Dispatch;

public sealed class DispatchServiceTests : StartedCore
{
    private readonly FakeTimeProvider time;

    // Tue 2026-11-24 10:00 Beijing.
    public DispatchServiceTests() : this(new FakeTimeProvider(DateTimeOffset.Parse("2026-11-24T02:00:00Z"))) { }

    private DispatchServiceTests(FakeTimeProvider time) : base(time) => this.time = time;

    private static readonly GeoPoint Dongcheng = new(116.4075, 39.9040);
    private static readonly GeoPoint Chaoyang = new(116.4854, 39.9484);
    private static readonly AccessScope Commander = AccessScope.For(Roles.Commander);
    private static readonly AccessScope DongchengLiaison = new(new HashSet<string> { Roles.Liaison }, DistrictAdcode: "110101");
    private static readonly AccessScope ChaoyangLiaison = new(new HashSet<string> { Roles.Liaison }, DistrictAdcode: "110105");
    private static readonly Actor Chief = new("commander", "10.0.0.1");
    private static readonly Actor Liaison = new("liaison-110101", "10.0.0.2");

    private DispatchService Dispatch => Get<DispatchService>();

    private Task<Incident> ReportAsync(GeoPoint where, string serviceCode = "streetlight-out") =>
        Get<IncidentService>().ReportAsync(new Actor("hotline"), new NewIncident(IncidentSource.Hotline, serviceCode, "东华门大街路灯不亮", where));

    private async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var conn = await Get<NpgsqlDataSource>().OpenConnectionAsync();
        return (await conn.ExecuteScalarAsync<T>(sql, args))!;
    }

    [Fact]
    public async Task OneClick_Incident_IssuesANumberedOrderToItsDistrictWithInferredDefaults()
    {
        var incident = await ReportAsync(Dongcheng);

        var result = await Dispatch.DispatchAsync(Commander, Chief, OrderSource.Incident(incident.Id));

        Assert.True(result.Created);
        var order = result.Order;
        Assert.Equal("京指〔2026〕0001号", order.Number);
        Assert.Equal(OrderPriority.Urgent, order.Priority); // a 24 h category
        Assert.Equal(time.GetUtcNow().AddMinutes(15), order.AckDueAt);
        Assert.Equal(time.GetUtcNow().AddHours(24), order.DeadlineAt);
        Assert.Equal([incident.Id], order.IncidentIds);
        var target = Assert.Single(order.Targets);
        Assert.Equal(("110101", "city-management", TargetState.Sent), (target.DistrictAdcode, target.LeadDepartment, target.State));
        Assert.Equal([incident.StreetCode], target.StreetCodes);
        Assert.Contains($"#{incident.Id}", order.Instruction);
        var delivery = Assert.Single(await Dispatch.DeliveriesAfterAsync(DongchengLiaison, 0));
        Assert.Equal((1L, "issued", order.Id), (delivery.Seq, delivery.Kind, delivery.Order.Id));
        Assert.Empty(await Dispatch.DeliveriesAfterAsync(ChaoyangLiaison, 0));
        var issued = Assert.Single(await Dispatch.HistoryAsync(Commander, order.Id));
        Assert.Equal(("issued", "commander", "10.0.0.1"), (issued.Action, issued.Actor, issued.Ip));
    }

    [Fact]
    public async Task OneClick_SourceAlreadyCovered_ReturnsTheOpenOrderUntilItIsRecalled()
    {
        var incident = await ReportAsync(Dongcheng);
        var first = await Dispatch.DispatchAsync(Commander, Chief, OrderSource.Incident(incident.Id));

        var again = await Dispatch.DispatchAsync(Commander, Chief, OrderSource.Incident(incident.Id));
        var asDispute = await Dispatch.DispatchAsync(Commander, Chief, OrderSource.Dispute(incident.Id));
        await Dispatch.RecallAsync(Commander, Chief, first.Order.Id);
        var afterUndo = await Dispatch.DispatchAsync(Commander, Chief, OrderSource.Incident(incident.Id));

        Assert.False(again.Created);
        Assert.False(asDispute.Created);
        Assert.Equal(first.Order.Id, again.Order.Id);
        Assert.Equal(first.Order.Id, asDispute.Order.Id);
        Assert.True(afterUndo.Created);
        Assert.Equal("京指〔2026〕0002号", afterUndo.Order.Number);
        Assert.Equal(2L, await ScalarAsync<long>("select count(*) from dispatch_order"));
        Assert.Equal(["issued", "recalled", "issued"], (await Dispatch.DeliveriesAfterAsync(DongchengLiaison, 0)).Select(d => d.Kind));
    }

    [Fact]
    public async Task OneClick_TwoCommandersDispatchTheSameDisputeAtOnce_MakeOneOrder()
    {
        var incident = await ReportAsync(Dongcheng);
        using var start = new ManualResetEventSlim();

        var clicks = Enumerable.Range(0, 2).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await Dispatch.DispatchAsync(Commander, new Actor($"commander-{i}"), OrderSource.Dispute(incident.Id));
        })).ToArray();
        start.Set();
        var both = await Task.WhenAll(clicks);

        Assert.Single(both, r => r.Created);
        Assert.Equal(both[0].Order.Id, both[1].Order.Id);
        Assert.Equal(1L, await ScalarAsync<long>("select count(*) from dispatch_order"));
        Assert.Single(await Dispatch.DeliveriesAfterAsync(DongchengLiaison, 0));
    }

    [Fact]
    public async Task OneClick_CompoundAcrossTwoDistricts_IsOneJointOrderWithATargetEach()
    {
        var a = await ReportAsync(Dongcheng);
        var b = await ReportAsync(Chaoyang, "garbage");

        var order = (await Dispatch.DispatchAsync(Commander, Chief, OrderSource.Compound([b.Id, a.Id]))).Order;

        Assert.Equal(OrderSourceKind.Compound, order.SourceKind);
        Assert.Equal(Math.Min(a.Id, b.Id).ToString(), order.SourceRef);
        Assert.Equal(["110101", "110105"], order.Targets.Select(t => t.DistrictAdcode).Order());
        Assert.Single(await Dispatch.DeliveriesAfterAsync(ChaoyangLiaison, 0));
    }

    [Fact]
    public async Task DeliveryNumbers_SecondTransactionWaitsForTheFirst_SoNumbersAppearInCommitOrder()
    {
        var incident = await ReportAsync(Dongcheng);
        var order = (await Dispatch.DispatchAsync(Commander, Chief, OrderSource.Incident(incident.Id))).Order;
        var store = Get<DispatchStore>();
        var source = Get<NpgsqlDataSource>();
        var now = time.GetUtcNow();

        await using var c1 = await source.OpenConnectionAsync();
        await using var t1 = await c1.BeginTransactionAsync();
        var first = await store.AppendDeliveryAsync("110101", order.Id, order.Targets[0].Id, "escalated", now, c1, t1, default);
        var second = Task.Run(async () =>
        {
            await using var c2 = await source.OpenConnectionAsync();
            await using var t2 = await c2.BeginTransactionAsync();
            var seq = await store.AppendDeliveryAsync("110101", order.Id, order.Targets[0].Id, "escalated", now, c2, t2, default);
            await t2.CommitAsync();
            return seq;
        });
        await Task.Delay(300);
        Assert.False(second.IsCompleted); // holds the district's counter until the first commits
        await t1.CommitAsync();

        Assert.Equal((2L, 3L), (first, await second));
    }

    [Fact]
    public async Task Acknowledge_Twice_IsOneAcknowledgmentAndOnlyForTheTargetsDistrict()
    {
        var incident = await ReportAsync(Dongcheng);
        var target = (await Dispatch.DispatchAsync(Commander, Chief, OrderSource.Incident(incident.Id))).Order.Targets[0];

        await Assert.ThrowsAsync<AccessDeniedException>(() => Dispatch.AcknowledgeAsync(ChaoyangLiaison, Liaison, target.Id, null));
        time.Advance(TimeSpan.FromMinutes(2));
        var once = await Dispatch.AcknowledgeAsync(DongchengLiaison, Liaison, target.Id, "收到，马上处置");
        time.Advance(TimeSpan.FromMinutes(1));
        var twice = await Dispatch.AcknowledgeAsync(DongchengLiaison, Liaison, target.Id, "重复点击");

        Assert.Equal(TargetState.Acknowledged, twice.State);
        Assert.Equal(once.AcknowledgedAt, twice.AcknowledgedAt);
        Assert.Equal("收到，马上处置", twice.AckComment);
        Assert.Single(await Dispatch.HistoryAsync(Commander, target.OrderId), h => h.Action == "acknowledged");
    }

    [Fact]
    public async Task ProgressAndComplete_RepeatedPosts_AreRecordedOnceAndResolveTheIncident()
    {
        var incident = await ReportAsync(Dongcheng);
        var target = (await Dispatch.DispatchAsync(Commander, Chief, OrderSource.Incident(incident.Id))).Order.Targets[0];
        await Assert.ThrowsAsync<OrderStateException>(() => Dispatch.ReportProgressAsync(DongchengLiaison, Liaison, target.Id, "已到场", Guid.NewGuid()));
        await Dispatch.AcknowledgeAsync(DongchengLiaison, Liaison, target.Id, null);
        var key = Guid.NewGuid();

        await Dispatch.ReportProgressAsync(DongchengLiaison, Liaison, target.Id, "已到场", key);
        await Dispatch.ReportProgressAsync(DongchengLiaison, Liaison, target.Id, "已到场", key);
        var done = Guid.NewGuid();
        await Dispatch.CompleteAsync(DongchengLiaison, Liaison, target.Id, "路灯已修复", done);
        var repeat = await Dispatch.CompleteAsync(DongchengLiaison, Liaison, target.Id, "路灯已修复", done);

        Assert.Equal(TargetState.Completed, repeat.State);
        Assert.Equal(["progress", "completed"], (await Dispatch.ProgressAsync(Commander, target.OrderId)).Select(p => p.Kind));
        Assert.Equal(OrderStatus.Completed, (await Dispatch.GetAsync(Commander, target.OrderId))!.Status);
        var resolved = (await Get<IncidentService>().GetAsync(Commander, incident.Id))!;
        Assert.Equal(IncidentStatus.Resolved, resolved.Status);
        Assert.Contains(await Get<IncidentService>().GetTimelineAsync(Commander, incident.Id), e => e.Action == "resolved");
    }

    [Fact]
    public async Task Escalation_NotAcknowledgedWithinItsSla_IsEscalatedThenRenotifiedUntilAcknowledged()
    {
        var incident = await ReportAsync(Dongcheng);
        var target = (await Dispatch.DispatchAsync(Commander, Chief, OrderSource.Incident(incident.Id))).Order.Targets[0];

        time.Advance(TimeSpan.FromMinutes(14));
        var early = await Dispatch.EscalateDueAsync();
        time.Advance(TimeSpan.FromMinutes(1));
        var due = await Dispatch.EscalateDueAsync();
        var repeat = await Dispatch.EscalateDueAsync();
        var counts = await Dispatch.CountsAsync();
        time.Advance(TimeSpan.FromMinutes(5));
        var renotified = await Dispatch.EscalateDueAsync();
        await Dispatch.AcknowledgeAsync(DongchengLiaison, Liaison, target.Id, null);
        time.Advance(TimeSpan.FromMinutes(5));
        var afterAck = await Dispatch.EscalateDueAsync();

        Assert.Equal((0, 1, 0, 1, 0), (early, due, repeat, renotified, afterAck));
        Assert.Equal(new OrderCounts(1, 1, 1), counts);
        Assert.Equal(["issued", "escalated", "escalated"], (await Dispatch.DeliveriesAfterAsync(DongchengLiaison, 0)).Select(d => d.Kind));
        var escalated = (await Dispatch.GetAsync(Commander, target.OrderId))!.Targets[0];
        Assert.Equal(2, escalated.Escalations);
        Assert.Single(await Dispatch.ListAsync(Commander, escalatedOnly: false, activeOnly: true));
        Assert.Empty(await Dispatch.ListAsync(Commander, escalatedOnly: true)); // acknowledged now
    }

    [Fact]
    public async Task Recall_OpenTargetsAreRecalledAndCanNoLongerBeAcknowledged()
    {
        var incident = await ReportAsync(Dongcheng);
        var order = (await Dispatch.DispatchAsync(Commander, Chief, OrderSource.Incident(incident.Id))).Order;

        var recalled = await Dispatch.RecallAsync(Commander, Chief, order.Id);

        Assert.Equal(OrderStatus.Recalled, recalled.Status);
        Assert.Equal(TargetState.Recalled, recalled.Targets[0].State);
        await Assert.ThrowsAsync<OrderStateException>(() => Dispatch.AcknowledgeAsync(DongchengLiaison, Liaison, order.Targets[0].Id, null));
        Assert.Equal(new OrderCounts(0, 0, 0), await Dispatch.CountsAsync());
    }

    [Fact]
    public async Task Issue_BadInputOrNotACommander_IsRejectedAndNothingIsStored()
    {
        var deadline = time.GetUtcNow().AddDays(1);
        NewOrder Order(string district = "110101", string lead = "city-management", string instruction = "请处置", DateTimeOffset? due = null, string[]? streets = null) =>
            new(OrderPriority.Normal, due ?? deadline, [new NewTarget(district, lead, [], streets ?? [])], OrderSource.None, instruction);

        await Assert.ThrowsAsync<AccessDeniedException>(() => Dispatch.IssueAsync(DongchengLiaison, Liaison, Order()));
        await Assert.ThrowsAsync<DispatchValidationException>(() => Dispatch.IssueAsync(Commander, Chief, Order(district: "999999")));
        await Assert.ThrowsAsync<DispatchValidationException>(() => Dispatch.IssueAsync(Commander, Chief, Order(lead: "no-such-department")));
        await Assert.ThrowsAsync<DispatchValidationException>(() => Dispatch.IssueAsync(Commander, Chief, Order(instruction: "   ")));
        await Assert.ThrowsAsync<DispatchValidationException>(() => Dispatch.IssueAsync(Commander, Chief, Order(instruction: new string('字', 4001))));
        await Assert.ThrowsAsync<DispatchValidationException>(() => Dispatch.IssueAsync(Commander, Chief, Order(due: time.GetUtcNow().AddMinutes(-1))));
        await Assert.ThrowsAsync<DispatchValidationException>(() => Dispatch.IssueAsync(Commander, Chief, Order(streets: ["110105001"])));
        await Assert.ThrowsAsync<DispatchValidationException>(() => Dispatch.IssueAsync(Commander, Chief,
            new NewOrder(OrderPriority.Normal, deadline, [], OrderSource.None, "请处置")));

        Assert.Equal(0L, await ScalarAsync<long>("select count(*) from dispatch_order"));
        var free = await Dispatch.IssueAsync(Commander, Chief, Order(instruction: "  <script>alert(1)</script> 请核查  "));
        Assert.Equal("<script>alert(1)</script> 请核查", free.Order.Instruction); // stored as text; screens render it as text
    }
}
