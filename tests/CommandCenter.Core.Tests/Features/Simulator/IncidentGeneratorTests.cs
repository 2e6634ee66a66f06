using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org;
using CommandCenter.Core.Features.Org.Geo;
using CommandCenter.Core.Features.Simulator;
using CommandCenter.Testing;
using Microsoft.Extensions.Options;

namespace CommandCenter.Core.Tests.Features.Simulator;

public sealed class IncidentGeneratorTests
{
    private static readonly Lazy<CityPack> pack = new(() => CityPackFile.Read(Path.Combine(RepoPaths.Root, "wwwroot", "geo")));
    private static readonly Lazy<IncidentLocator> locator = new(() => IncidentLocator.FromPack(pack.Value));
    private static readonly CityClock Clock = new(TimeProvider.System, Options.Create(new CityOptions()));

    // Tue 2026-11-24 10:00 Beijing, in the heating season.
    internal static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-24T02:00:00Z");

    // The catalogue as sql/0002 seeds it, for the codes the profile uses (leads matter for the compound problem).
    private static readonly Dictionary<string, string> Leads = new()
    {
        ["road-not-handed-over"] = "housing-construction", ["street-vending"] = "city-enforcement",
        ["streetlight-out"] = "city-management", ["garbage"] = "city-management",
    };

    internal static IncidentGenerator Create(int seed = 12345)
    {
        var categories = BeijingProfile.Categories.Select(c => c.ServiceCode).Concat(BeijingProfile.ClusterCategories).Distinct()
            .Select(code => new Category(code, code, code, Leads.GetValueOrDefault(code, "lead-" + code), ["support-" + code],
                code is "water-main" or "gas-leak" ? SlaTier.Hours2 : code is "noise" or "price-complaint" ? SlaTier.WorkingDays7 : SlaTier.Hours24,
                RiskDomain.Operation))
            .ToList();
        var units = pack.Value.StreetUnits.Select(u => new StreetUnit(u.Code, u.DistrictAdcode, u.NameZh, u.Kind, u.Point, u.Approximate));
        return new IncidentGenerator(categories, units, locator.Value, new WorkingCalendar(Clock, []), Clock.Zone, seed);
    }

    private static List<PlannedIncident> History(int seed = 12345, int days = 2, double perDay = 3000) =>
        Create(seed).GenerateWithClusters(Now.AddDays(-days), Now, perDay).ToList();

