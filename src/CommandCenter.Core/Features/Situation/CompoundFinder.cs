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
        // Distances on one local plane (metres east and north at the first incident's latitude: within a city the
        // error is about 1 %), so the inner loop does no trigonometry; the grid's cells are one radius wide.
        var kx = MetresPerDegree * Math.Cos(open.First().Point.Lat * Math.PI / 180);
        var radiusSquared = radiusMetres * radiusMetres;
        var windowTicks = window.Ticks;

        // Oldest first: seeds go in this order, and every cell lists its incidents in it too (indexes into all).
        var all = open.OrderBy(i => i.ReportedAt).ThenBy(i => i.Id).ToArray();
        var departmentIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var departmentOf = new int[all.Length];
        var (x, y, at) = (new double[all.Length], new double[all.Length], new long[all.Length]);
        var cells = new Dictionary<(long X, long Y), List<int>>();
        (long X, long Y) CellOf(int i) => ((long)Math.Floor(x[i] / radiusMetres), (long)Math.Floor(y[i] / radiusMetres));
        for (var i = 0; i < all.Length; i++)
        {
            departmentOf[i] = leadByCategory.TryGetValue(all[i].ServiceCode, out var department)
                ? departmentIndex.TryGetValue(department, out var known) ? known : departmentIndex[department] = departmentIndex.Count
                : -1;
            (x[i], y[i], at[i]) = (all[i].Point.Lon * kx, all[i].Point.Lat * MetresPerDegree, all[i].ReportedAt.UtcTicks);
            var cell = CellOf(i);
            if (!cells.TryGetValue(cell, out var list)) cells[cell] = list = [];
            list.Add(i);
        }
        var taken = new bool[all.Length];
        var seenBy = new int[departmentIndex.Count]; // the seed (+1) that last counted each department
        var members = new List<int>();
        var found = new List<(int Seed, int[] Members, int Departments)>();
        for (var s = 0; s < all.Length; s++)
        {
            if (taken[s]) continue;
            var (cx, cy) = CellOf(s);
            members.Clear();
            var departments = 0;
            for (var dx = -1; dx <= 1; dx++)
            for (var dy = -1; dy <= 1; dy++)
            {
                if (!cells.TryGetValue((cx + dx, cy + dy), out var near)) continue;
                foreach (var m in near)
                {
                    if (taken[m] || Math.Abs(at[m] - at[s]) > windowTicks) continue;
                    var (east, north) = (x[m] - x[s], y[m] - y[s]);
                    if (east * east + north * north > radiusSquared) continue;
                    members.Add(m);
                    var d = departmentOf[m];
                    if (d >= 0 && seenBy[d] != s + 1) { seenBy[d] = s + 1; departments++; }
                }
            }
            if (departments < 2) continue;
            members.Sort();
            foreach (var m in members) taken[m] = true;
            found.Add((s, members.ToArray(), departments));
        }
        // Only the listed ones are built: a dense city finds thousands.
        return found
            .OrderByDescending(f => f.Departments).ThenByDescending(f => f.Members.Length).ThenBy(f => f.Members[0])
            .Take(limit)
            .Select(f => Build(all[f.Seed], f.Members.Select(m => all[m]).ToList(), leadByCategory))
            .ToList();
    }

    private static CompoundProblem Build(OpenIncident seed, List<OpenIncident> incidents, IReadOnlyDictionary<string, string> leadByCategory) => new(
        new GeoPoint(incidents.Average(i => i.Point.Lon), incidents.Average(i => i.Point.Lat)), seed.DistrictAdcode, seed.StreetCode,
        incidents.Select(i => i.Id).ToList(), incidents.Select(i => i.ServiceCode).Distinct().Order(StringComparer.Ordinal).ToList(),
        incidents.Select(i => leadByCategory.GetValueOrDefault(i.ServiceCode)).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList(),
        incidents[0].ReportedAt);
}
