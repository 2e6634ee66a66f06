using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org;
using CommandCenter.Core.Features.Simulator;
using static CommandCenter.Core.Tests.Features.Simulator.IncidentGeneratorTests;

namespace CommandCenter.Core.Tests.Features.Simulator;

public sealed class IncidentGeneratorResumeTests
{
    private static readonly TimeSpan Spread = TimeSpan.FromMinutes(5);

    private static UnfinishedIncident Unfinished(long id, IncidentStatus status, DateTimeOffset updated, int bounces = 0, string code = "garbage") =>
        new(id, code, SlaTier.Hours24, status, bounces, updated.AddHours(-1), updated, updated.AddHours(23), status == IncidentStatus.Open ? "support-garbage" : "city-management");

    [Fact]
    public void Resume_SameSeedAndIncident_SamePlan()
    {
        var incident = Unfinished(4711, IncidentStatus.Assigned, Now.AddHours(-3));

        var generator = Create();
        var a = generator.Resume(incident, Now, Spread);
        generator.GenerateLive(Now, Now.AddHours(1), 2000).ToList();

        Assert.Equal(a, generator.Resume(incident, Now, Spread));
        Assert.Equal(a, Create().Resume(incident, Now, Spread));
        var others = Enumerable.Range(1, 20).Select(i => generator.Resume(incident with { Id = 4711 + i }, Now, Spread)).ToList();
        Assert.Contains(others, o => !o.SequenceEqual(a));
        Assert.NotEqual(a, Create(seed: 7).Resume(incident, Now, Spread));
    }

    [Theory]
    [InlineData(IncidentStatus.Open, new[] { StepKind.Reassign, StepKind.Accept, StepKind.Resolve, StepKind.Close })]
    [InlineData(IncidentStatus.Assigned, new[] { StepKind.Accept, StepKind.Resolve, StepKind.Close })]
    [InlineData(IncidentStatus.Accepted, new[] { StepKind.Resolve, StepKind.Close })]
    [InlineData(IncidentStatus.Resolved, new[] { StepKind.Close })]
    public void Resume_FromEachStatus_PlansTheRestInOrderEndingClosed(IncidentStatus status, StepKind[] tail)
    {
        var generator = Create();
        for (var id = 1; id <= 200; id++)
        {
            var steps = generator.Resume(Unfinished(id, status, Now.AddMinutes(-id)), Now, Spread);

            Assert.Equal(tail, steps.Select(s => s.Kind).TakeLast(tail.Length));
            // Only an assigned incident may still bounce (return, reassign) before the tail.
            Assert.True(steps.Count == tail.Length || status == IncidentStatus.Assigned, $"{steps.Count} steps");
            Assert.True(steps.Zip(steps.Skip(1)).All(x => x.First.At < x.Second.At), "steps strictly in time order");
            Assert.True(steps[0].At >= Now, "nothing planned in the past");
        }
    }

    [Fact]
    public void Resume_OpenIncident_ReassignedToTheDistrictThenAcceptedByIt()
    {
        var steps = Create().Resume(Unfinished(1, IncidentStatus.Open, Now.AddMinutes(-1), bounces: 1), Now, Spread);

        Assert.Equal([StepKind.Reassign, StepKind.Accept, StepKind.Resolve, StepKind.Close], steps.Select(s => s.Kind));
        Assert.All(steps.Take(3), s => Assert.Equal(BeijingProfile.TerritorialDepartment, s.DepartmentCode));
    }

    [Fact]
    public void Resume_ManyAssigned_RealisticShares()
    {
        var generator = Create();
        var incidents = Enumerable.Range(1, 20_000).Select(id => Unfinished(id, IncidentStatus.Assigned, Now.AddMinutes(-(id % 30)))).ToList();
        var plans = incidents.Select(i => generator.Resume(i, Now, Spread)).ToList();

        var bounced = plans.Count(p => p.Any(s => s.Kind == StepKind.Return)) / (double)plans.Count;
        Assert.InRange(bounced, 0.05, 0.10);
        var late = incidents.Zip(plans).Count(x => x.Second.Single(s => s.Kind == StepKind.Resolve).At > x.First.DueAt) / (double)plans.Count;
        Assert.InRange(late, 0.07, 0.15);
        var closes = plans.Select(p => p[^1]).ToList();
        var satisfied = closes.Count(c => c.Satisfaction is Satisfaction.Satisfied or Satisfaction.BasicallySatisfied) / (double)closes.Count;
        Assert.InRange(satisfied, 0.80, 0.90);
        Assert.Contains(closes, c => !c.Solved);
    }

    [Fact]
    public void Resume_StepsOverdueAtResume_SpreadOverTheWindowNotOneBurst()
    {
        var generator = Create();
        // Two days without a leader: every step planned from the last change is overdue.
        var firsts = Enumerable.Range(1, 2_000)
            .Select(id => generator.Resume(Unfinished(id, IncidentStatus.Accepted, Now.AddDays(-2)), Now, Spread)[0].At).ToList();

        Assert.All(firsts, at => Assert.InRange(at, Now, Now + Spread));
        var tenths = firsts.GroupBy(at => (int)((at - Now) / (Spread / 10))).Select(g => g.Count()).ToList();
        Assert.True(tenths.Count >= 10, "every tenth of the window gets some");
        Assert.True(tenths.Max() < firsts.Count / 5, $"no burst: at most {tenths.Max()} of {firsts.Count} in one tenth");
    }

    [Fact]
    public void GenerateLive_CompoundProblems_EveryFewHoursTheSameHoweverTicksFall()
    {
        var from = Now.AddDays(-2);
        List<PlannedIncident> Clusters(TimeSpan tick)
        {
            var generator = Create();
            var result = new List<PlannedIncident>();
            for (var t = from; t < Now; t += tick)
                result.AddRange(generator.GenerateLive(t, t + tick < Now ? t + tick : Now, 2000).Where(p => p.Cluster is not null));
            return result;
        }

        var byMinute = Clusters(TimeSpan.FromMinutes(1));
        var bySevenMinutes = Clusters(TimeSpan.FromMinutes(7));

        Assert.Equal(byMinute.Select(p => (p.ReportedAt, p.Description, p.Point, p.Cluster)), bySevenMinutes.Select(p => (p.ReportedAt, p.Description, p.Point, p.Cluster)));
        Assert.Equal(byMinute.SelectMany(p => p.Steps), bySevenMinutes.SelectMany(p => p.Steps));
        var clusters = byMinute.GroupBy(p => p.Cluster).ToList();
        Assert.InRange(clusters.Count, 10, 14);
        foreach (var cluster in clusters)
        {
            Assert.True(cluster.Select(p => p.LeadDepartment).Distinct().Count() >= 3, "three different owners");
            var first = cluster.First().Point;
            Assert.All(cluster, p => Assert.True(Metres(first, p.Point) <= 60, $"{Metres(first, p.Point):0} m apart"));
        }
    }
}
