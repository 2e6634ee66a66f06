using System.Diagnostics;
using CommandCenter.Core.Data.Bus;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Situation;
using CommandCenter.Testing;
using Microsoft.Extensions.DependencyInjection;
using static CommandCenter.Benchmarks.Figures;

namespace CommandCenter.Benchmarks;

/// <summary>
/// The live state at a megacity's backlog: <c>--incidents</c> (default 920,000: two weeks of Beijing's hotline) reported
/// over the 14 days up to now, as they stand now, so the unfinished ones are the backlog the simulator's rhythm leaves.
/// Times <see cref="SituationState.RefreshAsync"/>, which the node runs up to 4×/s while incidents change: the first
/// load, a refresh with nothing changed (the publish: matrix, district loads, KPIs), one with 200 incidents changed,
/// and one that also recomputes disputes and compound problems (every 5 s while incidents change).
/// </summary>
public sealed class LiveStateBenchmark : IBenchmark
{
    private const int Changed = 200;
    private const int Samples = 20;

    public string Name => "live";

    public async Task RunAsync(BenchContext context, CancellationToken ct)
    {
        var count = context.Options.Incidents ?? 920_000;
        await using var db = await context.CreateDatabaseAsync(ct);
        await using var sp = CoreServices.Create(db.ConnectionString);
        var now = DateTimeOffset.UtcNow;
        var rows = BenchContext.Span(await Generators.CreateAsync(sp, ct: ct), count, 14, now);
        var written = await sp.GetRequiredService<IncidentBulkWriter>().WriteAsync(rows, ct);
        Console.WriteLine($"Incidents: {N(written.IncidentIds.Count)} over 14 days, written in {F(written.Elapsed.TotalSeconds, 1)} s");

        // Lists on every refresh in the second node, so its refresh times include them.
        await using var listing = CoreServices.Create(db.ConnectionString, new Dictionary<string, string?> { ["Situation:ListsInterval"] = "00:00:00" });
        foreach (var (label, provider) in new[] { ("refresh", sp), ("refresh + lists", listing) })
        {
            var state = provider.GetRequiredService<SituationState>();
            var watch = Stopwatch.StartNew();
            await state.RefreshAsync(ct);
            var load = watch.Elapsed.TotalMilliseconds;
            var open = state.OpenWhere(_ => true).Select(i => i.Id).ToArray();
            var idle = await TimeAsync(state, () => { }, ct);
            var random = new Random(7);
            var changed = await TimeAsync(state, () => state.Enqueue(
                [new BusEvent(0, 0, BusKinds.IncidentChanged, random.GetItems(open, Changed), DateTimeOffset.UtcNow)]), ct);
            var snapshot = state.Current;
            if (label == "refresh")
                Console.WriteLine($"Backlog: {N(snapshot.Kpis.Open)} open ({N(snapshot.Kpis.Overdue)} overdue), {N(snapshot.Backlog.Count)} matrix cells, " +
                    $"{snapshot.Disputes.Count} disputes, {snapshot.Compounds.Count} compound problems listed; first load {F(load, 0)} ms");
            Console.WriteLine($"  {label}, nothing changed: {Spread(idle, 50, 95)}");
            Console.WriteLine($"  {label}, {Changed} incidents changed: {Spread(changed, 50, 95)}");
            if (label == "refresh")
                Console.WriteLine($"Live state CPU in a storm (4 refreshes/s): {F(Median(changed) * 4 / 10, 1)} % of a core without lists");
        }
    }

    private static async Task<List<double>> TimeAsync(SituationState state, Action before, CancellationToken ct)
    {
        var ms = new List<double>();
        for (var i = 0; i < Samples; i++)
        {
            before();
            var watch = Stopwatch.StartNew();
            await state.RefreshAsync(ct);
            ms.Add(watch.Elapsed.TotalMilliseconds);
        }
        return ms;
    }
}
