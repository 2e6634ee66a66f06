using CommandCenter.Core.Features.Org;

namespace CommandCenter.Core.Features.Rollups;

/// <summary>
/// The heatmap's cells for any window, per node. Finished city days and finished hours are kept in memory, summed
/// from rollup_cell once and reloaded only when their version in rollup_cell_version moves (sql/0010); only the
/// unfinished edges (less than an hour at each end) are read from rollup_cell per call. A 30-day heatmap is then a
/// sum of about thirty in-memory days, whatever the incident count.
/// </summary>
public sealed class RollupHeat(RollupStore store, RollupGrid grid, CityClock clock, TimeProvider time)
{
    /// <summary>How stale a cached piece may be: versions are looked at again after this.</summary>
    public static readonly TimeSpan VersionCheck = TimeSpan.FromSeconds(2);

    // Pieces no window has used for this long are dropped.
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(15);

    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Dictionary<(DateTimeOffset From, DateTimeOffset To), Piece> pieces = [];
    private DateTimeOffset versionsCheckedAt = DateTimeOffset.MinValue;

    /// <summary>The UTC hours that [from, to) touches, as version keys.</summary>
    public static IEnumerable<DateTimeOffset> HoursOf(DateTimeOffset from, DateTimeOffset to)
    {
        for (var h = HourOf(from); h < to; h = h.AddHours(1)) yield return h;
    }

    /// <summary>Incidents reported per cell from the bucket holding <paramref name="from"/> up to <paramref name="to"/>, optionally of some categories only.</summary>
    public async Task<IReadOnlyList<HeatCell>> HeatAsync(DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<string>? serviceCodes, CancellationToken ct)
    {
        from = RollupStore.BucketStart(from);
        var plan = Plan(from, to, HourOf(time.GetUtcNow()));
        var cached = await CachedAsync(plan.Where(p => p.Kind != PieceKind.Live).ToList(), ct);
        var sums = new Dictionary<GridCell, int>();
        foreach (var piece in cached)
        {
            if (serviceCodes is null)
                piece.All.AddTo(sums);
            else
                foreach (var code in serviceCodes)
                    if (piece.ByCode.TryGetValue(code, out var counts)) counts.AddTo(sums);
        }
        foreach (var live in plan.Where(p => p.Kind == PieceKind.Live))
            foreach (var cell in await store.HeatAsync(live.From, live.To, serviceCodes, ct))
                sums[cell.Cell] = sums.GetValueOrDefault(cell.Cell) + cell.Count;
        return sums.Select(s => new HeatCell(s.Key, grid.CentreOf(s.Key), s.Value)).ToList();
    }

    private enum PieceKind { Day, Hour, Live }

    private sealed record Span(DateTimeOffset From, DateTimeOffset To, PieceKind Kind);

    /// <summary>
    /// Whole finished city days, then whole finished hours, and what is left (the current hour, a window edge that
    /// is not on an hour) read live.
    /// </summary>
    private List<Span> Plan(DateTimeOffset from, DateTimeOffset to, DateTimeOffset currentHour)
    {
        var plan = new List<Span>();
        for (var t = from; t < to;)
        {
            var dayEnd = clock.StartOf(clock.DayOf(t).AddDays(1));
            if (clock.StartOf(clock.DayOf(t)) == t && dayEnd <= to && dayEnd <= currentHour)
            {
                plan.Add(new Span(t, dayEnd, PieceKind.Day));
                t = dayEnd;
            }
            else if (HourOf(t) == t && t.AddHours(1) <= to && t.AddHours(1) <= currentHour)
            {
                plan.Add(new Span(t, t.AddHours(1), PieceKind.Hour));
                t = t.AddHours(1);
            }
            else
            {
                var end = HourOf(t).AddHours(1) is var next && next < to ? next : to;
                if (plan.Count > 0 && plan[^1] is { Kind: PieceKind.Live } last && last.To == t)
                    plan[^1] = last with { To = end };
                else
                    plan.Add(new Span(t, end, PieceKind.Live));
                t = end;
            }
        }
        return plan;
    }

    private async Task<List<Piece>> CachedAsync(List<Span> spans, CancellationToken ct)
    {
        if (spans.Count == 0) return [];
        var now = time.GetUtcNow();
        await gate.WaitAsync(ct);
        try
        {
            if (now - versionsCheckedAt >= VersionCheck)
            {
                await DropChangedAsync(ct);
                versionsCheckedAt = now;
            }
            var result = new List<Piece>(spans.Count);
            foreach (var span in spans)
            {
                if (!pieces.TryGetValue((span.From, span.To), out var piece))
                {
                    // The version first: a rewrite between the two reads shows as a newer version at the next check.
                    var versions = await store.CellVersionsAsync(span.From, span.To, ct);
                    piece = Piece.From(versions.Values.DefaultIfEmpty(0).Max(), await store.HeatByCodeAsync(span.From, span.To, ct));
                    pieces[(span.From, span.To)] = piece;
                }
                piece.UsedAt = now;
                result.Add(piece);
            }
            return result;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Drops pieces whose hours were rewritten since they were loaded, and pieces no one has used lately.</summary>
    private async Task DropChangedAsync(CancellationToken ct)
    {
        if (pieces.Count == 0) return;
        var versions = await store.CellVersionsAsync(pieces.Keys.Min(k => k.From), pieces.Keys.Max(k => k.To), ct);
        var now = time.GetUtcNow();
        foreach (var ((from, to), piece) in pieces.ToList())
        {
            var version = HoursOf(from, to).Select(h => versions.GetValueOrDefault(h)).Max();
            if (version != piece.Version || now - piece.UsedAt > Idle) pieces.Remove((from, to));
        }
    }

    private static DateTimeOffset HourOf(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerHour, TimeSpan.Zero);

    /// <summary>Counts per cell, as parallel arrays: compact, and quick to add up.</summary>
    private sealed record CellCounts(GridCell[] Cells, int[] Counts)
    {
        public static CellCounts Of(Dictionary<GridCell, int> counts) => new([.. counts.Keys], [.. counts.Values]);

        public void AddTo(Dictionary<GridCell, int> sums)
        {
            for (var i = 0; i < Cells.Length; i++)
                sums[Cells[i]] = sums.GetValueOrDefault(Cells[i]) + Counts[i];
        }
    }

    /// <summary>One finished day or hour: every category's cells, and all categories together.</summary>
    private sealed class Piece(long version, CellCounts all, Dictionary<string, CellCounts> byCode)
    {
        public long Version { get; } = version;
        public CellCounts All { get; } = all;
        public Dictionary<string, CellCounts> ByCode { get; } = byCode;
        public DateTimeOffset UsedAt { get; set; }

        public static Piece From(long version, IEnumerable<(GridCell Cell, string Code, int Count)> rows)
        {
            var all = new Dictionary<GridCell, int>();
            var byCode = new Dictionary<string, Dictionary<GridCell, int>>();
            foreach (var (cell, code, count) in rows)
            {
                all[cell] = all.GetValueOrDefault(cell) + count;
                if (!byCode.TryGetValue(code, out var cells)) byCode[code] = cells = [];
                cells[cell] = cells.GetValueOrDefault(cell) + count;
            }
            return new Piece(version, CellCounts.Of(all), byCode.ToDictionary(c => c.Key, c => CellCounts.Of(c.Value)));
        }
    }
}
