namespace CommandCenter.Benchmarks;

/// <summary>The command line: a benchmark name and a few sizes; unset sizes take each benchmark's default.</summary>
/// <param name="Keep">backfill: keep the year in <see cref="BenchContext.YearDatabase"/> for <c>p3 --reuse</c>.</param>
/// <param name="Reuse">p3: measure on the year <c>backfill --keep</c> left instead of writing 30 days.</param>
/// <param name="Walls">p4: wall pages (default 3).</param>
/// <param name="Consoles">p4: commander consoles (default 5; 0 allowed).</param>
public sealed record BenchOptions(string Benchmark, int? Incidents, int Runs, int? Seconds, int Writers, int? Rate, bool Keep = false, bool Reuse = false,
    int Walls = 3, int Consoles = 5)
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
            if (i + 1 >= args.Length || !int.TryParse(args[i + 1].Replace("_", "").Replace(",", ""), out var value) || value < (arg == "--consoles" ? 0 : 1))
            {
                error = $"{arg} needs a {(arg == "--consoles" ? "whole" : "positive")} number";
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
                case "--walls": options = options with { Walls = value }; break;
                case "--consoles": options = options with { Consoles = value }; break;
                default: error = $"unknown option {arg}"; return false;
            }
        }
        return true;
    }
}
