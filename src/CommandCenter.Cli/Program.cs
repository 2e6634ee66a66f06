using CommandCenter.Core;
using CommandCenter.Core.Data;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Intake;
using CommandCenter.Core.Features.Org.Geo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Configuration;

// Adding a command = one entry here + one static method below.
Command[] commands =
[
    new("build-city-pack", "--node-modules <dir> --out <dir>", "Build the Beijing city pack from npm packages.", BuildCityPack),
    new("create-admin", "--user <name> [--display-name <text>]",
        "Create an administrator in the configured database (password from CC_ADMIN_PASSWORD or the first line of stdin).", CreateAdmin),
    new("import-csv", "--file <path> [--preset native|nyc311|la311] [--datum wgs84|gcj02] [--skip-bad]",
        "Import incidents from a CSV file (a backfill): check every row, then load in batches. The preset is detected from the header " +
        "when not given. Exit code 1 if rows are bad (nothing is loaded unless --skip-bad), the file is unusable or the load stops.", ImportCsv),
];

return Cli.Run(args, commands);

static int BuildCityPack(CliOptions options)
{
    var pack = CityPackBuilder.Build(options.Required("node-modules"));
    var outDir = options.Required("out");
    CityPackFile.Write(pack, outDir);
    var vertices = pack.Districts.Sum(d => GeoMath.VertexCount(d.Geometry));
    Console.WriteLine($"city pack: {pack.Districts.Count} districts, {pack.StreetUnits.Count} units, {vertices} vertices -> {Path.GetFullPath(outDir)}");
    return 0;
}

static int CreateAdmin(CliOptions options)
{
    var password = Environment.GetEnvironmentVariable("CC_ADMIN_PASSWORD") ?? Console.In.ReadLine()
        ?? throw new UsageException("give the password in CC_ADMIN_PASSWORD or on stdin");
    using var host = AppHost.Build();
    try
    {
        host.Services.GetRequiredService<DatabaseStartup>().RunAsync().GetAwaiter().GetResult();
        var draft = new UserDraft(options.Required("user"), options.Optional("display-name") ?? "Administrator", [Roles.Admin]);
        var user = host.Services.GetRequiredService<IdentityAdminService>()
            .CreateUserAsync(new Actor("cli"), draft, password).GetAwaiter().GetResult();
        Console.WriteLine($"created administrator '{user.UserName}' (id {user.Id})");
        return 0;
    }
    catch (Exception e) when (e is IdentityValidationException or DatabaseUnavailableException)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return 1;
    }
}

static int ImportCsv(CliOptions options)
{
    var file = Path.GetFullPath(options.Required("file"));
    if (!File.Exists(file)) throw new FileNotFoundException($"no file {file}");
    var datum = options.Optional("datum") switch
    {
        null or "wgs84" => Datum.Wgs84,
        "gcj02" => Datum.Gcj02,
        var other => throw new UsageException($"--datum must be wgs84 or gcj02, not '{other}'"),
    };
    var skipBad = options.Flag("skip-bad");
    using var cancel = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        // The first Ctrl+C stops after the batch being written; a second one ends the process.
        if (cancel.IsCancellationRequested) return;
        e.Cancel = true;
        Console.WriteLine("stopping after the batch being written (committed batches stay)...");
        cancel.Cancel();
    };
    using var host = AppHost.Build();
    try
    {
        host.Services.GetRequiredService<DatabaseStartup>().RunAsync().GetAwaiter().GetResult();
        var imports = host.Services.GetRequiredService<CsvImportService>();
        var sample = CsvImportService.Sample(file, 0);
        var preset = options.Optional("preset") ?? sample.DetectedPreset
            ?? throw new UsageException($"the header matches no preset: give --preset ({string.Join("|", CsvPresets.All.Select(p => p.Key))})");
        var mapping = new CsvMapping(CsvPresets.ColumnsFor(CsvPresets.Get(preset), sample.Headers), datum);
        var actor = new Actor($"cli:{Environment.UserName}");
        var shown = DateTime.UtcNow;
        Console.WriteLine($"checking {file} as {preset} ({IncidentCodes.Code(datum)})");
        var run = imports.ValidateAsync(actor, file, file, preset, mapping, p =>
        {
            if (DateTime.UtcNow - shown < TimeSpan.FromSeconds(1)) return;
            shown = DateTime.UtcNow;
            Console.WriteLine($"  checked {p.RowsDone:N0} rows ({p.RowsPerSecond:N0} rows/s)");
        }, cancel.Token).GetAwaiter().GetResult();
        if (run.Status != CsvImportStatus.Ready)
        {
            Console.Error.WriteLine($"error: import {run.Id} {IncidentCodes.Code(run.Status)}: {run.Message}");
            return 1;
        }
        Console.WriteLine($"import {run.Id}: {run.RowsTotal:N0} rows, {run.RowsValid:N0} valid, {run.RowsBad:N0} bad");
        foreach (var e in run.Errors.Take(20))
            Console.WriteLine($"  row {e.Row}{(e.Column is null ? "" : $", {e.Column}")}: {e.Reason}");
        if (run.RowsBad > 20) Console.WriteLine($"  ... and {run.RowsBad - 20:N0} more (the first {run.Errors.Count:N0} are kept with import {run.Id})");
        if (run.RowsBad > 0 && !skipBad)
        {
            Console.Error.WriteLine($"error: nothing imported. Fix the file, or run again with --skip-bad to import the {run.RowsValid:N0} valid rows " +
                $"and skip the {run.RowsBad:N0} reported ones.");
            return 1;
        }
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var done = imports.ImportAsync(actor, run.Id, file, skipBad, p =>
            Console.WriteLine($"  loaded {p.RowsDone:N0} / {p.RowsTotal:N0} rows, {p.RowsImported:N0} new ({p.RowsPerSecond:N0} rows/s)"), cancel.Token)
            .GetAwaiter().GetResult();
        Console.WriteLine($"import {done.Id} {IncidentCodes.Code(done.Status)} in {watch.Elapsed.TotalSeconds:0.0} s: {done.RowsImported:N0} incidents added, " +
            $"{done.RowsDuplicate:N0} already there, {(done.Status == CsvImportStatus.Completed ? done.RowsBad : 0):N0} bad rows skipped");
        if (done.Message is not null) Console.WriteLine($"  {done.Message}");
        return done.Status == CsvImportStatus.Completed ? 0 : 1;
    }
    catch (Exception e) when (e is CsvImportException or DatabaseUnavailableException)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return 1;
    }
}

