namespace CommandCenter.Core.Features.Simulator;

public sealed partial class IncidentGenerator
{
    /// <summary>What a rainstorm makes people report, and how much of each.</summary>
    public static readonly IReadOnlyList<(string ServiceCode, double Weight, string Text)> RainCategories =
    [
        ("waterlogging", 5, "{0}暴雨后路段积水严重，车辆涉水熄火"),
        ("water-main", 2, "{0}暴雨中路面水管爆裂冒水"),
        ("road-damage", 3, "{0}暴雨冲刷路面塌陷坑洼"),
    ];

    /// <summary>
    /// The extra reports of a rainstorm in [<paramref name="from"/>, <paramref name="to"/>): about
    /// <paramref name="perDistrictPerHour"/> in each of <paramref name="districts"/>, of <see cref="RainCategories"/>, in time order.
    /// </summary>
    public IEnumerable<PlannedIncident> GenerateRain(DateTimeOffset from, DateTimeOffset to, IReadOnlyList<string> districts, double perDistrictPerHour)
    {
        var kinds = RainCategories.Where(c => categories.ContainsKey(c.ServiceCode)).ToArray();
        if (kinds.Length == 0 || to <= from || perDistrictPerHour <= 0) return [];
        var total = kinds.Sum(k => k.Weight);
        var plans = new List<PlannedIncident>();
        foreach (var district in this.districts.Where(d => districts.Contains(d.Adcode)))
        {
            var expected = perDistrictPerHour * (to - from).TotalHours;
            var count = (int)expected + (rng.NextDouble() < expected - Math.Floor(expected) ? 1 : 0);
            for (var i = 0; i < count; i++)
            {
                var kind = Pick(rng, kinds, total, k => k.Weight);
                var unit = Pick(rng, district.Units, district.UnitTotal, u => u.Weight);
                var near = unit.Pool[rng.Next(unit.Pool.Length)];
                var at = Millis(from.AddTicks((long)(rng.NextDouble() * (to - from).Ticks)));
                plans.Add(Plan(rng, categories[kind.ServiceCode], string.Format(kind.Text, unit.Street.NameZh), Jitter(near, SpreadMetres, unit.Street) ?? near,
                    unit.Street, at, cluster: null));
            }
        }
        return plans.OrderBy(p => p.ReportedAt);
    }
}
