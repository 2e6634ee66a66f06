using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org.Geo;
using CommandCenter.Core.Features.Situation;

namespace CommandCenter.Core.Tests.Features.Situation;

public sealed class CompoundFinderTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-20T02:00:00Z");
    private static readonly Dictionary<string, string> Leads = new()
    {
        ["road-not-handed-over"] = "housing-construction", ["streetlight-out"] = "city-management",
        ["garbage"] = "city-management", ["street-vending"] = "city-enforcement",
    };

    private static OpenIncident At(long id, string code, double metresEast, double days = 0) =>
        new(id, code, "110101", "110101001", new GeoPoint(116.4 + metresEast / (111_320 * Math.Cos(39.9 * Math.PI / 180)), 39.9),
            IncidentStatus.Assigned, Leads[code], false, 0, T0.AddDays(days), T0.AddDays(days + 1));

    private static IReadOnlyList<CompoundProblem> Find(params OpenIncident[] open) => CompoundFinder.Find(open, Leads, 150, TimeSpan.FromDays(7), 10);

    [Fact]
    public void Find_FoundingExample_OneProblemWithThreeOwners()
    {
        var found = Find(At(1, "road-not-handed-over", 0), At(2, "street-vending", 40), At(3, "streetlight-out", 80), At(4, "garbage", 120, days: 2));

        var problem = Assert.Single(found);
        Assert.Equal([1L, 2, 3, 4], problem.IncidentIds);
        Assert.Equal(["city-enforcement", "city-management", "housing-construction"], problem.Departments);
        Assert.Equal(T0, problem.OldestReportedAt);
    }

    [Fact]
    public void Find_AnOlderIncidentThatFormedNothingAsSeed_JoinsALaterSeedsProblem()
    {
        // As a seed, 1 reaches only 2 (one department); 2 reaches 1 and 3 (two departments).
        var found = Find(At(1, "garbage", 0), At(2, "streetlight-out", 100, days: 1), At(3, "street-vending", 200, days: 2));

        var problem = Assert.Single(found);
        Assert.Equal([1L, 2, 3], problem.IncidentIds);
        Assert.Equal(T0, problem.OldestReportedAt);
    }

    [Fact]
    public void Find_OneDepartmentOnly_IsNoCompoundProblem()
    {
        Assert.Empty(Find(At(1, "garbage", 0), At(2, "streetlight-out", 10)));
    }

    [Fact]
    public void Find_TooFarOrTooLongApart_IsNoCompoundProblem()
    {
        Assert.Empty(Find(At(1, "garbage", 0), At(2, "street-vending", 200)));
        Assert.Empty(Find(At(1, "garbage", 0), At(2, "street-vending", 10, days: 8)));
    }

    [Fact]
    public void Find_ChainAlongAStreet_DoesNotMergeIntoOneCityWideProblem()
    {
        // Every 100 m a new incident: neighbours are within 150 m, but the ends are 900 m apart.
        var chain = Enumerable.Range(0, 10).Select(i => At(i, i % 2 == 0 ? "garbage" : "street-vending", i * 100)).ToArray();

        var found = Find(chain);

        Assert.True(found.Count >= 3, $"{found.Count} problems");
        Assert.All(found, p => Assert.InRange(p.IncidentIds.Count, 2, 3));
        Assert.Equal(found.SelectMany(p => p.IncidentIds).Count(), found.SelectMany(p => p.IncidentIds).Distinct().Count());
    }

    [Fact]
    public void Find_Ranking_MoreOwnersThenMoreIncidentsFirst()
    {
        var found = Find(
            At(1, "garbage", 0), At(2, "street-vending", 10),
            At(3, "garbage", 5_000), At(4, "street-vending", 5_010), At(5, "road-not-handed-over", 5_020));

        Assert.Equal([3, 2], found.Select(p => p.Departments.Count));
    }
}
