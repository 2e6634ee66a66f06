using CommandCenter.Core.Data;
using CommandCenter.Core.Data.Bus;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org;
using CommandCenter.Core.Features.Rollups;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommandCenter.Core.Features.Situation;

/// <summary>
/// This node's live picture of the city. Loaded from PostgreSQL at start (unfinished incidents, today's reports,
/// rollups), then kept current from the event bus: changed incidents are re-read by id, so applying an event twice
/// is harmless. Refreshes start at most once per <see cref="SituationOptions.PublishInterval"/>, and subscribers hear of each new <see cref="Current"/>.
/// </summary>
public sealed class SituationState(
    SituationStore store, RollupStore rollups, RollupHeat rollupHeat, OrgStore org, EventBus bus, CityClock clock, IOptions<SituationOptions> options, ILogger<SituationState> logger)
    : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    private readonly Lock gate = new();
    private readonly Dictionary<long, OpenIncident> open = [];
    private readonly BacklogTally backlog = new();
    private readonly HashSet<long> today = [];
    private readonly HashSet<long> pending = [];
    private readonly SemaphoreSlim wake = new(0, 1);
    private Task lists = Task.CompletedTask;
    private bool listsShown;
    private List<Action> subscribers = [];
    private bool reloadAll = true;
    private DateOnly todayDay;
    private DateTimeOffset loadedAt, trendAt, ratesAt, listsAt, resyncAt;
    private bool listsDirty = true;
    private SituationKpis kpis = SituationSnapshot.Empty.Kpis;
    private SituationTrend trend = SituationSnapshot.Empty.Trend;
    private IReadOnlyList<Dispute> disputes = [];
    private IReadOnlyList<CompoundProblem> compounds = [];
    private IReadOnlyDictionary<string, string> leadByCategory = new Dictionary<string, string>();
    private readonly Dictionary<(HeatWindow, string), (DateTimeOffset At, IReadOnlyList<HeatCell> Cells)> heat = [];

    public SituationSnapshot Current { get; private set; } = SituationSnapshot.Empty;

    /// <summary>Called (on a background thread) after <see cref="Current"/> changed; at most a few times a second.</summary>
    public IDisposable Subscribe(Action changed)
    {
        lock (gate) subscribers = [.. subscribers, changed];
        return new Subscription(() => { lock (gate) subscribers = subscribers.Where(s => s != changed).ToList(); });
    }

    /// <summary>The unfinished incidents that match, oldest first (the console's drill-down behind a number).</summary>
    public IReadOnlyList<OpenIncident> OpenWhere(Func<OpenIncident, bool> match)
    {
        lock (gate) return open.Values.Where(match).OrderBy(i => i.ReportedAt).ToList();
    }

    /// <summary>Incidents reported per grid cell in the window ending now, optionally of some categories; cached for a second.</summary>
    public async Task<IReadOnlyList<HeatCell>> HeatAsync(HeatWindow window, IReadOnlyCollection<string>? serviceCodes, CancellationToken ct)
    {
        var key = (window, serviceCodes is null ? "" : string.Join(',', serviceCodes.Order(StringComparer.Ordinal)));
        var now = clock.UtcNow;
        lock (gate)
            if (heat.TryGetValue(key, out var hit) && now - hit.At < Tick) return hit.Cells;
        var span = window switch { HeatWindow.Hour => TimeSpan.FromHours(1), HeatWindow.Day => TimeSpan.FromDays(1), _ => TimeSpan.FromDays(7) };
        var cells = await rollupHeat.HeatAsync(now - span, now + RollupStore.Bucket, serviceCodes, ct);
        lock (gate)
        {
            if (heat.Count > 64) heat.Clear();
            heat[key] = (now, cells);
        }
        return cells;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = bus.Subscribe(Enqueue);
        while (!stoppingToken.IsCancellationRequested)
        {
            // Paced from the start of each refresh: a slow refresh (a busy database) does not add its time to the next wait.
            var started = clock.UtcNow;
            try
            {
                await RefreshAsync(stoppingToken, listsBeside: true);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Live situation refresh failed; retrying");
            }
            try { await wake.WaitAsync(Tick, stoppingToken); }
            catch (OperationCanceledException) { return; }
            // Let a burst gather: one refresh per publish interval however many events arrive.
            var rest = options.Value.PublishInterval - (clock.UtcNow - started);
            if (rest > TimeSpan.Zero) await Task.Delay(rest, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>Takes in a batch from the bus (on the bus's thread: only records the ids).</summary>
    public void Enqueue(IReadOnlyList<BusEvent> events)
    {
        var any = false;
        lock (gate)
        {
            foreach (var e in events.Where(e => e.Kind.StartsWith(BusKinds.IncidentPrefix, StringComparison.Ordinal)))
            {
                any = true;
                // A bulk load is cheaper to reload in full than id by id.
                if (e.Ids.Count > 20_000) reloadAll = true;
                else pending.UnionWith(e.Ids);
            }
        }
        if (any) Wake();
    }

    private void Wake()
    {
        if (wake.CurrentCount > 0) return;
        try { wake.Release(); } catch (SemaphoreFullException) { }
    }

    /// <summary>Brings the state up to date, disputes and compound problems included, and publishes a new snapshot.</summary>
    public Task RefreshAsync(CancellationToken ct) => RefreshAsync(ct, listsBeside: false);

    /// <param name="listsBeside">
    /// The service loop's way: disputes and compound problems (a few hundred ms at a megacity's backlog) are recomputed
    /// beside the loop, whose publishes keep their pace, and are published by the refresh after they finish.
    /// </param>
    private async Task RefreshAsync(CancellationToken ct, bool listsBeside)
    {
        var o = options.Value;
        var now = clock.UtcNow;
        // Everything the bus delivered before this read is in pending by now.
        var readAt = bus.LastReadAt;
        bool full;
        long[] ids;
        lock (gate)
        {
            full = reloadAll || now - resyncAt >= o.ResyncInterval || clock.DayOf(now) != todayDay;
            ids = [.. pending];
            pending.Clear();
            reloadAll = false;
        }
        if (full) await LoadAllAsync(now, ct);
        else if (ids.Length > 0) await ApplyAsync(ids, ct);

        if (full || now - trendAt >= o.TrendInterval) await RefreshTrendAsync(now, ct);
        if (full || now - ratesAt >= o.RatesInterval) await RefreshRatesAsync(now, ct);
        bool listsDue;
        lock (gate) listsDue = full || (listsDirty && now - listsAt >= o.ListsInterval) || now - listsAt >= TimeSpan.FromMinutes(1);
        if (listsDue && lists.IsCompleted) lists = listsBeside ? Task.Run(() => RefreshListsBesideAsync(now, ct), ct) : RefreshListsAsync(now, ct);
        // The first lists are awaited: a wall must not show "no disputes" for want of having looked.
        if (!listsBeside || !listsShown)
        {
            try
            {
                await lists;
            }
            catch
            {
                // Thrown once, and retried after the lists interval (not rethrown by every refresh until then).
                lists = Task.CompletedTask;
                lock (gate) listsDirty = true;
                throw;
            }
        }
        Publish(now, readAt ?? loadedAt);
    }

    private async Task LoadAllAsync(DateTimeOffset now, CancellationToken ct)
    {
        var categories = await org.ListCategoriesAsync(ct);
        var all = await store.LoadOpenAsync(ct);
        var day = clock.DayOf(now);
        var reported = await store.ReportedSinceAsync(clock.StartOf(day), ct);
        lock (gate)
        {
            leadByCategory = categories.ToDictionary(c => c.ServiceCode, c => c.LeadDepartment);
            open.Clear();
            backlog.Clear();
            foreach (var i in all) Put(i);
            today.Clear();
            today.UnionWith(reported);
            todayDay = day;
            loadedAt = resyncAt = now;
            listsDirty = true;
        }
    }

    private async Task ApplyAsync(long[] ids, CancellationToken ct)
    {
        foreach (var chunk in ids.Chunk(10_000))
        {
            var (stillOpen, finished, reported) = await store.LoadAsync(chunk, ct);
            var start = clock.StartOf(todayDay);
            lock (gate)
            {
                foreach (var id in finished)
                    if (open.Remove(id, out var gone)) backlog.Remove(gone);
                foreach (var i in stillOpen) Put(i);
                foreach (var (id, at) in reported)
                    if (at >= start) today.Add(id);
                listsDirty = true;
            }
        }
    }

    /// <summary>Adds or replaces an open incident (under the lock).</summary>
    private void Put(OpenIncident incident)
    {
        if (open.TryGetValue(incident.Id, out var old)) backlog.Remove(old);
        open[incident.Id] = incident;
        backlog.Add(incident);
    }

    private async Task RefreshListsBesideAsync(DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            await RefreshListsAsync(now, ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException && !ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "Live situation lists failed; retrying");
            lock (gate) listsDirty = true;
        }
        finally
        {
            Wake(); // the next refresh publishes the new lists
        }
    }

    private async Task RefreshTrendAsync(DateTimeOffset now, CancellationToken ct)
    {
        var start = clock.StartOf(clock.DayOf(now));
        var hours = await rollups.ReportedPerHourAsync(start, now + RollupStore.Bucket, ct);
        var lastWeek = await rollups.ReportedPerHourAsync(start.AddDays(-7), start.AddDays(-6), ct);
        var top = await rollups.TopCategoriesAsync(start, now + RollupStore.Bucket, 8, ct);
        var hoursSoFar = (int)Math.Floor((now - start).TotalHours) + 1;
        trend = new SituationTrend(PerHour(hours, start, Math.Min(hoursSoFar, 24)), PerHour(lastWeek, start.AddDays(-7), 24), top, now);
        trendAt = now;
    }

    private static int[] PerHour(IReadOnlyList<BucketCount> counts, DateTimeOffset start, int hours)
    {
        var result = new int[hours];
        foreach (var c in counts)
        {
            var h = (int)Math.Floor((c.Start - start).TotalHours);
            if (h >= 0 && h < hours) result[h] += c.Count;
        }
        return result;
    }

    private async Task RefreshRatesAsync(DateTimeOffset now, CancellationToken ct)
    {
        var day = clock.DayOf(now);
        var rates = await rollups.RatesAsync(day.AddDays(-29), day.AddDays(1), RateGroup.City, ct);
        kpis = kpis with { Rates30Days = rates.GetValueOrDefault("") ?? RateCounts.Zero, RatesAsOf = now };
        ratesAt = now;
    }

    private async Task RefreshListsAsync(DateTimeOffset now, CancellationToken ct)
    {
        var o = options.Value;
        OpenIncident[] all;
        IReadOnlyDictionary<string, string> leads;
        lock (gate)
        {
            all = [.. open.Values];
            leads = leadByCategory;
            listsDirty = false;
            listsAt = now;
        }
        var disputed = all.Where(i => i.IsDisputed(now))
            .OrderByDescending(i => i.Bounces).ThenBy(i => i.ReportedAt).ThenBy(i => i.Id).Take(o.ListLimit).ToList();
        var found = CompoundFinder.Find(all, leads, o.CompoundRadiusMetres, o.CompoundWindow, o.ListLimit);
        if (disputed.Count == 0)
        {
            lock (gate) (disputes, compounds, listsShown) = ([], found, true);
            return;
        }
        var ids = disputed.Select(i => i.Id).ToList();
        var chains = await store.BounceChainsAsync(ids, ct);
        var texts = await store.DescriptionsAsync(ids, ct);
        var history = await store.ResolvedByAsync(disputed.Select(i => (i.DistrictAdcode, i.ServiceCode)).Distinct().ToList(), clock.DayOf(now).AddDays(-90), ct);
        var listed = disputed.Select(i => new Dispute(i.Id, i.ServiceCode, i.DistrictAdcode, i.StreetCode, texts.GetValueOrDefault(i.Id, ""), i.Bounces,
            !i.LeadAccepted, i.ReportedAt, i.DueAt, chains.GetValueOrDefault(i.Id) ?? [], Suggest(history.GetValueOrDefault((i.DistrictAdcode, i.ServiceCode))))).ToList();
        lock (gate) (disputes, compounds, listsShown) = (listed, found, true);
    }

    private SuggestedLead Suggest(IReadOnlyList<(string Department, int Resolved)>? history)
    {
        var total = history?.Sum(h => h.Resolved) ?? 0;
        if (history is null || total < options.Value.SuggestionMinimum) return new SuggestedLead(null, 0, total, DistrictFallback: true);
        var best = history.OrderByDescending(h => h.Resolved).ThenBy(h => h.Department, StringComparer.Ordinal).First();
        return new SuggestedLead(best.Department, (double)best.Resolved / total, best.Resolved, DistrictFallback: false);
    }

    private void Publish(DateTimeOffset now, DateTimeOffset asOf)
    {
        List<Action> listeners;
        lock (gate)
        {
            var (cells, districts) = backlog.At(now);
            kpis = kpis with { ReportedToday = today.Count, Open = open.Count, Overdue = districts.Sum(d => d.Overdue) };
            Current = new SituationSnapshot(asOf, kpis, cells, districts, disputes, compounds, trend);
            listeners = subscribers;
        }
        foreach (var listener in listeners)
        {
            try { listener(); }
            catch (Exception e) { logger.LogError(e, "A live situation subscriber failed"); }
        }
    }
}
