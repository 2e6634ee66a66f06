namespace CommandCenter.Core.Features.Situation;

/// <summary>
/// The open incidents counted per (lead department, district), kept as incidents come and go, so a publish costs the
/// number of cells rather than the number of open incidents (a megacity keeps 10^5 open). Overdue counts follow the
/// clock: <see cref="Cells"/> moves incidents whose due time has passed (or, if the clock went back, not yet come).
/// Not thread-safe: the live state calls it under its lock.
/// </summary>
public sealed class BacklogTally
{
    private static readonly Comparer<OpenIncident> ByDue = Comparer<OpenIncident>.Create((a, b) =>
        a.DueAt != b.DueAt ? a.DueAt.CompareTo(b.DueAt) : a.Id.CompareTo(b.Id));

    private readonly Dictionary<(string Department, string District), Tally> cells = [];
    private readonly SortedSet<OpenIncident> upcoming = new(ByDue);
    private readonly SortedSet<OpenIncident> overdue = new(ByDue);
    private DateTimeOffset asOf = DateTimeOffset.MinValue;

    public int Open { get; private set; }

    /// <summary>Counts an incident; remove it first with the record it was added as when it changes.</summary>
    public void Add(OpenIncident incident)
    {
        var tally = TallyOf(incident);
        tally.Open++;
        tally.ReportedTicks += incident.ReportedAt.UtcTicks;
        Open++;
        if (incident.IsOverdue(asOf)) { overdue.Add(incident); tally.Overdue++; }
        else upcoming.Add(incident);
    }

    public void Remove(OpenIncident incident)
    {
        var wasOverdue = overdue.Remove(incident);
        if (!wasOverdue && !upcoming.Remove(incident)) return;
        var tally = TallyOf(incident);
        if (wasOverdue) tally.Overdue--;
        tally.Open--;
        tally.ReportedTicks -= incident.ReportedAt.UtcTicks;
        Open--;
        if (tally.Open == 0) cells.Remove(Key(incident));
    }

    public void Clear()
    {
        cells.Clear();
        upcoming.Clear();
        overdue.Clear();
        Open = 0;
    }

    /// <summary>The matrix and the district loads at <paramref name="now"/>, in code order.</summary>
    public (List<BacklogCell> Cells, List<DistrictLoad> Districts) At(DateTimeOffset now)
    {
        Advance(now);
        var backlog = cells
            .Select(c => new BacklogCell(c.Key.Department, c.Key.District, c.Value.Open, c.Value.Overdue,
                TimeSpan.FromTicks(now.UtcTicks - (long)(c.Value.ReportedTicks / c.Value.Open))))
            .OrderBy(c => c.DepartmentCode, StringComparer.Ordinal).ThenBy(c => c.DistrictAdcode, StringComparer.Ordinal).ToList();
        var districts = backlog.GroupBy(c => c.DistrictAdcode)
            .Select(g => new DistrictLoad(g.Key, g.Sum(c => c.Open), g.Sum(c => c.Overdue)))
            .OrderBy(d => d.DistrictAdcode, StringComparer.Ordinal).ToList();
        return (backlog, districts);
    }

    private void Advance(DateTimeOffset now)
    {
        while (upcoming.Count > 0 && upcoming.Min!.IsOverdue(now)) Move(upcoming.Min!, upcoming, overdue, +1);
        while (overdue.Count > 0 && !overdue.Max!.IsOverdue(now)) Move(overdue.Max!, overdue, upcoming, -1);
        asOf = now;
    }

    private void Move(OpenIncident incident, SortedSet<OpenIncident> from, SortedSet<OpenIncident> to, int overdueChange)
    {
        from.Remove(incident);
        to.Add(incident);
        TallyOf(incident).Overdue += overdueChange;
    }

    private static (string, string) Key(OpenIncident i) => (i.LeadDepartment ?? "", i.DistrictAdcode);

    private Tally TallyOf(OpenIncident incident)
    {
        var key = Key(incident);
        if (!cells.TryGetValue(key, out var tally)) cells[key] = tally = new Tally();
        return tally;
    }

    private sealed class Tally
    {
        public int Open;
        public int Overdue;
        public Int128 ReportedTicks;
    }
}
