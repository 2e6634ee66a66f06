namespace CommandCenter.Benchmarks;

/// <summary>The command line: a benchmark name and a few sizes; unset sizes take each benchmark's default.</summary>
/// <param name="Keep">backfill: keep the year in <see cref="BenchContext.YearDatabase"/> for <c>p3 --reuse</c>.</param>
/// <param name="Reuse">p3: measure on the year <c>backfill --keep</c> left instead of writing 30 days.</param>
public sealed record BenchOptions(string Benchmark, int? Incidents, int Runs, int? Seconds, int Writers, int? Rate, bool Keep = false, bool Reuse = false)
{
    public static bool TryParse(string[] args, out BenchOptions options, out string error)
    {
        options = new BenchOptions("all", null, 3, null, 8, null);
        error = "";
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                options = options with { Benchmark = arg };
                continue;
            }
            if (arg is "--keep" or "--reuse")
            {
                options = arg == "--keep" ? options with { Keep = true } : options with { Reuse = true };
                continue;
            }
            if (i + 1 >= args.Length || !int.TryParse(args[i + 1].Replace("_", "").Replace(",", ""), out var value) || value <= 0)
            {
                error = $"{arg} needs a positive number";
                return false;
            }
            i++;
            switch (arg)
            {
                case "--incidents": options = options with { Incidents = value }; break;
                case "--runs": options = options with { Runs = value }; break;
                case "--seconds": options = options with { Seconds = value }; break;
                case "--writers": options = options with { Writers = value }; break;
                case "--rate": options = options with { Rate = value }; break;
                default: error = $"unknown option {arg}"; return false;
            }
        }
        return true;
    }
}
