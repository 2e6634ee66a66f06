using CommandCenter.Testing;
using static CommandCenter.Benchmarks.Figures;

namespace CommandCenter.Benchmarks;

/// <summary>
/// Wall staleness: the app process is killed → the wall page shows itself stale (<c>wall--stale</c> on <c>#wall</c>)
/// after N s (goal ≤ 10 s). A MutationObserver in the page stamps the change with <c>performance.timeOrigin +
/// performance.now()</c>; the kill is stamped with <see cref="DateTimeOffset.UtcNow"/> just before it; the clocks'
/// offset is measured and taken off. One app start and kill per run (<c>--runs</c>).
/// </summary>
public sealed class StaleBenchmark : IBenchmark
{
    private const string Observe = """
        () => {
            const wall = document.getElementById('wall');
            new MutationObserver(() => {
                if (window.__ccStale === undefined && wall.classList.contains('wall--stale')) window.__ccStale = performance.timeOrigin + performance.now();
                if (window.__ccReconnecting === undefined && wall.dataset.connection === 'reconnecting') window.__ccReconnecting = performance.timeOrigin + performance.now();
            }).observe(wall, { attributes: true });
        }
        """;

    public string Name => "stale";

    public async Task RunAsync(BenchContext context, CancellationToken ct)
    {
        await using var db = await context.CreateDatabaseAsync(ct);
        await using var browser = await BenchBrowser.LaunchAsync();
        var stale = new List<double>();
        for (var run = 1; run <= context.Options.Runs; run++)
        {
            var app = await BenchBrowser.StartAppAsync(db, ct);
            await using var c = await browser.NewContextAsync(app.BaseUrl);
            var page = await c.NewPageAsync();
            await BenchBrowser.DeviceSignInAsync(page);
            await page.GotoAsync("/wall?kiosk=1");
            await page.Locator("#wall[data-loaded=true][data-connection=live]").WaitForAsync();
            await page.WaitForTimeoutAsync(2000);
            await page.EvaluateAsync(Observe);
            var offset = await BenchBrowser.ClockOffsetAsync(page);

            var killed = BenchBrowser.EpochMs(DateTimeOffset.UtcNow);
            await app.DisposeAsync(); // killed, as a crash or a pulled cable would
            await page.WaitForFunctionAsync("() => window.__ccStale !== undefined", null, new() { Timeout = 60_000 });
            var staleAt = await page.EvaluateAsync<double>("() => window.__ccStale") - offset.OffsetMs;
            var reconnectingAt = await page.EvaluateAsync<double?>("() => window.__ccReconnecting ?? null");
            stale.Add((staleAt - killed) / 1000);
            Console.WriteLine($"  run {run}: stale after {F((staleAt - killed) / 1000)} s" +
                (reconnectingAt is { } r ? $" (reconnecting after {F((r - offset.OffsetMs - killed) / 1000)} s)" : "") +
                $"; clock offset {F(offset.OffsetMs)} ms; {Load()}");
        }
        Console.WriteLine($"Wall staleness: app killed -> wall shows stale after median {F(Median(stale))} s, max {F(stale.Max())} s " +
            $"({stale.Count} runs; goal <= 10 s); {Load()}");
    }
}