    [Fact]
    public void GenerateWithClusters_SameSeedAndStart_SameIncidents()
    {
        var a = History().Select(p => IncidentGenerator.Materialize(p, Now).Incident).ToList();
        var b = History().Select(p => IncidentGenerator.Materialize(p, Now).Incident).ToList();
        var other = History(seed: 7).Select(p => p.Description + p.Point).ToList();

        Assert.Equal(a.Count, b.Count);
        for (var i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i] with { Assignments = [], Timeline = [] }, b[i] with { Assignments = [], Timeline = [] });
            Assert.Equal(a[i].Assignments, b[i].Assignments);
            Assert.Equal(a[i].Timeline, b[i].Timeline);
        }
        Assert.NotEqual(a.Select(p => p.Description + p.Point), other);
    }

    [Fact]
    public void Generate_DailyRhythm_PeaksInOfficeHoursQuietAtNight()
    {
        var byHour = History(days: 7, perDay: 4000).GroupBy(p => Clock.ToLocal(p.ReportedAt).Hour).ToDictionary(g => g.Key, g => g.Count());

        var morningPeak = byHour[9] + byHour[10];
        var afternoonPeak = byHour[14] + byHour[15];
        var night = byHour[2] + byHour[3];
        Assert.True(morningPeak > 10 * night, $"9–11 h: {morningPeak}, 2–4 h: {night}");
        Assert.True(afternoonPeak > 10 * night, $"14–16 h: {afternoonPeak}, 2–4 h: {night}");
        Assert.True(byHour[10] > byHour[12] && byHour[15] > byHour[12], "Lunch is quieter than the peaks");
        var total = byHour.Values.Sum();
        Assert.InRange(total, 7 * 4000 * 0.85, 7 * 4000 * 1.05);
    }

    [Fact]
    public void Generate_Bounces_FiveToTenPercentWithSomeDisputes()
    {
        var plans = Create().Generate(Now.AddDays(-7), Now, 4000).ToList();
        var bounces = plans.Select(p => p.Steps.Count(s => s.Kind == StepKind.Return)).ToList();

        var bounced = bounces.Count(b => b >= 1) / (double)plans.Count;
        var disputes = bounces.Count(b => b >= 2) / (double)plans.Count;
        Assert.InRange(bounced, 0.05, 0.10);
        Assert.InRange(disputes, 0.005, 0.03);
        var reasons = plans.SelectMany(p => p.Steps).Where(s => s.Kind == StepKind.Return).Select(s => s.Text).ToHashSet();
        Assert.Contains("非本部门职责", reasons);
    }

    [Fact]
    public void Generate_Lifecycles_OrderedMostlyWithinSlaAndMostlySatisfied()
    {
        var plans = Create().Generate(Now.AddDays(-7), Now, 4000).ToList();

        foreach (var p in plans)
        {
            Assert.True(p.Steps.Zip(p.Steps.Skip(1)).All(x => x.First.At < x.Second.At), "steps strictly in time order");
            Assert.True(p.ReportedAt < p.Steps[0].At);
            Assert.Equal(StepKind.Close, p.Steps[^1].Kind);
        }
        var overdue = plans.Count(p => p.Steps.Single(s => s.Kind == StepKind.Resolve).At > p.DueAt) / (double)plans.Count;
        Assert.InRange(overdue, 0.08, 0.12);
        var closes = plans.Select(p => p.Steps[^1]).ToList();
        var satisfied = closes.Count(c => c.Satisfaction is Satisfaction.Satisfied or Satisfaction.BasicallySatisfied) / (double)closes.Count;
        Assert.InRange(satisfied, 0.80, 0.90);
        Assert.Contains(closes, c => !c.Solved);
    }

    [Fact]
    public void GenerateWithClusters_CompoundProblems_ThreeOwnersAtOnePlaceInDifferentDistricts()
    {
        var clusters = History().Where(p => p.Cluster is not null).GroupBy(p => p.Cluster).ToList();

        Assert.InRange(clusters.Count, 3, 5);
        Assert.Equal(clusters.Count, clusters.Select(c => c.First().DistrictAdcode).Distinct().Count());
        foreach (var cluster in clusters)
        {
            Assert.True(cluster.Select(p => p.LeadDepartment).Distinct().Count() >= 3, "three different owners");
            Assert.Equal(BeijingProfile.ClusterCategories.Order(), cluster.Select(p => p.ServiceCode).Distinct().Order());
            var first = cluster.First().Point;
            Assert.All(cluster, p => Assert.True(Metres(first, p.Point) <= 60, $"{Metres(first, p.Point):0} m apart"));
            Assert.All(cluster.Where(p => p.ServiceCode == "road-not-handed-over"),
                p => Assert.Equal(2, p.Steps.Count(s => s.Kind == StepKind.Return)));
        }
    }

    [Fact]
    public void Generate_EveryPoint_InsideItsDistrictWithItsStreetUnit()
    {
        var plans = History(days: 1);
        var units = pack.Value.StreetUnits.ToDictionary(u => u.Code, u => u.DistrictAdcode);

        Assert.All(plans, p =>
        {
            var located = Assert.IsType<LocationResult.Located>(locator.Value.Locate(p.Point));
            Assert.Equal(p.DistrictAdcode, located.DistrictAdcode);
            Assert.Equal(p.DistrictAdcode, units[p.StreetCode]);
        });
        var byDistrict = plans.GroupBy(p => p.DistrictAdcode).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(byDistrict["110105"] > 3 * byDistrict["110119"], "朝阳 far above 延庆");
    }

    [Fact]
    public void Materialize_AtAnInstant_KeepsOnlyStepsTakenByThen()
    {
        var plan = Create().Next(Now);
        var accept = plan.Steps.First(s => s.Kind == StepKind.Accept);
        var resolve = plan.Steps.Single(s => s.Kind == StepKind.Resolve);

        var (atReport, rest) = IncidentGenerator.Materialize(plan, Now);
        Assert.Equal(IncidentStatus.Assigned, atReport.Status);
        Assert.Equal(plan.Steps.Count, rest.Count);
        Assert.Equal(["reported", "assigned"], atReport.Timeline.Select(t => t.Action));

        var (done, none) = IncidentGenerator.Materialize(plan, DateTimeOffset.MaxValue);
        Assert.Empty(none);
        Assert.Equal(IncidentStatus.Closed, done.Status);
        Assert.Equal(accept.At, plan.Steps.Any(s => s.Kind == StepKind.Return) ? done.RespondedAt ?? accept.At : done.RespondedAt);
        Assert.Equal(resolve.At, done.ResolvedAt);
        Assert.True(done.ReportedAt < done.RespondedAt && done.RespondedAt < done.ResolvedAt && done.ResolvedAt < done.ClosedAt);
    }

    internal static double Metres(GeoPoint a, GeoPoint b)
    {
        var dy = (a.Lat - b.Lat) * 111_320;
        var dx = (a.Lon - b.Lon) * 111_320 * Math.Cos(a.Lat * Math.PI / 180);
        return Math.Sqrt(dx * dx + dy * dy);
    }
}
