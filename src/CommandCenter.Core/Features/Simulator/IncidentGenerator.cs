using System.Text.Json;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org;
using CommandCenter.Core.Features.Org.Geo;

namespace CommandCenter.Core.Features.Simulator;

public enum StepKind { Accept, Return, Reassign, Resolve, Close }

/// <summary>One future step of an incident's life; <see cref="DepartmentCode"/> is the department acting or (reassign) the new lead.</summary>
public sealed record PlannedStep(DateTimeOffset At, StepKind Kind, string? DepartmentCode, string? Text = null, bool Solved = false, Satisfaction? Satisfaction = null);

/// <summary>An incident and the whole life it will have. <see cref="Cluster"/> numbers the compound problem it belongs to, if any.</summary>
public sealed record PlannedIncident(
    string ServiceCode, string Description, string Address, GeoPoint Point, string DistrictAdcode, string StreetCode, SlaTier Tier,
    DateTimeOffset ReportedAt, DateTimeOffset DueAt, string LeadDepartment, IReadOnlyList<PlannedStep> Steps, int? Cluster = null);

/// <summary>
/// Makes Beijing-like incidents and their lifecycles from a seed. Pure: no I/O, no clock; the same inputs, seed
/// and calls give the same output. Points are jittered around street units' approximate points and checked
/// with <see cref="IncidentLocator"/> to lie in the unit's district; the unit's code is then supplied
/// (street source "supplied"), as a 12345 operator records the street the caller names.
/// </summary>
public sealed partial class IncidentGenerator
{
    public const string ReporterActor = "simulator";
    public const string CommanderActor = "simulator-commander";

    private const int PoolSize = 48;
    private const double SpreadMetres = 300;
    private const double MetresPerDegreeLat = 111_320;

    /// <summary>How often, on the simulated clock, a new compound problem starts in the live stream.</summary>
    public static readonly TimeSpan ClusterEvery = TimeSpan.FromHours(4);

    /// <summary>A live compound problem's reports arrive over this long.</summary>
    private static readonly TimeSpan ClusterSpan = TimeSpan.FromHours(2);

    private readonly int seed;
    private readonly Random rng;
    private readonly Dictionary<long, List<PlannedIncident>> liveClusters = [];
    private readonly WorkingCalendar calendar;
    private readonly TimeZoneInfo zone;
    private readonly IncidentLocator locator;
    private readonly Dictionary<string, Category> categories;
    private readonly (Category Category, double Weight, string[] Texts)[] shares;
    private readonly District[] districts;
    private readonly double districtTotal;
    private readonly double hourTotal = BeijingProfile.HourWeights.Sum();

