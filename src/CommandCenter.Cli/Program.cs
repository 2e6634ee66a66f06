using CommandCenter.Core;
using CommandCenter.Core.Data;
using CommandCenter.Core.Features.Identity;
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
            if (!e.MoveNext())
                throw new UsageException($"{name} needs a value");
            values[name[2..]] = e.Current;
        }
    }

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
