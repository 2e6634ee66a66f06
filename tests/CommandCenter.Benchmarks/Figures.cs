using System.Diagnostics;
using System.Globalization;
using Dapper;
using Npgsql;

namespace CommandCenter.Benchmarks;

/// <summary>Small statistics and number formatting for the summary lines.</summary>
public static class Figures
{
    public static string N(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string F(double value, int decimals = 2) => value.ToString("F" + decimals, CultureInfo.InvariantCulture);

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Nearest-rank percentile of <paramref name="sorted"/> (ascending).</summary>
    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>The 1, 5 and 15 minute load averages, e.g. "load 12.31 10.02 9.87", to print next to every figure.</summary>
    public static string Load()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"load {parts[0]} {parts[1]} {parts[2]}";
        }
        catch (IOException)
        {
            return "load n/a";
        }
    }

    /// <summary>p50 / p99 / max of <paramref name="ms"/> (any order) in milliseconds.</summary>
    public static string Spread(IEnumerable<double> ms, params double[] percentiles)
    {
        var sorted = ms.Order().ToArray();
        if (percentiles.Length == 0) percentiles = [50, 99];
        return string.Join(", ", percentiles.Select(p => $"p{p} {F(Percentile(sorted, p))} ms")) + $", max {F(Percentile(sorted, 100))} ms";
    }

    public static string Bytes(long bytes) => bytes >= 1L << 30 ? $"{F(bytes / (double)(1L << 30), 1)} GiB" : $"{F(bytes / (double)(1L << 20), 0)} MiB";
}

/// <summary>
/// CPU seconds used by this process and by the PostgreSQL processes of the cluster (read from /proc: the server
/// must run on this machine). On 2 cores the load generator competes with the server, so both are reported.
/// </summary>
public sealed class CpuMeter
{
    private readonly string connectionString;
    private readonly TimeSpan client;
    private readonly Dictionary<int, double> server;
    private readonly Stopwatch wall = Stopwatch.StartNew();

    private CpuMeter(string connectionString, TimeSpan client, Dictionary<int, double> server)
    {
        this.connectionString = connectionString;
        this.client = client;
        this.server = server;
    }

    public static async Task<CpuMeter> StartAsync(string connectionString) =>
        new(connectionString, Process.GetCurrentProcess().TotalProcessorTime, await ServerAsync(connectionString));

    public async Task<CpuUse> StopAsync()
    {
        var seconds = wall.Elapsed.TotalSeconds;
        var clientUsed = (Process.GetCurrentProcess().TotalProcessorTime - client).TotalSeconds;
        var now = await ServerAsync(connectionString);
        return new CpuUse(clientUsed, now.Count == 0 ? null : now.Sum(p => p.Value - server.GetValueOrDefault(p.Key)), seconds);
    }

    private static async Task<Dictionary<int, double>> ServerAsync(string connectionString)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        var pids = await conn.QueryAsync<int>("select pid from pg_stat_activity");
        var result = new Dictionary<int, double>();
        foreach (var pid in pids)
        {
            if (ProcessSeconds(pid) is { } s) result[pid] = s;
        }
        return result;
    }

    /// <summary>CPU seconds used so far by these processes together (those that have exited count as 0).</summary>
    public static double SecondsOf(IEnumerable<int> pids) => pids.Sum(pid => ProcessSeconds(pid) ?? 0);

    /// <summary>The processes whose name (/proc/PID/comm) is <paramref name="name"/>, e.g. every Chromium process.</summary>
    public static IReadOnlyList<int> ProcessesNamed(string name) =>
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName)
            .Select(d => int.TryParse(d, out var pid) ? pid : 0).Where(pid => pid > 0)
            .Where(pid => { try { return File.ReadAllText($"/proc/{pid}/comm").Trim() == name; } catch (IOException) { return false; } })
            .ToList();

    /// <summary>utime + stime from /proc/PID/stat, in seconds (Linux clock ticks are 1/100 s).</summary>
    private static double? ProcessSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}

/// <summary>CPU seconds used by each side over <see cref="Seconds"/> of wall time; <see cref="Server"/> is null when unknown.</summary>
public sealed record CpuUse(double Client, double? Server, double Seconds)
{
    public double Total => Client + (Server ?? 0);

    public override string ToString() =>
        $"CPU: client {Figures.F(Client, 1)} s ({Figures.N(Client / Seconds * 100)} % of a core), " +
        (Server is { } s ? $"server {Figures.F(s, 1)} s ({Figures.N(s / Seconds * 100)} % of a core)" : "server n/a") + $", over {Figures.F(Seconds, 1)} s";
}