/// <summary>Core composed as the web app composes it: the repository's appsettings.json plus environment variables.</summary>
internal static class AppHost
{
    public static IHost Build()
    {
        var root = ContentRoot.Find();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = root, Args = [] });
        // Commands print their own result; only problems are logged, as plain text.
        builder.Configuration.AddInMemoryCollection([new("Logging:LogLevel:Default", "Warning"), new("Logging:Console:FormatterName", "simple")]);
        builder.Services.AddCommandCenterCore();
        return builder.Build();
    }

}

internal sealed record Command(string Name, string Arguments, string Description, Func<CliOptions, int> Run);

/// <summary>Thrown for bad command lines; reported with the usage text and exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>The <c>--name value</c> pairs after the command name.</summary>
internal sealed class CliOptions
{
    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);

    public CliOptions(IEnumerable<string> args)
    {
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var name = e.Current;
            if (!name.StartsWith("--", StringComparison.Ordinal) || name.Length == 2)
                throw new UsageException($"unexpected argument '{name}'");
            if (Flags.Contains(name[2..]))
            {
                values[name[2..]] = "true";
                continue;
            }
            if (!e.MoveNext())
                throw new UsageException($"{name} needs a value");
            values[name[2..]] = e.Current;
        }
    }

    /// <summary>Options that take no value.</summary>
    private static readonly HashSet<string> Flags = ["skip-bad"];

    public bool Flag(string name) => values.ContainsKey(name);

    public string? Optional(string name) => values.GetValueOrDefault(name);

    public string Required(string name) =>
        values.TryGetValue(name, out var value) ? value : throw new UsageException($"--{name} is required");
}

internal static class Cli
{
    public static int Run(string[] args, IReadOnlyList<Command> commands)
    {
        var command = args.Length > 0 ? commands.FirstOrDefault(c => c.Name == args[0]) : null;
        if (command is null)
            return Usage(commands, args.Length > 0 && args[0] is not ("-h" or "--help") ? $"unknown command '{args[0]}'" : null);

        try
        {
            return command.Run(new CliOptions(args.Skip(1)));
        }
        catch (UsageException e)
        {
            return Usage(commands, e.Message);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    private static int Usage(IReadOnlyList<Command> commands, string? problem)
    {
        if (problem is not null)
            Console.Error.WriteLine($"error: {problem}");
        Console.Error.WriteLine("usage: CommandCenter.Cli <command> [options]");
        foreach (var c in commands)
            Console.Error.WriteLine($"  {c.Name} {c.Arguments}\n      {c.Description}");
        return 2;
    }
}
