using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org.Geo;
using CommandCenter.Core.Features.Situation;

namespace CommandCenter.Core.Tests.Features.Situation;

public sealed class BacklogTallyTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-20T02:00:00Z");

    private static OpenIncident Incident(long id, string? department, string district, double reportedHours, double dueHours) =>
        new(id, "garbage", district, district + "001", new GeoPoint(116.4, 39.9), IncidentStatus.Assigned, department, false, 0,
            T0.AddHours(reportedHours), T0.AddHours(dueHours));

    [Fact]
    public void At_CountsOpenOverdueAndAgePerCell_AsTheClockPassesDueTimes()
    {
        var tally = new BacklogTally();
        tally.Add(Incident(1, "city-management", "110101", 0, 2));
        tally.Add(Incident(2, "city-management", "110101", 1, 5));
        tally.Add(Incident(3, null, "110105", 0, 1));

        var (cells, districts) = tally.At(T0.AddHours(3));

        Assert.Equal([new BacklogCell("", "110105", 1, 1, TimeSpan.FromHours(3)),
            new BacklogCell("city-management", "110101", 2, 1, TimeSpan.FromHours(2.5))], cells);
        Assert.Equal([new DistrictLoad("110101", 2, 1), new DistrictLoad("110105", 1, 1)], districts);
        Assert.Equal(2, tally.At(T0.AddHours(6)).Cells.Single(c => c.DepartmentCode != "").Overdue);
        // A clock set back un-counts what is no longer overdue.
        Assert.Equal(0, tally.At(T0.AddHours(1.5)).Cells.Single(c => c.DepartmentCode != "").Overdue);
    }

    [Fact]
    public void Remove_TheRecordAsAdded_EmptiesItsCell()
    {
        var tally = new BacklogTally();
        var incident = Incident(1, "city-management", "110101", 0, 2);
        tally.Add(incident);
        tally.At(T0.AddHours(3));

        tally.Remove(incident);
        tally.Remove(incident);

        Assert.Equal(0, tally.Open);
        Assert.Empty(tally.At(T0.AddHours(4)).Cells);
    }

    [Fact]
    public void At_AfterRandomChanges_EqualsGroupingEveryOpenIncident()
    {
        var random = new Random(42);
        var tally = new BacklogTally();
        var open = new Dictionary<long, OpenIncident>();
        string?[] departments = ["city-management", "water", null];
        string[] districts = ["110101", "110105", "110108"];
        var now = T0;
        for (var step = 0; step < 2_000; step++)
        {
            var id = random.Next(300);
            if (open.Remove(id, out var old)) tally.Remove(old);
            if (random.NextDouble() < 0.7)
            {
                var reported = (now - T0).TotalHours - random.NextDouble() * 48;
                var changed = Incident(id, departments[random.Next(3)], districts[random.Next(3)], reported, reported + random.Next(1, 72));
                open[id] = changed;
                tally.Add(changed);
            }
            now = now.AddMinutes(random.Next(-30, 90));
            if (step % 50 != 0) continue;

            var expected = open.Values.GroupBy(i => (i.LeadDepartment ?? "", i.DistrictAdcode))
                .Select(g => new BacklogCell(g.Key.Item1, g.Key.DistrictAdcode, g.Count(), g.Count(i => i.IsOverdue(now)),
                    TimeSpan.FromTicks(g.Sum(i => (now - i.ReportedAt).Ticks) / g.Count())))
                .OrderBy(c => c.DepartmentCode, StringComparer.Ordinal).ThenBy(c => c.DistrictAdcode, StringComparer.Ordinal).ToList();
            var (cells, _) = tally.At(now);
            Assert.Equal(expected.Select(c => (c.DepartmentCode, c.DistrictAdcode, c.Open, c.Overdue)),
                cells.Select(c => (c.DepartmentCode, c.DistrictAdcode, c.Open, c.Overdue)));
            Assert.All(expected.Zip(cells), p => Assert.InRange((p.First.AverageAge - p.Second.AverageAge).Duration(), TimeSpan.Zero, TimeSpan.FromSeconds(1)));
            Assert.Equal(open.Count, tally.Open);
        }
    }
}
