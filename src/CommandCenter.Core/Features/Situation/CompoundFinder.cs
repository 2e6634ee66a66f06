using CommandCenter.Core.Features.Org.Geo;

namespace CommandCenter.Core.Features.Situation;

/// <summary>
/// Finds compound problems: open incidents within <c>radius</c> of a seed incident and <c>window</c> of its report
/// whose categories have two or more lead departments. Seeds are taken oldest first and each incident joins at most
/// one problem, so dense areas make several problems rather than one city-wide chain.
/// </summary>
public static class CompoundFinder
{
    private const double MetresPerDegree = 111_320;

    public static IReadOnlyList<CompoundProblem> Find(
        IReadOnlyCollection<OpenIncident> open, IReadOnlyDictionary<string, string> leadByCategory, double radiusMetres, TimeSpan window, int limit)
    {
        if (open.Count == 0) return [];
        var kx = MetresPerDegree * Math.Cos(open.First().Point.Lat * Math.PI / 180) / radiusMetres;
        var ky = MetresPerDegree / radiusMetres;
        (long X, long Y) CellOf(GeoPoint p) => ((long)Math.Floor(p.Lon * kx), (long)Math.Floor(p.Lat * ky));

        var cells = open.GroupBy(i => CellOf(i.Point)).ToDictionary(g => g.Key, g => g.ToList());
        var taken = new HashSet<long>();
        var found = new List<CompoundProblem>();
        foreach (var seed in open.OrderBy(i => i.ReportedAt).ThenBy(i => i.Id))
        {
            if (taken.Contains(seed.Id)) continue;
            var (cx, cy) = CellOf(seed.Point);
            var members = new List<OpenIncident>();
            for (var dx = -1; dx <= 1; dx++)
            for (var dy = -1; dy <= 1; dy++)
            {
                if (!cells.TryGetValue((cx + dx, cy + dy), out var near)) continue;
                members.AddRange(near.Where(i => !taken.Contains(i.Id)
                    && (i.ReportedAt - seed.ReportedAt).Duration() <= window
                    && seed.Point.MetresTo(i.Point) <= radiusMetres));
            }
            var departments = members.Select(i => leadByCategory.GetValueOrDefault(i.ServiceCode)).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
            if (departments.Count < 2) continue;
            taken.UnionWith(members.Select(i => i.Id));
            found.Add(new CompoundProblem(
                new GeoPoint(members.Average(i => i.Point.Lon), members.Average(i => i.Point.Lat)), seed.DistrictAdcode, seed.StreetCode,
                members.OrderBy(i => i.ReportedAt).Select(i => i.Id).ToList(), members.Select(i => i.ServiceCode).Distinct().Order(StringComparer.Ordinal).ToList(),
                departments, members.Min(i => i.ReportedAt)));
        }
        return found
            .OrderByDescending(c => c.Departments.Count).ThenByDescending(c => c.IncidentIds.Count).ThenBy(c => c.OldestReportedAt)
            .Take(limit).ToList();
    }
}
