using CommandCenter.Core.Features.Dispatch;
using CommandCenter.Core.Features.Intake;
using CommandCenter.Core.Features.Org;
using CommandCenter.Core.Features.Situation;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommandCenter.Core.Features.Risk;

/// <summary>
/// The indicators computed from incidents and orders rather than fed (the catalog's <c>derived</c> ones), each as of
/// one instant. Open incidents come from this node's live situation, so a dispute here is exactly a dispute on the
/// wall (<see cref="OpenIncident.IsDisputed"/>), and an overdue incident exactly an overdue one in the backlog.
/// </summary>
public sealed class DerivedIndicators(NpgsqlDataSource dataSource, SituationState situation, DispatchStore orders, OrgStore org, IOptions<RiskOptions> options)
{
    public const string HotlineSurge = "hotline-surge";
    public const string OverdueRatio = "overdue-ratio";
    public const string DisputesUnowned = "disputes-unowned";
    public const string UnacknowledgedOrders = "unacknowledged-orders";

    /// <summary>
    /// Every derived series at <paramref name="now"/>; none while the live situation has not loaded yet, and no hotline
    /// surge while there is no earlier day to compare with.
    /// </summary>
    public async Task<IReadOnlyList<Reading>> ComputeAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        if (!situation.Current.Loaded) return [];
        var at = now.ToUniversalTime();
        var result = new List<Reading>();
        if (await HotlineSurgeAsync(at, ct) is { } surge) result.Add(new Reading(HotlineSurge, null, at, surge));

        // overdue-ratio, per district: open incidents past their due time ÷ open incidents, in % (0 with nothing open).
        var open = situation.OpenWhere(_ => true);
        var byDistrict = open.GroupBy(i => i.DistrictAdcode).ToDictionary(g => g.Key, g => (Open: g.Count(), Overdue: g.Count(i => i.IsOverdue(at))));
        foreach (var district in await org.ListDistrictsAsync(ct))
        {
            var (all, overdue) = byDistrict.GetValueOrDefault(district.Adcode);
            result.Add(new Reading(OverdueRatio, district.Adcode, at, all == 0 ? 0 : 100.0 * overdue / all));
        }

        // disputes-unowned, city-wide: open incidents bounced at least twice or without an accepting owner past due.
        result.Add(new Reading(DisputesUnowned, null, at, open.Count(i => i.IsDisputed(at))));

        // unacknowledged-orders, city-wide: targets of active orders still sent or delivered (not 签收) past the order's ack due time.
        result.Add(new Reading(UnacknowledgedOrders, null, at, (await orders.CountsAsync(at, ct)).Overdue));
        return result;
    }

    /// <summary>
    /// hotline-surge: incidents reported in the last 60 minutes (now − 1 h, now] ÷ the baseline, the mean count of the same
    /// 60 minutes on each of the previous <see cref="RiskOptions.SurgeBaselineDays"/> days that the record covers (the day's
    /// window starts at or after the first incident recorded, by id: a primary-key probe, not a scan), floored at 1 so a quiet hour cannot divide by zero.
    /// A rolling hour, not the clock hour, so the value does not drop to nothing at every hour's start.
    /// </summary>
    private async Task<double?> HotlineSurgeAsync(DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            select d.day, n.count
            from generate_series(0, @days) d(day)
            -- One BRIN range per day, however long the record.
            cross join lateral (select count(*)::int as count from incident
                                where reported_at > @now - make_interval(days => d.day) - interval '1 hour'
                                  and reported_at <= @now - make_interval(days => d.day)) n
            where d.day = 0 or @now - make_interval(days => d.day) - interval '1 hour' >= (select reported_at from incident order by id limit 1)
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var counts = (await conn.QueryAsync<(int Day, int Count)>(new CommandDefinition(sql, new { now, days = options.Value.SurgeBaselineDays },
            cancellationToken: ct))).ToDictionary(r => r.Day, r => r.Count);
        var baseline = counts.Where(c => c.Key > 0).Select(c => c.Value).ToList();
        if (baseline.Count == 0) return null;
        return Math.Min(1000, counts.GetValueOrDefault(0) / Math.Max(1.0, baseline.Average()));
    }
}
