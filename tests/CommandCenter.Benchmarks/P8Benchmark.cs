using CommandCenter.Testing;
using Microsoft.Playwright;
using static CommandCenter.Benchmarks.Figures;

namespace CommandCenter.Benchmarks;

/// <summary>
/// P8: the wall's first render, cold, over loopback: from navigation start to the open KPI tile showing a number
/// (goal ≤ 1.5 s), and the bytes shipped (goal ≤ 1.5 MB): the transfer size (compressed as sent, headers included) of
/// every HTTP response until the network is idle, fonts and geo data included, plus the WebSocket frames of the
/// circuit. Each run is a new browser context (empty HTTP cache) carrying only the wall device's sign-in cookie,
/// which another context obtained. Run 1 is also the app's first wall page (server-side cold); the median is over
/// all <c>--runs</c>.
/// </summary>
public sealed class P8Benchmark : IBenchmark
{
    /// <summary>Records, against the navigation start, when the open tile first shows a number and when the map is ready.</summary>
    private const string Observe = """
        (() => {
            const check = () => {
                const tile = document.querySelector('[data-kpi=open]');
                if (window.__ccKpi === undefined && tile && /^\d+$/.test(tile.dataset.value ?? '')) window.__ccKpi = performance.now();
                const map = document.getElementById('wall-map');
                if (window.__ccMap === undefined && map && map.dataset.ready === 'true') window.__ccMap = performance.now();
            };
            new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true });
        })();
        """;

    public string Name => "p8";

    public async Task RunAsync(BenchContext context, CancellationToken ct)
    {
        var runs = context.Options.Runs;
        await using var db = await context.CreateDatabaseAsync(ct);
        await using var app = await BenchBrowser.StartAppAsync(db, ct);
        await using var browser = await BenchBrowser.LaunchAsync();

        string signedIn;
        await using (var signIn = await browser.NewContextAsync(app.BaseUrl))
        {
            await BenchBrowser.DeviceSignInAsync(await signIn.NewPageAsync());
            signedIn = await signIn.StorageStateAsync();
        }

        var kpiMs = new List<double>();
        var mapMs = new List<double>();
        var httpBytes = new List<long>();
        var wsBytes = new List<long>();
        IReadOnlyList<Resource> last = [];
        for (var run = 1; run <= runs; run++)
        {
            await using var c = await browser.NewContextAsync(app.BaseUrl, signedIn);
            var page = await c.NewPageAsync();
            await page.AddInitScriptAsync(Observe);
            var finished = new List<IRequest>();
            page.RequestFinished += (_, r) => { lock (finished) finished.Add(r); };
            var received = BenchBrowser.CountWebSocketBytes(page);

            await page.GotoAsync("/wall?kiosk=1");
            await page.WaitForFunctionAsync("() => window.__ccKpi !== undefined && window.__ccMap !== undefined", null, new() { Timeout = 60_000 });
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await page.WaitForTimeoutAsync(1000); // late fonts and tiles
            var kpi = await page.EvaluateAsync<double>("() => window.__ccKpi");
            var map = await page.EvaluateAsync<double>("() => window.__ccMap");
            IRequest[] requests;
            lock (finished) requests = [.. finished];
            var resources = new List<Resource>();
            foreach (var r in requests)
            {
                var sizes = await r.SizesAsync();
                var response = await r.ResponseAsync();
                var encoding = response is null ? null : await response.HeaderValueAsync("content-encoding");
                resources.Add(new Resource(r.Url.Replace(app.BaseUrl, ""), sizes.ResponseBodySize + sizes.ResponseHeadersSize, sizes.ResponseBodySize, encoding));
            }
            var total = resources.Sum(r => r.TransferBytes);
            kpiMs.Add(kpi);
            mapMs.Add(map);
            httpBytes.Add(total);
            var ws = received();
            wsBytes.Add(ws);
            last = resources;
            Console.WriteLine($"  run {run}: KPI numbers at {F(kpi, 0)} ms, map ready at {F(map, 0)} ms; {N(resources.Count)} responses, " +
                $"{KB(total)} transferred, WebSocket {KB(ws)} received; {Load()}");
        }

        Console.WriteLine("  top 10 responses of the last run by transfer size (body as sent, content-encoding):");
        foreach (var r in last.OrderByDescending(r => r.TransferBytes).Take(10))
            Console.WriteLine($"    {KB(r.TransferBytes),10}  {r.Encoding ?? "identity",-8} {r.Url}");
        Console.WriteLine($"P8 wall first render, cold, loopback: KPI numbers at median {F(Median(kpiMs), 0)} ms (max {F(kpiMs.Max(), 0)} ms; goal <= 1500 ms), " +
            $"map ready at median {F(Median(mapMs), 0)} ms; shipped median {KB((long)Median(httpBytes.Select(b => (double)b)))} over HTTP " +
            $"(goal <= 1.5 MB) + {KB((long)Median(wsBytes.Select(b => (double)b)))} over the circuit's WebSocket; {runs} runs; {Load()}");
    }

    private static string KB(long bytes) => $"{F(bytes / 1024.0, 1)} KB";

    private sealed record Resource(string Url, long TransferBytes, long BodyBytes, string? Encoding);
}
