using CommandCenter.Core.Features.Dispatch;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org.Geo;
using CommandCenter.Core.Features.Risk;
using CommandCenter.Core.Features.Situation;
using Dapper;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace CommandCenter.IntegrationTests.Features.Risk;

/// <summary>Derived indicators on a scripted history, each against a SQL query written from its definition.</summary>
public sealed class DerivedIndicatorsTests() : RiskFixture(new FakeTimeProvider(Now.AddDays(-2).AddHours(-2)))
{
    private static readonly GeoPoint Dongcheng = new(116.4075, 39.9040);
    private static readonly GeoPoint Chaoyang = new(116.4854, 39.9484);
    private static readonly AccessScope Commander = AccessScope.For(Roles.Commander);

    private IncidentService Incidents => Get<IncidentService>();

    private Task<Incident> ReportAsync(string code, GeoPoint where) =>
        Incidents.ReportAsync(new Actor("hotline"), new NewIncident(IncidentSource.Hotline, code, "脚本化的历史诉求", where));

    private async Task ReportManyAsync(int count, string code, GeoPoint where)
    {
        for (var i = 0; i < count; i++) await ReportAsync(code, where);
    }

    [Fact]
    public async Task Evaluate_ScriptedHistory_DerivedValuesEqualSqlGroundTruth()
    {
        // Now − 2 d − 2 h: the first incident recorded (so baseline days 1 and 2 are covered, 3–7 are not).
        await ReportAsync("garbage", Chaoyang);
        Time.SetUtcNow(Now.AddDays(-2).AddMinutes(-30));
        await ReportManyAsync(2, "water-main", Dongcheng);
        Time.SetUtcNow(Now.AddDays(-1).AddMinutes(-10));
        await ReportManyAsync(4, "streetlight-out", Chaoyang);
        // A dispute: returned by two lead departments in turn.
        var bounced = await ReportAsync("private-parking-lock", Dongcheng);
        await ReturnLeadAsync(bounced.Id);
        await Incidents.ReassignAsync(Commander, new Actor("commander"), bounced.Id, "transport");
        await ReturnLeadAsync(bounced.Id);
        Time.SetUtcNow(Now.AddMinutes(-40));
        await ReportManyAsync(6, "garbage", Dongcheng);
        await ReportManyAsync(3, "water-main", Chaoyang);
        // An extra-urgent order (2 h tier): 5 min to acknowledge, so overdue by now.
        var water = await ReportAsync("water-main", Chaoyang);
        await Get<DispatchService>().DispatchAsync(Commander, new Actor("commander"), OrderSource.Incident(water.Id));
        Time.SetUtcNow(Now);
        await Get<SituationState>().RefreshAsync(default);

        var result = await Alerts.EvaluateAsync();

        var latest = (await Store.LatestAsync()).ToDictionary(r => r.Key, r => r.Value);
        Assert.Equal(19, result.DerivedStored); // surge, disputes, unacknowledged orders, 16 districts' overdue ratio
        await using var conn = new NpgsqlConnection(Db.ConnectionString);

        // 10 in the last hour ÷ mean(5 yesterday, 2 the day before) = 10 / 3.5.
        const string surge = """
            with days as (
                select d, (select count(*) from incident where reported_at > @now - d * interval '1 day' - interval '1 hour'
                                                         and reported_at <= @now - d * interval '1 day') as n
                from generate_series(0, 7) d
                where d = 0 or @now - d * interval '1 day' - interval '1 hour' >= (select min(reported_at) from incident))
            select (select n from days where d = 0)::float8 / greatest(1, (select avg(n) from days where d > 0))
            """;
        var expectedSurge = await conn.ExecuteScalarAsync<double>(surge, new { now = Now });
        Assert.Equal(10 / 3.5, expectedSurge, 9);
        Assert.Equal(expectedSurge, latest[new SeriesKey(DerivedIndicators.HotlineSurge, null)], 9);

        const string overdue = """
            select d.adcode, coalesce(100.0 * count(i.id) filter (where i.due_at < @now) / nullif(count(i.id), 0), 0)::float8
            from district d left join incident i on i.district_adcode = d.adcode and i.status in ('open', 'assigned', 'accepted')
            group by d.adcode
            """;
        var ratios = (await conn.QueryAsync<(string District, double Ratio)>(overdue, new { now = Now })).ToList();
        Assert.Equal(16, ratios.Count);
        Assert.Contains(ratios, r => r.Ratio is > 0 and < 100);
        foreach (var (district, ratio) in ratios)
            Assert.Equal(ratio, latest[new SeriesKey(DerivedIndicators.OverdueRatio, district)], 9);

        const string disputes = """
            select count(*)::float8 from incident i
            where i.status in ('open', 'assigned', 'accepted')
              and (i.bounces >= 2 or (i.due_at < @now and not exists (
                  select 1 from assignment a where a.incident_id = i.id and a.role = 'lead' and a.status = 'accepted')))
            """;
        var expectedDisputes = await conn.ExecuteScalarAsync<double>(disputes, new { now = Now });
        Assert.True(expectedDisputes >= 1);
        Assert.Equal(expectedDisputes, latest[new SeriesKey(DerivedIndicators.DisputesUnowned, null)]);

        const string unacknowledged = """
            select count(*)::float8 from order_target t join dispatch_order o on o.id = t.order_id
            where o.status = 'active' and t.acknowledged_at is null and t.state not in ('completed', 'recalled') and o.ack_due_at <= @now
            """;
        Assert.Equal(1, await conn.ExecuteScalarAsync<double>(unacknowledged, new { now = Now }));
        Assert.Equal(1, latest[new SeriesKey(DerivedIndicators.UnacknowledgedOrders, null)]);
    }

    [Fact]
    public async Task Evaluate_BeforeTheDerivedInterval_StoresThemOnce()
    {
        Time.SetUtcNow(Now);
        await Get<SituationState>().RefreshAsync(default);

        var first = await Alerts.EvaluateAsync();
        Time.Advance(TimeSpan.FromSeconds(30));
        var second = await Alerts.EvaluateAsync();
        Time.Advance(TimeSpan.FromSeconds(30));
        var third = await Alerts.EvaluateAsync();

        // No incident at all: no hotline surge (nothing to compare with), the other 18 series.
        Assert.Equal((18, 0, 18), (first.DerivedStored, second.DerivedStored, third.DerivedStored));
    }

    private async Task ReturnLeadAsync(long incidentId)
    {
        await using var conn = await Get<NpgsqlDataSource>().OpenConnectionAsync();
        var (id, department) = await conn.QuerySingleAsync<(long, string)>(
            "select id, department_code from assignment where incident_id = @incidentId and role = 'lead' and status = 'pending'", new { incidentId });
        await Incidents.ReturnAsync(new AccessScope(new HashSet<string> { Roles.Department }, DepartmentCode: department), new Actor(department), id, "不属于本部门职责");
    }
}
