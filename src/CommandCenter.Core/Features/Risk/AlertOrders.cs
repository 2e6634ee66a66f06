using System.Globalization;
using CommandCenter.Core.Features.Dispatch;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Intake;
using CommandCenter.Core.Features.Org;
using CommandCenter.Core.Features.Situation;
using Microsoft.Extensions.Options;

namespace CommandCenter.Core.Features.Risk;

/// <summary>
/// The order one click makes from a risk alert. Lead: the indicator's owning department. Priority from the level (red →
/// 特急, orange → 紧急, else 一般); deadline 2 h for red, 24 h otherwise. Targets: the alert's district; for a city-wide
/// indicator the <see cref="RiskOptions.CityAlertTargets"/> districts where it shows most — unacknowledged orders: the
/// districts holding the overdue unacknowledged targets; disputes: the districts with the most disputes; anything else
/// (hotline surge, metro, power, public opinion): the districts with the most incidents reported in the last hour,
/// then the largest open backlog, then the core districts in code order.
/// </summary>
public sealed class AlertOrders(RiskStore store, OrgStore org, SituationState situation, WorkingCalendarService calendar, CityClock clock, IOptions<RiskOptions> options)
{
    public async Task<NewOrder> DraftAsync(OrderSource source, CancellationToken ct = default)
    {
        if (!long.TryParse(source.Ref, NumberStyles.None, CultureInfo.InvariantCulture, out var alertId))
            throw new DispatchValidationException(Refusals.NoAlert, "An alert order needs the alert's id.", source.Ref ?? "");
        var alert = await store.GetAlertAsync(alertId, ct) ?? throw new DispatchValidationException(Refusals.NoAlert, $"No alert {alertId}.", alertId);
        var indicator = (await store.IndicatorsAsync(ct))[alert.IndicatorCode];
        var now = clock.UtcNow;
        var districts = alert.DistrictAdcode is { } d ? [d] : await WorstDistrictsAsync(indicator, now, ct);
        var priority = alert.Level switch { AlertLevel.Red => OrderPriority.ExtraUrgent, AlertLevel.Orange => OrderPriority.Urgent, _ => OrderPriority.Normal };
        var deadline = await calendar.DueAtAsync(now, alert.Level == AlertLevel.Red ? SlaTier.Hours2 : SlaTier.Hours24, ct);
        var targets = districts.Select(x => new NewTarget(x, indicator.Owner, [], [])).ToList();
        return new NewOrder(priority, deadline, targets, source, await InstructionAsync(alert, indicator, districts, ct));
    }

    private async Task<IReadOnlyList<string>> WorstDistrictsAsync(Indicator indicator, DateTimeOffset now, CancellationToken ct)
    {
        var n = options.Value.CityAlertTargets;
        IEnumerable<(string District, int Count)> ranked = indicator.Code switch
        {
            DerivedIndicators.UnacknowledgedOrders => await store.OverdueUnacknowledgedByDistrictAsync(now, ct),
            DerivedIndicators.DisputesUnowned => situation.OpenWhere(i => i.IsDisputed(now)).GroupBy(i => i.DistrictAdcode).Select(g => (g.Key, g.Count())),
            _ => await store.ReportedByDistrictAsync(now.AddHours(-1), now, ct),
        };
        var backlog = situation.Current.Districts.Select(x => (x.DistrictAdcode, x.Open));
        var all = (await org.ListDistrictsAsync(ct)).Select(x => (x.Adcode, 0));
        return ranked.Where(r => r.Count > 0).OrderByDescending(r => r.Count).ThenBy(r => r.District, StringComparer.Ordinal)
            .Concat(backlog.Where(b => b.Open > 0).OrderByDescending(b => b.Open).ThenBy(b => b.DistrictAdcode, StringComparer.Ordinal))
            .Concat(all.OrderBy(x => x.Adcode, StringComparer.Ordinal))
            .Select(r => r.Item1).Distinct().Take(n).ToList();
    }

    private async Task<string> InstructionAsync(Alert alert, Indicator indicator, IReadOnlyList<string> districts, CancellationToken ct)
    {
        var names = (await org.ListDistrictsAsync(ct)).ToDictionary(x => x.Adcode, x => x.NameZh);
        var owner = (await org.ListDepartmentsAsync(ct)).FirstOrDefault(x => x.Code == indicator.Owner)?.ShortZh ?? indicator.Owner;
        var level = alert.Level == AlertLevel.None ? AlertLevel.Blue : alert.Level;
        var (colour, grade) = level switch
        {
            AlertLevel.Red => ("红色", "I"),
            AlertLevel.Orange => ("橙色", "II"),
            AlertLevel.Yellow => ("黄色", "III"),
            _ => ("蓝色", "IV"),
        };
        string Number(double v) => v.ToString("0.##", CultureInfo.InvariantCulture) + indicator.UnitZh;
        var where = alert.DistrictAdcode is { } d ? names.GetValueOrDefault(d, d) : "全市";
        var scope = alert.DistrictAdcode is null ? $"（重点：{string.Join("、", districts.Select(x => names.GetValueOrDefault(x, x)))}）" : "";
        return $"{where}{indicator.NameZh}{colour}预警（{grade}级）{scope}：当前值 {Number(alert.Value)}，{colour}预警阈值 {Number(AlertRules.Threshold(indicator, level))}。"
            + $"请{owner}牵头，会同属地立即核查原因、采取处置措施，并及时报告处置情况。预警 #{alert.Id}。";
    }
}