    public IncidentGenerator(IEnumerable<Category> categories, IEnumerable<StreetUnit> units, IncidentLocator locator, WorkingCalendar calendar, TimeZoneInfo zone, int seed)
    {
        this.seed = seed;
        rng = new Random(seed);
        this.calendar = calendar;
        this.zone = zone;
        this.locator = locator;
        this.categories = categories.ToDictionary(c => c.ServiceCode);
        shares = BeijingProfile.Categories.Where(c => this.categories.ContainsKey(c.ServiceCode))
            .Select(c => (this.categories[c.ServiceCode], c.Weight, c.Texts)).ToArray();
        if (shares.Length == 0) throw new InvalidOperationException("None of the simulator's categories is in the catalogue.");

        var ordered = units.OrderBy(u => u.Code, StringComparer.Ordinal).ToArray();
        districts = ordered.GroupBy(u => u.DistrictAdcode).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => BuildDistrict(g.Key, g.ToArray(), seed))
            .Where(d => d.Units.Length > 0)
            .ToArray();
        if (districts.Length == 0) throw new InvalidOperationException("No street unit has a point inside its district.");
        districtTotal = districts.Sum(d => d.Weight);
    }

    /// <summary>Incidents reported in [<paramref name="from"/>, <paramref name="to"/>), in time order, at about <paramref name="perDay"/> a day.</summary>
    public IEnumerable<PlannedIncident> Generate(DateTimeOffset from, DateTimeOffset to, double perDay) => Generate(from, to, perDay, []);

    /// <summary>
    /// <see cref="Generate(DateTimeOffset, DateTimeOffset, double)"/> plus 3–5 compound problems (finished road not
    /// handed over, street vending, dark street lights, garbage at one place, three owners) in different districts.
    /// </summary>
    public IEnumerable<PlannedIncident> GenerateWithClusters(DateTimeOffset from, DateTimeOffset to, double perDay) =>
        Generate(from, to, perDay, PlanClusters(from, to));

    /// <summary>
    /// The live stream: <see cref="Generate(DateTimeOffset, DateTimeOffset, double)"/> plus one compound problem starting in
    /// every <see cref="ClusterEvery"/> of simulated time, its reports arriving over two hours. Each cluster comes from the
    /// seed and its time slot only, so the same seed gives the same clusters however the ticks fall.
    /// </summary>
    public IEnumerable<PlannedIncident> GenerateLive(DateTimeOffset from, DateTimeOffset to, double perDay) =>
        Generate(from, to, perDay, LiveClusters(from, to));

    private IEnumerable<PlannedIncident> Generate(DateTimeOffset from, DateTimeOffset to, double perDay, List<PlannedIncident> extra)
    {
        var hourStart = new DateTimeOffset(from.UtcTicks - from.UtcTicks % TimeSpan.TicksPerHour, TimeSpan.Zero);
        var bucket = new List<PlannedIncident>();
        for (var start = hourStart; start < to; start = start.AddHours(1))
        {
            var end = start.AddHours(1);
            var lo = start < from ? from : start;
            var hi = end > to ? to : end;
            if (hi <= lo) continue;
            var local = TimeZoneInfo.ConvertTime(lo, zone);
            var weekend = local.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            var expected = perDay * BeijingProfile.HourWeights[local.Hour] / hourTotal * (weekend ? BeijingProfile.WeekendFactor : 1)
                * (hi - lo).TotalHours;
            var count = (int)expected + (rng.NextDouble() < expected - Math.Floor(expected) ? 1 : 0);
            var times = new DateTimeOffset[count];
            for (var i = 0; i < count; i++) times[i] = Millis(lo.AddTicks((long)(rng.NextDouble() * (hi - lo).Ticks)));
            Array.Sort(times);
            bucket.Clear();
            foreach (var at in times) bucket.Add(Next(at));
            bucket.AddRange(extra.Where(e => e.ReportedAt >= lo && e.ReportedAt < hi));
            foreach (var incident in bucket.OrderBy(i => i.ReportedAt)) yield return incident;
        }
    }

    /// <summary>One ordinary incident reported at <paramref name="at"/>.</summary>
    public PlannedIncident Next(DateTimeOffset at)
    {
        var (category, texts) = PickCategory(at);
        var district = Pick(rng, districts, districtTotal, d => d.Weight);
        var unit = Pick(rng, district.Units, district.UnitTotal, u => u.Weight);
        // Spread around a pool point, so that unrelated incidents do not stack up at one spot (a false compound problem).
        var near = unit.Pool[rng.Next(unit.Pool.Length)];
        var point = Jitter(near, SpreadMetres, unit.Street) ?? near;
        var description = string.Format(texts[rng.Next(texts.Length)], unit.Street.NameZh);
        return Plan(rng, category, description, point, unit.Street, at, cluster: null);
    }

    /// <summary>
    /// The incident as it stands at <paramref name="asOf"/> (only the steps taken by then), ready for the bulk
    /// writer, and the steps still to come.
    /// </summary>
    public static (BulkIncident Incident, IReadOnlyList<PlannedStep> Remaining) Materialize(PlannedIncident plan, DateTimeOffset asOf)
    {
        var status = IncidentStatus.Assigned;
        int bounces = 0;
        DateTimeOffset updated = plan.ReportedAt;
        DateTimeOffset? responded = null, resolved = null, closed = null;
        bool? solved = null;
        Satisfaction? satisfaction = null;
        var assignments = new List<BulkAssignment> { new(plan.LeadDepartment, AssignmentRole.Lead, AssignmentStatus.Pending, plan.ReportedAt, ReporterActor) };
        var timeline = new List<BulkTimelineEntry>
        {
            new(plan.ReportedAt, ReporterActor, "reported", null, Json(new { source = IncidentCodes.Code(IncidentSource.Simulator) })),
            new(plan.ReportedAt, ReporterActor, "assigned", plan.LeadDepartment, Json(new { role = "lead" })),
        };
        var taken = 0;
        foreach (var step in plan.Steps)
        {
            if (step.At > asOf) break;
            taken++;
            updated = step.At;
            var current = assignments[^1];
            switch (step.Kind)
            {
                case StepKind.Accept:
                    assignments[^1] = current with { Status = AssignmentStatus.Accepted, AcceptedAt = step.At };
                    status = IncidentStatus.Accepted;
                    responded ??= step.At;
                    timeline.Add(new(step.At, DepartmentActor(current.DepartmentCode), "accepted", current.DepartmentCode, null));
                    break;
                case StepKind.Return:
                    assignments[^1] = current with { Status = AssignmentStatus.Returned, ReturnedAt = step.At, ReturnReason = step.Text };
                    status = IncidentStatus.Open;
                    bounces++;
                    timeline.Add(new(step.At, DepartmentActor(current.DepartmentCode), "returned", current.DepartmentCode, Json(new { reason = step.Text })));
                    break;
                case StepKind.Reassign:
                    assignments.Add(new(step.DepartmentCode!, AssignmentRole.Lead, AssignmentStatus.Pending, step.At, CommanderActor));
                    status = IncidentStatus.Assigned;
                    timeline.Add(new(step.At, CommanderActor, "assigned", step.DepartmentCode, Json(new { role = "lead" })));
                    break;
                case StepKind.Resolve:
                    assignments[^1] = current with { Status = AssignmentStatus.Resolved, ResolvedAt = step.At, ResolutionNote = step.Text };
                    status = IncidentStatus.Resolved;
                    resolved = step.At;
                    timeline.Add(new(step.At, DepartmentActor(current.DepartmentCode), "resolved", current.DepartmentCode, Json(new { note = step.Text })));
                    break;
                case StepKind.Close:
                    status = IncidentStatus.Closed;
                    closed = step.At;
                    solved = step.Solved;
                    satisfaction = step.Satisfaction;
                    timeline.Add(new(step.At, ReporterActor, "closed", null,
                        Json(new { solved = step.Solved, satisfaction = IncidentCodes.Code(step.Satisfaction!.Value) })));
                    break;
            }
        }
        var incident = new BulkIncident(IncidentSource.Simulator, null, plan.ServiceCode, plan.Description, plan.Address, plan.Point,
            plan.DistrictAdcode, plan.StreetCode, StreetSource.Supplied, status, plan.Tier, bounces, plan.ReportedAt, updated, plan.DueAt,
            responded, resolved, closed, solved, satisfaction, null, null, assignments, timeline);
        return (incident, plan.Steps.Skip(taken).ToList());
    }

    public static string DepartmentActor(string departmentCode) => $"simulator-{departmentCode}";

    private static string Json(object value) => JsonSerializer.Serialize(value);

    private PlannedIncident Plan(Random random, Category category, string description, GeoPoint point, StreetUnit unit, DateTimeOffset at,
        int? cluster, int forcedBounces = -1)
    {
        var due = calendar.DueAt(at, category.SlaTier);
        var steps = new List<PlannedStep>();
        var window = ThreeRateFormulas.ResponseWindow(category.SlaTier);
        var t = at;
        var owner = category.LeadDepartment;
        // 7.5 % bounce once; a fifth of those (≈ 1.5 %) are disputes bounced again by the next, equally wrong, owner.
        var bounces = forcedBounces >= 0 ? forcedBounces : random.NextDouble() < 0.075 ? (random.NextDouble() < 0.2 ? 2 : 1) : 0;
        var wrongOwners = WrongOwners(category);
        for (var b = 0; b < bounces; b++)
        {
            t = AddReturn(random, steps, t, owner, window);
            // After the last bounce the commander finds the right owner; before it, the next owner is as wrong as the first.
            owner = b == bounces - 1 ? FinalOwner(category.LeadDepartment, owner) : wrongOwners[random.Next(wrongOwners.Length)];
            steps.Add(new(t, StepKind.Reassign, owner));
        }
        t = AddAccept(random, steps, t, owner, window);
        t = AddResolve(random, steps, t, owner, at, due);
        AddClose(random, steps, t);

        var address = $"北京市{BeijingProfile.DistrictNames.GetValueOrDefault(unit.DistrictAdcode, "")}{unit.NameZh}";
        return new PlannedIncident(category.ServiceCode, description, address, point, unit.DistrictAdcode, unit.Code, category.SlaTier,
            at, due, category.LeadDepartment, steps, cluster);
    }

    /// <summary>A bounce by <paramref name="owner"/> (sometimes after accepting), then the commander's pause before reassigning.</summary>
    private static DateTimeOffset AddReturn(Random random, List<PlannedStep> steps, DateTimeOffset t, string owner, TimeSpan window)
    {
        t = After(t, window * (0.02 + random.NextDouble() * 0.5));
        if (random.NextDouble() < 0.3)
        {
            steps.Add(new(t, StepKind.Accept, owner));
            t = After(t, TimeSpan.FromMinutes(10 + random.NextDouble() * 120));
        }
        steps.Add(new(t, StepKind.Return, owner, BeijingProfile.ReturnReasons[random.Next(BeijingProfile.ReturnReasons.Length)]));
        return After(t, TimeSpan.FromMinutes(5 + random.NextDouble() * 55));
    }

    /// <summary>94 % accept within the response window.</summary>
    private static DateTimeOffset AddAccept(Random random, List<PlannedStep> steps, DateTimeOffset t, string owner, TimeSpan window)
    {
        var onTimeResponse = random.NextDouble() < 0.94;
        t = After(t, window * (onTimeResponse ? 0.02 + random.NextDouble() * 0.5 : 1.05 + random.NextDouble()));
        steps.Add(new(t, StepKind.Accept, owner));
        return t;
    }

    /// <summary>About 10 % are resolved after their due time; one accepted past its due time still takes a while.</summary>
    private static DateTimeOffset AddResolve(Random random, List<PlannedStep> steps, DateTimeOffset t, string owner, DateTimeOffset at, DateTimeOffset due)
    {
        var resolveAt = random.NextDouble() < 0.10
            ? due + (due - at) * (0.05 + random.NextDouble() * 0.5)
            : t + (due - t) * (0.05 + 0.9 * Math.Pow(random.NextDouble(), 2));
        t = After(t, resolveAt > t ? resolveAt - t : TimeSpan.FromMinutes(30 + random.NextDouble() * 210));
        steps.Add(new(t, StepKind.Resolve, owner, BeijingProfile.ResolutionNotes[random.Next(BeijingProfile.ResolutionNotes.Length)]));
        return t;
    }

    /// <summary>The return visit: 90 % solved, satisfaction mostly positive.</summary>
    private static void AddClose(Random random, List<PlannedStep> steps, DateTimeOffset t)
    {
        t = After(t, TimeSpan.FromHours(1 + random.NextDouble() * 29));
        var solved = random.NextDouble() < 0.9;
        var roll = random.NextDouble();
        var satisfaction = solved
            ? roll < 0.65 ? Satisfaction.Satisfied : roll < 0.92 ? Satisfaction.BasicallySatisfied : Satisfaction.Unsatisfied
            : roll < 0.3 ? Satisfaction.BasicallySatisfied : Satisfaction.Unsatisfied;
        steps.Add(new(t, StepKind.Close, null, Solved: solved, Satisfaction: satisfaction));
    }

    /// <summary>Strictly later, whole milliseconds (PostgreSQL keeps microseconds; this keeps round trips exact).</summary>
    private static DateTimeOffset After(DateTimeOffset t, TimeSpan delay)
    {
        var ms = Math.Max(1, (long)delay.TotalMilliseconds);
        return t.AddMilliseconds(ms);
    }

    private static DateTimeOffset Millis(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);

    private static string[] WrongOwners(Category category) =>
        category.SupportDepartments.Count > 0 ? category.SupportDepartments.ToArray() : [BeijingProfile.TerritorialDepartment];

    /// <summary>No clear owner → the district government takes it (区政府兜底); if it was the one bouncing, the category's lead.</summary>
    private static string FinalOwner(string lead, string last) =>
        last != BeijingProfile.TerritorialDepartment ? BeijingProfile.TerritorialDepartment : lead;

    private bool HasClusterCategories => BeijingProfile.ClusterCategories.All(categories.ContainsKey);

    private List<PlannedIncident> PlanClusters(DateTimeOffset from, DateTimeOffset to)
    {
        var plans = new List<PlannedIncident>();
        if (!HasClusterCategories || to <= from) return plans;
        var count = rng.Next(3, 6);
        var used = new HashSet<string>();
        for (var c = 0; c < count && used.Count < districts.Length; c++)
        {
            District district;
            do district = Pick(rng, districts, districtTotal, d => d.Weight); while (!used.Add(district.Adcode));
            plans.AddRange(PlanCluster(rng, district, c + 1, from, to));
        }
        return plans;
    }

    private List<PlannedIncident> LiveClusters(DateTimeOffset from, DateTimeOffset to)
    {
        var plans = new List<PlannedIncident>();
        if (!HasClusterCategories || to <= from) return plans;
        for (var slot = (from - ClusterSpan).UtcTicks / ClusterEvery.Ticks; slot <= to.UtcTicks / ClusterEvery.Ticks; slot++)
            plans.AddRange(LiveCluster(slot).Where(p => p.ReportedAt >= from && p.ReportedAt < to));
        return plans;
    }

    /// <summary>The compound problem that starts in time slot <paramref name="slot"/> (of <see cref="ClusterEvery"/>), from the seed alone.</summary>
    private List<PlannedIncident> LiveCluster(long slot)
    {
        if (liveClusters.TryGetValue(slot, out var cached)) return cached;
        var random = new Random(StableSeed(seed, slot));
        var start = Millis(new DateTimeOffset(slot * ClusterEvery.Ticks, TimeSpan.Zero).AddTicks((long)(random.NextDouble() * ClusterEvery.Ticks)));
        var plans = PlanCluster(random, Pick(random, districts, districtTotal, d => d.Weight), (int)slot, start, start + ClusterSpan);
        if (liveClusters.Count >= 8) liveClusters.Remove(liveClusters.Keys.Min());
        return liveClusters[slot] = plans;
    }

    /// <summary>The founding example at one place in <paramref name="district"/>: each of its categories reported 1–3 times in [from, to).</summary>
    private List<PlannedIncident> PlanCluster(Random random, District district, int number, DateTimeOffset from, DateTimeOffset to)
    {
        var plans = new List<PlannedIncident>();
        var unit = Pick(random, district.Units, district.UnitTotal, u => u.Weight);
        var center = unit.Pool[random.Next(unit.Pool.Length)];
        foreach (var code in BeijingProfile.ClusterCategories)
        {
            var category = categories[code];
            var reports = 1 + random.Next(3);
            for (var r = 0; r < reports; r++)
            {
                var at = Millis(from.AddTicks((long)(random.NextDouble() * (to - from).Ticks)));
                var point = Jitter(center, 30, unit.Street, random) ?? center;
                var text = string.Format(BeijingProfile.ClusterTexts[code], unit.Street.NameZh);
                // Nobody owns a road that was never handed over: its reports bounce twice before the district takes them.
                plans.Add(Plan(random, category, text, point, unit.Street, at, number, code == "road-not-handed-over" ? 2 : -1));
            }
        }
        return plans;
    }

    /// <summary>A seed from two numbers that is the same in every process (unlike HashCode.Combine, which is randomized per process).</summary>
    internal static int StableSeed(int seed, long value)
    {
        unchecked
        {
            var x = (ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)value;
            x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
            x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
            return (int)(x ^ (x >> 31));
        }
    }

    private (Category, string[]) PickCategory(DateTimeOffset at)
    {
        var heating = BeijingProfile.IsHeatingSeason(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime));
        double Weight((Category Category, double Weight, string[] Texts) s) =>
            s.Category.ServiceCode == "heating" && !heating ? BeijingProfile.HeatingOffSeason : s.Weight;
        var pick = Pick(rng, shares, shares.Sum(Weight), Weight);
        return (pick.Category, pick.Texts);
    }

    private static T Pick<T>(Random random, T[] items, double total, Func<T, double> weight)
    {
        var x = random.NextDouble() * total;
        foreach (var item in items)
        {
            x -= weight(item);
            if (x < 0) return item;
        }
        return items[^1];
    }

    /// <summary>A point up to about <paramref name="metres"/> from <paramref name="center"/> in the unit's district, or null.</summary>
    private GeoPoint? Jitter(GeoPoint center, double metres, StreetUnit unit, Random? random = null)
    {
        random ??= rng;
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var r = metres * Math.Sqrt(random.NextDouble());
            var angle = random.NextDouble() * 2 * Math.PI;
            var lat = center.Lat + r * Math.Sin(angle) / MetresPerDegreeLat;
            var lon = center.Lon + r * Math.Cos(angle) / (MetresPerDegreeLat * Math.Cos(center.Lat * Math.PI / 180));
            var p = new GeoPoint(Math.Round(lon, 6), Math.Round(lat, 6));
            if (locator.Locate(p, Datum.Wgs84, unit.Code) is LocationResult.Located) return p;
        }
        return null;
    }

    /// <summary>
    /// Hotspots: urban subdistricts weigh twice a town, and three units per district (chosen by the seed) four
    /// times more — the busy estates and markets every district has.
    /// </summary>
    private District BuildDistrict(string adcode, StreetUnit[] units, int seed)
    {
        var random = new Random(StableSeed(seed, int.Parse(adcode)));
        var hot = new HashSet<int>();
        while (hot.Count < Math.Min(3, units.Length)) hot.Add(random.Next(units.Length));
        var placed = new List<Unit>();
        for (var i = 0; i < units.Length; i++)
        {
            var u = units[i];
            var radius = u.Kind is StreetUnitKind.Subdistrict or StreetUnitKind.Area ? 900 : 2500;
            var pool = new List<GeoPoint>();
            for (var n = 0; n < PoolSize; n++)
                if (Jitter(u.Point, radius, u, random) is { } p) pool.Add(p);
            if (pool.Count == 0 && locator.Locate(u.Point, Datum.Wgs84, u.Code) is LocationResult.Located) pool.Add(u.Point);
            if (pool.Count == 0) continue;
            var weight = (u.Kind is StreetUnitKind.Subdistrict or StreetUnitKind.Area ? 2 : 1) * (hot.Contains(i) ? 4 : 1);
            placed.Add(new Unit(u, weight, pool.ToArray()));
        }
        var arr = placed.ToArray();
        return new District(adcode, BeijingProfile.DistrictPopulation.GetValueOrDefault(adcode, 30), arr, arr.Sum(u => u.Weight));
    }

    private sealed record Unit(StreetUnit Street, double Weight, GeoPoint[] Pool);

    private sealed record District(string Adcode, double Weight, Unit[] Units, double UnitTotal);
}
